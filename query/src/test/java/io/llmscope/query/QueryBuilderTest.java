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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed {@link Query}: the builder validates with the JSON parser's messages, and a query
 * built in Java is the query its JSON body parses to, with the same answer.
 */
class QueryBuilderTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long T0 = QueryEngineTest.T0;
  static final long NOW = T0 + 3_600_000L;
  static final QueryLimits LIMITS = QueryLimits.builder().maxBuckets(1000).maxLimit(5000).build();

  @TempDir Path dir;

  private static Query.Builder base() {
    return Query.builder().now(NOW).from(T0).metrics("count");
  }

  private static Query json(String body) throws Exception {
    return Query.fromJson(JSON.readTree(body), NOW, LIMITS);
  }

  @Test
  void builderNamesTheProblemAsTheParserDoes() throws Exception {
    Map<Supplier<Query>, String> bad = new LinkedHashMap<>();
    bad.put(() -> Query.builder().metrics("count").build(), "'from' is required");
    bad.put(() -> Query.builder().from("yesterday").metrics("count").build(), "'from' is not a valid time: 'yesterday'");
    bad.put(() -> base().to(T0 - 1).build(), "'to' (" + (T0 - 1) + ") is before 'from' (" + T0 + ")");
    bad.put(() -> base().groupBy("modle").build(), "groupBy[0]: unknown field 'modle'");
    bad.put(() -> base().groupBy("model", "duration_ms").build(), "groupBy[1]: cannot group by measure 'duration_ms'");
    bad.put(() -> base().groupBy("score.").build(), "groupBy[0]: unknown field 'score.'");
    bad.put(() -> base().filter("model", "~", "x").build(), "filters[0]: unknown op '~'");
    bad.put(() -> base().filter("model", "=", "a").filter("model", "in", "gpt-4o").build(), "filters[1]: op 'in' needs an array value");
    bad.put(() -> base().filter("model", "=", List.of("a")).build(), "filters[0]: op '=' needs a single value");
    bad.put(() -> base().filter("model", "=", null).build(), "filters[0]: 'value' is required for op '='");
    bad.put(() -> base().filter("model", ">", "a").build(), "filters[0]: op '>' needs a numeric field, 'model' is a string");
    bad.put(() -> base().filter("cost_usd", "contains", "1").build(), "filters[0]: 'contains' needs a string field, 'cost_usd' is numeric");
    bad.put(() -> base().filter("duration_ms", ">", "slow").build(), "filters[0]: 'slow' is not a number for numeric field 'duration_ms'");
    bad.put(() -> base().step("fast").build(), "'step' is not a valid duration: 'fast'");
    bad.put(() -> base().step(0).build(), "'step' must be positive");
    bad.put(() -> base().to(T0 + 3_600_000L).step("1s").build(LIMITS), "'step' 1s makes 3601 buckets over the range; at most 1000 allowed");
    bad.put(() -> Query.builder().from(T0).build(), "'metrics' must be a non-empty array");
    bad.put(() -> Query.builder().from(T0).metrics("count", "sum(model)").build(), "metrics[1]: sum() needs a numeric field, 'model' is not");
    bad.put(() -> Query.builder().from(T0).metrics("median(duration_ms)").build(), "metrics[0]: unknown metric function 'median'");
    bad.put(() -> base().orderBy("nope", true).build(), "orderBy[0]: unknown column 'nope'; columns are [count]");
    bad.put(() -> base().orderBy(null, true).build(), "orderBy[0]: 'column' is required");
    bad.put(() -> base().limit(0).build(), "'limit' must be a positive integer");
    for (Map.Entry<Supplier<Query>, String> e : bad.entrySet()) {
      QueryException ex = assertThrows(QueryException.class, e.getKey()::get, e.getValue());
      assertTrue(ex.getMessage().contains(e.getValue()), ex.getMessage() + " should contain " + e.getValue());
    }
  }

  @Test
  void jsonAndBuilderMakeTheSameQuery() throws Exception {
    Query built = Query.builder().now(NOW).from("now-1h").to("now")
        .filter("service", "=", "chat-api")
        .filter("model", "in", List.of("gpt-4o", "claude"))
        .filter("duration_ms", ">", 120)
        .filter("trace_id", "!=", "ABCDEF")
        .exists("cost_usd")
        .groupBy("model", "attr.tier")
        .step("10m")
        .metrics("count", "p95( duration_ms )", "sum(cost_usd)")
        .orderBy("p95( duration_ms )", true)
        .limit(10)
        .llmOnly(false)
        .explain(true)
        .build(LIMITS);
    Query parsed = json("{\"from\":\"now-1h\",\"to\":\"now\",\"filters\":["
        + "{\"field\":\"service\",\"value\":\"chat-api\"},"
        + "{\"field\":\"model\",\"op\":\"in\",\"value\":[\"gpt-4o\",\"claude\"]},"
        + "{\"field\":\"duration_ms\",\"op\":\">\",\"value\":\"120\"},"
        + "{\"field\":\"trace_id\",\"op\":\"!=\",\"value\":\"ABCDEF\"},"
        + "{\"field\":\"cost_usd\",\"op\":\"exists\"}],"
        + "\"groupBy\":[\"model\",\"attr.tier\"],\"step\":\"10m\",\"metrics\":[\"count\",\"p95( duration_ms )\",\"sum(cost_usd)\"],"
        + "\"orderBy\":[{\"column\":\"p95( duration_ms )\",\"desc\":true}],\"limit\":10,\"llmOnly\":false,\"explain\":true}");
    assertEquals(parsed, built);
    assertEquals(T0, built.fromMs());
    assertEquals(NOW, built.toMs());
    assertEquals(600_000L, built.stepMs());
    assertEquals(List.of("time", "model", "attr.tier", "count", "p95(duration_ms)", "sum(cost_usd)"), built.columns());
    assertEquals(new Query.Order("p95(duration_ms)", true), built.orderBy().get(0));
    assertEquals("abcdef", built.filters().get(3).strings().get(0), "ids compare in lower case");

    // The engine's limits: a missing limit is the default, a large one is cut to the maximum.
    assertEquals(LIMITS.defaultLimit(), json("{\"from\":0,\"metrics\":[\"count\"]}").limit());
    assertEquals(5000, json("{\"from\":0,\"metrics\":[\"count\"],\"limit\":99999}").limit());
    assertEquals(0, Query.builder().from(0).metrics("count").build().limit(), "0: the engine's default");
    // A number compares with a string field as its JSON text.
    assertEquals(List.of("4096", "0.5"), json("{\"from\":0,\"metrics\":[\"count\"],\"filters\":[{\"field\":\"attr.n\",\"op\":\"in\",\"value\":[4096,0.5]}]}")
        .filters().get(0).strings());
    assertEquals(base().filter("attr.n", "in", List.of(4096, 0.5)).build().filters(),
        json("{\"from\":" + T0 + ",\"metrics\":[\"count\"],\"filters\":[{\"field\":\"attr.n\",\"op\":\"in\",\"value\":[4096,0.5]}]}").filters());
  }

  @Test
  void jsonShapeErrorsKeepTheirMessages() {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("[]", "query body must be a JSON object");
    bad.put("{\"from\":0,\"metrics\":[\"count\"],\"colour\":1}", "unknown query property 'colour'");
    bad.put("{\"from\":0,\"metrics\":[\"count\"],\"filters\":{}}", "'filters' must be an array");
    bad.put("{\"from\":0,\"metrics\":[\"count\"],\"filters\":[1]}", "filters[0] must be an object {field, op, value}");
    bad.put("{\"from\":0,\"metrics\":[\"count\"],\"filters\":[{\"field\":\"model\",\"value\":{\"a\":1}}]}", "filters[0]: op '=' needs a single value");
    bad.put("{\"from\":0,\"metrics\":[\"count\"],\"groupBy\":\"model\"}", "'groupBy' must be an array of field names");
    bad.put("{\"from\":0,\"metrics\":[\"count\"],\"groupBy\":[1]}", "groupBy[0] must be a field name");
    bad.put("{\"from\":0,\"metrics\":[\"count\",2]}", "metrics[1] must be a string");
    bad.put("{\"from\":0,\"metrics\":[\"count\"],\"orderBy\":{}}", "'orderBy' must be an array of {column, desc}");
    bad.put("{\"from\":0,\"metrics\":[\"count\"],\"limit\":\"ten\"}", "'limit' must be a positive integer");
    bad.put("{\"from\":0,\"metrics\":[\"count\"],\"llmOnly\":\"yes\"}", "'llmOnly' must be true or false");
    bad.put("{\"from\":0,\"metrics\":[\"count\"],\"explain\":1}", "'explain' must be true or false");
    bad.put("{\"metrics\":[\"count\"]}", "'from' is required");
    // Problems are reported in the order the parser always checked them: filters before metrics.
    bad.put("{\"from\":0,\"metrics\":[5],\"filters\":[{\"field\":\"nope\"}]}", "filters[0]: unknown field 'nope'");
    bad.put("{\"from\":0,\"metrics\":[\"sum(model)\",5]}", "metrics[0]: sum() needs a numeric field");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      QueryException ex = assertThrows(QueryException.class, () -> json(e.getKey()), e.getKey());
      assertTrue(ex.getMessage().contains(e.getValue()), e.getKey() + " -> " + ex.getMessage());
    }
  }

  @Test
  void jsonAndBuilderGiveTheSameAnswer() throws Exception {
    try (Storage storage = Storage.open(StorageConfig.defaults(dir));
        QueryEngine engine = new QueryEngine(storage, () -> NOW, QueryLimits.builder().scanThreads(2).build())) {
      List<LlmSpan> spans = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        LlmSpan s = new LlmSpan();
        s.traceIdLo = i + 1;
        s.spanId = i + 1;
        s.startNanos = (T0 + i * 1000L) * 1_000_000L;
        s.endNanos = s.startNanos + 1_000_000L * (50 + i % 300);
        s.llm = i % 4 != 0;
        s.dim(Dim.MODEL, i % 3 == 0 ? "gpt-4o" : "claude").dim(Dim.SERVICE, i % 2 == 0 ? "chat-api" : "batch")
            .dim(Dim.STATUS, i % 11 == 0 ? "error" : "ok");
        s.measure(Measure.DURATION_MS, 50 + i % 300).measure(Measure.INPUT_TOKENS, i % 70);
        if (i % 5 == 0) s.measure(Measure.COST_USD, 0.001 * (i % 7));
        s.detail = new SpanDetail(Map.of("tier", i % 2 == 0 ? "gold" : "free"), Map.of(), "", "", "", "", List.of(), List.of());
        spans.add(s);
      }
      storage.append("default", spans.subList(0, 1200));
      storage.sealNow();
      storage.append("default", spans.subList(1200, 2000));

      Query typed = engine.newQuery().from("now-1h").to("now")
          .filter("service", "=", "chat-api").filter("duration_ms", ">", 120).filter("model", "in", List.of("gpt-4o", "claude"))
          .groupBy("model", "attr.tier").step("10m")
          .metrics("count", "error_rate", "p95(duration_ms)", "sum(cost_usd)", "count_distinct(input_tokens)")
          .orderBy("count", true).llmOnly(false).build();
      String body = "{\"from\":\"now-1h\",\"to\":\"now\",\"filters\":[{\"field\":\"service\",\"op\":\"=\",\"value\":\"chat-api\"},"
          + "{\"field\":\"duration_ms\",\"op\":\">\",\"value\":120},{\"field\":\"model\",\"op\":\"in\",\"value\":[\"gpt-4o\",\"claude\"]}],"
          + "\"groupBy\":[\"model\",\"attr.tier\"],\"step\":\"10m\","
          + "\"metrics\":[\"count\",\"error_rate\",\"p95(duration_ms)\",\"sum(cost_usd)\",\"count_distinct(input_tokens)\"],"
          + "\"orderBy\":[{\"column\":\"count\",\"desc\":true}],\"llmOnly\":false}";
      QueryResult a = engine.query("default", typed);
      QueryResult b = engine.query("default", JSON.readTree(body));
      assertEquals(b.columns(), a.columns());
      assertFalse(a.rows().isEmpty());
      assertEquals(b.rows(), a.rows());
      assertEquals(b.stats().rowsScanned(), a.stats().rowsScanned());
      assertNull(a.plan(), "no plan unless explained");

      // A step the builder could not check against limits is checked by the engine.
      QueryEngine strict = new QueryEngine(storage, () -> NOW, QueryLimits.builder().maxBuckets(10).build());
      QueryException e = assertThrows(QueryException.class, () -> strict.query("default", engine.newQuery().from("now-1h").step(60_000).metrics("count").build()));
      assertTrue(e.getMessage().contains("buckets over the range; at most 10 allowed"), e.getMessage());
      strict.close();
    }
  }

  @Test
  void spanQueriesParseUrlParameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("from", "now-1h");
    p.put("service", "chat-api");
    p.put("limit", "5000");
    SpanQuery q = SpanQuery.fromParams(p, NOW, 1000);
    assertEquals(new SpanQuery(NOW - 3_600_000L, NOW, Map.of(Dim.SERVICE, "chat-api"), 1000), q);
    assertEquals(SpanQuery.DEFAULT_LIMIT, SpanQuery.fromParams(Map.of(), NOW, 1000).limit());
    assertEquals(NOW - 86_400_000L, SpanQuery.fromParams(Map.of(), NOW, 1000).fromMs());
    QueryException e = assertThrows(QueryException.class, () -> SpanQuery.fromParams(Map.of("colour", "red"), NOW, 1000));
    assertTrue(e.getMessage().contains("unknown span filter 'colour'"), e.getMessage());
    e = assertThrows(QueryException.class, () -> SpanQuery.fromParams(Map.of("limit", "zero"), NOW, 1000));
    assertTrue(e.getMessage().contains("'limit' must be a positive integer, got 'zero'"), e.getMessage());
  }

  @Test
  void theCatalogueIsWhatQueriesResolve() {
    int fixed = 0;
    for (Fields.Field f : Fields.all()) {
      if (f.pattern()) {
        String name = f.prefix() + "x";
        assertEquals(name, FieldRef.of(name).name());
        continue;
      }
      fixed++;
      FieldRef r = FieldRef.of(f.name());
      assertEquals(f.type() == Fields.Type.NUMBER, r.numeric(), f.name());
    }
    assertEquals(Dim.values().length + 3 + Measure.values().length, fixed, "dimensions, ids and measures");
    assertEquals(FieldRef.Kind.TRACE_ID, FieldRef.of("trace_id").kind());
    assertEquals(FieldRef.Kind.RESOURCE, FieldRef.of("resource.host").kind());
    assertEquals("host", FieldRef.of("resource.host").key());
    assertTrue(Fields.all().stream().anyMatch(f -> f.name().equals("score.NAME") && f.type() == Fields.Type.NUMBER));
    QueryException e = assertThrows(QueryException.class, () -> FieldRef.of("attr."));
    assertTrue(e.getMessage().contains("unknown field 'attr.'"), e.getMessage());
  }
}
