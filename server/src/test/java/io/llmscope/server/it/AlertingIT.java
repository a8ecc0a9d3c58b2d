package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alert rules through the built jar's API: stored per tenant (JSON and YAML), validated with 400s,
 * evaluated live by the scheduler on data sent over OTLP, backtested over a planted incident, and
 * kept — rules, live alerts, history — across SIGTERM and kill -9.
 */
class AlertingIT {
  static final long MIN = 60_000;
  static final String SLOW = "{\"type\": \"threshold\", \"query\": {\"groupBy\": [\"model\"], \"metric\": \"p95(duration_ms)\"},"
      + " \"window\": \"10m\", \"op\": \">\", \"threshold\": 1000, \"severity\": \"page\"}";
  @TempDir Path dir;

  static HttpResponse<String> send(ServerProcess s, String method, String path, String body, String key, String type) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.apiUrl(path))).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) b.header("Content-Type", type);
    if (key != null) b.header("Authorization", "Bearer " + key);
    return s.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Calls of two models from {@code from} for {@code minutes}; gpt-4o is slow in [slowFrom, slowTo). */
  static byte[] calls(long from, int minutes, long slowFrom, long slowTo, Random rnd) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (long t = from; t < from + minutes * MIN; t += 3000) {
      for (String model : new String[] {"gpt-4o", "claude"}) {
        boolean slow = model.equals("gpt-4o") && t >= slowFrom && t < slowTo;
        long ms = slow ? 3000 + rnd.nextInt(500) : 200 + rnd.nextInt(200);
        scope.addSpans(Span.newBuilder().setTraceId(TestRequests.id(rnd, 16)).setSpanId(TestRequests.id(rnd, 8))
            .setName("chat " + model).setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .setStartTimeUnixNano(t * 1_000_000L).setEndTimeUnixNano((t + ms) * 1_000_000L)
            .addAttributes(TestRequests.kv("gen_ai.operation.name", "chat"))
            .addAttributes(TestRequests.kv("gen_ai.request.model", model))
            .addAttributes(TestRequests.kv("gen_ai.usage.input_tokens", 10))
            .addAttributes(TestRequests.kv("gen_ai.usage.output_tokens", 5)));
      }
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(TestRequests.kv("service.name", "chat-api"))).addScopeSpans(scope))
        .build().toByteArray();
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return ServerProcess.JSON.readTree(r.body());
  }

  @Test
  void rulesAlertsAndHistoryThroughTheApiSurviveRestarts() throws Exception {
    Path config = Files.writeString(dir.resolve("c.yaml"),
        "alerting:\n  evaluationInterval: 1s\nauth:\n  keys:\n    - {key: key-a, tenant: a}\n    - {key: key-b, tenant: b}\n");
    Path data = dir.resolve("data");
    Random rnd = new Random(5);
    long now = System.currentTimeMillis();
    long incidentFrom = now - 120 * MIN;
    long incidentTo = now - 90 * MIN;
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      // Three hours of history with a planted half-hour regression, and slow calls right now.
      assertEquals(200, s.postOtlp(calls(now - 180 * MIN, 170, incidentFrom, incidentTo, rnd), "application/x-protobuf", null, "key-a").statusCode());
      assertEquals(200, s.postOtlp(calls(now - 8 * MIN, 8, now - 8 * MIN, now + MIN, rnd), "application/x-protobuf", null, "key-a").statusCode());

      HttpResponse<String> put = send(s, "PUT", "/api/v1/alert-rules/slow-model", SLOW, "key-a", "application/json");
      assertEquals(200, put.statusCode(), put.body());
      HttpResponse<String> yaml = send(s, "PUT", "/api/v1/alert-rules/errors",
          "type: threshold\nquery:\n  metric: error_rate\nwindow: 5m\nthreshold: 0.5\n", "key-a", "application/yaml");
      assertEquals(200, yaml.statusCode(), yaml.body());
      HttpResponse<String> bad = send(s, "PUT", "/api/v1/alert-rules/bad", "{\"type\": \"threshold\", \"query\": {\"metric\": \"p95(duration_ms)\"}, \"window\": \"5m\"}", "key-a", null);
      assertEquals(400, bad.statusCode());
      assertTrue(bad.body().contains("threshold: is required"), bad.body());
      assertEquals(2, json(send(s, "GET", "/api/v1/alert-rules", null, "key-a", null)).get("rules").size());
      assertEquals(0, json(send(s, "GET", "/api/v1/alert-rules", null, "key-b", null)).get("rules").size(), "tenant b sees none of a's rules");
      assertEquals(401, send(s, "GET", "/api/v1/alert-rules", null, null, null).statusCode());

      // Backtest over the history: exactly the planted episode.
      HttpResponse<String> bt = send(s, "POST", "/api/v1/alert-rules/slow-model/backtest",
          "{\"from\": " + (now - 170 * MIN) + ", \"to\": " + (now - 30 * MIN) + "}", "key-a", null);
      assertEquals(200, bt.statusCode(), bt.body());
      JsonNode episodes = json(bt).get("episodes");
      assertEquals(1, episodes.size(), episodes.toString());
      assertEquals("gpt-4o", episodes.get(0).get("labels").get("model").asText());
      long start = episodes.get(0).get("start").asLong();
      long end = episodes.get(0).get("end").asLong();
      assertTrue(start >= incidentFrom && start <= incidentFrom + 2 * MIN, episodes.toString());
      assertTrue(end >= incidentTo && end <= incidentTo + 11 * MIN, episodes.toString());
      assertEquals(404, send(s, "POST", "/api/v1/alert-rules/nope/backtest", "{\"from\": \"now-10m\"}", "key-a", null).statusCode());
      HttpResponse<String> evaluated = send(s, "POST", "/api/v1/alerts/evaluate", "{\"at\": " + (incidentFrom + 15 * MIN) + "}", "key-a", null);
      assertEquals(200, evaluated.statusCode(), evaluated.body());
      assertEquals(1, json(evaluated).get("alerts").size(), evaluated.body());
      assertEquals("firing", json(evaluated).get("alerts").get(0).get("state").asText());

      // Live: the scheduler fires for the slow calls of the last minutes.
      JsonNode firing = waitForFiring(s, "key-a");
      assertEquals("slow-model", firing.get("rule").asText());
      assertEquals("gpt-4o", firing.get("labels").get("model").asText());
      assertEquals(0, json(send(s, "GET", "/api/v1/alerts", null, "key-b", null)).get("alerts").size());
      assertEquals(0, s.terminate());
    }
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      assertEquals(2, json(send(s, "GET", "/api/v1/alert-rules", null, "key-a", null)).get("rules").size());
      JsonNode firing = json(send(s, "GET", "/api/v1/alerts?state=firing", null, "key-a", null)).get("alerts");
      assertEquals(1, firing.size(), "the live alert survives SIGTERM: " + firing);
      assertEquals(1, historyOf(s, "firing"), "one firing transition in the history");
      assertEquals(200, send(s, "DELETE", "/api/v1/alert-rules/errors", null, "key-a", null).statusCode());
      assertEquals(404, send(s, "DELETE", "/api/v1/alert-rules/errors", null, "key-a", null).statusCode());
      s.kill();
    }
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      JsonNode rules = json(send(s, "GET", "/api/v1/alert-rules", null, "key-a", null)).get("rules");
      assertEquals(1, rules.size(), "the delete was durable before kill -9");
      assertEquals(1, json(send(s, "GET", "/api/v1/alerts?state=firing", null, "key-a", null)).get("alerts").size());
      Thread.sleep(2500); // cycles run on: the alert is still the one it was, not fired again
      assertEquals(1, historyOf(s, "firing"));
      assertEquals(400, send(s, "GET", "/api/v1/alerts?state=sometimes", null, "key-a", null).statusCode());
    }
  }

  private static long historyOf(ServerProcess s, String state) throws Exception {
    long n = 0;
    for (JsonNode h : json(send(s, "GET", "/api/v1/alerts/history?from=now-1d", null, "key-a", null)).get("history")) {
      if (h.get("state").asText().equals(state)) n++;
    }
    return n;
  }

  private static JsonNode waitForFiring(ServerProcess s, String key) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode alerts = json(send(s, "GET", "/api/v1/alerts?state=firing", null, key, null)).get("alerts");
      if (alerts.size() > 0) return alerts.get(0);
      Thread.sleep(200);
    }
    throw new AssertionError("no alert fired within 30 s");
  }
}
