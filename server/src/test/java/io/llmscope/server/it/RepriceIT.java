package io.llmscope.server.it;

import static io.llmscope.server.it.TestRequests.kv;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prices API and repricing through the built jar, two tenants with their own keys: a tenant's
 * {@code PUT /api/v1/prices} prices its new spans at once and never another tenant's;
 * {@code POST /api/v1/reprice} changes exactly the stored costs of the spans in [from, to) (of
 * the model, if named), leaves reported costs alone and every span there once; a job halted in
 * the middle (as by kill -9) is resumed by the restart to the same end.
 *
 * <p>Tenant a's history: {@value #N} model calls one every {@value #STEP_MS} ms from T0, sealed into
 * many small segments. Call i is gpt-4o when i % 4 == 0 (priced by the shipped table),
 * acme-new-model when i % 4 is 1 or 2 (unknown to the table at ingest), and acme-new-model reporting
 * its own cost of $0.50 (service "reported") when i % 4 == 3. Each call: 1000 input and 500 output tokens.
 */
class RepriceIT {
  static final int N = 4000;
  static final long STEP_MS = 5400; // N calls over 6 hours
  static final String ACME = "acme-new-model";
  @TempDir Path dir;

  final long t0 = (System.currentTimeMillis() - 7 * 3_600_000L) / 60_000 * 60_000;
  /** The reprice range: calls 1000 (included) to 3000 (excluded). */
  final long from = t0 + 1000 * STEP_MS;
  final long to = t0 + 3000 * STEP_MS;
  final long end = t0 + N * STEP_MS;

  static Span call(Random rnd, long startMs, String model, boolean reportsCost) {
    long start = startMs * 1_000_000L;
    Span.Builder s = Span.newBuilder().setTraceId(TestRequests.id(rnd, 16)).setSpanId(TestRequests.id(rnd, 8))
        .setName("chat " + model).setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(start).setEndTimeUnixNano(start + 300_000_000L)
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.provider.name", model.equals(ACME) ? "acme" : "openai"))
        .addAttributes(kv("gen_ai.request.model", model))
        .addAttributes(kv("gen_ai.usage.input_tokens", 1000))
        .addAttributes(kv("gen_ai.usage.output_tokens", 500));
    if (reportsCost) {
      s.addAttributes(KeyValue.newBuilder().setKey("gen_ai.usage.cost").setValue(AnyValue.newBuilder().setDoubleValue(0.5)));
    }
    return s.build();
  }

  static ExportTraceServiceRequest request(List<Span> app, List<Span> reported) {
    ExportTraceServiceRequest.Builder r = ExportTraceServiceRequest.newBuilder();
    r.addResourceSpans(ResourceSpans.newBuilder().setResource(Resource.newBuilder().addAttributes(kv("service.name", "app")))
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(app)));
    if (!reported.isEmpty()) {
      r.addResourceSpans(ResourceSpans.newBuilder().setResource(Resource.newBuilder().addAttributes(kv("service.name", "reported")))
          .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(reported)));
    }
    return r.build();
  }

  /** Tenant a's history, in time order, 400 calls a request: each request fills a head past sealRows. */
  void loadHistory(ServerProcess s) throws Exception {
    Random rnd = new Random(5);
    for (int first = 0; first < N; first += 400) {
      List<Span> app = new ArrayList<>();
      List<Span> reported = new ArrayList<>();
      for (int i = first; i < first + 400; i++) {
        long at = t0 + i * STEP_MS;
        switch (i % 4) {
          case 0 -> app.add(call(rnd, at, "gpt-4o", false));
          case 1, 2 -> app.add(call(rnd, at, ACME, false));
          default -> reported.add(call(rnd, at, ACME, true));
        }
      }
      assertEquals(200, s.postOtlp(request(app, reported).toByteArray(), "application/x-protobuf", null, "ka").statusCode());
      // The full head seals at once; waiting for it gives each request a segment of its own.
      for (int k = 0; k < 1000 && s.send("GET", "/api/v1/status", null, "ka").body().get("headRows").asLong() > 0; k++) {
        Thread.sleep(10);
      }
    }
  }

  static Path config(Path dir) throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, """
        storage:
          sealRows: 400
          compactBelowRows: 1
        auth:
          keys:
            - {key: ka, tenant: a}
            - {key: kb, tenant: b}
        """);
    return config;
  }

  /** [count, sum(cost_usd)] of tenant a's calls in [fromMs, toMs) matching the filters (JSON list items). */
  static double[] costs(ServerProcess s, String key, long fromMs, long toMs, String filters) throws Exception {
    ServerProcess.Response r = s.query("{\"from\":" + fromMs + ",\"to\":" + toMs + ",\"filters\":[" + filters
        + "],\"metrics\":[\"count\",\"sum(cost_usd)\"]}", key);
    assertEquals(200, r.status(), r.body().toString());
    JsonNode rows = r.body().get("rows");
    if (rows.isEmpty()) return new double[] {0, 0};
    return new double[] {rows.get(0).get(0).asDouble(), rows.get(0).get(1).isNull() ? Double.NaN : rows.get(0).get(1).asDouble()};
  }

  static final String APP_ACME = "{\"field\":\"model\",\"op\":\"=\",\"value\":\"" + ACME + "\"},"
      + "{\"field\":\"service\",\"op\":\"=\",\"value\":\"app\"}";
  static final String PRICED = ",{\"field\":\"cost_usd\",\"op\":\"exists\",\"value\":true}";
  static final String GPT = "{\"field\":\"model\",\"op\":\"=\",\"value\":\"gpt-4o\"}";
  static final String REPORTED = "{\"field\":\"service\",\"op\":\"=\",\"value\":\"reported\"}";

  /** Calls (all models) per range: before, in and after [from, to). */
  double[] countsByRange(ServerProcess s) throws Exception {
    return new double[] {costs(s, "ka", t0, from, "")[0], costs(s, "ka", from, to, "")[0], costs(s, "ka", to, end, "")[0]};
  }

  static JsonNode awaitJob(ServerProcess s, String key, String id) throws Exception {
    for (int i = 0; i < 1200; i++) {
      ServerProcess.Response r = s.send("GET", "/api/v1/reprice/" + id, null, key);
      assertEquals(200, r.status(), r.body().toString());
      if (!r.body().get("state").asText().equals("running")) return r.body();
      Thread.sleep(50);
    }
    throw new AssertionError("reprice job " + id + " did not finish");
  }

  static JsonNode reprice(ServerProcess s, String key, String body) throws Exception {
    ServerProcess.Response r = s.send("POST", "/api/v1/reprice", body, key);
    assertEquals(202, r.status(), r.body().toString());
    return r.body();
  }

  @Test
  void repricingChangesExactlyTheSpansInTheRangeAndSurvivesACrashMidJob() throws Exception {
    Path data = dir.resolve("data");
    Path config = config(dir);
    double[] counts;
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      loadHistory(s);
      assertEquals(10, s.send("GET", "/api/v1/status", null, "ka").body().get("segments").asInt(), "a segment per request");
      counts = countsByRange(s);
      assertArrayEquals(new double[] {1000, 2000, 1000}, counts);
      assertEquals(0, costs(s, "ka", t0, end, APP_ACME + PRICED)[0], "unknown at ingest: no cost");

      // The price arrives; it shows in the tenant's table, and only there.
      ServerProcess.Response put = s.send("PUT", "/api/v1/prices", "[{\"model\":\"" + ACME + "\",\"input\":1.0,\"output\":2.0}]", "ka");
      assertEquals(200, put.status(), put.body().toString());
      assertEquals(1, put.body().get("added").asInt());
      JsonNode listed = s.send("GET", "/api/v1/prices?model=" + ACME, null, "ka").body();
      assertEquals(1, listed.get("count").asInt(), listed.toString());
      assertEquals("api", listed.get("prices").get(0).get("source").asText());
      assertEquals(0, s.send("GET", "/api/v1/prices?model=" + ACME, null, "kb").body().get("count").asInt(), "tenant b");

      // Reprice [from, to): 1000 acme calls gain $0.002 each (1000 in × $1/1M + 500 out × $2/1M).
      JsonNode job = reprice(s, "ka", "{\"from\":" + from + ",\"to\":\"" + java.time.Instant.ofEpochMilli(to) + "\"}");
      assertEquals("running", job.get("state").asText());
      assertTrue(job.get("segmentsTotal").asInt() >= 4, job.toString());
      JsonNode done = awaitJob(s, "ka", job.get("id").asText());
      assertEquals("done", done.get("state").asText(), done.toString());
      assertEquals(1500, done.get("spansRepriced").asLong(), "1000 acme + 500 gpt-4o calls without a reported cost");
      assertEquals(1000, done.get("spansChanged").asLong());
      assertEquals(0, done.get("spansUnpriced").asLong());
      assertEquals(done.get("segmentsTotal").asInt(), done.get("segmentsDone").asInt());

      assertArrayEquals(counts, countsByRange(s), "no span lost or doubled");
      assertEquals(0, costs(s, "ka", t0, from, APP_ACME + PRICED)[0], "before the range: untouched");
      assertEquals(0, costs(s, "ka", to, end, APP_ACME + PRICED)[0], "after the range: untouched");
      double[] in = costs(s, "ka", from, to, APP_ACME + PRICED);
      assertEquals(1000, in[0]);
      assertEquals(2.0, in[1], 1e-9);
      assertEquals(1000 * 0.5, costs(s, "ka", t0, end, REPORTED)[1], 1e-9, "reported costs stay");
      // gpt-4o: 1000 in × $2.50/1M + 500 out × $10/1M = $0.0075, as at ingest.
      assertEquals(1000 * 0.0075, costs(s, "ka", t0, end, GPT)[1], 1e-9);

      // A model filter: only gpt-4o, over everything.
      assertEquals(200, s.send("PUT", "/api/v1/prices", "{\"prices\":[{\"model\":\"gpt-4o\",\"provider\":\"openai\",\"input\":5,\"output\":10}]}", "ka").status());
      JsonNode gpt = awaitJob(s, "ka", reprice(s, "ka", "{\"from\":" + t0 + ",\"to\":" + end + ",\"model\":\"gpt-4o\"}").get("id").asText());
      assertEquals(1000, gpt.get("spansChanged").asLong(), gpt.toString());
      assertEquals(1000 * 0.01, costs(s, "ka", t0, end, GPT)[1], 1e-9);
      assertEquals(1000, costs(s, "ka", t0, end, APP_ACME + PRICED)[0], "acme outside the first range still unpriced");

      // New spans are priced with the tenant's prices at once; tenant b's are not.
      Random rnd = new Random(9);
      long now = System.currentTimeMillis();
      for (String key : List.of("ka", "kb")) {
        assertEquals(200, s.postOtlp(request(List.of(call(rnd, now, ACME, false)), List.of()).toByteArray(),
            "application/x-protobuf", null, key).statusCode());
      }
      assertEquals(0.002, costs(s, "ka", now, now + 1, APP_ACME)[1], 1e-12);
      assertTrue(Double.isNaN(costs(s, "kb", now, now + 1, APP_ACME)[1]), "tenant b has no price for it");
      assertEquals(200, s.send("PUT", "/api/v1/prices", "[{\"model\":\"" + ACME + "\",\"input\":100}]", "kb").status());
      assertEquals(1.0, s.send("GET", "/api/v1/prices?model=" + ACME, null, "ka").body().get("prices").get(0).get("input").asDouble());
    }

    // A reprice of everything at a new price, halted (as kill -9 would) while writing its 4th segment.
    String id;
    try (ServerProcess s = ServerProcess.start(List.of("-Xmx512m", "-Dllmscope.crash.at=reprice-segment-written",
        "-Dllmscope.crash.skip=3"), data, "--config", config.toString())) {
      assertEquals(200, s.send("PUT", "/api/v1/prices", "[{\"model\":\"" + ACME + "\",\"input\":3.0,\"output\":2.0}]", "ka").status());
      id = reprice(s, "ka", "{\"from\":" + t0 + ",\"to\":" + end + "}").get("id").asText();
      assertTrue(s.process.waitFor(60, TimeUnit.SECONDS), "the server halts at the crash point");
      assertEquals(137, s.process.exitValue(), s.logText());
    }
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      JsonNode done = awaitJob(s, "ka", id);
      assertEquals("done", done.get("state").asText(), done.toString());
      // 2000 acme calls now cost $0.004 (1000 in × $3/1M + 500 out × $2/1M); gpt-4o's 1000 stay at $0.01.
      assertEquals(3000, done.get("spansRepriced").asLong(), done.toString());
      assertEquals(2000, done.get("spansChanged").asLong(), "exact across the crash");
      assertArrayEquals(counts, countsByRange(s), "no span lost or doubled");
      double[] acme = costs(s, "ka", t0, end, APP_ACME + PRICED);
      assertEquals(2000, acme[0]);
      assertEquals(2000 * 0.004, acme[1], 1e-9);
      assertEquals(1000 * 0.01, costs(s, "ka", t0, end, GPT)[1], 1e-9);
      assertEquals(1000 * 0.5, costs(s, "ka", t0, end, REPORTED)[1], 1e-9, "reported costs stay");
      assertEquals(2, s.send("GET", "/api/v1/prices?source=api", null, "ka").body().get("count").asInt(),
          "tenant a's two overrides survived the restarts");
    }
  }

  @Test
  void malformedBodiesGet400NamingTheField() throws Exception {
    try (ServerProcess s = ServerProcess.start(dir.resolve("data"), "--config", config(dir).toString())) {
      assertError(s.send("PUT", "/api/v1/prices", "[{\"model\":\"x\",\"input\":1},{\"model\":\"y\",\"input\":\"cheap\"}]", "ka"),
          400, "prices[1].input: must be a price >= 0");
      assertError(s.send("PUT", "/api/v1/prices", "{\"prices\":[{\"model\":\"x\",\"input\":1,\"tiers\":[{\"input\":2}]}]}", "ka"),
          400, "prices[0].tiers[0].aboveInputTokens");
      assertError(s.send("PUT", "/api/v1/prices", "{\"model\":\"x\"}", "ka"), 400, "unknown field 'model'");
      assertError(s.send("PUT", "/api/v1/prices", "[{", "ka"), 400, "not valid JSON");
      assertError(s.send("PUT", "/api/v1/prices", "[{\"model\":\"x\",\"input\":1}]", null), 401, "API key");
      assertError(s.send("DELETE", "/api/v1/prices", null, "ka"), 400, "model: required");
      assertError(s.send("DELETE", "/api/v1/prices?model=nope", null, "ka"), 404, "no price override of model 'nope'");
      assertError(s.send("POST", "/api/v1/reprice", "{\"from\":\"yesterday\",\"to\":\"now\"}", "ka"), 400, "from is not a valid time");
      assertError(s.send("POST", "/api/v1/reprice", "{\"from\":\"now-1h\"}", "ka"), 400, "to: required");
      assertError(s.send("POST", "/api/v1/reprice", "{\"frm\":\"now-1h\",\"to\":\"now\"}", "ka"), 400, "unknown field 'frm'");
      assertError(s.send("POST", "/api/v1/reprice", "{\"from\":\"now\",\"to\":\"now-1h\"}", "ka"), 400, "to: must be after from");
      assertError(s.send("POST", "/api/v1/reprice", "{\"from\":\"now-1h\",\"to\":\"now\",\"model\":3}", "ka"), 400, "model:");
      assertError(s.send("POST", "/api/v1/reprice", "[]", "ka"), 400, "JSON object");
      assertError(s.send("GET", "/api/v1/reprice/nope", null, "ka"), 404, "no reprice job");
      assertEquals(0, s.send("GET", "/api/v1/prices?source=api", null, "ka").body().get("count").asInt(), "nothing stored");
      // A job is its tenant's: b cannot see a's.
      String id = reprice(s, "ka", "{\"from\":\"now-1h\",\"to\":\"now\"}").get("id").asText();
      assertEquals("done", awaitJob(s, "ka", id).get("state").asText());
      assertEquals(404, s.send("GET", "/api/v1/reprice/" + id, null, "kb").status());
      assertEquals(id, s.send("GET", "/api/v1/reprice", null, "ka").body().get("jobs").get(0).get("id").asText());
    }
  }

  static void assertError(ServerProcess.Response r, int status, String contains) {
    assertEquals(status, r.status(), r.body().toString());
    assertTrue(r.body().get("error").asText().contains(contains), "expected '" + contains + "' in " + r.body());
  }
}
