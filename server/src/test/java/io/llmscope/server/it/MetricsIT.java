package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} on the built jar with two tenants: every tenant counted, totals add up, query latency recorded. */
class MetricsIT {
  @TempDir Path dir;

  /** Samples of a Prometheus text page: {@code name{labels}} → value. */
  static Map<String, Double> samples(String text) {
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  private static double sample(Map<String, Double> samples, String key) {
    Double v = samples.get(key);
    if (v == null) throw new AssertionError("no sample " + key + " in " + new java.util.TreeMap<>(samples).keySet());
    return v;
  }

  @Test
  void everyTenantIsCountedAndQueriesAreTimed() throws Exception {
    Path config = Files.writeString(dir.resolve("auth.yaml"),
        "auth:\n  keys:\n    - {key: key-a, tenant: a}\n    - {key: key-b, tenant: b}\n");
    try (ServerProcess s = ServerProcess.start(dir.resolve("data"), "--config", config.toString())) {
      assertEquals(200, s.getRaw("/readyz", null).statusCode(), "/readyz after the ready line");
      Random rnd = new Random(8);
      send(s, "key-a", TestRequests.chat(rnd, "chat-api", "gpt-4o", 30, 100, 10).toByteArray());
      send(s, "key-b", TestRequests.chat(rnd, "search", "gpt-4o-mini", 20, 50, 5).toByteArray());
      send(s, "key-b", TestRequests.chat(rnd, "search", "gpt-4o-mini", 25, 50, 5).toByteArray());

      HttpResponse<String> page = s.getRaw("/metrics", null);
      assertEquals(200, page.statusCode());
      String type = page.headers().firstValue("Content-Type").orElse("");
      assertTrue(type.startsWith("text/plain") && type.contains("version=0.0.4"), type);
      String text = page.body();
      for (String line : new String[] {
          "# TYPE llmscope_spans gauge", "# TYPE llmscope_tenant_spans gauge", "# TYPE llmscope_wal_bytes gauge",
          "# TYPE llmscope_wal_lag_spans gauge", "# TYPE llmscope_ingest_spans_accepted_total counter",
          "# TYPE llmscope_query_seconds histogram", "# HELP llmscope_tenant_spans ", "# HELP llmscope_wal_lag_spans "}) {
        assertTrue(text.contains(line + (line.startsWith("# HELP") ? "" : "\n")), "missing '" + line + "' in\n" + text);
      }
      Map<String, Double> m = samples(text);
      assertEquals(30, sample(m, "llmscope_tenant_spans{tenant=\"a\"}"));
      assertEquals(45, sample(m, "llmscope_tenant_spans{tenant=\"b\"}"));
      assertEquals(75, sample(m, "llmscope_spans"), "store-wide total = a + b");
      assertEquals(2, sample(m, "llmscope_tenants"));
      assertEquals(75, sample(m, "llmscope_ingest_spans_accepted_total"));
      assertEquals(3, sample(m, "llmscope_ingest_requests_total"));
      assertEquals(sample(m, "llmscope_tenant_head_rows{tenant=\"a\"}") + sample(m, "llmscope_tenant_head_rows{tenant=\"b\"}"),
          sample(m, "llmscope_wal_lag_spans"), "WAL lag = every tenant's head rows");
      assertEquals(sample(m, "llmscope_tenant_segments{tenant=\"a\"}") + sample(m, "llmscope_tenant_segments{tenant=\"b\"}"),
          sample(m, "llmscope_segments"));
      assertTrue(sample(m, "llmscope_wal_bytes") > 0, "the WAL holds the spans");
      assertEquals(30, statusSpans(s, "key-a"), "tenant a's /api/v1/status agrees");

      String ok = "llmscope_query_seconds_count{outcome=\"ok\"}";
      String bad = "llmscope_query_seconds_count{outcome=\"bad_request\"}";
      double okBefore = sample(m, ok);
      double badBefore = sample(m, bad);
      ServerProcess.Response r = s.query("{\"from\":\"now-1h\",\"metrics\":[\"count\"]}", "key-a");
      assertEquals(200, r.status(), r.body().toString());
      assertEquals(30, r.body().path("rows").path(0).path(0).asLong(), "tenant a sees its own spans only");
      assertEquals(400, s.query("{\"from\":\"yesterday\",\"metrics\":[\"count\"]}", "key-b").status());
      Map<String, Double> after = samples(s.getRaw("/metrics", null).body());
      assertEquals(okBefore + 1, sample(after, ok), "a query counts once");
      assertEquals(badBefore + 1, sample(after, bad), "a bad query counts under bad_request");
      assertTrue(sample(after, "llmscope_query_seconds_sum{outcome=\"ok\"}") > 0);
    }
  }

  private static long statusSpans(ServerProcess s, String key) throws Exception {
    HttpResponse<String> r = s.getRaw("/api/v1/status", key);
    assertEquals(200, r.statusCode(), r.body());
    return ServerProcess.JSON.readTree(r.body()).get("spans").asLong();
  }

  private static void send(ServerProcess s, String key, byte[] body) throws Exception {
    HttpResponse<byte[]> r = s.postOtlp(body, "application/x-protobuf", null, key);
    assertEquals(200, r.statusCode(), new String(r.body()));
  }
}
