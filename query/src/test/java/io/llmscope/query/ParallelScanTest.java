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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query scanned by several workers, each aggregating some segments, must answer exactly as one
 * worker scanning all of them: partial groups, sums, extremes, sketches and distinct sets merge.
 */
class ParallelScanTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long T0 = QueryEngineTest.T0;

  @TempDir Path dir;
  Storage storage;

  @BeforeEach
  void load() throws Exception {
    // No background rounds: a compaction merging the small segments mid-test would change the counts asserted.
    storage = Storage.open(StorageConfig.builder(dir).maintenanceIntervalMs(3_600_000).build());
    SplittableRandom rnd = new SplittableRandom(7);
    String[] models = {"gpt-4o", "gpt-4o-mini", "claude", "gemini"};
    int id = 0;
    // Six sealed segments plus rows left in the head; every model and user spans several of them.
    for (int part = 0; part < 7; part++) {
      List<LlmSpan> batch = new ArrayList<>();
      for (int i = 0; i < 3000; i++, id++) {
        LlmSpan s = new LlmSpan();
        s.traceIdLo = id / 3 + 1;
        s.spanId = id + 1;
        s.startNanos = (T0 + rnd.nextLong(6 * 3_600_000L)) * 1_000_000L;
        s.endNanos = s.startNanos + 1_000_000L * (20 + rnd.nextInt(5000));
        s.llm = rnd.nextInt(10) != 0;
        s.dim(Dim.MODEL, models[rnd.nextInt(models.length)])
            .dim(Dim.SERVICE, "svc-" + rnd.nextInt(5))
            .dim(Dim.USER, "user-" + rnd.nextInt(300))
            .dim(Dim.STATUS, rnd.nextInt(30) == 0 ? "error" : "ok");
        s.measure(Measure.DURATION_MS, (s.endNanos - s.startNanos) / 1e6)
            .measure(Measure.INPUT_TOKENS, rnd.nextInt(4000));
        if (rnd.nextBoolean()) s.measure(Measure.OUTPUT_TOKENS, rnd.nextInt(900));
        batch.add(s);
      }
      storage.append("default", batch);
      if (part < 6) storage.sealNow();
    }
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void manyWorkersAnswerLikeOne() throws Exception {
    QueryEngine one = engine(1);
    QueryEngine four = engine(4);
    List<String> queries = List.of(
        "{\"from\":" + T0 + ",\"groupBy\":[\"model\"],\"step\":\"15m\",\"metrics\":[\"count\",\"error_count\",\"error_rate\","
            + "\"p50(duration_ms)\",\"p99(duration_ms)\",\"sum(input_tokens)\",\"avg(output_tokens)\",\"min(input_tokens)\",\"max(output_tokens)\"]}",
        "{\"from\":" + T0 + ",\"groupBy\":[\"service\",\"model\"],\"metrics\":[\"count_distinct(user)\",\"p95(input_tokens)\",\"sum(output_tokens)\"],\"llmOnly\":false}",
        "{\"from\":" + T0 + ",\"groupBy\":[\"user\"],\"metrics\":[\"sum(input_tokens)\"],\"orderBy\":[{\"column\":\"sum(input_tokens)\",\"desc\":true}],\"limit\":10}",
        "{\"from\":" + T0 + ",\"filters\":[{\"field\":\"model\",\"op\":\"=\",\"value\":\"claude\"}],\"metrics\":[\"count\",\"p90(duration_ms)\",\"count_distinct(input_tokens)\"]}");
    for (String query : queries) {
      QueryResult a = one.query("default", JSON.readTree(query));
      QueryResult b = four.query("default", JSON.readTree(query));
      assertEquals(6, b.stats().segmentsScanned(), query);
      assertEquals(21_000, b.stats().rowsScanned(), query);
      RollupAnswersTest.assertSameRows(a.rows(), b.rows(), query);
    }
  }

  @Test
  void theLimitCutsRowsAndStatsSayHowManyThereWere() throws Exception {
    QueryResult top = engine(2).query("default", JSON.readTree("{\"from\":" + T0 + ",\"groupBy\":[\"user\"],"
        + "\"metrics\":[\"count\"],\"orderBy\":[{\"column\":\"count\",\"desc\":true}],\"limit\":10,\"llmOnly\":false}"));
    assertEquals(10, top.rows().size());
    assertEquals(300, top.stats().totalRows());
  }

  @Test
  void tooManyGroupsFailsWhicheverWorkerHitsTheLimit() {
    QueryEngine engine = new QueryEngine(storage, () -> T0 + 7 * 3_600_000L, QueryLimits.builder().maxGroups(50).scanThreads(4).build());
    QueryException e = assertThrows(QueryException.class,
        () -> engine.query("default", JSON.readTree("{\"from\":" + T0 + ",\"groupBy\":[\"user\"],\"metrics\":[\"count\"]}")));
    assertTrue(e.getMessage().contains("more than 50 groups"), e.getMessage());
  }

  private QueryEngine engine(int threads) {
    return new QueryEngine(storage, () -> T0 + 7 * 3_600_000L, QueryLimits.builder().scanThreads(threads).build());
  }
}
