package io.llmscope.server;

import io.llmscope.dashboards.HttpApi;
import io.llmscope.ingest.IngestConfig;
import io.llmscope.ingest.OtlpIngest;
import io.llmscope.query.QueryEngine;
import io.llmscope.query.QueryLimits;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.TenantResolver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * One LLMScope process: the single place that wires the modules together
 * (storage ← ingest, storage ← query ← dashboards).
 */
public final class LlmScopeServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LlmScopeServer.class.getName());

  private final Storage storage;
  private final Vertx vertx;
  private final OtlpIngest ingest;
  private final HttpApi api;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();

  private LlmScopeServer(Storage storage, Vertx vertx, OtlpIngest ingest, HttpApi api) {
    this.storage = storage;
    this.vertx = vertx;
    this.ingest = ingest;
    this.api = api;
  }

  /** Opens the store (replaying the WAL), binds every listener, and returns when all are up. */
  public static LlmScopeServer start(ServerConfig config, Path dataDir, int grpcPort, int otlpHttpPort, int httpPort)
      throws Exception {
    Files.createDirectories(dataDir);
    StorageConfig sc = config.storageConfig(dataDir);
    Storage storage = Storage.open(sc);
    Vertx vertx = Vertx.vertx();
    TenantResolver tenants = tenants(config);
    IngestConfig ic = IngestConfig.builder().host(config.host).grpcPort(grpcPort).httpPort(otlpHttpPort)
        .maxBodyBytes(config.limits.maxBodyBytes).maxInflightRequests(config.limits.maxInflightRequests)
        .captureContent(config.content.capture).maxContentChars(config.content.maxChars).build();
    OtlpIngest ingest = new OtlpIngest(vertx, storage, ic, tenants);
    QueryEngine queries = new QueryEngine(storage, System::currentTimeMillis, QueryLimits.builder()
        .defaultLimit(config.limits.queryDefaultLimit).maxLimit(config.limits.queryMaxLimit)
        .maxBuckets(config.limits.queryMaxBuckets).maxGroups(config.limits.queryMaxGroups)
        .scanThreads(config.limits.queryScanThreads).useRollups(config.limits.queryRollups).build());
    LlmScopeServer server = new LlmScopeServer(storage, vertx, ingest, null);
    HttpApi api = new HttpApi(vertx, storage, queries, tenants, server.ready::get)
        .metric("llmscope_ingest_requests_total", () -> ingest.metrics().requests())
        .metric("llmscope_ingest_spans_accepted_total", () -> ingest.metrics().spansAccepted())
        .metric("llmscope_ingest_spans_rejected_total", () -> ingest.metrics().spansRejected())
        .metric("llmscope_ingest_requests_rejected_total", () -> ingest.metrics().requestsRejected())
        .metric("llmscope_ingest_requests_throttled_total", () -> ingest.metrics().requestsThrottled())
        .metric("llmscope_ingest_bytes_total", () -> ingest.metrics().bytesReceived());
    server = new LlmScopeServer(storage, vertx, ingest, api);
    try {
      Future.all(ingest.start(), api.start(config.host, httpPort)).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      server.close();
      throw e;
    }
    server.ready.set(true);
    return server;
  }

  private static TenantResolver tenants(ServerConfig config) {
    if (config.auth.keys.isEmpty()) return TenantResolver.open();
    Map<String, String> byKey = new HashMap<>();
    for (ServerConfig.ApiKey k : config.auth.keys) byKey.put(k.key, k.tenant);
    return header -> {
      if (header == null) return null;
      String h = header.trim();
      if (h.regionMatches(true, 0, "Bearer ", 0, 7)) h = h.substring(7).trim();
      return byKey.get(h);
    };
  }

  public int grpcPort() {
    return ingest.grpcPort();
  }

  public int otlpHttpPort() {
    return ingest.httpPort();
  }

  public int httpPort() {
    return api.port();
  }

  public String readyLine() {
    return "llmscope ready otlp-grpc=" + grpcPort() + " otlp-http=" + otlpHttpPort() + " http=" + httpPort();
  }

  public Storage storage() {
    return storage;
  }

  /**
   * Graceful stop: stop accepting, let in-flight requests finish, then sync and close the WAL.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!stopped.compareAndSet(false, true)) return;
    ready.set(false);
    try {
      Future<Void> ingestStopped = ingest.stop();
      Future<Void> apiStopped = api == null ? Future.succeededFuture() : api.stop();
      Future.join(ingestStopped, apiStopped).await(8, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warning("listeners did not stop cleanly: " + e);
    }
    storage.close();
    try {
      vertx.close().await(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warning("event loops did not stop cleanly: " + e);
    }
  }
}
