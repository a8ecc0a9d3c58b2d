package io.llmscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmscope.storage.ColumnBatch;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StoreSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Answers {@code POST /api/v1/query}: the single entry point of the query module.
 * Thread-safe; each call works on its own storage snapshot.
 */
public final class QueryEngine {
  public static final int DEFAULT_LIMIT = 1000;
  public static final int MAX_LIMIT = 100_000;
  public static final int MAX_BUCKETS = 100_000;

  private final Storage storage;
  private final LongSupplier clockMs;
  private final QueryParser parser;

  public QueryEngine(Storage storage) {
    this(storage, System::currentTimeMillis, DEFAULT_LIMIT, MAX_LIMIT, MAX_BUCKETS);
  }

  public QueryEngine(Storage storage, LongSupplier clockMs, int defaultLimit, int maxLimit, int maxBuckets) {
    this.storage = storage;
    this.clockMs = clockMs;
    this.parser = new QueryParser(defaultLimit, maxLimit, maxBuckets);
  }

  /** Parses and runs a query for a tenant; throws {@link QueryException} for a bad query. */
  public QueryResult query(String tenant, JsonNode body) {
    long t0 = System.nanoTime();
    QuerySpec spec = parser.parse(body, clockMs.getAsLong());
    Aggregation agg = new Aggregation(spec);
    try (StoreSnapshot snap = storage.snapshot(tenant)) {
      for (ColumnBatch b : snap.batches()) {
        if (agg.overlaps(b)) agg.add(b);
      }
    }
    List<String> columns = new ArrayList<>();
    if (spec.stepMs() > 0) columns.add("time");
    for (FieldRef g : spec.groupBy()) columns.add(g.name());
    for (Metric m : spec.metrics()) columns.add(m.label());
    List<List<Object>> rows = agg.rows();
    long took = (System.nanoTime() - t0) / 1_000_000L;
    return new QueryResult(columns, rows, new QueryResult.Stats(agg.rowsScanned(), 0, 0, took));
  }
}
