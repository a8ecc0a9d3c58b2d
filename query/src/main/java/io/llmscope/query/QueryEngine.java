package io.llmscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StoreSnapshot;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * Answers {@code POST /api/v1/query}: the single entry point of the query module.
 * Thread-safe; each call works on its own storage snapshot.
 */
public final class QueryEngine {
  private final Storage storage;
  private final LongSupplier clockMs;
  private final QueryLimits limits;
  private final QueryParser parser;

  public QueryEngine(Storage storage) {
    this(storage, System::currentTimeMillis, QueryLimits.DEFAULTS);
  }

  public QueryEngine(Storage storage, LongSupplier clockMs, QueryLimits limits) {
    this.storage = storage;
    this.clockMs = clockMs;
    this.limits = limits;
    this.parser = new QueryParser(limits.defaultLimit(), limits.maxLimit(), limits.maxBuckets());
  }

  /**
   * The newest {@code limit} spans (model calls and the rest) that started in [from, to) with
   * the given dimension values; {@code params} are the URL parameters of {@code GET /api/v1/spans}
   * ({@code from}, {@code to}, {@code limit}, and any dimension name such as {@code service}).
   */
  public List<LlmSpan> spans(String tenant, Map<String, String> params) {
    long now = clockMs.getAsLong();
    long from = TimeExpr.parseTime(params.getOrDefault("from", "now-24h"), now, "from");
    long to = TimeExpr.parseTime(params.getOrDefault("to", "now"), now, "to");
    int limit = 100;
    Map<Dim, String> equals = new EnumMap<>(Dim.class);
    for (Map.Entry<String, String> e : params.entrySet()) {
      switch (e.getKey()) {
        case "from", "to" -> { }
        case "limit" -> {
          try {
            limit = Integer.parseInt(e.getValue());
          } catch (NumberFormatException ex) {
            limit = -1;
          }
          if (limit <= 0) throw new QueryException("'limit' must be a positive integer, got '" + e.getValue() + "'");
          limit = Math.min(limit, limits.maxLimit());
        }
        default -> {
          Dim d = Dim.byName(e.getKey());
          if (d == null) throw new QueryException("unknown span filter '" + e.getKey() + "'; use from, to, limit or a dimension such as service, model, status, user");
          equals.put(d, e.getValue());
        }
      }
    }
    try (StoreSnapshot snap = storage.snapshot(tenant)) {
      return SpanSearch.newest(snap, from, to, equals, limit);
    }
  }

  /** Parses and runs a query for a tenant; throws {@link QueryException} for a bad query. */
  public QueryResult query(String tenant, JsonNode body) {
    long t0 = System.nanoTime();
    QuerySpec spec = parser.parse(body, clockMs.getAsLong());
    Aggregation agg;
    ParallelScan.Counts counts;
    try (StoreSnapshot snap = storage.snapshot(tenant)) {
      ParallelScan scan = new ParallelScan(snap.batches(), limits.scanThreads(), limits.useRollups(), SCAN_POOL);
      agg = scan.run(() -> new Aggregation(spec, limits.maxGroups()));
      counts = scan.counts();
    }
    List<String> columns = new ArrayList<>();
    if (spec.stepMs() > 0) columns.add("time");
    for (FieldRef g : spec.groupBy()) columns.add(g.name());
    for (Metric m : spec.metrics()) columns.add(m.label());
    List<List<Object>> rows = agg.rows();
    long took = (System.nanoTime() - t0) / 1_000_000L;
    return new QueryResult(columns, rows, new QueryResult.Stats(agg.rowsScanned(), agg.cellsRead(), counts.scanned(), counts.pruned(),
        agg.resultRows(), took));
  }

  /**
   * Scan workers shared by every engine in the process; daemon threads, so nothing has to shut
   * them down. The calling thread always scans too, so a query progresses even when all are busy.
   */
  private static final Executor SCAN_POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "llmscope-query-scan");
    t.setDaemon(true);
    return t;
  });
}
