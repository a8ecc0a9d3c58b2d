package io.llmscope.query;

import io.llmscope.bench.StoreFork;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.StorageStatus;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Query aggregation over {@value #SPANS} LLM spans in sealed segments, through the public
 * {@link QueryEngine#query(String, Query)} entry point with typed queries: full scans (BENCHMARKS.md Q1, Q2, Q3 shapes) and queries
 * whose equality / {@code in} filters are answered from segment postings (Q7 shape, and a count).
 * Each invocation builds a fresh storage snapshot, so column files are read (from the page cache)
 * and decompressed every time, as a real query does.
 *
 * <p>The dataset is deterministic from {@link #SEED}: 24 hours from {@link #T0}, 20 services
 * (Zipf), 3 environments, 12 models from 4 providers, 50,000 users (Zipf), 200,000 sessions,
 * finish reasons including absent, ~2% errors, log-normal input (median 800) and output (median
 * 250) tokens, latency = model base + per-output-token time with log-normal noise and a heavy
 * tail. Spans are appended in start-time order and sealed every {@link
 * StorageConfig#DEFAULT_SEAL_ROWS} rows, so the store holds 4 segments and no head.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar AggregationBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class AggregationBenchmark extends StoreFork {
  static final int SPANS = 1_000_000;
  static final long SEED = 42;
  /** Tenant of an open (unauthenticated) server: {@code TenantResolver.open()}. */
  static final String TENANT = "default";
  static final long T0 = Instant.parse("2026-11-27T00:00:00Z").toEpochMilli();
  static final long DAY_MS = 86_400_000L;

  // Filter values of the bitmap-filtered queries (the most common service, a mid-weight model).
  static final String FILTER_SERVICE = "chat-api";
  static final String FILTER_MODEL = "gpt-4o";
  static final String FILTER_FINISH = "stop";
  static final List<String> IN_MODELS = List.of("gpt-4o", "claude-sonnet-4");

  private Path dir;
  private Storage storage;
  private QueryEngine engine;
  private QueryEngine rowsOnly;
  private Query q1;
  private Query q2;
  private Query q3;
  private Query q7;
  private Query qIn;
  private Query qSpans;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    dir = Files.createTempDirectory("llmscope-jmh-agg");
    // Fixed timestamps in the past: retention must not drop them whatever the wall clock says.
    storage = Storage.open(StorageConfig.builder(dir.resolve("store")).retentionMs(100L * 365 * DAY_MS).build());
    engine = new QueryEngine(storage, () -> T0 + DAY_MS, QueryLimits.DEFAULTS);
    rowsOnly = new QueryEngine(storage, () -> T0 + DAY_MS, QueryLimits.DEFAULTS.withRollups(false));
    try {
      load();
    } catch (Throwable e) {
      tearDown(); // JMH does not run @TearDown after a failed @Setup: do not leave ~300 MB in the temp dir
      throw e;
    }
  }

  private void load() throws Exception {
    Expected expected = Dataset.load(storage, TENANT, SEED, SPANS);

    StorageStatus status = storage.status(TENANT);
    if (status.spans() != SPANS || status.headRows() != 0) {
      throw new IllegalStateException("expected " + SPANS + " sealed rows, store has " + status);
    }

    // Q1's full answer is 1,440 minutes x 12 models = 17,280 rows: ask for all of them (the default limit is 1,000).
    q1 = range().groupBy("model").step("1m").metrics("p50(duration_ms)", "p95(duration_ms)", "p99(duration_ms)")
        .limit(100_000).build();
    q2 = range().groupBy("service").step("1h").metrics("sum(input_tokens)", "sum(output_tokens)", "count").build();
    q3 = range().groupBy("user").metrics("sum(input_tokens)").orderBy("sum(input_tokens)", true).limit(20).build();
    q7 = q7Filters().step("5m").metrics("p95(duration_ms)", "sum(output_tokens)").build();
    qIn = range().filter("model", Filter.Op.IN, IN_MODELS).metrics("count", "error_rate").build();
    qSpans = range().groupBy("span_id")
        .metrics("p50(duration_ms)", "p90(duration_ms)", "p95(duration_ms)", "p99(duration_ms)", "p99(output_tokens)")
        .orderBy("p99(duration_ms)", true).limit(10).build();

    // The benchmark must not silently measure an empty or partial store.
    QueryResult all = rowsOnly.query(TENANT, range().metrics("count").build());
    check("full-scan count", all.rows().get(0).get(0), (long) SPANS);
    check("full-scan rows scanned", all.stats().rowsScanned(), (long) SPANS);
    QueryResult r2 = q2();
    check("Q2 count summed over groups", sumColumn(r2, 4), (long) SPANS);
    check("Q2 input tokens", sumColumn(r2, 2), expected.inputTokens);
    check("Q2 groups", (long) r2.rows().size(), 24L * 20);
    QueryResult r1 = q1();
    check("Q1 groups", (long) r1.rows().size(), expected.minuteModelGroups);
    check("Q1 from rollups as from rows", rollupP95ByModelPerMinute().rows().size(), r1.rows().size());
    check("Q1 read from rollups", rollupP95ByModelPerMinute().stats().rowsScanned(), 0L);
    check("Q2 from rollups as from rows", rollupTokenSumsByServicePerHour().rows(), r2.rows());
    QueryResult r3 = q3();
    check("Q3 rows", (long) r3.rows().size(), 20L);
    QueryResult r7 = q7();
    Query q7count = q7Filters().step("5m").metrics("count").build();
    check("Q7 count summed over buckets", sumColumn(engine.query(TENANT, q7count), 1), expected.q7Rows);
    QueryResult rIn = qIn();
    check("in-filter count", rIn.rows().get(0).get(0), expected.inRows);
    check("in-filter error rate", rIn.rows().get(0).get(1), (double) expected.inErrors / expected.inRows);

    System.out.printf("%n[setup] %d spans in %d segments (%d head rows), %.1f MB of segments; "
            + "Q1 %d groups, Q3 top user %s, Q7 %d matching rows in %d buckets, in-filter %d rows; stats %s%n",
        status.spans(), status.segments(), status.headRows(), status.segmentBytes() / 1e6, r1.rows().size(),
        r3.rows().get(0), expected.q7Rows, r7.rows().size(), expected.inRows, all.stats());
  }

  /** The benchmark's whole day. */
  private static Query.Builder range() {
    return Query.builder().range(T0, T0 + DAY_MS);
  }

  /** Q7's filters: service, model and finish reason fixed. */
  private static Query.Builder q7Filters() {
    return range().filter("service", "=", FILTER_SERVICE).filter("model", "=", FILTER_MODEL)
        .filter("finish_reason", "=", FILTER_FINISH);
  }

  private static long sumColumn(QueryResult r, int column) {
    long sum = 0;
    for (List<Object> row : r.rows()) sum += ((Number) row.get(column)).longValue();
    return sum;
  }

  private static void check(String what, Object actual, Object expected) {
    boolean same = expected instanceof Long l && actual instanceof Number a ? a.doubleValue() == l : expected.equals(actual);
    if (!same) {
      throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    storage.close();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  /** Q1: p50/p95/p99(duration_ms) by model, step 1m, over 24h (17,280 groups). */
  @Benchmark
  public QueryResult fullScanP95ByModelPerMinute() {
    return q1();
  }

  /** Q1 from the segments' rollup cells (per minute and model, with sketch bins) instead of rows. */
  @Benchmark
  public QueryResult rollupP95ByModelPerMinute() {
    return engine.query(TENANT, q1);
  }

  /** Q2 (tokens instead of cost): sum(input_tokens), sum(output_tokens), count by service, step 1h. */
  @Benchmark
  public QueryResult fullScanTokenSumsByServicePerHour() {
    return q2();
  }

  /** Q2 from the segments' rollup cells (per 5 minutes, service and environment). */
  @Benchmark
  public QueryResult rollupTokenSumsByServicePerHour() {
    return engine.query(TENANT, q2);
  }

  /** Q3 (tokens instead of cost): top 20 of 50,000 users by sum(input_tokens). */
  @Benchmark
  public QueryResult fullScanTopUsers() {
    return q3();
  }

  /** Q7: p95(duration_ms), sum(output_tokens) where service, model and finish_reason are fixed, step 5m. */
  @Benchmark
  public QueryResult bitmapFilteredP95() {
    return q7();
  }

  /** count, error_rate where model in two values. */
  @Benchmark
  public QueryResult bitmapFilteredCount() {
    return qIn();
  }

  /**
   * A group per span (1M groups), five percentiles, top 10 by p99: the query that ran a -Xmx1g
   * server out of heap while every group built its quantile sketches up front and every group
   * became a result row before the limit.
   */
  @Benchmark
  public QueryResult fullScanTopSpansByP99() {
    return engine.query(TENANT, qSpans);
  }

  QueryResult q1() {
    return rowsOnly.query(TENANT, q1);
  }

  QueryResult q2() {
    return rowsOnly.query(TENANT, q2);
  }

  QueryResult q3() {
    return engine.query(TENANT, q3);
  }

  QueryResult q7() {
    return engine.query(TENANT, q7);
  }

  QueryResult qIn() {
    return rowsOnly.query(TENANT, qIn); // model is a rollup key: read rows to time the postings
  }

  /** Figures computed while generating, checked against the queries in setup. */
  static final class Expected {
    long inputTokens;
    long q7Rows;
    long inRows;
    long inErrors;
    long minuteModelGroups;
  }

  /** The deterministic span generator (a compact version of loadgen's BENCHMARKS.md shape, LLM spans only). */
  static final class Dataset {
    record Model(String name, String provider, double weight, double baseMs, double perOutputTokenMs,
        boolean reasoning, boolean embedding, double usdPerMInput, double usdPerMOutput) {}

    static final Model[] MODELS = {
      new Model("gpt-4o-mini", "openai", 24, 300, 8, false, false, 0.15, 0.6),
      new Model("gpt-4o", "openai", 16, 450, 12, false, false, 2.5, 10),
      new Model("claude-sonnet-4", "anthropic", 13, 700, 16, false, false, 3, 15),
      new Model("gemini-2.0-flash", "google", 10, 250, 5, false, false, 0.1, 0.4),
      new Model("claude-3-5-haiku-20241022", "anthropic", 7, 350, 9, false, false, 0.8, 4),
      new Model("gpt-4.1", "openai", 6, 500, 14, false, false, 2, 8),
      new Model("text-embedding-3-small", "openai", 6, 60, 0, false, true, 0.02, 0),
      new Model("o3-mini", "openai", 5, 1500, 6, true, false, 1.1, 4.4),
      new Model("mistral-small-latest", "mistral", 4, 280, 8, false, false, 0.1, 0.3),
      new Model("gemini-2.5-pro", "google", 4, 1800, 12, true, false, 1.25, 10),
      new Model("mistral-large-latest", "mistral", 3, 600, 18, false, false, 2, 6),
      new Model("claude-opus-4", "anthropic", 2, 1200, 30, false, false, 15, 75),
    };
    static final String[] SERVICES = {
      "chat-api", "support-bot", "search-assistant", "code-review", "doc-summarizer",
      "email-drafter", "sales-copilot", "rag-qa", "agent-orchestrator", "translation-svc",
      "content-moderation", "meeting-notes", "sql-copilot", "recommendation-svc", "onboarding-guide",
      "legal-review", "invoice-extractor", "voice-assistant", "kb-indexer", "analytics-insights"
    };
    static final String[] ENVIRONMENTS = {"production", "staging", "development"};
    static final String[] ERROR_TYPES = {"429", "timeout", "500", "503", "400"};
    static final int USERS = 50_000;
    static final int SESSIONS = 200_000;
    static final int PROMPTS = 40;
    static final int BATCH = 512;

    private final Random rnd;
    private final double[] modelCdf = cdf(Arrays.stream(MODELS).mapToDouble(Model::weight).toArray());
    private final double[] serviceCdf = zipfCdf(SERVICES.length, 1.0);
    private final double[] envCdf = cdf(new double[] {80, 15, 5});
    private final double[] userCdf = zipfCdf(USERS, 0.8);
    private final double[] llmPerTraceCdf = cdf(new double[] {45, 30, 15, 10});
    private final double[] errorCdf = cdf(new double[] {40, 20, 15, 10, 15});
    private final double[] promptCdf = zipfCdf(PROMPTS, 0.8);
    private final double[] versionCdf = cdf(new double[] {5, 10, 20, 30, 35});
    private final String[] users = new String[USERS];
    private final String[] spanNames = new String[MODELS.length];

    private Dataset(long seed) {
      rnd = new Random(seed);
      for (int i = 0; i < USERS; i++) users[i] = "user-" + i;
      for (int i = 0; i < MODELS.length; i++) spanNames[i] = (MODELS[i].embedding ? "embeddings " : "chat ") + MODELS[i].name;
    }

    /** Appends {@code n} spans in start-time order, sealing every default seal size; returns the expected figures. */
    static Expected load(Storage storage, String tenant, long seed, int n) throws IOException {
      Dataset d = new Dataset(seed);
      Expected e = new Expected();
      boolean[] minuteModel = new boolean[1440 * MODELS.length];
      List<LlmSpan> batch = new ArrayList<>(BATCH);
      long rangeNs = DAY_MS * 1_000_000L;
      long t0Ns = T0 * 1_000_000L;
      int made = 0;
      int sinceSeal = 0;
      while (made < n) {
        // One trace: 1-4 LLM calls of one user, session, service and environment.
        int calls = Math.min(n - made, 1 + pick(d.llmPerTraceCdf, d.rnd.nextDouble()));
        long traceHi = d.rnd.nextLong() | 1;
        long traceLo = d.rnd.nextLong();
        long root = d.rnd.nextLong() | 1;
        long start = t0Ns + (long) (rangeNs * ((made + d.rnd.nextDouble()) / n));
        String service = SERVICES[pick(d.serviceCdf, d.rnd.nextDouble())];
        String env = ENVIRONMENTS[pick(d.envCdf, d.rnd.nextDouble())];
        String user = d.users[pick(d.userCdf, d.rnd.nextDouble())];
        String session = "session-" + d.rnd.nextInt(SESSIONS);
        int prompt = pick(d.promptCdf, d.rnd.nextDouble());
        String promptVersion = Integer.toString(1 + pick(d.versionCdf, d.rnd.nextDouble()));
        for (int c = 0; c < calls; c++) {
          LlmSpan s = d.span(traceHi, traceLo, root, Math.min(start, t0Ns + rangeNs - 1), service, env, user, session,
              prompt, promptVersion, e);
          start = s.endNanos + 1_000_000L * d.rnd.nextInt(50);
          minuteModel[(int) ((s.startNanos - t0Ns) / 60_000_000_000L) * MODELS.length + modelIndex(s.dim(Dim.MODEL))] = true;
          batch.add(s);
          made++;
          sinceSeal++;
          if (batch.size() == BATCH || made == n || sinceSeal == StorageConfig.DEFAULT_SEAL_ROWS) {
            storage.append(tenant, batch);
            batch = new ArrayList<>(BATCH);
          }
          if (sinceSeal == StorageConfig.DEFAULT_SEAL_ROWS) {
            storage.sealNow();
            sinceSeal = 0;
          }
        }
      }
      storage.sealNow();
      for (boolean b : minuteModel) if (b) e.minuteModelGroups++;
      return e;
    }

    private LlmSpan span(long traceHi, long traceLo, long root, long startNs, String service, String env, String user,
        String session, int prompt, String promptVersion, Expected e) {
      int mi = pick(modelCdf, rnd.nextDouble());
      Model m = MODELS[mi];
      LlmSpan s = new LlmSpan();
      s.traceIdHi = traceHi;
      s.traceIdLo = traceLo;
      s.spanId = rnd.nextLong() | 1;
      s.parentSpanId = root;
      s.llm = true;
      s.startNanos = startNs;
      boolean error = rnd.nextDouble() < 0.02;
      double input = Math.max(1, Math.round(logNormal(800, 1.0)));
      double output = m.embedding ? Double.NaN : Math.max(1, Math.round(logNormal(250, 0.9)));
      String finish = null;
      double ms;
      if (error) {
        int et = pick(errorCdf, rnd.nextDouble());
        s.dim(Dim.STATUS, "error").dim(Dim.ERROR_TYPE, ERROR_TYPES[et]);
        ms = et == 1 ? 30_000 + rnd.nextDouble() * 30_000 : m.baseMs * 0.3 * logNormal(1, 0.5); // timeouts are slow
        output = Double.NaN;
      } else {
        s.dim(Dim.STATUS, "ok");
        if (m.embedding) {
          ms = m.baseMs * logNormal(1, 0.3) + 0.01 * input;
        } else {
          ms = (m.baseMs + m.perOutputTokenMs * output + 0.02 * input) * logNormal(1, 0.3);
          if (rnd.nextDouble() < 0.03) ms *= 3 + rnd.nextDouble() * 7; // heavy tail
          double f = rnd.nextDouble();
          if (f < 0.005) {
            finish = "content_filter";
          } else if (f < 0.06) {
            finish = "length";
          } else if (f < 0.22) {
            finish = m.provider.equals("anthropic") ? "tool_use" : "tool_calls";
          } else if (f < 0.97) {
            finish = m.provider.equals("anthropic") ? "end_turn" : "stop";
          } // else absent: the SDK did not report one
        }
      }
      ms = Math.min(ms, 120_000);
      s.endNanos = startNs + (long) (ms * 1_000_000L);
      s.dim(Dim.SERVICE, service).dim(Dim.ENVIRONMENT, env).dim(Dim.OPERATION, m.embedding ? "embeddings" : "chat")
          .dim(Dim.PROVIDER, m.provider).dim(Dim.MODEL, m.name).dim(Dim.REQUEST_MODEL, m.name)
          .dim(Dim.RESPONSE_MODEL, m.name).dim(Dim.FINISH_REASON, finish).dim(Dim.USER, user)
          .dim(Dim.SESSION, session).dim(Dim.SPAN_NAME, spanNames[mi]).dim(Dim.SPAN_KIND, "client");
      if (!m.embedding) {
        s.dim(Dim.PROMPT_NAME, "prompt-" + prompt).dim(Dim.PROMPT_VERSION, promptVersion);
      }
      s.measure(Measure.DURATION_MS, (s.endNanos - s.startNanos) / 1e6).measure(Measure.INPUT_TOKENS, input);
      if (!Double.isNaN(output)) {
        s.measure(Measure.OUTPUT_TOKENS, output).measure(Measure.TOTAL_TOKENS, input + output);
        if (m.reasoning) s.measure(Measure.REASONING_TOKENS, Math.round(output * (0.5 + rnd.nextDouble())));
        if (rnd.nextDouble() < 0.2) s.measure(Measure.CACHE_READ_TOKENS, Math.round(input * rnd.nextDouble()));
        s.measure(Measure.TEMPERATURE, new double[] {0, 0.2, 0.3, 0.5, 0.7, 1}[rnd.nextInt(6)]);
        s.measure(Measure.MAX_TOKENS, 1024 << rnd.nextInt(4));
      } else {
        s.measure(Measure.TOTAL_TOKENS, input);
      }
      if (!error) {
        s.measure(Measure.COST_USD, (input * m.usdPerMInput + (Double.isNaN(output) ? 0 : output * m.usdPerMOutput)) / 1e6);
      }

      e.inputTokens += (long) input;
      if (service.equals(FILTER_SERVICE) && m.name.equals(FILTER_MODEL) && FILTER_FINISH.equals(finish)) e.q7Rows++;
      if (IN_MODELS.contains(m.name)) {
        e.inRows++;
        if (error) e.inErrors++;
      }
      return s;
    }

    private double logNormal(double median, double sigma) {
      return median * Math.exp(sigma * rnd.nextGaussian());
    }

    private static int modelIndex(String name) {
      for (int i = 0; i < MODELS.length; i++) if (MODELS[i].name.equals(name)) return i;
      throw new IllegalArgumentException(name);
    }

    private static double[] cdf(double[] weights) {
      double[] c = new double[weights.length];
      double sum = 0;
      for (int i = 0; i < weights.length; i++) c[i] = sum += weights[i];
      for (int i = 0; i < c.length; i++) c[i] /= sum;
      return c;
    }

    private static double[] zipfCdf(int n, double s) {
      double[] w = new double[n];
      for (int i = 0; i < n; i++) w[i] = Math.pow(i + 1, -s);
      return cdf(w);
    }

    /** The index of the first cumulative weight above {@code u} in [0, 1). */
    private static int pick(double[] cdf, double u) {
      int i = Arrays.binarySearch(cdf, u);
      i = i >= 0 ? i + 1 : -i - 1;
      return Math.min(i, cdf.length - 1);
    }
  }
}
