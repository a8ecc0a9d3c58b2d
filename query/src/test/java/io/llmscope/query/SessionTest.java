package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's queries (one snapshot, decoded columns kept between queries, no partial decodes)
 * answer exactly what separate queries answer, also when a filter's postings would have made a
 * sparse view, and the session does not see spans appended after it opened.
 */
class SessionTest {
  static final long T0 = QueryEngineTest.T0;
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void aSessionAnswersLikeSeparateQueriesOverItsSnapshot() throws Exception {
    try (Storage storage = Storage.open(StorageConfig.builder(dir).maintenanceIntervalMs(3_600_000).build());
         QueryEngine engine = new QueryEngine(storage, () -> T0 + 7 * 3_600_000L, QueryLimits.DEFAULTS)) {
      SplittableRandom rnd = new SplittableRandom(3);
      for (int part = 0; part < 3; part++) {
        List<LlmSpan> batch = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
          LlmSpan s = new LlmSpan();
          s.traceIdLo = part * 100_000L + i + 1;
          s.spanId = s.traceIdLo;
          s.llm = true;
          s.startNanos = (T0 + rnd.nextLong(6 * 3_600_000L)) * 1_000_000L;
          s.endNanos = s.startNanos + 1_000_000L * (1 + rnd.nextInt(3000));
          s.dim(Dim.MODEL, "m" + rnd.nextInt(5)).dim(Dim.SERVICE, "svc-" + rnd.nextInt(40)).dim(Dim.STATUS, "ok");
          s.measure(Measure.DURATION_MS, (s.endNanos - s.startNanos) / 1e6).measure(Measure.INPUT_TOKENS, rnd.nextInt(900));
          s.detail = SpanDetail.EMPTY;
          batch.add(s);
        }
        storage.append("t", batch);
        storage.sealNow();
      }
      List<String> queries = List.of(
          "{\"from\":" + T0 + ",\"groupBy\":[\"model\"],\"metrics\":[\"count\",\"p95(duration_ms)\",\"sum(input_tokens)\"]}",
          // One service of 40: its postings name few rows, a sparse view outside a session.
          "{\"from\":" + T0 + ",\"filters\":[{\"field\":\"service\",\"op\":\"=\",\"value\":\"svc-7\"}],\"groupBy\":[\"model\"],\"metrics\":[\"count\",\"avg(input_tokens)\"]}",
          "{\"from\":" + (T0 + 3_600_000L) + ",\"to\":" + (T0 + 4_000_000L) + ",\"groupBy\":[\"service\"],\"metrics\":[\"max(duration_ms)\"]}");
      try (QueryEngine.Session session = engine.session("t")) {
        for (int round = 0; round < 2; round++) {
          for (String q : queries) {
            Query parsed = Query.fromJson(JSON.readTree(q), T0 + 7 * 3_600_000L, QueryLimits.DEFAULTS);
            assertEquals(engine.query("t", parsed).rows(), session.query(parsed).rows(), q);
          }
        }
        long before = ((Number) session.query(Query.fromJson(JSON.readTree("{\"from\":" + T0 + ",\"to\":" + (T0 + 7 * 3_600_000L) + ",\"metrics\":[\"count\"]}"),
            T0, QueryLimits.DEFAULTS)).rows().get(0).get(0)).longValue();
        List<LlmSpan> more = new ArrayList<>();
        LlmSpan s = new LlmSpan();
        s.traceIdLo = 999_999;
        s.spanId = 1;
        s.llm = true;
        s.startNanos = (T0 + 1000) * 1_000_000L;
        s.endNanos = s.startNanos + 1;
        s.detail = SpanDetail.EMPTY;
        more.add(s);
        storage.append("t", more);
        long after = ((Number) session.query(Query.fromJson(JSON.readTree("{\"from\":" + T0 + ",\"to\":" + (T0 + 7 * 3_600_000L) + ",\"metrics\":[\"count\"]}"),
            T0, QueryLimits.DEFAULTS)).rows().get(0).get(0)).longValue();
        assertEquals(60_000, before);
        assertEquals(before, after, "the session reads its snapshot");
      }
    }
  }
}
