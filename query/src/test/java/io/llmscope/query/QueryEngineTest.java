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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryEngineTest {
  // Yesterday 00:00 UTC: recent enough that the store's 30-day retention never drops the test data.
  static final long T0 = (System.currentTimeMillis() / 86_400_000L - 1) * 86_400_000L;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Storage storage;
  QueryEngine engine;
  // Expected figures, computed while generating.
  long llmCount;
  long gpt4oCount;
  long gpt4oInput;
  long chatApiErrors;
  long chatApiCount;

  @BeforeEach
  void load() throws Exception {
    storage = Storage.open(StorageConfig.defaults(dir));
    engine = new QueryEngine(storage, () -> T0 + 3_600_000L, QueryLimits.builder().maxGroups(5).scanThreads(3).build());
    List<LlmSpan> batch = new ArrayList<>();
    String[] models = {"gpt-4o", "gpt-4o-mini", "claude"};
    for (int i = 0; i < 10_000; i++) {
      LlmSpan s = new LlmSpan();
      s.traceIdLo = i + 1;
      s.spanId = i + 1;
      s.startNanos = (T0 + i * 300L) * 1_000_000L; // 3000 s = 50 min of data
      s.endNanos = s.startNanos + 1_000_000L * (100 + i % 50);
      s.llm = i % 10 != 0;
      String model = models[i % 3];
      String service = i % 2 == 0 ? "chat-api" : "batch";
      boolean error = i % 7 == 0;
      s.dim(Dim.MODEL, model).dim(Dim.SERVICE, service).dim(Dim.STATUS, error ? "error" : "ok");
      s.measure(Measure.DURATION_MS, 100 + i % 50).measure(Measure.INPUT_TOKENS, i % 100);
      if (i % 5 == 0) s.measure(Measure.COST_USD, 0.5);
      s.detail = new SpanDetail(Map.of("tier", i % 2 == 0 ? "gold" : "free"), Map.of(), "", "", "", "", List.of(), List.of());
      if (s.llm) {
        llmCount++;
        if (model.equals("gpt-4o")) {
          gpt4oCount++;
          gpt4oInput += i % 100;
        }
        if (service.equals("chat-api")) {
          chatApiCount++;
          if (error) chatApiErrors++;
        }
      }
      batch.add(s);
    }
    storage.append("default", batch);
  }

  @AfterEach
  void close() {
    storage.close();
  }

  QueryResult q(String json) throws Exception {
    return engine.query("default", JSON.readTree(json));
  }

  @Test
  void countsAndSumsByModel() throws Exception {
    QueryResult r = q("{\"from\":\"now-24h\",\"to\":\"now\",\"groupBy\":[\"model\"],\"metrics\":[\"count\",\"sum(input_tokens)\"],"
        + "\"orderBy\":[{\"column\":\"count\",\"desc\":true}]}");
    assertEquals(List.of("model", "count", "sum(input_tokens)"), r.columns());
    assertEquals(3, r.rows().size());
    long total = 0;
    for (List<Object> row : r.rows()) total += (Long) row.get(1);
    assertEquals(llmCount, total);
    List<Object> gpt = r.rows().stream().filter(row -> row.get(0).equals("gpt-4o")).findFirst().orElseThrow();
    assertEquals(gpt4oCount, gpt.get(1));
    assertEquals(gpt4oInput, gpt.get(2));
    assertEquals(10_000, r.stats().rowsScanned());
  }

  @Test
  void filtersErrorRateAndSteps() throws Exception {
    QueryResult r = q("{\"from\":" + T0 + ",\"to\":\"now\",\"filters\":[{\"field\":\"service\",\"op\":\"=\",\"value\":\"chat-api\"}],"
        + "\"metrics\":[\"count\",\"error_count\",\"error_rate\"]}");
    assertEquals(List.of(List.of(chatApiCount, chatApiErrors, (double) chatApiErrors / chatApiCount)), r.rows());

    QueryResult all = q("{\"from\":" + T0 + ",\"metrics\":[\"count\"],\"llmOnly\":false}");
    assertEquals(10_000L, all.rows().get(0).get(0));

    QueryResult stepped = q("{\"from\":" + T0 + ",\"step\":\"10m\",\"metrics\":[\"count\"],\"llmOnly\":false}");
    assertEquals(5, stepped.rows().size());
    assertEquals(T0, stepped.rows().get(0).get(0));
    assertEquals(2000L, stepped.rows().get(0).get(1));

    QueryResult range = q("{\"from\":" + T0 + ",\"to\":" + (T0 + 3000) + ",\"metrics\":[\"count\"],\"llmOnly\":false}");
    assertEquals(10L, range.rows().get(0).get(0)); // to is exclusive

    QueryResult attr = q("{\"from\":" + T0 + ",\"groupBy\":[\"attr.tier\"],\"filters\":[{\"field\":\"model\",\"op\":\"in\",\"value\":[\"claude\"]}],"
        + "\"metrics\":[\"count\",\"max(duration_ms)\",\"avg(cost_usd)\"],\"llmOnly\":false}");
    assertEquals(2, attr.rows().size());
    assertEquals("free", attr.rows().get(0).get(0));
    assertEquals(0.5, attr.rows().get(0).get(3));

    QueryResult none = q("{\"from\":" + T0 + ",\"filters\":[{\"field\":\"model\",\"op\":\"=\",\"value\":\"nope\"}],\"groupBy\":[\"model\"],\"metrics\":[\"count\"]}");
    assertTrue(none.rows().isEmpty());

    // Without groupBy or step an empty selection is still one row, as in SQL.
    QueryResult zero = q("{\"from\":" + T0 + ",\"filters\":[{\"field\":\"model\",\"op\":\"=\",\"value\":\"nope\"}],"
        + "\"metrics\":[\"count\",\"error_count\",\"error_rate\",\"sum(input_tokens)\",\"p95(duration_ms)\",\"count_distinct(user)\"]}");
    assertEquals(List.of(Arrays.asList(0L, 0L, null, null, null, 0L)), zero.rows());
  }

  @Test
  void quantilesWithinOnePercent() throws Exception {
    QueryResult r = q("{\"from\":" + T0 + ",\"metrics\":[\"p50(duration_ms)\",\"p99(duration_ms)\",\"count_distinct(model)\"],\"llmOnly\":false}");
    assertEquals(124.5, ((Number) r.rows().get(0).get(0)).doubleValue(), 124.5 * 0.011);
    assertEquals(149, ((Number) r.rows().get(0).get(1)).doubleValue(), 149 * 0.01);
    assertEquals(3L, r.rows().get(0).get(2));
  }

  @Test
  void sealedSegmentsAnswerLikeTheHead() throws Exception {
    List<String> queries = List.of(
        "{\"from\":" + T0 + ",\"groupBy\":[\"model\"],\"metrics\":[\"count\",\"sum(input_tokens)\",\"max(duration_ms)\",\"error_count\"]}",
        "{\"from\":" + T0 + ",\"filters\":[{\"field\":\"service\",\"op\":\"=\",\"value\":\"chat-api\"}],\"groupBy\":[\"model\"],\"metrics\":[\"count\",\"sum(input_tokens)\"]}",
        "{\"from\":" + T0 + ",\"filters\":[{\"field\":\"model\",\"op\":\"in\",\"value\":[\"claude\",\"gpt-4o\"]},{\"field\":\"status\",\"op\":\"!=\",\"value\":\"ok\"}],\"step\":\"10m\",\"metrics\":[\"count\"],\"llmOnly\":false}",
        "{\"from\":" + T0 + ",\"filters\":[{\"field\":\"model\",\"op\":\"contains\",\"value\":\"gpt\"},{\"field\":\"input_tokens\",\"op\":\">=\",\"value\":50}],\"groupBy\":[\"service\"],\"metrics\":[\"count\",\"min(input_tokens)\"]}",
        "{\"from\":" + T0 + ",\"filters\":[{\"field\":\"model\",\"op\":\"=\",\"value\":\"absent-model\"}],\"metrics\":[\"count\"]}");
    List<List<List<Object>>> before = new ArrayList<>();
    for (String query : queries) before.add(q(query).rows());
    storage.sealNow();
    assertEquals(0, storage.status("default").headRows());
    for (int i = 0; i < queries.size(); i++) {
      QueryResult r = q(queries.get(i));
      assertEquals(before.get(i), r.rows(), queries.get(i));
      assertEquals(1, r.stats().segmentsScanned() + r.stats().segmentsPruned(), queries.get(i));
    }
  }

  @Test
  void badQueriesNameTheProblem() {
    assertBad("{\"from\":\"yesterday\",\"metrics\":[\"count\"]}", "'from' is not a valid time");
    assertBad("{\"from\":\"now-1h\",\"metrics\":[\"count\"],\"groupBy\":[\"modle\"]}", "unknown field 'modle'");
    assertBad("{\"from\":\"now-1h\",\"metrics\":[\"sum(model)\"]}", "needs a numeric field");
    assertBad("{\"from\":\"now-1h\",\"metrics\":[\"median(duration_ms)\"]}", "unknown metric function 'median'");
    assertBad("{\"from\":\"now-1h\",\"metrics\":[\"count\"],\"filters\":[{\"field\":\"model\",\"op\":\"~\",\"value\":\"x\"}]}", "unknown op '~'");
    assertBad("{\"from\":\"now-1h\"}", "'metrics' must be a non-empty array");
    assertBad("{\"from\":\"now-1h\",\"metrics\":[\"count\"],\"step\":\"fast\"}", "'step' is not a valid duration");
    assertBad("{\"from\":\"now-1h\",\"metrics\":[\"count\"],\"orderBy\":[{\"column\":\"nope\"}]}", "unknown column 'nope'");
    // The engine here allows 5 groups; ten-minute buckets over 50 minutes by model make 15.
    assertBad("{\"from\":\"now-24h\",\"step\":\"10m\",\"groupBy\":[\"model\"],\"metrics\":[\"count\"]}", "more than 5 groups");
  }

  private void assertBad(String json, String expected) {
    QueryException e = assertThrows(QueryException.class, () -> q(json));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

}
