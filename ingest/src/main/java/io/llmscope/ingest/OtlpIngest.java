package io.llmscope.ingest;

import io.llmscope.storage.Storage;
import io.llmscope.storage.TenantResolver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The OTLP receivers (gRPC and HTTP) in front of a {@link Storage}: the ingest module's entry
 * point. A span is acknowledged only after {@link Storage#append} returned for it.
 */
public final class OtlpIngest {
  private final OtlpHttpServer http;
  private final OtlpGrpcServer grpc;
  private final IngestConfig config;
  private final IngestMetrics metrics = new IngestMetrics();
  private final AtomicBoolean stopped = new AtomicBoolean();

  public OtlpIngest(Vertx vertx, Storage storage, IngestConfig config, TenantResolver tenants) {
    this.config = config;
    IngestPipeline pipeline = new IngestPipeline(storage, metrics, config);
    this.http = new OtlpHttpServer(vertx, pipeline, tenants);
    this.grpc = new OtlpGrpcServer(vertx, pipeline, tenants);
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

  /** Stops accepting and lets in-flight requests finish. Idempotent. */
  public Future<Void> stop() {
    if (!stopped.compareAndSet(false, true)) return Future.succeededFuture();
    return Future.join(grpc.stop(), http.stop()).mapEmpty();
  }
}
