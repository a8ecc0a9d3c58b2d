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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries that sealed segments answer from their rollup cells give the answers the rows give in
 * the head, and the rollups are really used (cells read, no rows scanned). Queries a rollup cannot
 * answer fall back to rows with the same results.
 */
class RollupAnswersTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long T0 = QueryEngineTest.T0;
  static final String ALL = "\"from\":" + T0 + ",\"to\":" + (T0 + 4 * 3_600_000L);

  @TempDir Path dir;

  @Test
  void sealedRollupsAnswerLikeHeadRows() throws Exception {
    List<String> fromRollups = List.of(
        "{" + ALL + ",\"groupBy\":[\"model\"],\"step\":\"1m\",\"metrics\":[\"count\",\"error_rate\",\"p50(duration_ms)\",\"p95(duration_ms)\",\"p99(duration_ms)\"]}",
        "{" + ALL + ",\"groupBy\":[\"service\"],\"step\":\"1h\",\"metrics\":[\"sum(input_tokens)\",\"sum(output_tokens)\",\"sum(cost_usd)\",\"avg(duration_ms)\",\"min(input_tokens)\",\"max(ttft_ms)\"]}",
        "{" + ALL + ",\"groupBy\":[\"provider\",\"model\"],\"filters\":[{\"field\":\"provider\",\"op\":\"!=\",\"value\":\"google\"}],\"metrics\":[\"count\",\"error_count\",\"p90(ttft_ms)\",\"p999(duration_ms)\"]}",
        "{" + ALL + ",\"groupBy\":[\"environment\",\"service\"],\"filters\":[{\"field\":\"environment\",\"op\":\"in\",\"value\":[\"prod\"]}],\"step\":\"5m\",\"metrics\":[\"count\",\"p50(duration_ms)\"]}",
        "{" + ALL + ",\"groupBy\":[\"operation\"],\"metrics\":[\"count\",\"avg(output_tokens)\",\"p95(duration_ms)\"],\"llmOnly\":false}",
        "{" + ALL + ",\"filters\":[{\"field\":\"model\",\"op\":\"exists\"}],\"metrics\":[\"count\",\"sum(input_tokens)\",\"p99(duration_ms)\"],\"llmOnly\":false}",
        "{" + ALL + ",\"filters\":[{\"field\":\"model\",\"op\":\"=\",\"value\":\"no-such-model\"}],\"metrics\":[\"count\",\"p99(duration_ms)\"]}");
    List<String> fromRows = List.of(
        "{" + ALL + ",\"groupBy\":[\"model\"],\"metrics\":[\"count_distinct(user)\",\"p95(duration_ms)\"]}",
        "{" + ALL + ",\"groupBy\":[\"model\"],\"metrics\":[\"p95(input_tokens)\"]}", // token quantiles are not sketched
        "{" + ALL + ",\"groupBy\":[\"service\"],\"filters\":[{\"field\":\"model\",\"op\":\"=\",\"value\":\"gpt-4o\"}],\"metrics\":[\"count\"]}",
        "{" + ALL + ",\"step\":\"30s\",\"metrics\":[\"count\"]}",
        "{\"from\":" + (T0 + 20 * 60_000L) + ",\"to\":" + (T0 + 4 * 3_600_000L) + ",\"groupBy\":[\"model\"],\"metrics\":[\"count\",\"p50(duration_ms)\"]}");

    // The same rows twice: all in one store's head, and sealed into three segments in another.
    List<List<List<Object>>> head = new ArrayList<>();
    try (Storage storage = Storage.open(StorageConfig.defaults(dir.resolve("head")))) {
      load(storage, false);
      assertEquals(120_000, storage.status("default").headRows());
      QueryEngine engine = engine(storage);
      for (String q : fromRollups) head.add(engine.query("default", JSON.readTree(q)).rows());
      for (String q : fromRows) head.add(engine.query("default", JSON.readTree(q)).rows());
    }
    try (Storage storage = Storage.open(StorageConfig.defaults(dir.resolve("sealed")))) {
      load(storage, true);
    }
    // Reopened: the rollups come from the files.
    try (Storage storage = Storage.open(StorageConfig.defaults(dir.resolve("sealed")))) {
      assertEquals(0, storage.status("default").headRows());
      QueryEngine engine = engine(storage);
      QueryEngine rowsOnly = new QueryEngine(storage, () -> T0 + 5 * 3_600_000L,
          QueryLimits.builder().defaultLimit(100_000).scanThreads(2).useRollups(false).build());
      int i = 0;
      for (String q : fromRollups) {
        QueryResult r = engine.query("default", JSON.readTree(q));
        assertEquals(0, r.stats().rowsScanned(), "answered from rollups: " + q);
        assertTrue(r.stats().rollupCells() > 0, q);
        assertSameRows(head.get(i++), r.rows(), q);
        QueryResult rows = rowsOnly.query("default", JSON.readTree(q));
        assertEquals(0, rows.stats().rollupCells(), "rollups switched off: " + q);
        assertSameRows(rows.rows(), r.rows(), q);
      }
      for (String q : fromRows) {
        QueryResult r = engine.query("default", JSON.readTree(q));
        assertTrue(r.stats().rowsScanned() > 0, "answered from rows: " + q);
        assertSameRows(head.get(i++), r.rows(), q);
      }
    }
  }

  private static QueryEngine engine(Storage storage) {
    return new QueryEngine(storage, () -> T0 + 5 * 3_600_000L, QueryLimits.builder().defaultLimit(100_000).scanThreads(2).build());
  }

  /** Three sealed segments of 40 minutes each: enough rows per (minute, key) for rollups to pay. */
  private static void load(Storage storage, boolean seal) throws Exception {
    SplittableRandom rnd = new SplittableRandom(11);
    String[][] models = {{"gpt-4o", "openai"}, {"gpt-4o-mini", "openai"}, {"claude-sonnet", "anthropic"}, {"gemini-pro", "google"}};
    int id = 0;
    for (int part = 0; part < 3; part++) {
      List<LlmSpan> batch = new ArrayList<>();
      for (int i = 0; i < 40_000; i++, id++) {
        LlmSpan s = new LlmSpan();
        s.traceIdLo = id / 4 + 1;
        s.spanId = id + 1;
        s.startNanos = (T0 + part * 40 * 60_000L + rnd.nextLong(40 * 60_000L)) * 1_000_000L;
        // Some spans take no time at all: their durations land in the sketches' zero bucket.
        s.endNanos = s.startNanos + (rnd.nextInt(50) == 0 ? 0 : 1_000L * (50 + rnd.nextInt(8_000_000)));
        s.llm = rnd.nextInt(8) != 0;
        s.dim(Dim.SERVICE, "svc-" + rnd.nextInt(3))
            .dim(Dim.ENVIRONMENT, rnd.nextBoolean() ? "prod" : "staging")
            .dim(Dim.USER, "u" + rnd.nextInt(500))
            .dim(Dim.STATUS, rnd.nextInt(33) == 0 ? "error" : "ok");
        s.measure(Measure.DURATION_MS, (s.endNanos - s.startNanos) / 1e6);
        if (s.llm) {
          String[] m = models[rnd.nextInt(models.length)];
          s.dim(Dim.MODEL, m[0]).dim(Dim.PROVIDER, m[1]).dim(Dim.OPERATION, rnd.nextInt(10) == 0 ? "embeddings" : "chat");
          s.measure(Measure.INPUT_TOKENS, 1 + rnd.nextInt(6000)).measure(Measure.OUTPUT_TOKENS, rnd.nextInt(900));
          if (rnd.nextInt(3) == 0) s.measure(Measure.TTFT_MS, 5 + rnd.nextDouble() * 900);
          if (rnd.nextInt(4) == 0) s.measure(Measure.COST_USD, rnd.nextInt(1000) / 1e5);
        } else {
          s.dim(Dim.OPERATION, "execute_tool");
        }
        batch.add(s);
      }
      storage.append("default", batch);
      if (seal) storage.sealNow();
    }
  }

  static void assertSameRows(List<List<Object>> expected, List<List<Object>> actual, String query) {
    assertEquals(expected.size(), actual.size(), query);
    assertFalse(expected.isEmpty(), query);
    for (int r = 0; r < expected.size(); r++) {
      List<Object> x = expected.get(r);
      List<Object> y = actual.get(r);
      for (int c = 0; c < x.size(); c++) {
        // Fractional sums may differ in the last bits with the order of addition; all else is exact.
        if (x.get(c) instanceof Double dx && y.get(c) instanceof Double dy) {
          assertEquals(dx, dy, Math.abs(dx) * 1e-12, query + " row " + r + " column " + c);
        } else {
          assertEquals(x.get(c), y.get(c), query + " row " + r + " column " + c);
        }
      }
    }
  }
}
