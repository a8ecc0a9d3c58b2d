package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query's working memory is bounded and its answers do not change for it: a limit keeps the
 * first rows of the full sort, the group and memory bounds fail the query with the config key
 * that sets them, and lazily built quantile sketches answer exactly as sketches built up front.
 */
class BoundedQueryTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long T0 = QueryEngineTest.T0;
  static final long NOW = T0 + 7 * 3_600_000L;
  static final String FROM = "\"from\":" + T0 + ",\"to\":" + NOW;
  static final String FIVE_PERCENTILES =
      "\"p50(duration_ms)\",\"p90(duration_ms)\",\"p95(duration_ms)\",\"p99(duration_ms)\",\"p99(output_tokens)\"";
  static final int SPANS = 21_000;

  @TempDir Path dir;
  Storage storage;
  final List<QueryEngine> engines = new ArrayList<>();

  @BeforeEach
  void load() throws Exception {
    // No background compaction: the segments stay as sealed while the test compares answers.
    storage = Storage.open(StorageConfig.builder(dir).compactBelowRows(1).build());
    SplittableRandom rnd = new SplittableRandom(5);
    String[] models = {"gpt-4o", "gpt-4o-mini", "claude", "gemini"};
    double[] temperatures = {-0.5, 0, 0.3, 0.7, 1e-12};
    int id = 0;
    // Four sealed segments (rollups for model × hour) plus head rows in several 8192-row slices,
    // so groups meet rows, rollup cells and other workers' partial states.
    for (int part = 0; part < 5; part++) {
      List<LlmSpan> batch = new ArrayList<>();
      int n = part < 4 ? 3000 : SPANS - 4 * 3000;
      for (int i = 0; i < n; i++, id++) {
        LlmSpan s = new LlmSpan();
        s.traceIdLo = 1 + rnd.nextInt(8000); // 0 to ~10 spans per trace
        s.spanId = id + 1;
        // Two hours: 4 models × 120 minutes make few enough cells per 3000-row segment for a rollup.
        s.startNanos = (T0 + rnd.nextLong(2 * 3_600_000L)) * 1_000_000L;
        s.endNanos = s.startNanos + 1_000_000L * (20 + rnd.nextInt(rnd.nextBoolean() ? 50 : 5000)); // many equal durations
        s.llm = true;
        s.dim(Dim.MODEL, models[rnd.nextInt(models.length)])
            .dim(Dim.SERVICE, "svc-" + rnd.nextInt(5))
            .dim(Dim.USER, "user-" + rnd.nextInt(300)) // ~70 values per user: past the exact buffer
            .dim(Dim.SESSION, "session-" + rnd.nextInt(1500)) // ~14: inside it
            .dim(Dim.STATUS, rnd.nextInt(30) == 0 ? "error" : "ok");
        s.measure(Measure.DURATION_MS, (s.endNanos - s.startNanos) / 1e6).measure(Measure.INPUT_TOKENS, rnd.nextInt(40));
        if (rnd.nextInt(3) != 0) s.measure(Measure.OUTPUT_TOKENS, rnd.nextInt(900));
        // Negative, zero and below-the-smallest-bin values take the sketch's other stores.
        s.measure(Measure.TEMPERATURE, temperatures[rnd.nextInt(temperatures.length)]);
        batch.add(s);
      }
      storage.append("default", batch);
      if (part < 4) storage.sealNow();
    }
  }

  @AfterEach
  void close() {
    engines.forEach(QueryEngine::close);
    storage.close();
  }

  private QueryEngine engine(QueryLimits limits) {
    QueryEngine e = new QueryEngine(storage, () -> NOW, limits);
    engines.add(e);
    return e;
  }

  private QueryEngine engine(int scanThreads) {
    return engine(QueryLimits.builder().scanThreads(scanThreads).build());
  }

  private static QueryResult run(QueryEngine e, String json) throws Exception {
    return e.query("default", JSON.readTree(json));
  }

  // ---- limit: top-N ------------------------------------------------------------------------------

  @Test
  void aLimitKeepsTheFirstRowsOfTheFullSortTiesAndNullsIncluded() throws Exception {
    QueryEngine e = engine(3);
    List<String> shapes = List.of(
        // count has many ties (about 70 spans per user); then the user breaks them
        "\"groupBy\":[\"user\"],\"metrics\":[\"count\",\"max(input_tokens)\"],\"orderBy\":[{\"column\":\"count\",\"desc\":true}]",
        "\"groupBy\":[\"user\"],\"metrics\":[\"max(input_tokens)\",\"count\"],\"orderBy\":[{\"column\":\"max(input_tokens)\",\"desc\":false},{\"column\":\"count\",\"desc\":true}]",
        // avg(output_tokens) is null for traces without output tokens: nulls last either way
        "\"groupBy\":[\"trace_id\"],\"metrics\":[\"avg(output_tokens)\",\"count\"],\"orderBy\":[{\"column\":\"avg(output_tokens)\",\"desc\":true}]",
        "\"groupBy\":[\"trace_id\"],\"metrics\":[\"avg(output_tokens)\",\"count\"],\"orderBy\":[{\"column\":\"avg(output_tokens)\",\"desc\":false}]",
        "\"groupBy\":[\"span_id\"],\"metrics\":[" + FIVE_PERCENTILES + "],\"orderBy\":[{\"column\":\"p99(duration_ms)\",\"desc\":true}]",
        "\"groupBy\":[\"session\"],\"metrics\":[\"p50(temperature)\",\"count\"],\"orderBy\":[{\"column\":\"p50(temperature)\",\"desc\":false}]",
        // a key column as a sort key, and none: time and group values ascending
        "\"groupBy\":[\"service\",\"model\"],\"step\":\"10m\",\"metrics\":[\"count\",\"error_rate\"],\"orderBy\":[{\"column\":\"model\",\"desc\":true},{\"column\":\"error_rate\",\"desc\":true}]",
        "\"groupBy\":[\"service\",\"model\"],\"step\":\"10m\",\"metrics\":[\"count\"]");
    for (String shape : shapes) {
      QueryResult all = run(e, "{" + FROM + "," + shape + ",\"limit\":100000}");
      List<List<Object>> sorted = new ArrayList<>(all.rows());
      sorted.sort(referenceOrder(JSON.readTree("{" + shape + "}"), all.columns()));
      assertSameRows(sorted, all.rows(), "the full answer is in the API's order: " + shape);
      assertTrue(all.rows().size() > 50, shape);
      for (int limit : new int[] {1, 10, 49, all.rows().size() - 1, all.rows().size()}) {
        QueryResult top = run(e, "{" + FROM + "," + shape + ",\"limit\":" + limit + "}");
        assertSameRows(sorted.subList(0, limit), top.rows(), "limit " + limit + ": " + shape);
        assertEquals(all.rows().size(), top.stats().totalRows(), shape);
      }
    }
  }

  /** The API's order written out independently: orderBy columns, then the key columns ascending; nulls last. */
  private static Comparator<List<Object>> referenceOrder(com.fasterxml.jackson.databind.JsonNode shape, List<String> columns) {
    List<int[]> keys = new ArrayList<>(); // {column, desc}
    if (shape.has("orderBy")) {
      for (var o : shape.get("orderBy")) keys.add(new int[] {columns.indexOf(o.get("column").asText()), o.get("desc").asBoolean() ? 1 : 0});
    }
    int keyColumns = (shape.has("step") ? 1 : 0) + shape.get("groupBy").size();
    for (int i = 0; i < keyColumns; i++) keys.add(new int[] {i, 0});
    return (a, b) -> {
      for (int[] k : keys) {
        Object x = a.get(k[0]);
        Object y = b.get(k[0]);
        if (x == null && y == null) continue;
        if (x == null || y == null) return x == null ? 1 : -1;
        int c = x instanceof Number nx ? Double.compare(nx.doubleValue(), ((Number) y).doubleValue()) : ((String) x).compareTo((String) y);
        if (c != 0) return k[1] == 1 ? -c : c;
      }
      return 0;
    };
  }

  // ---- bounds ------------------------------------------------------------------------------------

  @Test
  void tooManyGroupsFailsNamingItsConfigKey() {
    QueryEngine e = engine(QueryLimits.builder().maxGroups(1000).scanThreads(3).build());
    QueryException ex = assertThrows(QueryException.class, () -> run(e, "{" + FROM + ",\"groupBy\":[\"span_id\"],\"metrics\":["
        + FIVE_PERCENTILES + "],\"orderBy\":[{\"column\":\"p99(duration_ms)\",\"desc\":true}],\"limit\":10}"));
    assertTrue(ex.getMessage().contains("more than 1000 groups (query.maxGroups)"), ex.getMessage());
  }

  @Test
  void aQueryOverTheMemoryBudgetFailsNamingItsConfigKeyAndOneWithinAnswersAsUnbounded() throws Exception {
    String q = "{" + FROM + ",\"groupBy\":[\"span_id\"],\"metrics\":[" + FIVE_PERCENTILES + ",\"count_distinct(user)\"],"
        + "\"orderBy\":[{\"column\":\"p99(duration_ms)\",\"desc\":true}],\"limit\":10}";
    // 21,000 groups keep a 16-character id string each (about 1.5 MB alone): 1 MB cannot hold them.
    QueryEngine small = engine(QueryLimits.builder().maxQueryMemoryBytes(1 << 20).scanThreads(3).build());
    QueryException ex = assertThrows(QueryException.class, () -> run(small, q));
    assertTrue(ex.getMessage().contains("more than 1048576 bytes of memory (query.maxQueryMemoryBytes)"), ex.getMessage());
    // Sketches count too: users with ~70 values each build them, and 300 × 2 KB does not fit in 0.5 MB
    // together with the rest.
    QueryEngine half = engine(QueryLimits.builder().maxQueryMemoryBytes(1 << 19).scanThreads(1).build());
    String users = "{" + FROM + ",\"groupBy\":[\"user\"],\"metrics\":[\"p50(duration_ms)\",\"p50(output_tokens)\",\"p50(input_tokens)\"]}";
    assertTrue(assertThrows(QueryException.class, () -> run(half, users)).getMessage().contains("query.maxQueryMemoryBytes"));

    QueryEngine enough = engine(QueryLimits.builder().maxQueryMemoryBytes(64 << 20).scanThreads(3).build());
    QueryEngine unbounded = engine(QueryLimits.builder().maxQueryMemoryBytes(Long.MAX_VALUE).scanThreads(3).build());
    for (String query : List.of(q, users)) {
      QueryResult r = run(enough, query);
      assertSameRows(run(unbounded, query).rows(), r.rows(), query);
    }
    assertEquals(10, run(enough, q).rows().size());
  }

  // ---- lazy sketches -----------------------------------------------------------------------------

  @Test
  void lazySketchesGiveThePercentilesOfSketchesBuiltUpFront() throws Exception {
    List<String> queries = List.of(
        // one value per group, up to ~10, ~14 and ~70; rows, rollup cells and partial states mixed
        "{" + FROM + ",\"groupBy\":[\"span_id\"],\"metrics\":[" + FIVE_PERCENTILES + ",\"p50(temperature)\"],\"limit\":100000}",
        "{" + FROM + ",\"groupBy\":[\"trace_id\"],\"metrics\":[" + FIVE_PERCENTILES + ",\"p999(temperature)\",\"p90(input_tokens)\"],\"limit\":100000}",
        "{" + FROM + ",\"groupBy\":[\"session\"],\"metrics\":[" + FIVE_PERCENTILES + ",\"p95(temperature)\",\"p50(input_tokens)\"],\"limit\":100000}",
        "{" + FROM + ",\"groupBy\":[\"user\"],\"metrics\":[" + FIVE_PERCENTILES + ",\"p90(temperature)\"],\"limit\":100000}",
        "{" + FROM + ",\"groupBy\":[\"model\"],\"step\":\"1h\",\"metrics\":[\"p50(duration_ms)\",\"p99(duration_ms)\"]}",
        "{" + FROM + ",\"groupBy\":[\"model\",\"user\"],\"step\":\"1h\",\"metrics\":[\"count\",\"p50(duration_ms)\",\"p95(temperature)\"],\"limit\":100000}");
    QueryEngine eager = engine(3);
    eager.keepExactValues(0); // a sketch for every group from its first value, as before
    List<List<List<Object>>> expected = new ArrayList<>();
    for (String q : queries) expected.add(run(eager, q).rows());
    assertTrue(run(eager, queries.get(4)).stats().rollupCells() > 0, "model × hour reads rollup cells");
    // Every boundary of the lazy state: min/max only, the exact array's growth, the move into a sketch.
    int[][] variants = {{1, 3}, {2, 3}, {3, 3}, {5, 3}, {MetricState.Sketches.EXACT_VALUES, 1}, {MetricState.Sketches.EXACT_VALUES, 3}};
    for (int[] v : variants) {
      QueryEngine lazy = engine(v[1]);
      lazy.keepExactValues(v[0]);
      for (int i = 0; i < queries.size(); i++) {
        assertSameRows(expected.get(i), run(lazy, queries.get(i)).rows(), "exact " + v[0] + ", threads " + v[1] + ": " + queries.get(i));
      }
    }
  }

  /** Exactly the same rows; a failure shows the first row that differs, not a whole answer. */
  static void assertSameRows(List<List<Object>> expected, List<List<Object>> actual, String what) {
    for (int r = 0; r < Math.min(expected.size(), actual.size()); r++) {
      assertEquals(expected.get(r), actual.get(r), what + ": row " + r);
    }
    assertEquals(expected.size(), actual.size(), what + ": rows");
  }
}
