package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmscope.server.loadgen.TrafficGenerator;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar seals its head into segments and compacts them in the background: query answers are the
 * same in the head, in segments and after a kill -9 and restart; trace details come back from
 * sealed segments.
 */
class SegmentsIT {
  static final List<String> QUERIES = List.of(
      "{\"from\":0,\"llmOnly\":false,\"metrics\":[\"count\",\"sum(input_tokens)\",\"sum(output_tokens)\",\"min(duration_ms)\",\"max(duration_ms)\"]}",
      "{\"from\":0,\"groupBy\":[\"model\"],\"metrics\":[\"count\",\"error_rate\",\"sum(cache_read_tokens)\",\"sum(reasoning_tokens)\",\"avg(temperature)\"]}",
      "{\"from\":\"now-8h\",\"groupBy\":[\"service\",\"environment\"],\"step\":\"1h\",\"metrics\":[\"count\",\"sum(input_tokens)\"]}",
      "{\"from\":0,\"groupBy\":[\"prompt_name\",\"prompt_version\"],\"filters\":[{\"field\":\"finish_reason\",\"op\":\"=\",\"value\":\"stop\"}],\"metrics\":[\"count\"]}",
      "{\"from\":0,\"groupBy\":[\"user\"],\"metrics\":[\"sum(output_tokens)\"],\"orderBy\":[{\"column\":\"sum(output_tokens)\",\"desc\":true}],\"limit\":20}");

  @TempDir Path dir;

  static List<JsonNode> answers(ServerProcess s) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String q : QUERIES) {
      ServerProcess.Response r = s.query(q);
      assertEquals(200, r.status(), r.body().toString());
      out.add(r.body().get("rows"));
    }
    return out;
  }

  /**
   * Same rows, same values; sums of fractional doubles may differ in the last bits because rows are
   * added in another order, so those compare within 1e-9 relative.
   */
  static void assertSameAnswers(List<JsonNode> expected, List<JsonNode> actual, String when) {
    for (int q = 0; q < QUERIES.size(); q++) {
      JsonNode e = expected.get(q);
      JsonNode a = actual.get(q);
      assertEquals(e.size(), a.size(), when + ", query " + q + ": row count");
      for (int r = 0; r < e.size(); r++) {
        for (int c = 0; c < e.get(r).size(); c++) {
          JsonNode x = e.get(r).get(c);
          JsonNode y = a.get(r).get(c);
          String where = when + ", query " + q + " row " + r + " column " + c + ": " + e.get(r) + " vs " + a.get(r);
          if (x.isFloatingPointNumber() || y.isFloatingPointNumber()) {
            assertEquals(x.asDouble(), y.asDouble(), Math.abs(x.asDouble()) * 1e-9, where);
          } else {
            assertEquals(x, y, where);
          }
        }
      }
    }
  }

  static void awaitSealed(ServerProcess s) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    JsonNode st;
    do {
      Thread.sleep(200);
      st = s.get("/api/v1/status");
    } while ((st.get("headRows").asLong() > 0 || st.get("segments").asInt() == 0) && System.currentTimeMillis() < deadline);
    assertEquals(0, st.get("headRows").asLong(), "head sealed: " + st);
  }

  @Test
  void answersSurviveSealingCompactionAndRestart() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "storage:\n  sealRows: 4000\n  sealAgeMs: 1500\n  compactBelowRows: 9000\n");
    Path data = dir.resolve("data");
    long now = System.currentTimeMillis();
    TrafficGenerator gen = new TrafficGenerator(21, now - 6 * 3_600_000L, now, 12_000);
    String someTrace = null;
    List<JsonNode> inHead;
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      while (gen.hasNext()) {
        ExportTraceServiceRequest req = gen.nextBatch(512);
        if (someTrace == null) someTrace = HexFormat.of().formatHex(req.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId().toByteArray());
        assertEquals(200, s.postOtlp(req.toByteArray(), "application/x-protobuf", null).statusCode());
      }
      inHead = answers(s);
      assertEquals(gen.totals().allSpans(), s.get("/api/v1/status").get("spans").asLong());
      awaitSealed(s);
      JsonNode st = s.get("/api/v1/status");
      assertTrue(st.get("segmentBytes").asLong() > 0, st.toString());
      assertEquals(gen.totals().allSpans(), st.get("spans").asLong());
      assertSameAnswers(inHead, answers(s), "after sealing");
      JsonNode trace = s.get("/api/v1/traces/" + someTrace);
      assertTrue(trace.get("spans").size() >= 2, trace.toString());
      JsonNode llm = null;
      for (JsonNode sp : trace.get("spans")) if (sp.get("llm").asBoolean()) llm = sp;
      assertNotNull(llm, "an LLM span in " + trace);
      assertNotNull(llm.get("attributes").get("gen_ai.request.model"), llm.toString());
      assertEquals(llm.get("model").asText(), llm.get("attributes").get("gen_ai.response.model").asText(llm.get("model").asText()));
      assertNotNull(llm.get("resource").get("service.name"));
      s.kill();
    }
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      assertSameAnswers(inHead, answers(s), "after kill -9 and restart");
      assertEquals(gen.totals().allSpans(), s.get("/api/v1/status").get("spans").asLong());
      assertEquals(404, s.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.apiUrl("/api/v1/traces/" + "0".repeat(31) + "1"))).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }

  @Test
  void fixtureDetailComesBackThroughTheTraceApi() throws Exception {
    Path fixture = FixturesIT.findFixtures().resolve("otel-collector/pdata_ptrace_tracesJSON.json");
    try (ServerProcess s = ServerProcess.start(dir.resolve("data2"))) {
      assertEquals(200, s.postOtlp(Files.readAllBytes(fixture), "application/json", null).statusCode());
      JsonNode t = s.get("/api/v1/traces/0102030405060708090A0B0C0D0E0F10");
      JsonNode span = t.get("spans").get(0);
      JsonNode attrs = span.get("attributes");
      assertEquals("value", attrs.get("string").asText());
      assertTrue(attrs.get("bool").asBoolean());
      assertEquals(1, attrs.get("int").asLong());
      assertEquals(1.1, attrs.get("double").asDouble());
      assertEquals("Zm9v", attrs.get("bytes").asText());
      assertEquals("[1,\"str\"]", attrs.get("array").toString());
      assertEquals("{\"int\":1,\"string\":\"string\"}", attrs.get("kvList").toString());
      assertEquals("eventName", span.get("events").get(0).get("name").asText());
      assertEquals("1112131415161718", span.get("links").get(0).get("span_id").asText());
      assertEquals("testHost", span.get("resource").get("host.name").asText());
      assertEquals("state", span.get("trace_state").asText());
      assertEquals(400, s.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.apiUrl("/api/v1/traces/xyz"))).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }
}
