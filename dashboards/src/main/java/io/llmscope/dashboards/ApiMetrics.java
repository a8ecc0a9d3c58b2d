package io.llmscope.dashboards;

import io.llmscope.query.QueryException;
import io.llmscope.storage.Storage;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What {@code GET /metrics} serves: a Micrometer Prometheus registry holding the store's gauges
 * (every tenant, see {@link StorageMeters}), the query latency timer measured by the API, and
 * whatever other modules bound to {@link #registry()} (ingest counters, JVM).
 */
public final class ApiMetrics {
  /** The Prometheus text exposition format that {@link #scrape} writes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Duration[] QUERY_BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final PrometheusMeterRegistry registry;
  private final StorageMeters storage;
  private final Timer queryOk;
  private final Timer queryBad;
  private final Timer queryFailed;

  public ApiMetrics(PrometheusMeterRegistry registry, Storage storage) {
    this.registry = registry;
    this.storage = new StorageMeters(storage, registry);
    this.queryOk = queryTimer("ok");
    this.queryBad = queryTimer("bad_request");
    this.queryFailed = queryTimer("error");
  }

  private Timer queryTimer(String outcome) {
    return Timer.builder("llmscope.query")
        .description("POST /api/v1/query: time from the request's body being read to its response being encoded, by outcome")
        .tag("outcome", outcome).serviceLevelObjectives(QUERY_BUCKETS).register(registry);
  }

  /** The registry other modules bind their meters to. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Records one query that started at {@code startNanos} ({@link System#nanoTime}); {@code failure} null when it succeeded. */
  void queryDone(long startNanos, Throwable failure) {
    Timer t = failure == null ? queryOk : failure instanceof QueryException ? queryBad : queryFailed;
    t.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /** Every meter in the Prometheus text format, the store's figures read now. */
  String scrape() {
    storage.refresh();
    return registry.scrape();
  }
}
