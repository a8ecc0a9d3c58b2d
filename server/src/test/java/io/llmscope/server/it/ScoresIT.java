package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quality scores through every path against the built jar — OTLP log records over HTTP (sent before
 * their spans) and gRPC (after), span events, OpenInference and Langfuse attributes, EVALUATOR spans,
 * and {@code POST /api/v1/scores} hours later — group by the spans' prompt version exactly; they
 * survive SIGTERM and kill -9; tenant B never sees tenant A's; bad bodies get 400 naming the field.
 */
class ScoresIT {
  static final int TRACES = 40;
  static final String KEY_A = "key-a";
  static final String KEY_B = "key-b";
  @TempDir Path dir;

  static String traceId(int t) {
    return String.format("%016x%016x", 0xABCDL, t + 1L);
  }

  /** Span ids in creation order: root, model call, evaluator. */
  static String spanId(int t, int which) {
    return String.format("%016x", 3L * t + which + 1);
  }

  static String version(int t) {
    return t % 2 == 0 ? "v6" : "v7";
  }

  /** Values per path; version 7 is planted worse. */
  static double relevance(int t) {
    return (t * 7 % 10) / 10.0 - (t % 2 == 1 ? 0.25 : 0);
  }

  static double helpfulness(int t) {
    return (t * 3 % 10) / 10.0;
  }

  static double toxicity(int t) {
    return t % 5 == 0 ? 0.9 : 0.05;
  }

  static double quality(int t) {
    return 1 + t % 4;
  }

  static double faithfulness(int t) {
    return t % 3 == 0 ? 0.5 : 1.0;
  }

  static boolean thumbsUp(int t) {
    return t % 4 != 1;
  }

  static String correctness(int t) {
    return t % 6 == 0 ? "incorrect" : "correct";
  }

  /** Ids in the order the test creates spans: trace 0..n, each root, call, evaluator. */
  static final class SequentialIds implements IdGenerator {
    final AtomicLong traces = new AtomicLong();
    final AtomicLong spans = new AtomicLong();

    @Override
    public String generateSpanId() {
      return String.format("%016x", spans.incrementAndGet());
    }

    @Override
    public String generateTraceId() {
      return String.format("%016x%016x", 0xABCDL, traces.incrementAndGet());
    }
  }

  static void exportSpans(ServerProcess s, String key) {
    RecordedExports exports = new RecordedExports();
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(s.otlpUrl()).addHeader("Authorization", "Bearer " + key).build();
    SdkTracerProvider provider = SdkTracerProvider.builder().setIdGenerator(new SequentialIds())
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "chat-api"))))
        .addSpanProcessor(SimpleSpanProcessor.create(exports.spans(exporter))).build();
    Tracer tracer = provider.get("scores-it");
    for (int t = 0; t < TRACES; t++) {
      Span root = tracer.spanBuilder("POST /chat").setSpanKind(SpanKind.SERVER).setAttribute("gen_ai.prompt.version", version(t)).startSpan();
      try (Scope ignored = root.makeCurrent()) {
        Span call = tracer.spanBuilder("chat gpt-4o").setSpanKind(SpanKind.CLIENT)
            .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "openai")
            .setAttribute("gen_ai.request.model", "gpt-4o").setAttribute("gen_ai.prompt.version", version(t))
            .setAttribute("gen_ai.usage.input_tokens", 100L).setAttribute("gen_ai.usage.output_tokens", 20L)
            .setAttribute("eval.correctness.label", correctness(t))
            .setAttribute("eval.correctness.explanation", "checked against the reference")
            .setAttribute("langfuse.score.quality", quality(t))
            .startSpan();
        call.addEvent("gen_ai.evaluation.result", Attributes.builder().put("gen_ai.evaluation.name", "relevance")
            .put("gen_ai.evaluation.score.value", relevance(t)).put("gen_ai.evaluation.explanation", "judge v1").build());
        try (Scope inner = call.makeCurrent()) {
          tracer.spanBuilder("faithfulness eval").setAttribute("openinference.span.kind", "EVALUATOR")
              .setAttribute("metadata.evaluator_name", "faithfulness").setAttribute("metadata.score", faithfulness(t))
              .startSpan().end();
        }
        call.end();
      }
      root.end();
    }
    // One request per span (SimpleSpanProcessor), each durable before its ack: a slow CI disk needs time.
    long started = System.nanoTime();
    boolean exported = exports.allSucceeded(120, TimeUnit.SECONDS);
    assertTrue(exported, () -> "span export failed after " + (System.nanoTime() - started) / 1_000_000 + " ms; server log:\n" + tail(s.logText()) + "\n" + s.diagnostics());
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  static String tail(String log) {
    return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
  }

  /** One evaluation log record per trace on its model call, through the SDK's real log exporter. */
  static void exportLogs(LogRecordExporter exporter, String name, java.util.function.IntToDoubleFunction value) {
    RecordedExports exports = new RecordedExports();
    SdkLoggerProvider provider = SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(exports.logs(exporter))).build();
    Logger logger = provider.get("scores-it");
    for (int t = 0; t < TRACES; t++) {
      SpanContext judged = SpanContext.create(traceId(t), spanId(t, 1), TraceFlags.getSampled(), TraceState.getDefault());
      logger.logRecordBuilder().setEventName("gen_ai.evaluation.result").setContext(Context.root().with(Span.wrap(judged)))
          .setAttribute(AttributeKey.stringKey("gen_ai.evaluation.name"), name)
          .setAttribute(AttributeKey.doubleKey("gen_ai.evaluation.score.value"), value.applyAsDouble(t))
          .setTimestamp(System.currentTimeMillis(), TimeUnit.MILLISECONDS).emit();
    }
    assertTrue(exports.allSucceeded(30, TimeUnit.SECONDS), "log export failed");
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  static HttpResponse<String> post(ServerProcess s, String path, String body, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.apiUrl(path))).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) b.header("Authorization", "Bearer " + key);
    return s.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> postLogs(ServerProcess s, byte[] body, String key) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.otlpHttpPort + "/v1/logs")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-protobuf").header("Authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return s.http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  /** Thumbs from users through the API, hours after the calls, naming only the trace (its root). */
  static String thumbsBody() {
    StringBuilder sb = new StringBuilder("[");
    long later = System.currentTimeMillis() + 3 * 3_600_000L;
    for (int t = 0; t < TRACES; t++) {
      if (t > 0) sb.append(',');
      sb.append("{\"traceId\":\"").append(traceId(t).toUpperCase()).append("\",\"name\":\"thumbs\",\"value\":").append(thumbsUp(t))
          .append(",\"comment\":\"from the app\",\"timestamp\":").append(later).append(",\"id\":\"fb-").append(t).append("\"}");
    }
    return sb.append(']').toString();
  }

  static Map<String, JsonNode> byVersion(ServerProcess s, String key, String metrics, boolean llmOnly) throws Exception {
    ServerProcess.Response r = s.query("{\"from\":\"now-1h\",\"llmOnly\":" + llmOnly + ",\"groupBy\":[\"prompt_version\"],\"metrics\":["
        + metrics + "]}", key);
    assertEquals(200, r.status(), r.body().toString());
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode row : r.body().get("rows")) out.put(row.get(0).asText(), row);
    return out;
  }

  static double mean(String version, java.util.function.IntToDoubleFunction f) {
    double sum = 0;
    int n = 0;
    for (int t = 0; t < TRACES; t++) {
      if (!version(t).equals(version)) continue;
      sum += f.applyAsDouble(t);
      n++;
    }
    return sum / n;
  }

  static void assertEveryPathGroups(ServerProcess s) throws Exception {
    Map<String, JsonNode> calls = byVersion(s, KEY_A, "\"count\",\"avg(score.relevance)\",\"avg(score.helpfulness)\",\"avg(score.toxicity)\","
        + "\"avg(score.quality)\",\"avg(score.faithfulness)\",\"count(score.relevance)\",\"count(score.correctness)\"", true);
    assertEquals(List.of("v6", "v7"), new ArrayList<>(calls.keySet()));
    for (String v : calls.keySet()) {
      JsonNode row = calls.get(v);
      assertEquals(TRACES / 2, row.get(1).asLong(), v);
      assertEquals(mean(v, ScoresIT::relevance), row.get(2).asDouble(), 1e-9, v + " span events");
      assertEquals(mean(v, ScoresIT::helpfulness), row.get(3).asDouble(), 1e-9, v + " HTTP log records before their spans");
      assertEquals(mean(v, ScoresIT::toxicity), row.get(4).asDouble(), 1e-9, v + " gRPC log records");
      assertEquals(mean(v, ScoresIT::quality), row.get(5).asDouble(), 1e-9, v + " langfuse.score attributes");
      assertEquals(mean(v, ScoresIT::faithfulness), row.get(6).asDouble(), 1e-9, v + " OpenInference EVALUATOR spans");
      assertEquals(TRACES / 2, row.get(7).asLong(), v + ": one relevance per call, not one per export");
      assertEquals(TRACES / 2, row.get(8).asLong(), v + ": eval.correctness.label attributes");
    }
    assertTrue(calls.get("v7").get(2).asDouble() < calls.get("v6").get(2).asDouble());
    // Trace-level thumbs belong to the roots: all spans, grouped by the root's prompt version.
    Map<String, JsonNode> roots = byVersion(s, KEY_A, "\"avg(score.thumbs)\",\"count(score.thumbs)\"", false);
    assertTrue(roots.get("null").get(1).isNull(), "evaluator spans (no prompt version) are no roots");
    for (String v : List.of("v6", "v7")) {
      assertEquals(mean(v, t -> thumbsUp(t) ? 1 : 0), roots.get(v).get(1).asDouble(), 1e-9, v);
      assertEquals(TRACES / 2, roots.get(v).get(2).asLong(), v);
    }
    ServerProcess.Response labels = s.query("{\"from\":\"now-1h\",\"groupBy\":[\"score.correctness\"],\"metrics\":[\"count\"]}", KEY_A);
    Map<String, Long> got = new TreeMap<>();
    for (JsonNode row : labels.body().get("rows")) got.put(row.get(0).asText(), row.get(1).asLong());
    Map<String, Long> want = new TreeMap<>();
    for (int t = 0; t < TRACES; t++) want.merge(correctness(t), 1L, Long::sum);
    assertEquals(want, got);
    ServerProcess.Response low = s.query("{\"from\":\"now-1h\",\"filters\":[{\"field\":\"score.toxicity\",\"op\":\">=\",\"value\":0.5}],\"metrics\":[\"count\"]}", KEY_A);
    assertEquals(TRACES / 5, low.body().get("rows").get(0).get(0).asLong());
    // Tenant B sent the same spans (their events and attributes are its own scores) and none of A's logs or API scores.
    Map<String, JsonNode> b = byVersion(s, KEY_B, "\"count\",\"count(score.relevance)\",\"count(score.helpfulness)\",\"avg(score.thumbs)\"", true);
    for (JsonNode row : b.values()) {
      assertEquals(TRACES / 2, row.get(1).asLong());
      assertEquals(TRACES / 2, row.get(2).asLong());
      assertEquals(0, row.get(3).asLong());
      assertTrue(row.get(4).isNull());
    }
  }

  @Test
  void scoresFromEveryPathGroupByPromptVersionSurviveRestartsAndStayInTheirTenant() throws Exception {
    Path config = Files.writeString(dir.resolve("auth.yaml"),
        "auth:\n  keys:\n    - {key: key-a, tenant: a}\n    - {key: key-b, tenant: b}");
    Path data = dir.resolve("data");
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      // Before the spans exist: kept, and linked when they arrive.
      exportLogs(OtlpHttpLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + s.otlpHttpPort + "/v1/logs")
          .addHeader("Authorization", "Bearer " + KEY_A).build(), "helpfulness", ScoresIT::helpfulness);
      exportSpans(s, KEY_A);
      exportSpans(s, KEY_A); // a retry of the whole export: spans and their scores stored once
      exportSpans(s, KEY_B);
      exportLogs(OtlpGrpcLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + s.grpcPort)
          .addHeader("Authorization", "Bearer " + KEY_A).build(), "toxicity", ScoresIT::toxicity);
      HttpResponse<String> thumbs = post(s, "/api/v1/scores", thumbsBody(), KEY_A);
      assertEquals(200, thumbs.statusCode(), thumbs.body());
      assertEquals(TRACES, ServerProcess.JSON.readTree(thumbs.body()).get("stored").asInt());
      HttpResponse<String> again = post(s, "/api/v1/scores", thumbsBody(), KEY_A);
      assertEquals(TRACES, ServerProcess.JSON.readTree(again.body()).get("duplicates").asInt(), "same ids: stored once");
      assertEveryPathGroups(s);

      // "Did v7 score worse than v6?" is one question with one answer.
      HttpResponse<String> cmp = post(s, "/api/v1/compare", "{\"from\":\"now-1h\",\"metrics\":[\"avg(score.relevance)\",\"count\"],"
          + "\"a\":{\"filters\":[{\"field\":\"prompt_version\",\"op\":\"=\",\"value\":\"v6\"}]},"
          + "\"b\":{\"filters\":[{\"field\":\"prompt_version\",\"op\":\"=\",\"value\":\"v7\"}]}}", KEY_A);
      assertEquals(200, cmp.statusCode(), cmp.body());
      JsonNode rel = ServerProcess.JSON.readTree(cmp.body()).get("metrics").get(0);
      assertEquals(mean("v6", ScoresIT::relevance), rel.get("a").asDouble(), 1e-9);
      assertEquals(mean("v7", ScoresIT::relevance), rel.get("b").asDouble(), 1e-9);
      assertEquals("welch_t", rel.get("test").asText());
      assertEquals(TRACES / 2, rel.get("nB").asLong());
      HttpResponse<String> badCmp = post(s, "/api/v1/compare", "{\"from\":\"now-1h\",\"a\":{}}", KEY_A);
      assertEquals(400, badCmp.statusCode());
      assertTrue(badCmp.body().contains("'b' must be an object"), badCmp.body());

      // The trace view lists each span's scores.
      HttpResponse<String> trace = s.getRaw("/api/v1/traces/" + traceId(3), KEY_A);
      JsonNode tj = ServerProcess.JSON.readTree(trace.body());
      Map<String, List<String>> scoreNamesBySpan = new TreeMap<>();
      for (JsonNode span : tj.get("spans")) {
        List<String> names = new ArrayList<>();
        span.get("scores").forEach(sc -> names.add(sc.get("name").asText()));
        names.sort(null);
        scoreNamesBySpan.put(span.get("span_id").asText(), names);
      }
      assertEquals(List.of("thumbs"), scoreNamesBySpan.get(spanId(3, 0)));
      assertEquals(List.of("correctness", "faithfulness", "helpfulness", "quality", "relevance", "toxicity"), scoreNamesBySpan.get(spanId(3, 1)));
      assertEquals(7, tj.get("scores").size());
      assertFalse(s.getRaw("/api/v1/fields", KEY_B).body().contains("score.helpfulness"), "tenant b has none of a's log scores");
      assertTrue(s.getRaw("/api/v1/fields", KEY_A).body().contains("\"score.relevance\""));
      assertEquals(0, s.terminate());
    }
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      assertEveryPathGroups(s);
      post(s, "/api/v1/scores", "[{\"traceId\":\"" + traceId(0) + "\",\"spanId\":\"" + spanId(0, 1) + "\",\"name\":\"late\",\"value\":1}]", KEY_A);
      s.kill();
    }
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      assertEveryPathGroups(s);
      assertEquals(1, s.query("{\"from\":\"now-1h\",\"metrics\":[\"count(score.late)\"]}", KEY_A).body().get("rows").get(0).get(0).asLong(),
          "acknowledged before kill -9, there after");
    }
  }

  static LogRecord.Builder evaluationRecord() {
    return LogRecord.newBuilder().setEventName("gen_ai.evaluation.result").setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
        .addAttributes(KeyValue.newBuilder().setKey("gen_ai.evaluation.name").setValue(AnyValue.newBuilder().setStringValue("relevance")))
        .addAttributes(KeyValue.newBuilder().setKey("gen_ai.evaluation.score.value").setValue(AnyValue.newBuilder().setDoubleValue(0.5)));
  }

  static byte[] logs(LogRecord.Builder... records) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (LogRecord.Builder r : records) scope.addLogRecords(r);
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope)).build().toByteArray();
  }

  @Test
  void malformedScoresAndEvaluationRecordsGet400NamingTheFieldAndTheServerKeepsServing() throws Exception {
    Path config = Files.writeString(dir.resolve("auth.yaml"), "auth:\n  keys:\n    - {key: key-a, tenant: a}\n");
    try (ServerProcess s = ServerProcess.start(dir.resolve("bad"), "--config", config.toString())) {
      String trace = "\"traceId\":\"" + traceId(1) + "\"";
      Map<String, String> bad = new TreeMap<>();
      bad.put("{\"name\":\"x\"}", "body must be a JSON array");
      bad.put("[{\"name\":\"x\",\"value\":1}]", "[0].traceId: is required");
      bad.put("[{" + trace + ",\"name\":\"x\",\"value\":1},{\"traceId\":\"xyz\",\"name\":\"x\",\"value\":1}]", "[1].traceId: must be 32 hex");
      bad.put("[{" + trace + ",\"value\":1}]", "[0].name: is required");
      bad.put("[{" + trace + ",\"name\":\"x\"}]", "[0]: needs a 'value'");
      bad.put("[{" + trace + ",\"name\":\"x\",\"value\":\"high\"}]", "[0].value: must be a finite number or a boolean");
      bad.put("[{" + trace + ",\"name\":\"x\",\"value\":1,\"spanId\":\"12\"}]", "[0].spanId: must be 16 hex");
      bad.put("[{" + trace + ",\"name\":\"x\",\"value\":1,\"timestamp\":\"yesterday\"}]", "[0].timestamp");
      bad.put("[{" + trace + ",\"name\":\"x\",\"value\":1,\"score\":1}]", "[0].score: unknown field");
      bad.put("[{" + trace + ",\"name\":\"x\",\"label\":7}]", "[0].label: must be a string");
      bad.put("[{" + trace + ",\"name\":\"" + "n".repeat(300) + "\",\"value\":1}]", "[0].name: must have 1 to 256");
      bad.put("not json", "not valid JSON");
      for (Map.Entry<String, String> e : bad.entrySet()) {
        HttpResponse<String> r = post(s, "/api/v1/scores", e.getKey(), KEY_A);
        assertEquals(400, r.statusCode(), e.getKey() + " -> " + r.body());
        assertTrue(r.body().contains(e.getValue()), r.body() + " should name " + e.getValue());
      }
      assertEquals(401, post(s, "/api/v1/scores", "[]", null).statusCode());

      Map<byte[], String> badLogs = new java.util.LinkedHashMap<>();
      badLogs.put(logs(evaluationRecord().clearTraceId()), "logRecords[0].traceId");
      badLogs.put(logs(evaluationRecord(), evaluationRecord().removeAttributes(0)), "logRecords[1].attributes[\"gen_ai.evaluation.name\"]: missing");
      badLogs.put(logs(evaluationRecord().removeAttributes(1)), "neither \"gen_ai.evaluation.score.value\" nor");
      badLogs.put(logs(evaluationRecord().setSpanId(ByteString.copyFrom(new byte[3]))), "logRecords[0].spanId");
      badLogs.put("garbage that is not protobuf at all".getBytes(), "malformed protobuf");
      for (Map.Entry<byte[], String> e : badLogs.entrySet()) {
        HttpResponse<String> r = postLogs(s, e.getKey(), KEY_A);
        assertEquals(400, r.statusCode(), e.getValue());
        assertTrue(r.body().contains(e.getValue()), r.body() + " should name " + e.getValue());
      }
      // Plain log records are acknowledged and dropped; a good evaluation is stored; nothing of the bad ones is.
      LogRecord.Builder plain = LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("hello"));
      assertEquals(200, postLogs(s, logs(plain, evaluationRecord()), KEY_A).statusCode());
      JsonNode fields = ServerProcess.JSON.readTree(s.getRaw("/api/v1/fields", KEY_A).body());
      long relevance = 0;
      for (JsonNode f : fields.get("fields")) if (f.get("name").asText().equals("score.relevance")) relevance = f.get("count").asLong();
      assertEquals(1, relevance, "only the good record became a score");
      // A bad evaluation over gRPC: INVALID_ARGUMENT, which the SDK exporter reports as a failed export.
      OtlpGrpcLogRecordExporter grpc = OtlpGrpcLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + s.grpcPort)
          .addHeader("Authorization", "Bearer " + KEY_A).build();
      RecordedExports exports = new RecordedExports();
      SdkLoggerProvider provider = SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(exports.logs(grpc))).build();
      SpanContext judged = SpanContext.create(traceId(1), spanId(1, 1), TraceFlags.getSampled(), TraceState.getDefault());
      provider.get("it").logRecordBuilder().setEventName("gen_ai.evaluation.result").setContext(Context.root().with(Span.wrap(judged)))
          .setAttribute(AttributeKey.doubleKey("gen_ai.evaluation.score.value"), 1.0).emit();
      assertFalse(exports.allSucceeded(30, TimeUnit.SECONDS));
      provider.shutdown().join(10, TimeUnit.SECONDS);
      assertEquals(200, s.getRaw("/readyz", null).statusCode(), "still serving");
    }
  }
}
