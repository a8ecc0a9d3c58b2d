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

  /** A real HTTP receiver: every request's path and body, in order; {@code /broken} answers 500. */
  static final class Receiver implements AutoCloseable {
    final com.sun.net.httpserver.HttpServer server;
    final java.util.List<String[]> received = new java.util.concurrent.CopyOnWriteArrayList<>();

    Receiver() throws Exception {
      server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", ex -> {
        String body = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String path = ex.getRequestURI().getPath();
        received.add(new String[] {path, body});
        int status = path.startsWith("/broken") ? 500 : 200;
        ex.sendResponseHeaders(status, -1);
        ex.close();
      });
      server.start();
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    java.util.List<JsonNode> bodies(String path) throws Exception {
      java.util.List<JsonNode> out = new java.util.ArrayList<>();
      for (String[] r : received) if (r[0].equals(path)) out.add(ServerProcess.JSON.readTree(r[1]));
      return out;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @Test
  void aLiveAlertReachesWebhookAndAlertmanagerReceiversOnceOnFiringAndOnceOnResolve() throws Exception {
    try (Receiver receiver = new Receiver()) {
      Path config = Files.writeString(dir.resolve("n.yaml"), "alerting:\n  evaluationInterval: 1s\nnotifiers:\n"
          + "  - {name: hook, type: webhook, url: '" + receiver.url("/hook") + "'}\n"
          + "  - {name: am, type: alertmanager, url: '" + receiver.url("/am") + "'}\n"
          + "  - {name: broken, type: webhook, url: '" + receiver.url("/broken") + "', maxAttempts: 3, initialBackoff: 100ms}\n"
          + "rules:\n  - {name: burst, type: threshold, query: {groupBy: [model], metric: 'p95(duration_ms)'}, window: 10s,"
          + " threshold: 1000, severity: page, labels: {team: llm}, notify: [hook, am, broken]}\n");
      try (ServerProcess s = ServerProcess.start(dir.resolve("n-data"), "--config", config.toString())) {
        long now = System.currentTimeMillis();
        assertEquals(200, s.postOtlp(calls(now - 4000, 1, now - 4000, now + 1000, new Random(9)), "application/x-protobuf", null).statusCode());
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && (receiver.bodies("/hook").size() < 2 || receiver.bodies("/am").size() < 2)) {
          Thread.sleep(200);
        }
        Thread.sleep(2500); // a few more cycles: nothing more may arrive
        java.util.List<JsonNode> hook = receiver.bodies("/hook");
        assertEquals(2, hook.size(), "webhook: once firing, once resolved: " + hook);
        assertEquals("firing", hook.get(0).get("status").asText());
        assertEquals("resolved", hook.get(1).get("status").asText());
        assertEquals("burst", hook.get(0).get("rule").asText());
        assertEquals("gpt-4o", hook.get(0).get("groupLabels").get("model").asText());
        assertEquals("page", hook.get(0).get("severity").asText());
        assertEquals(hook.get(0).get("startsAt").asLong(), hook.get(1).get("startsAt").asLong());
        assertTrue(hook.get(1).get("endsAt").asLong() > hook.get(1).get("startsAt").asLong());
        java.util.List<JsonNode> am = receiver.bodies("/am/api/v2/alerts");
        assertEquals(2, am.size(), "alertmanager: once firing, once resolved: " + receiver.received.size());
        JsonNode fired = am.get(0).get(0);
        assertEquals("burst", fired.get("labels").get("alertname").asText());
        assertEquals("gpt-4o", fired.get("labels").get("model").asText());
        assertEquals("llm", fired.get("labels").get("team").asText());
        assertFalse(fired.has("endsAt") && !fired.get("endsAt").isNull(), fired.toString());
        JsonNode resolved = am.get(1).get(0);
        assertEquals(fired.get("startsAt").asText(), resolved.get("startsAt").asText());
        assertTrue(resolved.has("endsAt"), resolved.toString());
        assertEquals(6, receiver.bodies("/broken").size(), "the failing receiver got its retries (3 per notification)");
        HttpResponse<String> typo = send(s, "PUT", "/api/v1/alert-rules/typo", "{\"type\": \"threshold\", \"query\": {\"metric\": \"count\"},"
            + " \"window\": \"1m\", \"threshold\": 1, \"notify\": [\"hok\"]}", null, null);
        assertEquals(400, typo.statusCode());
        assertTrue(typo.body().contains("no notifier 'hok'"), typo.body());
        String metrics = s.getRaw("/metrics", null).body();
        assertTrue(metrics.contains("llmscope_alert_notifications_total{notifier=\"hook\",outcome=\"delivered\"} 2.0"), metrics);
        assertTrue(metrics.contains("llmscope_alert_notifications_total{notifier=\"broken\",outcome=\"failed\"} 2.0"), metrics);
        assertTrue(metrics.contains("llmscope_alert_rules 1.0"), metrics);
        assertTrue(java.util.regex.Pattern.compile("llmscope_alert_evaluation_seconds_count [1-9]").matcher(metrics).find(), metrics);
        assertTrue(metrics.contains("llmscope_alert_rule_failures_total 0.0"), metrics);
      }
    }
  }
}
