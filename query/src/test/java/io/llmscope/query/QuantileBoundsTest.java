package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quantile never reads outside its group's values: the sketch's 1% bin error is clamped to the
 * group's exact min and max, from rows and from rollup cells alike. One 1200 ms span's p95 is
 * 1200, not 1205.98.
 */
class QuantileBoundsTest {
  static final long T0 = QueryEngineTest.T0;
  static final ObjectMapper JSON = new ObjectMapper();
  static final String Q = "{\"from\":" + T0 + ",\"to\":" + (T0 + 3_600_000L) + ",\"groupBy\":[\"model\"],\"step\":\"1h\","
      + "\"metrics\":[\"count\",\"p50(duration_ms)\",\"p95(duration_ms)\",\"p99(duration_ms)\",\"p999(duration_ms)\"]}";

  @TempDir Path dir;

  @Test
  void aGroupOfEqualValuesReadsThatValueFromRowsAndFromRollups() throws Exception {
    try (Storage storage = Storage.open(StorageConfig.builder(dir).sealAgeMs(3_600_000L).build());
        QueryEngine engine = new QueryEngine(storage, () -> T0 + 7_200_000L, QueryLimits.builder().scanThreads(2).build())) {
      List<LlmSpan> spans = new ArrayList<>();
      spans.add(span(1, "one-span", 1200));
      for (int i = 0; i < 40; i++) spans.add(span(10 + i, "same", 250.5)); // enough rows per cell for a rollup
      storage.append("default", spans);
      check(engine.query("default", JSON.readTree(Q)), false);
      storage.sealNow();
      QueryResult sealed = engine.query("default", JSON.readTree(Q));
      assertTrue(sealed.stats().rollupCells() > 0, "answered from rollup cells: " + sealed.stats());
      check(sealed, true);
    }
  }

  private static void check(QueryResult r, boolean sealed) {
    assertEquals(2, r.rows().size(), r.rows().toString());
    for (List<Object> row : r.rows()) {
      double expected = row.get(1).equals("one-span") ? 1200.0 : 250.5;
      for (int c = 3; c < row.size(); c++) {
        assertEquals(expected, ((Number) row.get(c)).doubleValue(), 0.0, (sealed ? "sealed " : "head ") + row);
      }
    }
  }

  private static LlmSpan span(int id, String model, double durationMs) {
    LlmSpan s = new LlmSpan();
    s.traceIdLo = id;
    s.spanId = id;
    s.startNanos = (T0 + 60_000L + id * 1000L) * 1_000_000L;
    s.endNanos = s.startNanos + (long) (durationMs * 1_000_000L);
    s.llm = true;
    s.dim(Dim.MODEL, model).dim(Dim.STATUS, "ok").dim(Dim.OPERATION, "chat");
    s.measure(Measure.DURATION_MS, durationMs).measure(Measure.INPUT_TOKENS, 10).measure(Measure.OUTPUT_TOKENS, 5);
    return s;
  }
}
