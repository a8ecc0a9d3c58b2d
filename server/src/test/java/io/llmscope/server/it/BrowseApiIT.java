package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmscope.server.loadgen.TrafficGenerator;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/spans}, {@code /api/v1/fields} and {@code /api/v1/values/{field}} on the jar. */
class BrowseApiIT {
  @TempDir static Path dir;
  static ServerProcess server;
  static TrafficGenerator.Totals totals;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.start(dir.resolve("data"));
    long now = System.currentTimeMillis();
    TrafficGenerator gen = new TrafficGenerator(31, now - 3_600_000L, now, 3000);
    while (gen.hasNext()) assertEquals(200, server.postOtlp(gen.nextBatch(512).toByteArray(), "application/x-protobuf", null).statusCode());
    totals = gen.totals();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  @Test
  void malformedQueriesGet400sThatNameTheProblemAndTheServerKeepsServing() throws Exception {
    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("{not json", "not valid JSON");
    bad.put("{\"from\":\"yesterday\",\"metrics\":[\"count\"]}", "'from' is not a valid time");
    bad.put("{\"from\":\"now-1h\",\"groupBy\":[\"modle\"],\"metrics\":[\"count\"]}", "unknown field 'modle'");
    bad.put("{\"from\":\"now-1h\",\"metrics\":[\"median(duration_ms)\"]}", "unknown metric function 'median'");
    bad.put("{\"from\":\"now-1h\",\"metrics\":[\"count\"],\"filters\":[{\"field\":\"model\",\"op\":\"~\",\"value\":\"x\"}]}", "unknown op '~'");
    bad.put("{\"from\":\"now-1h\",\"metrics\":[\"count\"],\"step\":\"fast\"}", "'step' is not a valid duration");
    bad.put("{\"from\":\"now-1h\"}", "'metrics' must be a non-empty array");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      ServerProcess.Response r = server.query(e.getKey());
      assertEquals(400, r.status(), e.getKey());
      assertTrue(r.body().path("error").asText().contains(e.getValue()), e.getKey() + " -> " + r.body());
    }
    ServerProcess.Response ok = server.query("{\"from\":\"now-2h\",\"metrics\":[\"count\"]}");
    assertEquals(200, ok.status(), ok.body().toString());
    assertEquals(totals.llmSpans(), ok.body().path("rows").path(0).path(0).asLong());
  }

  static HttpResponse<String> raw(String path) throws Exception {
    return server.http.send(HttpRequest.newBuilder(URI.create(server.apiUrl(path))).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void spansAreNewestFirstAndFiltered() throws Exception {
    JsonNode spans = server.get("/api/v1/spans?from=now-2h&limit=50").get("spans");
    assertEquals(50, spans.size());
    for (int i = 1; i < spans.size(); i++) {
      assertTrue(spans.get(i - 1).get("start_time_unix_nano").asLong() >= spans.get(i).get("start_time_unix_nano").asLong());
    }
    // The newest 50 are newer than any span left out: compare with the 51st via a bigger page.
    JsonNode more = server.get("/api/v1/spans?from=now-2h&limit=51").get("spans");
    assertEquals(spans.get(49).get("span_id"), more.get(49).get("span_id"));

    String model = spans.get(0).get("model").isNull() ? "gpt-4o" : spans.get(0).get("model").asText();
    JsonNode byModel = server.get("/api/v1/spans?from=now-2h&limit=1000&model=" + model).get("spans");
    long expected = server.count("{\"from\":\"now-2h\",\"llmOnly\":false,\"filters\":[{\"field\":\"model\",\"op\":\"=\",\"value\":\"" + model + "\"}],\"metrics\":[\"count\"]}");
    assertEquals(Math.min(1000, expected), byModel.size());
    for (JsonNode s : byModel) assertEquals(model, s.get("model").asText());

    // Model calls only, at least 2 s long: exactly what the same filters count in a query.
    JsonNode slow = server.get("/api/v1/spans?from=now-2h&limit=100000&llm=true&minDurationMs=2000").get("spans");
    long slowCount = server.count("{\"from\":\"now-2h\",\"llmOnly\":true,\"filters\":[{\"field\":\"duration_ms\",\"op\":\">=\",\"value\":2000}],\"metrics\":[\"count\"]}");
    assertTrue(slowCount > 0 && slowCount < totals.llmSpans(), "some model calls are slow, not all: " + slowCount);
    assertEquals(slowCount, slow.size());
    for (JsonNode sp : slow) assertTrue(sp.get("llm").asBoolean() && sp.get("duration_ms").asDouble() >= 2000, sp.toString());
    assertEquals(400, raw("/api/v1/spans?llm=yes").statusCode());
    assertEquals(400, raw("/api/v1/spans?minDurationMs=-1").statusCode());
    assertEquals(400, raw("/api/v1/spans?colour=red").statusCode());
    assertEquals(400, raw("/api/v1/spans?limit=zero").statusCode());
    assertEquals(0, server.get("/api/v1/spans?user=nobody-at-all").get("spans").size());
  }

  @Test
  void fieldsListTheCatalogue() throws Exception {
    Map<String, String> types = new TreeMap<>();
    for (JsonNode f : server.get("/api/v1/fields").get("fields")) types.put(f.get("name").asText(), f.get("type").asText());
    assertEquals("string", types.get("model"));
    assertEquals("number", types.get("cost_usd"));
    assertEquals("string", types.get("trace_id"));
    assertTrue(types.containsKey("attr.KEY"));
    // The query module's catalogue: ids, every measure, and the name patterns.
    assertEquals("string", types.get("parent_span_id"));
    assertEquals("number", types.get("ttft_ms"));
    assertEquals("string", types.get("resource.KEY"));
    assertEquals("number", types.get("score.NAME"));
    for (JsonNode f : server.get("/api/v1/fields").get("fields")) {
      String name = f.get("name").asText();
      assertEquals(name.endsWith(".KEY") || name.endsWith(".NAME"), f.path("pattern").asBoolean(false), name);
      // Every field is queryable: a filtered count of it is answered.
      String q = "{\"from\":\"now-2h\",\"llmOnly\":false,\"metrics\":[\"count\"],\"filters\":[{\"field\":\""
          + name.replace("KEY", "service.name").replace("NAME", "helpfulness") + "\",\"op\":\"exists\"}]}";
      assertEquals(200, server.query(q).status(), q);
    }
  }

  @Test
  void valuesAreDistinctWithCounts() throws Exception {
    JsonNode values = server.get("/api/v1/values/model?from=now-2h").get("values");
    List<String> models = new ArrayList<>();
    long sum = 0;
    for (JsonNode v : values) {
      models.add(v.get("value").asText());
      sum += v.get("count").asLong();
    }
    assertEquals(totals.llmSpansByModel().keySet().stream().sorted().toList(), models.stream().sorted().toList());
    assertEquals(totals.llmSpans(), sum);
    assertEquals(400, raw("/api/v1/values/nope").statusCode());
  }
}
