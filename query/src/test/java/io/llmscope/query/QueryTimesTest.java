package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * Query times reach the year 9999 although span times are nanoseconds in a long (to 2262): the
 * range saturates rather than wrapping, and bucket counts cannot overflow. Before, a query to
 * 9999-12-31 counted 0 and {@code step: 1ms} over the whole long range passed the bucket limit.
 */
class QueryTimesTest {
  static final long T0 = QueryEngineTest.T0;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void rangesBeyondTheNanosecondRangeCountEverythingAndBucketsNeverOverflow() throws Exception {
    try (Storage storage = Storage.open(StorageConfig.defaults(dir));
        QueryEngine engine = new QueryEngine(storage, () -> T0 + 3_600_000L, QueryLimits.builder().scanThreads(2).build())) {
      List<LlmSpan> spans = new ArrayList<>();
      for (int i = 0; i < 30; i++) spans.add(span(i));
      storage.append("default", spans);
      for (String range : List.of("\"from\":\"now-1h\",\"to\":\"9999-12-31T23:59:59Z\"",
          "\"from\":\"0001-01-01T00:00:00Z\",\"to\":\"9999-12-31T23:59:59Z\"",
          "\"from\":" + Long.MIN_VALUE + ",\"to\":" + Long.MAX_VALUE)) {
        QueryResult r = engine.query("default", JSON.readTree("{" + range + ",\"metrics\":[\"count\"]}"));
        assertEquals(30L, ((Number) r.rows().get(0).get(0)).longValue(), range);
      }
      QueryException tooMany = assertThrows(QueryException.class, () -> engine.query("default", JSON.readTree(
          "{\"from\":" + Long.MIN_VALUE + ",\"to\":" + Long.MAX_VALUE + ",\"step\":\"1ms\",\"metrics\":[\"count\"]}")));
      assertTrue(tooMany.getMessage().contains("buckets over the range; at most"), tooMany.getMessage());
      storage.sealNow();
      QueryResult sealed = engine.query("default", JSON.readTree(
          "{\"from\":\"now-1h\",\"to\":\"9999-12-31T23:59:59Z\",\"groupBy\":[\"model\"],\"metrics\":[\"count\"]}"));
      assertEquals(30L, ((Number) sealed.rows().get(0).get(1)).longValue(), sealed.rows().toString());
    }
  }

  private static LlmSpan span(int i) {
    LlmSpan s = new LlmSpan();
    s.traceIdLo = i + 1;
    s.spanId = i + 1;
    s.startNanos = (T0 + 60_000L + i * 1000L) * 1_000_000L;
    s.endNanos = s.startNanos + 5_000_000L;
    s.llm = true;
    s.dim(Dim.MODEL, "gpt-4o").dim(Dim.STATUS, "ok");
    s.measure(Measure.DURATION_MS, 5);
    return s;
  }
}
