package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare} on seeded data over real storage: a planted difference (prompt v7 slower, more
 * errors, lower scores than v6) is significant, two cohorts drawn alike are not, and every statistic
 * equals the textbook computation done here on the same values.
 */
class CompareTest {
  static final long T0 = (System.currentTimeMillis() / 86_400_000L - 1) * 86_400_000L;
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  Storage storage;
  QueryEngine engine;
  final Map<String, List<Double>> durations = new HashMap<>();
  final Map<String, List<Double>> helpfulness = new HashMap<>();
  final Map<String, long[]> errors = new HashMap<>();

  @BeforeEach
  void load() throws Exception {
    storage = Storage.open(StorageConfig.defaults(dir));
    engine = new QueryEngine(storage, () -> T0 + 86_400_000L, QueryLimits.DEFAULTS);
    Random rnd = new Random(20261202);
    List<LlmSpan> spans = new ArrayList<>();
    List<Score> scores = new ArrayList<>();
    String[] versions = {"v6", "v6b", "v7"};
    for (int i = 0; i < 3000; i++) {
      String v = versions[i % 3];
      boolean planted = v.equals("v7");
      // Whole milliseconds: stored durations derive from nanoseconds, and the test's values must be the stored ones.
      double ms = Math.max(1, Math.round(Math.exp(6 + 0.5 * rnd.nextGaussian()) * (planted ? 1.3 : 1)));
      boolean error = rnd.nextDouble() < (planted ? 0.12 : 0.05);
      LlmSpan s = new LlmSpan();
      s.traceIdLo = i + 1;
      s.spanId = i + 1;
      s.llm = true;
      s.startNanos = (T0 + i * 10L) * 1_000_000L;
      s.endNanos = s.startNanos + (long) ms * 1_000_000L;
      s.dim(Dim.PROMPT_VERSION, v).dim(Dim.MODEL, "gpt-4o").dim(Dim.STATUS, error ? "error" : "ok");
      s.measure(Measure.DURATION_MS, ms);
      s.detail = SpanDetail.EMPTY;
      spans.add(s);
      durations.computeIfAbsent(v, k -> new ArrayList<>()).add(ms);
      errors.computeIfAbsent(v, k -> new long[2])[error ? 0 : 1]++;
      double h = Math.min(1, Math.max(0, 0.7 + 0.15 * rnd.nextGaussian() - (planted ? 0.1 : 0)));
      scores.add(new Score(0, i + 1, i + 1, "helpfulness", h, null, null, "llm_judge", T0, null));
      helpfulness.computeIfAbsent(v, k -> new ArrayList<>()).add(h);
    }
    storage.append("t", spans);
    storage.appendScores("t", scores);
  }

  @AfterEach
  void close() {
    engine.close();
    storage.close();
  }

  private JsonNode compare(String a, String b) throws Exception {
    String body = "{'from': " + T0 + ", 'to': 'now', 'a': {'filters': [{'field': 'prompt_version', 'op': '=', 'value': '" + a + "'}]},"
        + " 'b': {'filters': [{'field': 'prompt_version', 'op': '=', 'value': '" + b + "'}]}}";
    return engine.compare("t", JSON.readTree(body.replace('\'', '"')));
  }

  private static Map<String, JsonNode> byMetric(JsonNode r) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode m : r.get("metrics")) out.put(m.get("metric").asText(), m);
    return out;
  }

  private static double[] array(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void aPlantedDifferenceIsSignificantAndMatchesTheTextbook() throws Exception {
    Map<String, JsonNode> m = byMetric(compare("v6", "v7"));
    double[] a = array(durations.get("v6"));
    double[] b = array(durations.get("v7"));
    // Welch's t by the textbook formulas.
    JsonNode avg = m.get("avg(duration_ms)");
    assertNull(avg, "not asked for by default");
    JsonNode help = m.get("avg(score.helpfulness)");
    assertNotNull(help, "every score's mean is compared by default");
    double[] ha = array(helpfulness.get("v6"));
    double[] hb = array(helpfulness.get("v7"));
    double ma = mean(ha);
    double mb = mean(hb);
    double sa = var(ha, ma) / ha.length;
    double sb = var(hb, mb) / hb.length;
    double t = (mb - ma) / Math.sqrt(sa + sb);
    double df = (sa + sb) * (sa + sb) / (sa * sa / (ha.length - 1) + sb * sb / (hb.length - 1));
    double p = 2 * (1 - new TDistribution(df).cumulativeProbability(Math.abs(t)));
    double half = new TDistribution(df).inverseCumulativeProbability(0.975) * Math.sqrt(sa + sb);
    assertEquals("welch_t", help.get("test").asText());
    assertEquals(ma, help.get("a").asDouble(), 1e-12);
    assertEquals(mb, help.get("b").asDouble(), 1e-12);
    assertEquals(mb - ma, help.get("difference").asDouble(), 1e-12);
    assertEquals(t, help.get("statistic").asDouble(), 1e-9);
    assertEquals(p, help.get("pValue").asDouble(), 1e-12);
    assertEquals(new TTest().tTest(ha, hb), help.get("pValue").asDouble(), 1e-9, "and commons-math's Welch test agrees");
    assertEquals(mb - ma - half, help.get("ci95").get(0).asDouble(), 1e-9);
    assertEquals(mb - ma + half, help.get("ci95").get(1).asDouble(), 1e-9);
    assertTrue(help.get("significant").asBoolean());
    assertEquals(ha.length, help.get("nA").asLong());

    // Two proportions, pooled z.
    JsonNode rate = m.get("error_rate");
    long xa = errors.get("v6")[0], na = xa + errors.get("v6")[1];
    long xb = errors.get("v7")[0], nb = xb + errors.get("v7")[1];
    double pa = (double) xa / na, pb = (double) xb / nb, pooled = (double) (xa + xb) / (na + nb);
    double z = (pb - pa) / Math.sqrt(pooled * (1 - pooled) * (1.0 / na + 1.0 / nb));
    assertEquals("two_proportion_z", rate.get("test").asText());
    assertEquals(z, rate.get("statistic").asDouble(), 1e-9);
    assertEquals(2 * new NormalDistribution().cumulativeProbability(-Math.abs(z)), rate.get("pValue").asDouble(), 1e-12);
    double se = Math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb);
    assertEquals(pb - pa - 1.959963984540054 * se, rate.get("ci95").get(0).asDouble(), 1e-9);
    assertTrue(rate.get("significant").asBoolean());

    // Percentiles: Mann-Whitney U counted pair by pair.
    JsonNode p95 = m.get("p95(duration_ms)");
    assertEquals("mann_whitney_u", p95.get("test").asText());
    double u = 0;
    for (double x : a) for (double y : b) u += x > y ? 1 : x == y ? 0.5 : 0;
    double uMax = Math.max(u, (double) a.length * b.length - u);
    assertEquals(uMax, p95.get("statistic").asDouble(), 1e-6, "U as commons-math reports it: the larger of U1, U2");
    assertTrue(p95.get("significant").asBoolean());
    double lo = p95.get("ci95").get(0).asDouble();
    double hi = p95.get("ci95").get(1).asDouble();
    double diff = p95.get("difference").asDouble();
    assertTrue(lo < diff && diff < hi && lo > 0, "the interval holds the difference and excludes 0: " + p95);
    assertEquals(1000, m.get("count").get("a").asLong());
    assertTrue(m.get("count").get("test").isNull(), "counts get no test");
    assertFalse(help.get("sampled").asBoolean(), "every value is tested under the sample limit");
  }

  @Test
  void cohortsDrawnAlikeAreNotSignificant() throws Exception {
    Map<String, JsonNode> m = byMetric(compare("v6", "v6b"));
    for (String metric : List.of("avg(score.helpfulness)", "error_rate", "p50(duration_ms)", "p95(duration_ms)")) {
      JsonNode r = m.get(metric);
      assertFalse(r.get("significant").asBoolean(), metric + ": " + r);
      assertTrue(r.get("ci95").get(0).asDouble() < 0 && r.get("ci95").get(1).asDouble() > 0, metric + " interval holds 0: " + r);
    }
  }

  @Test
  void eachCohortMayHaveItsOwnRangeAndBadBodiesNameTheField() throws Exception {
    String body = "{'metrics': ['avg(duration_ms)', 'count'], 'a': {'from': " + T0 + ", 'to': " + (T0 + 15_000) + "}, 'b': {'from': " + (T0 + 15_000)
        + ", 'to': 'now'}}";
    Map<String, JsonNode> m = byMetric(engine.compare("t", JSON.readTree(body.replace('\'', '"'))));
    assertEquals(1500, m.get("count").get("a").asLong());
    assertEquals(1500, m.get("count").get("b").asLong());
    assertEquals("welch_t", m.get("avg(duration_ms)").get("test").asText());
    Map<String, String> bad = Map.of(
        "{'from': 'now-1d', 'b': {}}", "'a' must be an object",
        "{'from': 'now-1d', 'a': {}, 'b': {'filters': [{'field': 'nope', 'op': '=', 'value': 1}]}}", "b: filters[0]: unknown field 'nope'",
        "{'from': 'now-1d', 'a': {}, 'b': {}, 'metrics': ['median(duration_ms)']}", "metrics[0]: unknown metric function 'median'",
        "{'from': 'now-1d', 'a': {}, 'b': {}, 'metrics': []}", "'metrics' must be a non-empty array",
        "{'a': {}, 'b': {}}", "a: 'from' is required",
        "{'a': {'from': 'yesterday'}, 'b': {}}", "a: 'from' is not a valid time",
        "[1]", "compare body must be a JSON object");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      QueryException ex = assertThrows(QueryException.class, () -> engine.compare("t", JSON.readTree(e.getKey().replace('\'', '"'))), e.getKey());
      assertTrue(ex.getMessage().contains(e.getValue()), ex.getMessage() + " should contain " + e.getValue());
    }
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return s / v.length;
  }

  static double var(double[] v, double m) {
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return s / (v.length - 1);
  }
}
