package io.llmscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StoreSnapshot;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.scan.ScoreView;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The query module's entry point: aggregation queries ({@link #query}), span listings
 * ({@link #spans}) and trace lookups ({@link #trace}) over one store. Thread-safe; each call works
 * on its own storage snapshot. Segment scans run on a pool of {@link QueryLimits#scanPoolThreads()}
 * daemon threads that every query of this engine shares; {@link #close} ends it.
 */
public final class QueryEngine implements AutoCloseable {
  private static final AtomicInteger ENGINES = new AtomicInteger();
  /** Scan threads are named {@code THREAD_PREFIX + engine + "-" + n}. */
  static final String THREAD_PREFIX = "llmscope-query-scan-";

  private final Storage storage;
  private final LongSupplier clockMs;
  private final QueryLimits limits;
  private final ThreadPoolExecutor scanPool;
  private final String threadPrefix;
  /** Values a group keeps exactly before it builds a quantile sketch; tests compare with 0 (always a sketch). */
  private int exactValues = MetricState.Sketches.EXACT_VALUES;

  public QueryEngine(Storage storage) {
    this(storage, System::currentTimeMillis, QueryLimits.DEFAULTS);
  }

  public QueryEngine(Storage storage, LongSupplier clockMs, QueryLimits limits) {
    this.storage = storage;
    this.clockMs = clockMs;
    this.limits = limits;
    this.threadPrefix = THREAD_PREFIX + ENGINES.incrementAndGet() + "-";
    AtomicInteger threads = new AtomicInteger();
    BlockingQueue<Runnable> queue = limits.scanQueue() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(limits.scanQueue());
    // Beyond the queue a task is refused, and the querying thread scans its batches itself.
    this.scanPool = new ThreadPoolExecutor(limits.scanPoolThreads(), limits.scanPoolThreads(), 30, TimeUnit.SECONDS, queue, r -> {
      Thread t = new Thread(r, threadPrefix + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
    scanPool.allowCoreThreadTimeOut(true); // an idle engine holds no threads
  }

  /** A query builder whose relative times ({@code now-1h}) resolve against this engine's clock. */
  public Query.Builder newQuery() {
    return Query.builder().now(clockMs.getAsLong());
  }

  /** Parses a JSON body (API.md "Query") and runs it; throws {@link QueryException} for a bad query. */
  public QueryResult query(String tenant, JsonNode body) {
    return query(tenant, Query.fromJson(body, clockMs.getAsLong(), limits));
  }

  /**
   * Runs a query for a tenant; throws {@link QueryException} when it breaks this engine's limits,
   * among them the groups and the memory it may aggregate ({@link QueryLimits#maxGroups()},
   * {@link QueryLimits#maxQueryMemoryBytes()}), checked while it aggregates.
   */
  public QueryResult query(String tenant, Query q) {
    try (StoreSnapshot snap = storage.snapshot(tenant)) {
      return run(q, snap.batches(), storage.scores(tenant));
    }
  }

  /**
   * A run of queries over one snapshot of a tenant, keeping each segment's decoded columns between
   * them: an alert round's many small queries over the same segments decode each column once. Its
   * memory is that of the columns its queries read, until it is closed; not thread-safe.
   */
  public final class Session implements AutoCloseable {
    private final StoreSnapshot snap;
    private final List<io.llmscope.storage.scan.ColumnBatch> batches;
    private final ScoreView scores;

    private Session(String tenant) {
      this.snap = storage.snapshot(tenant);
      this.batches = snap.keptBatches();
      this.scores = storage.scores(tenant);
    }

    public QueryResult query(Query q) {
      return run(q, batches, scores);
    }

    /** As {@link QueryEngine#sample}. */
    public Map<List<String>, double[]> sample(Query q, FieldRef field) {
      return QueryEngine.this.sample(q, field, this::query);
    }

    /** As {@link QueryEngine#contents}. */
    public Map<List<String>, List<SpanContent>> contents(Query q) {
      return QueryEngine.this.contents(q, this::query);
    }

    @Override
    public void close() {
      snap.close();
    }
  }

  /** A {@link Session} over the tenant's spans as they are now. */
  public Session session(String tenant) {
    return new Session(tenant);
  }

  private QueryResult run(Query q, List<io.llmscope.storage.scan.ColumnBatch> batches, ScoreView scores) {
    long t0 = System.nanoTime();
    if (q.stepMs() > 0) {
      long buckets = (q.toMs() - q.fromMs()) / q.stepMs() + 1;
      if (buckets > limits.maxBuckets()) {
        throw new QueryException("'step' " + q.stepMs() + " ms makes " + buckets + " buckets over the range; at most "
            + limits.maxBuckets() + " allowed (" + QueryLimits.MAX_BUCKETS_KEY + ")");
      }
    }
    int limit = q.limit() == 0 ? limits.defaultLimit() : Math.min(q.limit(), limits.maxLimit());
    Planner planner = new Planner(q, limits.useRollups());
    ParallelScan scan = new ParallelScan(batches, limits.scanThreads(), scanPool, planner, q.explain() ? QueryPlan.MAX_BATCHES : 0);
    QueryMemory memory = new QueryMemory(limits.maxQueryMemoryBytes());
    Aggregation agg = scan.run(() -> new Aggregation(q, limit, limits.maxGroups(), memory, exactValues, scores, limits.compareSampleValues(),
        limits.contentSampleTexts()));
    List<List<Object>> rows = agg.rows();
    QueryPlan.Tally tally = scan.tally();
    long took = (System.nanoTime() - t0) / 1_000_000L;
    return new QueryResult(q.columns(), rows, new QueryResult.Stats(agg.rowsScanned(), agg.cellsRead(),
        tally.segmentsRead(), tally.segments(BatchPlan.Decision.PRUNED), agg.resultRows(), took),
        q.explain() ? scan.plan() : null);
  }

  /**
   * Compares two cohorts (API.md {@code POST /api/v1/compare}): per metric both values, the
   * difference with a 95% confidence interval, the test, its p-value and the sample sizes. Without
   * {@code metrics}: latency percentiles, cost and tokens per call, error rate and every score's mean.
   */
  public JsonNode compare(String tenant, JsonNode body) {
    return Comparison.run(this, tenant, body, clockMs.getAsLong(), storage.scores(tenant).names().keySet());
  }

  /**
   * Per group of {@code q} (its metrics are ignored), the values of {@code field} on its rows:
   * every one up to {@link QueryLimits#compareSampleValues()}, a uniform sample beyond (drift tests).
   */
  public Map<List<String>, double[]> sample(String tenant, Query q, FieldRef field) {
    return sample(q, field, s -> query(tenant, s));
  }

  private Map<List<String>, double[]> sample(Query q, FieldRef field, java.util.function.Function<Query, QueryResult> run) {
    if (!field.numeric()) throw new QueryException("'" + field.name() + "' is not numeric: its values cannot be sampled");
    return perGroup(q, Metric.sample(field), run, v -> ((MetricState.Sampled) v).values());
  }

  /**
   * Per group of {@code q} (its metrics are ignored), the captured content of its rows: every span
   * with content up to {@link QueryLimits#contentSampleTexts()}, a uniform sample beyond (content drift).
   */
  public Map<List<String>, List<SpanContent>> contents(String tenant, Query q) {
    return contents(q, s -> query(tenant, s));
  }

  private Map<List<String>, List<SpanContent>> contents(Query q, java.util.function.Function<Query, QueryResult> run) {
    return perGroup(q, Metric.contentSample(), run, v -> ((MetricState.SampledContent) v).contents());
  }

  /** {@code q}'s groups with one internal metric instead of its own, each group's value as {@code value} makes it. */
  private <T> Map<List<String>, T> perGroup(Query q, Metric metric, java.util.function.Function<Query, QueryResult> run,
      java.util.function.Function<Object, T> value) {
    Query s = new Query(q.fromMs(), q.toMs(), q.filters(), q.groupBy(), 0, List.of(metric), List.of(), limits.maxLimit(),
        q.llmOnly(), false);
    Map<List<String>, T> out = new java.util.LinkedHashMap<>();
    int ng = q.groupBy().size();
    for (List<Object> row : run.apply(s).rows()) {
      List<String> key = new java.util.ArrayList<>(ng);
      for (int g = 0; g < ng; g++) key.add(row.get(g) == null ? "" : String.valueOf(row.get(g)));
      out.put(key, value.apply(row.get(ng)));
    }
    return out;
  }

  /** The newest spans matching a listing, canonical fields only, newest first. */
  public List<LlmSpan> spans(String tenant, SpanQuery q) {
    int limit = Math.min(q.limit(), limits.maxLimit());
    try (StoreSnapshot snap = storage.snapshot(tenant)) {
      return SpanSearch.newest(snap, q, limit);
    }
  }

  /** {@link #spans(String, SpanQuery)} for the URL parameters of {@code GET /api/v1/spans} ({@link SpanQuery#fromParams}). */
  public List<LlmSpan> spans(String tenant, Map<String, String> params) {
    return spans(tenant, SpanQuery.fromParams(params, clockMs.getAsLong(), limits.maxLimit()));
  }

  /**
   * Every stored span of one trace with its detail (attributes, resource, events), in no
   * particular order; empty when the tenant has no such trace. Segments whose trace filter rules
   * the trace out are not read.
   */
  public List<LlmSpan> trace(String tenant, long traceIdHi, long traceIdLo) {
    return storage.trace(tenant, traceIdHi, traceIdLo);
  }

  /** The limits this engine enforces. */
  public QueryLimits limits() {
    return limits;
  }

  /**
   * Stops the scan pool: running scans finish, and later queries scan on their calling thread
   * alone. Does not close the storage. Idempotent.
   */
  @Override
  public void close() {
    scanPool.shutdown();
  }

  /** Sets how many values a group keeps exactly before it builds a quantile sketch (tests: 0 is the eager sketch). */
  void keepExactValues(int n) {
    exactValues = n;
  }

  /** Prefix of this engine's scan thread names (tests count them). */
  String scanThreadPrefix() {
    return threadPrefix;
  }
}
