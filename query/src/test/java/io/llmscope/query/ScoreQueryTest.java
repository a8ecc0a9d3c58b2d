package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.Score;
import io.llmscope.storage.model.SpanDetail;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Score metrics, filters and groups over real storage: scores join the spans they name (or their
 * trace's root) whether they arrived before or after them, in the head and in sealed segments; every
 * expected figure is computed from the generated data here.
 */
class ScoreQueryTest {
  static final long T0 = (System.currentTimeMillis() / 86_400_000L - 1) * 86_400_000L;
  static final ObjectMapper JSON = new ObjectMapper();
  static final int TRACES = 3000;

  @TempDir Path dir;
  Storage storage;
  QueryEngine engine;
  /** Per prompt version: helpfulness values of its model calls, and the thumbs of its traces. */
  final Map<String, List<Double>> helpfulness = new TreeMap<>();
  final Map<String, long[]> thumbsUpDown = new TreeMap<>();
  final Map<String, Long> correctness = new TreeMap<>();
  long below05;

  /** Trace t: a root agent span (no model) with prompt version, and one model call under it. */
  static List<LlmSpan> trace(int t) {
    String version = "v" + (t % 3 + 5);
    LlmSpan root = new LlmSpan();
    root.traceIdLo = t + 1;
    root.spanId = 10_000L + t;
    root.startNanos = (T0 + t * 1000L) * 1_000_000L;
    root.endNanos = root.startNanos + 5_000_000L;
    root.dim(Dim.PROMPT_VERSION, version).dim(Dim.OPERATION, "invoke_agent").dim(Dim.STATUS, "ok");
    root.measure(Measure.DURATION_MS, 5);
    root.detail = SpanDetail.EMPTY;
    LlmSpan call = new LlmSpan();
    call.traceIdLo = t + 1;
    call.spanId = 20_000L + t;
    call.parentSpanId = root.spanId;
    call.llm = true;
    call.startNanos = root.startNanos + 1_000_000L;
    call.endNanos = call.startNanos + 2_000_000L;
    call.dim(Dim.PROMPT_VERSION, version).dim(Dim.MODEL, t % 2 == 0 ? "gpt-4o" : "claude").dim(Dim.STATUS, "ok");
    call.measure(Measure.DURATION_MS, 2).measure(Measure.INPUT_TOKENS, 100);
    call.detail = SpanDetail.EMPTY;
    return List.of(root, call);
  }

  List<Score> scores(int t) {
    String version = "v" + (t % 3 + 5);
    List<Score> out = new ArrayList<>();
    // Version 7 is planted worse.
    double h = ((t * 37) % 100) / 100.0 - (version.equals("v7") ? 0.2 : 0);
    if (t % 4 != 3) { // some calls go unscored
      out.add(new Score(0, t + 1, 20_000L + t, "helpfulness", h, null, null, "api", T0 + t, null));
      helpfulness.computeIfAbsent(version, k -> new ArrayList<>()).add(h);
      if (h < 0.5) below05++;
      if (t % 8 == 0) { // a second judge on the same call
        out.add(new Score(0, t + 1, 20_000L + t, "helpfulness", 0.9, null, "second", "llm_judge", T0 + t + 1, null));
        helpfulness.get(version).add(0.9);
      }
    }
    boolean up = t % 5 != 0;
    out.add(new Score(0, t + 1, Score.TRACE_ROOT, "thumbs", up ? 1 : 0, up ? "true" : "false", null, "api", T0 + t, null));
    thumbsUpDown.computeIfAbsent(version, k -> new long[2])[up ? 0 : 1]++;
    if (t % 3 == 0) {
      String label = t % 9 == 0 ? "incorrect" : "correct";
      out.add(new Score(0, t + 1, 20_000L + t, "correctness", Double.NaN, label, null, "otel_event", T0 + t, null));
      correctness.merge(label, 1L, Long::sum);
    }
    return out;
  }

  @BeforeEach
  void load() throws Exception {
    storage = Storage.open(StorageConfig.defaults(dir));
    engine = new QueryEngine(storage, () -> T0 + 86_400_000L, QueryLimits.DEFAULTS);
    // A third of the scores come before their spans, a third after the spans are sealed, a third with the spans in the head.
    for (int t = 0; t < TRACES; t++) if (t % 3 == 0) storage.appendScores("a", scores(t));
    List<LlmSpan> spans = new ArrayList<>();
    for (int t = 0; t < TRACES / 2; t++) spans.addAll(trace(t));
    storage.append("a", spans);
    storage.sealNow();
    spans.clear();
    for (int t = TRACES / 2; t < TRACES; t++) spans.addAll(trace(t));
    storage.append("a", spans);
    for (int t = 0; t < TRACES; t++) if (t % 3 != 0) storage.appendScores("a", scores(t));
    storage.append("b", trace(1)); // tenant b has the same ids and no scores
  }

  @AfterEach
  void close() {
    engine.close();
    storage.close();
  }

  private QueryResult run(String tenant, String json) throws Exception {
    return engine.query(tenant, JSON.readTree(json.replace('\'', '"').replace("FROM", Long.toString(T0))));
  }

  private static Map<String, List<Object>> byFirst(QueryResult r) {
    Map<String, List<Object>> out = new TreeMap<>();
    for (List<Object> row : r.rows()) out.put(String.valueOf(row.get(0)), row.subList(1, row.size()));
    return out;
  }

  @Test
  void avgCountAndQuantileOfAScoreGroupByTheSpansPromptVersion() throws Exception {
    QueryResult r = run("a", "{'from': FROM, 'to': 'now', 'groupBy': ['prompt_version'],"
        + " 'metrics': ['avg(score.helpfulness)', 'count(score.helpfulness)', 'count', 'p50(score.helpfulness)', 'min(score.helpfulness)']}");
    Map<String, List<Object>> rows = byFirst(r);
    assertEquals(helpfulness.keySet(), rows.keySet());
    for (String v : helpfulness.keySet()) {
      List<Double> hs = helpfulness.get(v);
      double avg = hs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      assertEquals(avg, ((Number) rows.get(v).get(0)).doubleValue(), 1e-12, v);
      assertEquals((long) hs.size(), ((Number) rows.get(v).get(1)).longValue(), v + ": every score counts, two on one call too");
      assertEquals(TRACES / 3L, ((Number) rows.get(v).get(2)).longValue(), v + ": llmOnly counts model calls once");
      double[] sorted = hs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double median = sorted[(int) Math.ceil(0.5 * sorted.length) - 1];
      assertEquals(median, ((Number) rows.get(v).get(3)).doubleValue(), Math.abs(median) * 0.01 + 1e-9, v);
      assertEquals(sorted[0], ((Number) rows.get(v).get(4)).doubleValue(), 1e-12, v);
    }
    assertTrue(((Number) rows.get("v7").get(0)).doubleValue() < ((Number) rows.get("v6").get(0)).doubleValue() - 0.1);
  }

  @Test
  void aScoreThatNamesNoSpanBelongsToTheTraceRoot() throws Exception {
    QueryResult r = run("a", "{'from': FROM, 'to': 'now', 'groupBy': ['prompt_version'], 'llmOnly': false,"
        + " 'metrics': ['avg(score.thumbs)', 'count(score.thumbs)', 'sum(score.thumbs)']}");
    Map<String, List<Object>> rows = byFirst(r);
    for (String v : thumbsUpDown.keySet()) {
      long[] ud = thumbsUpDown.get(v);
      assertEquals((double) ud[0] / (ud[0] + ud[1]), ((Number) rows.get(v).get(0)).doubleValue(), 1e-12, v);
      assertEquals(ud[0] + ud[1], ((Number) rows.get(v).get(1)).longValue(), v + ": once per trace, on its root only");
      assertEquals(ud[0], ((Number) rows.get(v).get(2)).longValue(), v);
    }
    // Model calls are not roots: with llmOnly the trace scores are not theirs.
    QueryResult calls = run("a", "{'from': FROM, 'to': 'now', 'metrics': ['count(score.thumbs)']}");
    assertEquals(0L, ((Number) calls.rows().get(0).get(0)).longValue());
  }

  @Test
  void filtersOnScoresAndGroupsByLabel() throws Exception {
    QueryResult low = run("a", "{'from': FROM, 'to': 'now', 'filters': [{'field': 'score.helpfulness', 'op': '<', 'value': 0.5}], 'metrics': ['count']}");
    long spansBelow = 0;
    for (int t = 0; t < TRACES; t++) {
      double h = ((t * 37) % 100) / 100.0 - (t % 3 == 2 ? 0.2 : 0);
      if (t % 4 != 3 && h < 0.5) spansBelow++; // the second judge's 0.9 does not hide the first one's low score
    }
    assertEquals(spansBelow, ((Number) low.rows().get(0).get(0)).longValue());
    assertTrue(below05 >= spansBelow);

    QueryResult unscored = run("a", "{'from': FROM, 'to': 'now', 'filters': [{'field': 'score.helpfulness', 'op': 'exists', 'value': false}], 'metrics': ['count']}");
    assertEquals(TRACES / 4L, ((Number) unscored.rows().get(0).get(0)).longValue());

    QueryResult labels = run("a", "{'from': FROM, 'to': 'now', 'groupBy': ['score.correctness'], 'metrics': ['count']}");
    Map<String, Long> got = new HashMap<>();
    for (List<Object> row : labels.rows()) got.put(String.valueOf(row.get(0)), ((Number) row.get(1)).longValue());
    Map<String, Long> want = new HashMap<>(correctness);
    want.put("null", (long) TRACES - correctness.values().stream().mapToLong(Long::longValue).sum());
    assertEquals(want, got);

    QueryResult correct = run("a", "{'from': FROM, 'to': 'now', 'filters': [{'field': 'score.correctness', 'op': '=', 'value': 'correct'}], 'metrics': ['count', 'count(score.correctness)']}");
    assertEquals(Arrays.asList(correctness.get("correct"), correctness.get("correct")), correct.rows().get(0));

    QueryResult thumbsDown = run("a", "{'from': FROM, 'to': 'now', 'llmOnly': false, 'filters': [{'field': 'score.thumbs', 'op': '=', 'value': false}], 'metrics': ['count']}");
    long down = thumbsUpDown.values().stream().mapToLong(ud -> ud[1]).sum();
    assertEquals(down, ((Number) thumbsDown.rows().get(0).get(0)).longValue(), "a boolean filter matches the 0 value");
  }

  @Test
  void aScoreArrivingAfterAQueryOnASealedSegmentCountsInTheNextOne() throws Exception {
    String q = "{'from': FROM, 'to': 'now', 'filters': [{'field': 'prompt_version', 'op': '=', 'value': 'v5'}],"
        + " 'metrics': ['count(score.helpfulness)', 'sum(score.helpfulness)']}";
    List<Object> before = run("a", q).rows().get(0);
    assertEquals((long) helpfulness.get("v5").size(), ((Number) before.get(0)).longValue());
    List<Object> again = run("a", q).rows().get(0); // the segment's kept score column answers (sums may add in another order)
    assertEquals(before.get(0), again.get(0));
    assertEquals(((Number) before.get(1)).doubleValue(), ((Number) again.get(1)).doubleValue(), 1e-9);
    // Trace 3 (v5, in the sealed segment) had no helpfulness score: it gets one now.
    storage.appendScores("a", List.of(new Score(0, 4, 20_003L, "helpfulness", 0.25, null, null, "api", T0 + 99, null)));
    List<Object> after = run("a", q).rows().get(0);
    assertEquals(((Number) before.get(0)).longValue() + 1, ((Number) after.get(0)).longValue());
    assertEquals(((Number) before.get(1)).doubleValue() + 0.25, ((Number) after.get(1)).doubleValue(), 1e-9);
  }

  @Test
  void anotherTenantNeverSeesTheScoresAndRollupsAreNotUsedForScores() throws Exception {
    QueryResult b = run("b", "{'from': FROM, 'to': 'now', 'llmOnly': false, 'metrics': ['count', 'count(score.thumbs)', 'avg(score.helpfulness)']}");
    assertEquals(Arrays.asList(2L, 0L, null), b.rows().get(0));
    // The sealed segment lies wholly in the range: a count comes from its rollup, a score metric cannot.
    QueryResult counted = run("a", "{'from': FROM, 'to': 'now', 'explain': true, 'metrics': ['count']}");
    assertTrue(counted.stats().rollupCells() > 0, counted.plan().toString());
    QueryResult explained = run("a", "{'from': FROM, 'to': 'now', 'explain': true, 'metrics': ['count', 'avg(score.helpfulness)']}");
    assertEquals(0, explained.stats().rollupCells(), explained.plan().toString());
  }

  @Test
  void badScoreQueriesNameTheProblem() {
    QueryException e = assertThrows(QueryException.class, () -> run("a", "{'from': FROM, 'to': 'now', 'filters': [{'field': 'score.x', 'op': '>', 'value': 'high'}], 'metrics': ['count']}"));
    assertTrue(e.getMessage().contains("filters[0]") && e.getMessage().contains("not a number"), e.getMessage());
    QueryException empty = assertThrows(QueryException.class, () -> run("a", "{'from': FROM, 'to': 'now', 'metrics': ['avg(score.)']}"));
    assertTrue(empty.getMessage().contains("metrics[0]"), empty.getMessage());
  }

}
