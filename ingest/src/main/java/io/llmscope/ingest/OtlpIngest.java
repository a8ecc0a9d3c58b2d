package io.llmscope.ingest;

import io.llmscope.storage.Storage;
import io.llmscope.ingest.pricing.PriceTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The OTLP receivers (gRPC and HTTP) in front of a {@link Storage}: the ingest module's entry
 * point. A span is acknowledged only after {@link Storage#append} returned for it.
 */
public final class OtlpIngest {
  private final OtlpHttpServer http;
  private final OtlpGrpcServer grpc;
  private final IngestConfig config;
  private final IngestMetrics metrics = new IngestMetrics();
  private final Drain drain = new Drain();
  private final Vertx vertx;
  private final AtomicBoolean stopped = new AtomicBoolean();

  /**
   * @param tenants maps a request's {@code Authorization} header (HTTP) or {@code authorization}
   *     metadata (gRPC), null when absent, to the tenant its spans belong to; null refuses the
   *     request (401 / UNAUTHENTICATED)
   * @param prices each tenant's price table ({@link TenantPrices#table}): prices model calls that
   *     report no cost (unless {@code config.pricing()} is off)
   */
  public OtlpIngest(Vertx vertx, Storage storage, IngestConfig config, Function<String, String> tenants,
      Function<String, PriceTable> prices) {
    this.config = config;
    this.vertx = vertx;
    IngestPipeline pipeline = new IngestPipeline(storage, metrics, config, config.pricing() ? prices : null);
    this.http = new OtlpHttpServer(vertx, pipeline, tenants, drain);
    this.grpc = new OtlpGrpcServer(vertx, pipeline, tenants, drain);
  }

  /** Binds both listeners. */
  public Future<Void> start() {
    return Future.all(grpc.start(config.host(), config.grpcPort()), http.start(config.host(), config.httpPort()))
        .mapEmpty();
  }

  public int grpcPort() {
    return grpc.port();
  }

  public int httpPort() {
    return http.port();
  }

  public IngestMetrics metrics() {
    return metrics;
  }

  /**
   * Graceful stop: from now on every request is answered 503 / UNAVAILABLE (retry later); those
   * taken before are finished and answered; the listeners close once no request is in progress
   * and none has come for a moment, or when {@code graceMs} is over. When the future completes no
   * append is under way, so the store may be closed. Idempotent.
   */
  public Future<Void> stop(long graceMs) {
    if (!stopped.compareAndSet(false, true)) return Future.succeededFuture();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
    return drain.drain(vertx, graceMs).compose(drained -> {
      long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      return Future.join(grpc.stop(left), http.stop(left));
    }).mapEmpty();
  }
}
