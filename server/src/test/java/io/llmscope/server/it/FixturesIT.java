package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every public fixture payload sent over OTLP/HTTP to the jar: accepted (or 400 when invalid), fields as sent. */
class FixturesIT {
  @TempDir static Path dir;
  static ServerProcess server;
  static Path fixtures;

  @BeforeAll
  static void start() throws Exception {
    fixtures = findFixtures();
    server = ServerProcess.start(dir.resolve("data"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  /** {@code shared/fixtures} beside the repository (walks up from the working directory). */
  static Path findFixtures() {
    String prop = System.getProperty("llmscope.fixtures");
    if (prop != null) return Path.of(prop);
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared/fixtures");
      if (Files.isDirectory(candidate)) return candidate;
    }
    throw new IllegalStateException("shared/fixtures not found above " + Path.of("").toAbsolutePath());
  }

  /**
   * Spans stored plus spans acknowledged as resent copies: public payloads from different
   * projects reuse the OpenTelemetry docs' example ids, and a tenant stores each id once.
   */
  long stored() throws Exception {
    long spans = server.get("/api/v1/status").get("spans").asLong();
    String metrics = server.getRaw("/metrics", null).body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("llmscope_ingest_spans_duplicate_total ")) spans += (long) Double.parseDouble(line.split(" ")[1]);
    }
    return spans;
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** Spans in an OTLP/JSON request, with or without ids. */
  static int spansIn(JsonNode req) {
    int n = 0;
    for (JsonNode rs : req.path("resourceSpans")) for (JsonNode ss : rs.path("scopeSpans")) n += ss.path("spans").size();
    return n;
  }

  @Test
  void everyValidPayloadIsAccepted() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(fixtures)) {
      files = walk.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/invalid/"))
          .filter(p -> !p.toString().contains("/attribute-maps/")).filter(p -> !p.getFileName().toString().endsWith(".md"))
          .sorted().toList();
    }
    assertTrue(files.size() >= 12, "fixtures " + files);
    for (Path f : files) {
      String name = f.getFileName().toString();
      List<byte[]> bodies = new ArrayList<>();
      boolean json = !(name.endsWith(".pb") || name.endsWith(".protobuf-bin"));
      if (name.endsWith(".jsonl")) {
        for (String line : Files.readAllLines(f)) if (!line.isBlank()) bodies.add(line.getBytes(StandardCharsets.UTF_8));
      } else {
        bodies.add(Files.readAllBytes(f));
      }
      for (byte[] body : bodies) {
        long before = stored();
        HttpResponse<byte[]> r = server.postOtlp(body, json ? "application/json" : "application/x-protobuf", null);
        assertEquals(200, r.statusCode(), f + ": " + text(r));
        if (json) {
          JsonNode resp = ServerProcess.JSON.readTree(r.body());
          int rejected = resp.path("partialSuccess").path("rejectedSpans").asInt(0);
          assertEquals(spansIn(ServerProcess.JSON.readTree(body)) - rejected, stored() - before, f.toString());
        } else {
          assertTrue(stored() > before, f.toString());
        }
      }
    }
  }

  @Test
  void invalidPayloadsAre400WithTheProblemNamed() throws Exception {
    try (Stream<Path> walk = Files.list(fixtures.resolve("otlp2parquet/invalid"))) {
      for (Path f : walk.sorted().toList()) {
        HttpResponse<byte[]> r = server.postOtlp(Files.readAllBytes(f), "application/json", null);
        assertEquals(400, r.statusCode(), f + ": " + text(r));
        String msg = ServerProcess.JSON.readTree(r.body()).get("message").asText();
        assertTrue(msg.matches("(?is).*(trace_?id|span_?id|kind|SPAN_KIND_INVALID_TYPE|base64|hex).*"), f + ": " + msg);
      }
    }
  }

  @Test
  void canonicalExampleKeepsItsFields() throws Exception {
    HttpResponse<byte[]> r = server.postOtlp(Files.readAllBytes(fixtures.resolve("otel-proto/trace.protobuf-bin")), "application/x-protobuf", null);
    assertEquals(200, r.statusCode());
    ServerProcess.Response q = server.query("{\"from\":0,\"llmOnly\":false,\"filters\":[{\"field\":\"trace_id\",\"op\":\"=\","
        + "\"value\":\"5B8EFFF798038103D269B633813FC60C\"}],\"groupBy\":[\"trace_id\",\"span_id\",\"service\",\"span_kind\",\"span_name\",\"attr.my.span.attr\"],"
        + "\"metrics\":[\"count\",\"max(duration_ms)\"]}");
    assertEquals(200, q.status(), q.body().toString());
    JsonNode row = q.body().get("rows").get(0);
    assertEquals("5b8efff798038103d269b633813fc60c", row.get(0).asText());
    assertEquals("eee19b7ec3c1b174", row.get(1).asText());
    assertEquals("my.service", row.get(2).asText());
    assertEquals("server", row.get(3).asText());
    assertEquals("I'm a server span", row.get(4).asText());
    assertEquals("some value", row.get(5).asText());
    assertEquals(1000.0, row.get(7).asDouble());
  }

  @Test
  void collectorPayloadRejectsTheIdlessSpanThroughPartialSuccess() throws Exception {
    HttpResponse<byte[]> r = server.postOtlp(Files.readAllBytes(fixtures.resolve("otel-collector/pdata_ptrace_tracesJSON.json")), "application/json", null);
    assertEquals(200, r.statusCode());
    JsonNode ps = ServerProcess.JSON.readTree(r.body()).get("partialSuccess");
    assertEquals(1, ps.get("rejectedSpans").asInt(), ps.toString());
    assertFalse(ps.get("errorMessage").asText().isBlank());
  }

  /** The three attribute maps (GenAI current, OpenInference, GenAI deprecated) describe one call. */
  @Test
  void attributeMapsNormaliseToTheSameCall() throws Exception {
    int i = 0;
    for (String file : List.of("otel_genai_client_span_tool_calls.json", "openinference_client_span_tool_calls.json",
        "otel_genai_deprecated_client_span_tool_calls.json")) {
      JsonNode attrs = ServerProcess.JSON.readTree(fixtures.resolve("attribute-maps/" + file).toFile());
      ObjectNode req = ServerProcess.JSON.createObjectNode();
      ObjectNode rs = req.putArray("resourceSpans").addObject();
      rs.putObject("resource").putArray("attributes").addObject().put("key", "service.name").putObject("value").put("stringValue", "attr-maps");
      ObjectNode span = rs.putArray("scopeSpans").addObject().putArray("spans").addObject();
      i++;
      span.put("traceId", String.format("%032x", 0xA000 + i)).put("spanId", String.format("%016x", 0xB000 + i))
          .put("name", "chat").put("kind", 3)
          .put("startTimeUnixNano", String.valueOf(System.currentTimeMillis() * 1_000_000L))
          .put("endTimeUnixNano", String.valueOf(System.currentTimeMillis() * 1_000_000L + 1_000_000_000L));
      ArrayNode list = span.putArray("attributes");
      for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ObjectNode kv = list.addObject().put("key", e.getKey());
        ObjectNode v = kv.putObject("value");
        JsonNode val = e.getValue();
        if (val.isIntegralNumber()) v.put("intValue", String.valueOf(val.asLong()));
        else if (val.isNumber()) v.put("doubleValue", val.asDouble());
        else if (val.isArray()) {
          ArrayNode arr = v.putObject("arrayValue").putArray("values");
          val.forEach(x -> arr.addObject().put("stringValue", x.asText()));
        } else v.put("stringValue", val.asText());
      }
      HttpResponse<byte[]> r = server.postOtlp(ServerProcess.JSON.writeValueAsBytes(req), "application/json", null);
      assertEquals(200, r.statusCode(), text(r));
    }
    ServerProcess.Response q = server.query("{\"from\":\"now-1h\",\"filters\":[{\"field\":\"service\",\"op\":\"=\",\"value\":\"attr-maps\"}],"
        + "\"groupBy\":[\"model\",\"provider\",\"finish_reason\",\"operation\"],\"metrics\":[\"count\",\"sum(input_tokens)\",\"sum(output_tokens)\"]}");
    assertEquals(200, q.status(), q.body().toString());
    JsonNode rows = q.body().get("rows");
    assertEquals(1, rows.size(), "all three dialects should agree: " + rows);
    assertEquals("[\"gpt-4-0613\",\"openai\",\"stop\",\"chat\",3,291,156]", rows.get(0).toString());
  }
}
