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
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner's decisions, through EXPLAIN: each kind (pruned by time, measure range, dictionary
 * or postings; rollup; sparse and dense postings; scan) is taken where expected, the plan's counts
 * agree with the stats, and every answer is the one a store holding the same rows in its head
 * gives (where nothing can be pruned by statistics, answered from rollups or postings) and the
 * count computed while generating.
 *
 * <p>Four sealed segments of one hour each, then an hour in the head (two head batches):
 * durations are 10-99 ms in the first segment, 100-999 in the second, 1000-9999 in the third and
 * 10-9999 after; only the first two and the head have costs; finish reason {@code length} occurs in
 * the third only; environment {@code staging} in the second only; {@code rare-model} is 1% of rows.
 */
class PlannerExplainTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long T0 = QueryEngineTest.T0;
  static final long HOUR = 3_600_000L;
  static final int PER_PART = 12_000;
  static final String ALL = "\"from\":" + T0 + ",\"to\":" + (T0 + 5 * HOUR);

  @TempDir static Path dir;
  static Storage sealed;
  static Storage head;
  static QueryEngine engine;
  static QueryEngine rowsOnly;
  static QueryEngine headOnly;
  static final List<LlmSpan> spans = new ArrayList<>();

  static StorageConfig config(Path d) {
    // No background sealing or compaction: the test decides what is sealed.
    return StorageConfig.builder(d).compactBelowRows(1).sealAgeMs(3_600_000L).maintenanceIntervalMs(3_600_000L).build();
  }

  @BeforeAll
  static void load() throws Exception {
    sealed = Storage.open(config(dir.resolve("sealed")));
    head = Storage.open(config(dir.resolve("head")));
    for (int part = 0; part < 5; part++) {
      List<LlmSpan> batch = new ArrayList<>();
      for (int i = 0; i < PER_PART; i++) batch.add(span(part, i));
      spans.addAll(batch);
      sealed.append("default", batch);
      head.append("default", batch);
      if (part < 4) sealed.sealNow();
    }
    assertEquals(4, sealed.status("default").segments());
    assertEquals(PER_PART, sealed.status("default").headRows());
    assertEquals(5 * PER_PART, head.status("default").headRows());
    QueryLimits limits = QueryLimits.builder().scanThreads(2).defaultLimit(100_000).build();
    engine = new QueryEngine(sealed, () -> T0 + 6 * HOUR, limits);
    rowsOnly = new QueryEngine(sealed, () -> T0 + 6 * HOUR, limits.withRollups(false));
    headOnly = new QueryEngine(head, () -> T0 + 6 * HOUR, limits);
  }

  static LlmSpan span(int part, int i) {
    LlmSpan s = new LlmSpan();
    s.traceIdLo = part * PER_PART + i + 1;
    s.spanId = part * PER_PART + i + 1;
    s.startNanos = (T0 + part * HOUR + i * 300L) * 1_000_000L;
    long ms = switch (part) {
      case 0 -> 10 + i % 90;
      case 1 -> 100 + i % 900;
      case 2 -> 1000 + i % 9000;
      default -> 10 + i % 9990;
    };
    s.endNanos = s.startNanos + ms * 1_000_000L;
    s.llm = i % 10 != 0;
    String model = i % 100 == 1 ? "rare-model" : i % 2 == 0 ? "gpt-4o" : i % 4 == 1 ? "claude" : "gemini";
    String provider = model.equals("gpt-4o") ? "openai" : model.equals("claude") ? "anthropic" : "google";
    s.dim(Dim.MODEL, model).dim(Dim.PROVIDER, provider).dim(Dim.OPERATION, "chat")
        .dim(Dim.SERVICE, i % 3 == 0 ? "chat-api" : "batch")
        .dim(Dim.ENVIRONMENT, part == 1 && i % 5 == 0 ? "staging" : "prod")
        .dim(Dim.STATUS, i % 13 == 0 ? "error" : "ok")
        .dim(Dim.USER, "u" + (i * 7 % 300))
        .dim(Dim.FINISH_REASON, part == 2 && i % 10 == 3 ? "length" : "stop");
    s.measure(Measure.DURATION_MS, ms).measure(Measure.INPUT_TOKENS, i % 500);
    if (part != 2 && part != 3 && i % 4 == 0) s.measure(Measure.COST_USD, i % 8 == 0 ? 0.5 : 0.25);
    return s;
  }

  @AfterAll
  static void close() {
    engine.close();
    rowsOnly.close();
    headOnly.close();
    sealed.close();
    head.close();
  }

  /** Runs an explained query on {@code on}; checks the plan against the stats and the answer against the head store's. */
  static QueryPlan explain(QueryEngine on, String query) throws Exception {
    QueryResult r = on.query("default", JSON.readTree("{" + query + ",\"explain\":true}"));
    QueryPlan p = r.plan();
    assertNotNull(p, query);
    QueryResult.Stats s = r.stats();
    assertEquals(s.segmentsPruned(), p.decision("pruned").segments(), query);
    assertEquals(s.segmentsScanned(), p.decision("rollup").segments() + p.decision("postings").segments()
        + p.decision("scan").segments(), query);
    assertEquals(s.rollupCells(), p.decision("rollup").cells(), query);
    assertEquals(s.rowsScanned(), p.decision("postings").rows() + p.decision("scan").rows(), query);
    // Every batch once: 4 segments and 2 head batches, all listed (fewer than the cap).
    int batches = 0;
    for (QueryPlan.Decision d : p.decisions()) batches += d.batches();
    assertEquals(6, batches, query);
    assertEquals(6, p.batches().size(), query);
    assertEquals(0, p.batchesOmitted(), query);
    assertEquals(4, p.batches().stream().filter(b -> b.batch().startsWith("seg-")).count(), query);
    assertEquals(2, p.batches().stream().filter(b -> b.batch().equals("head")).count(), query);
    for (QueryPlan.Decision d : p.decisions()) {
      assertEquals(d.batches(), p.batches().stream().filter(b -> b.decision().equals(d.name())).count(), query + " " + d.name());
    }
    for (QueryPlan.Batch b : p.batches()) assertNotNull(b.reason(), query);

    // The same answer without EXPLAIN, and from a store that holds every row in its head.
    QueryResult plain = on.query("default", JSON.readTree("{" + query + "}"));
    assertNull(plain.plan());
    assertEquals(r.rows(), plain.rows(), query);
    RollupAnswersTest.assertSameRows(headOnly.query("default", JSON.readTree("{" + query + "}")).rows(), r.rows(), query);
    return p;
  }

  static long count(Predicate<LlmSpan> where) {
    return spans.stream().filter(s -> s.llm).filter(where).count();
  }

  static long countOf(QueryEngine on, String query) throws Exception {
    return ((Number) on.query("default", JSON.readTree("{" + query + "}")).rows().get(0).get(0)).longValue();
  }

  static Map<String, Integer> reasons(QueryPlan p) {
    return p.decision("pruned").reasons();
  }

  @Test
  void timeRangePrunesSegmentsAndHeadBatches() throws Exception {
    String q = "\"from\":" + (T0 + HOUR) + ",\"to\":" + (T0 + 3 * HOUR) + ",\"metrics\":[\"count\",\"sum(input_tokens)\"]";
    QueryPlan p = explain(rowsOnly, q);
    assertEquals(Map.of("time", 4), reasons(p));
    assertEquals(2, p.decision("pruned").segments());
    assertEquals(2, p.decision("scan").segments());
    assertEquals(2 * PER_PART, p.decision("scan").rows());
    assertEquals(count(s -> s.startNanos >= (T0 + HOUR) * 1_000_000L && s.startNanos < (T0 + 3 * HOUR) * 1_000_000L), countOf(rowsOnly, q));
    QueryPlan.Batch first = p.batches().get(0);
    assertEquals("pruned", first.decision());
    assertEquals("time", first.prunedBy());
    assertTrue(first.reason().startsWith("time: rows start in ["), first.reason());

    // With rollups the two segments wholly inside the range answer from their cells.
    QueryPlan r = explain(engine, q.replace("\"metrics\"", "\"groupBy\":[\"service\"],\"metrics\""));
    assertEquals(2, r.decision("rollup").segments());
    assertEquals(4, r.decision("pruned").batches());
  }

  @Test
  void aWindowInsideASegmentReadsOnlyTheRowsThatMayStartInIt() throws Exception {
    // Ten minutes of the first hour: rows are in start order per service, so a few runs hold them.
    long from = T0 + 20 * 60_000L + 7;
    long to = T0 + 30 * 60_000L + 11;
    String q = "\"from\":" + from + ",\"to\":" + to + ",\"groupBy\":[\"service\"],\"metrics\":[\"count\",\"p95(duration_ms)\",\"sum(input_tokens)\"]";
    QueryPlan p = explain(engine, q);
    QueryPlan.Batch seg = p.batches().get(0);
    assertEquals("scan", seg.decision());
    assertTrue(seg.reason().contains("start times narrow the batch to"), seg.reason());
    int narrowed = Integer.parseInt(seg.reason().replaceAll(".*narrow the batch to (\\d+) of.*", "$1"));
    long inWindow = count(s -> s.startNanos >= from * 1_000_000L && s.startNanos < to * 1_000_000L);
    // Two services: each one's rows of the window, widened to whole runs of 1024 rows at both ends.
    assertTrue(narrowed >= inWindow && narrowed <= inWindow + 4 * 1024 && narrowed < PER_PART / 2, narrowed + " rows read for " + inWindow);
    long total = 0;
    for (List<Object> row : rowsOnly.query("default", JSON.readTree("{" + q + "}")).rows()) total += ((Number) row.get(1)).longValue();
    assertEquals(inWindow, total);

    // With a postings filter the candidates are narrowed to the same runs.
    String rare = q.replace("\"groupBy\"", "\"filters\":[{\"field\":\"model\",\"op\":\"=\",\"value\":\"rare-model\"}],\"groupBy\"");
    QueryPlan r = explain(engine, rare);
    assertTrue(r.decision("postings").candidates() < PER_PART / 100, "rare-model is 1% of the segment; a sixth of them are in the window");
    assertEquals(count(s -> "rare-model".equals(s.dim(Dim.MODEL)) && s.startNanos >= from * 1_000_000L && s.startNanos < to * 1_000_000L),
        countOf(engine, rare.replace("\"groupBy\":[\"service\"],", "")));
  }

  @Test
  void measureRangesPruneSegmentsNoValueCanMatch() throws Exception {
    String slow = ALL + ",\"filters\":[{\"field\":\"duration_ms\",\"op\":\">=\",\"value\":1000}],\"metrics\":[\"count\",\"p50(duration_ms)\"]";
    QueryPlan p = explain(rowsOnly, slow);
    assertEquals(Map.of("range", 2), reasons(p));
    assertEquals(2, p.decision("scan").segments());
    assertEquals(count(s -> s.measure(Measure.DURATION_MS) >= 1000), countOf(rowsOnly, slow));
    QueryPlan.Batch b = p.batches().stream().filter(x -> "range".equals(x.prunedBy())).findFirst().orElseThrow();
    assertTrue(b.reason().contains("duration_ms >= 1000") && b.reason().contains("holds for no value in [10.0, 99.0]"), b.reason());

    // Bounds are never pruned on: the second segment's longest span is exactly 999 ms.
    String edge = ALL + ",\"filters\":[{\"field\":\"duration_ms\",\"op\":\">\",\"value\":999}],\"metrics\":[\"count\"]";
    assertEquals(Map.of("range", 1), reasons(explain(rowsOnly, edge)));
    assertEquals(count(s -> s.measure(Measure.DURATION_MS) > 999), countOf(rowsOnly, edge));
    String fast = ALL + ",\"filters\":[{\"field\":\"duration_ms\",\"op\":\"<=\",\"value\":99}],\"metrics\":[\"count\"]";
    assertEquals(Map.of("range", 2), reasons(explain(rowsOnly, fast)));
    assertEquals(count(s -> s.measure(Measure.DURATION_MS) <= 99), countOf(rowsOnly, fast));
    String exact = ALL + ",\"filters\":[{\"field\":\"duration_ms\",\"op\":\"in\",\"value\":[99,100]}],\"metrics\":[\"count\"]";
    assertEquals(Map.of("range", 1), reasons(explain(rowsOnly, exact)));
    assertEquals(count(s -> s.measure(Measure.DURATION_MS) == 99 || s.measure(Measure.DURATION_MS) == 100), countOf(rowsOnly, exact));

    // Segments without any cost: neither exists nor != (which never matches an absent value) can hold.
    String costs = ALL + ",\"filters\":[{\"field\":\"cost_usd\",\"op\":\"exists\"}],\"groupBy\":[\"model\"],\"metrics\":[\"count\",\"sum(cost_usd)\"]";
    QueryPlan c = explain(engine, costs);
    assertEquals(Map.of("range", 2), reasons(c));
    String notHalf = ALL + ",\"filters\":[{\"field\":\"cost_usd\",\"op\":\"!=\",\"value\":0.5}],\"metrics\":[\"count\"]";
    assertEquals(Map.of("range", 2), reasons(explain(rowsOnly, notHalf)));
    assertEquals(count(s -> s.measure(Measure.COST_USD) == 0.25), countOf(rowsOnly, notHalf));
    // exists: false holds exactly where values are missing: nothing is pruned.
    String noCost = ALL + ",\"filters\":[{\"field\":\"cost_usd\",\"op\":\"exists\",\"value\":false}],\"metrics\":[\"count\"]";
    assertEquals(0, explain(rowsOnly, noCost).decision("pruned").batches());
    assertEquals(count(s -> Double.isNaN(s.measure(Measure.COST_USD))), countOf(rowsOnly, noCost));
  }

  @Test
  void dictionariesPruneBatchesWithoutTheValue() throws Exception {
    String length = ALL + ",\"filters\":[{\"field\":\"finish_reason\",\"op\":\"=\",\"value\":\"length\"}],\"groupBy\":[\"model\"],\"metrics\":[\"count\",\"max(duration_ms)\"]";
    QueryPlan p = explain(engine, length);
    assertEquals(Map.of("dictionary", 5), reasons(p));
    assertEquals(3, p.decision("pruned").segments());
    assertEquals(1, p.decision("postings").segments());
    assertEquals(1, p.decision("postings").sparse(), "a tenth of the segment's rows");
    assertEquals(PER_PART / 10, p.decision("postings").candidates());
    assertEquals(count(s -> "length".equals(s.dim(Dim.FINISH_REASON))), countOf(engine, length.replace("\"groupBy\":[\"model\"],", "")));

    // not_in never matches an absent value: batches holding only the excluded value are pruned.
    String notProd = ALL + ",\"filters\":[{\"field\":\"environment\",\"op\":\"not_in\",\"value\":[\"prod\"]}],\"metrics\":[\"count\"]";
    QueryPlan n = explain(rowsOnly, notProd);
    assertEquals(Map.of("dictionary", 5), reasons(n));
    assertEquals(count(s -> "staging".equals(s.dim(Dim.ENVIRONMENT))), countOf(rowsOnly, notProd));

    // Values in every dictionary whose postings do not meet: pruned by the postings.
    String both = ALL + ",\"filters\":[{\"field\":\"model\",\"op\":\"=\",\"value\":\"rare-model\"},"
        + "{\"field\":\"finish_reason\",\"op\":\"=\",\"value\":\"length\"}],\"metrics\":[\"count\"]";
    QueryPlan b = explain(engine, both);
    assertEquals(Map.of("dictionary", 5, "postings", 1), reasons(b));
    assertEquals(0L, countOf(engine, both));
  }

  @Test
  void rollupsAnswerSegmentsWhollyInsideTheRange() throws Exception {
    String q = ALL + ",\"groupBy\":[\"model\"],\"step\":\"1m\",\"metrics\":[\"count\",\"error_rate\",\"p95(duration_ms)\"]";
    QueryPlan p = explain(engine, q);
    assertEquals(4, p.decision("rollup").segments());
    assertTrue(p.decision("rollup").cells() > 0);
    assertEquals(4L * PER_PART, p.decision("rollup").rows());
    assertEquals(2, p.decision("scan").batches(), "the head has no rollups");
    QueryPlan.Batch seg = p.batches().get(0);
    assertEquals("rollup", seg.decision());
    assertEquals("[model,provider,operation]/60000ms", seg.rollup());
    // A field the rollups do not key: rows, and the plan says why.
    QueryPlan u = explain(engine, ALL + ",\"groupBy\":[\"user\"],\"metrics\":[\"count\"]");
    assertEquals(6, u.decision("scan").batches());
    assertTrue(u.batches().get(0).reason().contains("groupBy user is not a key"), u.batches().get(0).reason());
  }

  @Test
  void postingsAreSparseForFewCandidatesAndDenseForMany() throws Exception {
    String rare = ALL + ",\"filters\":[{\"field\":\"model\",\"op\":\"=\",\"value\":\"rare-model\"}],\"metrics\":[\"count\",\"count_distinct(user)\"]";
    QueryPlan p = explain(engine, rare);
    assertEquals(4, p.decision("postings").segments());
    assertEquals(4, p.decision("postings").sparse());
    assertEquals(4L * PER_PART / 100, p.decision("postings").candidates());
    assertEquals(2, p.decision("scan").batches(), "the head keeps no postings");
    assertEquals(count(s -> "rare-model".equals(s.dim(Dim.MODEL))), countOf(engine, rare));

    String many = ALL + ",\"filters\":[{\"field\":\"model\",\"op\":\"in\",\"value\":[\"gpt-4o\",\"claude\"]}],\"groupBy\":[\"service\"],\"metrics\":[\"count\",\"avg(input_tokens)\"]";
    QueryPlan d = explain(rowsOnly, many);
    assertEquals(4, d.decision("postings").segments());
    assertEquals(0, d.decision("postings").sparse());
    QueryPlan.Batch seg = d.batches().get(0);
    assertFalse(seg.sparse());
    assertTrue(seg.reason().contains("dense"), seg.reason());
  }

  @Test
  void everythingElseIsAFullScan() throws Exception {
    String q = ALL + ",\"groupBy\":[\"user\"],\"metrics\":[\"sum(input_tokens)\",\"p99(duration_ms)\"],\"llmOnly\":false";
    QueryPlan p = explain(engine, q);
    assertEquals(6, p.decision("scan").batches());
    assertEquals(5L * PER_PART, p.decision("scan").rows());
    String attr = ALL + ",\"filters\":[{\"field\":\"user\",\"op\":\"contains\",\"value\":\"u1\"}],\"metrics\":[\"count\"]";
    QueryPlan a = explain(rowsOnly, attr);
    assertEquals(6, a.decision("scan").batches(), "contains accepts more values than postings are ORed for");
    assertEquals(count(s -> s.dim(Dim.USER).contains("u1")), countOf(rowsOnly, attr));
  }

  @Test
  void thePlanIsJson() throws Exception {
    QueryResult r = engine.query("default", JSON.readTree("{" + ALL + ",\"groupBy\":[\"model\"],\"metrics\":[\"count\"],\"explain\":true}"));
    Map<String, Object> json = r.plan().toJson();
    assertEquals(6, json.get("batches"));
    assertEquals(4, json.get("segments"));
    for (String d : List.of("pruned", "rollup", "postings", "scan")) assertTrue(json.containsKey(d), d);
    assertEquals(6, ((List<?>) json.get("perBatch")).size());
    // Round-trips through Jackson as the HTTP API sends it.
    assertEquals(4, JSON.readTree(JSON.writeValueAsBytes(json)).path("rollup").path("segments").asInt());
  }

  @Test
  void longPlansListTheFirstBatchesAndCountAll() throws Exception {
    // The engine keeps QueryPlan.MAX_BATCHES entries; the same code keeping 4 of these 6 batches.
    Query q = Query.builder().range(T0, T0 + 5 * HOUR).filter("duration_ms", ">=", 1000).metrics("count").explain(true).build();
    java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(1, 1, 1,
        java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(4));
    try (io.llmscope.storage.StoreSnapshot snap = sealed.snapshot("default")) {
      ParallelScan scan = new ParallelScan(snap.batches(), 2, pool, new Planner(q, true), 4);
      Aggregation agg = scan.run(() -> new Aggregation(q, 1000, 1000));
      QueryPlan p = scan.plan();
      assertEquals(List.of("seg-0", "seg-1", "seg-2", "seg-3"), p.batches().stream().map(QueryPlan.Batch::batch).toList());
      assertEquals(2, p.batchesOmitted());
      assertEquals(2, p.decision("pruned").batches());
      assertEquals(4, p.decision("scan").batches(), "counts cover every batch, listed or not");
      assertEquals(agg.rowsScanned(), p.decision("scan").rows());
      assertEquals(2, p.toJson().get("perBatchOmitted"));
    } finally {
      pool.shutdown();
    }
  }
}
