package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry Java SDK's own OTLP exporters (gRPC and HTTP/protobuf) send GenAI spans to
 * the built jar; queries return exactly what was exported, at once after the export is acked.
 */
class OtelSdkExportIT {
  static final String[] MODELS = {"gpt-4o", "gpt-4o-mini", "claude-sonnet-4"};
  @TempDir static Path dir;
  static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.start(dir.resolve("data"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  /** What the SDK sent for one model. */
  static final class Expected {
    long count;
    long input;
    long output;
  }

  static Map<String, Expected> export(SpanExporter exporter, String service, int traces, long seed) {
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)));
    SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource)
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).setMaxExportBatchSize(512).setMaxQueueSize(1_000_000).build())
        .build();
    Tracer tracer = provider.get("llmscope-it");
    Random rnd = new Random(seed);
    Map<String, Expected> expected = new TreeMap<>();
    for (int t = 0; t < traces; t++) {
      Span root = tracer.spanBuilder("POST /chat").setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope ignored = root.makeCurrent()) {
        int calls = 1 + rnd.nextInt(3);
        for (int c = 0; c < calls; c++) {
          String model = MODELS[rnd.nextInt(MODELS.length)];
          long in = 1 + rnd.nextInt(5000);
          long out = 1 + rnd.nextInt(900);
          Span llm = tracer.spanBuilder("chat " + model).setSpanKind(SpanKind.CLIENT)
              .setAttribute("gen_ai.operation.name", "chat")
              .setAttribute("gen_ai.provider.name", model.startsWith("claude") ? "anthropic" : "openai")
              .setAttribute("gen_ai.request.model", model)
              .setAttribute("gen_ai.usage.input_tokens", in)
              .setAttribute("gen_ai.usage.output_tokens", out)
              .startSpan();
          llm.end();
          Expected e = expected.computeIfAbsent(model, k -> new Expected());
          e.count++;
          e.input += in;
          e.output += out;
        }
        // A tool span: kept, but not a model call.
        tracer.spanBuilder("execute_tool search").setAttribute("gen_ai.operation.name", "execute_tool").startSpan().end();
      }
      root.end();
    }
    CompletableResultCode flushed = provider.forceFlush().join(60, TimeUnit.SECONDS);
    assertTrue(flushed.isSuccess(), "SDK export failed");
    provider.shutdown().join(10, TimeUnit.SECONDS);
    return expected;
  }

  static void assertQueryMatches(String service, Map<String, Expected> expected, int traces) throws Exception {
    ServerProcess.Response r = server.query("{\"from\":\"now-1h\",\"filters\":[{\"field\":\"service\",\"op\":\"=\",\"value\":\"" + service + "\"}],"
            + "\"groupBy\":[\"model\"],\"metrics\":[\"count\",\"sum(input_tokens)\",\"sum(output_tokens)\"]}");
    assertEquals(200, r.status(), r.body().toString());
    JsonNode rows = r.body().get("rows");
    assertEquals(expected.size(), rows.size(), rows.toString());
    for (JsonNode row : rows) {
      Expected e = expected.get(row.get(0).asText());
      assertNotNull(e, "unexpected model " + row);
      assertEquals(e.count, row.get(1).asLong(), "count " + row);
      assertEquals(e.input, row.get(2).asLong(), "input tokens " + row);
      assertEquals(e.output, row.get(3).asLong(), "output tokens " + row);
    }
    long llm = expected.values().stream().mapToLong(e -> e.count).sum();
    // With llmOnly=false the root and tool spans count too.
    assertEquals(llm + 2L * traces, server.count("{\"from\":\"now-1h\",\"llmOnly\":false,\"filters\":[{\"field\":\"service\",\"op\":\"=\",\"value\":\""
        + service + "\"}],\"metrics\":[\"count\"]}"));
  }

  @Test
  void grpcExporter() throws Exception {
    int traces = 1500;
    OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + server.grpcPort).build();
    assertQueryMatches("sdk-grpc", export(exporter, "sdk-grpc", traces, 1), traces);
  }

  @Test
  void httpProtobufExporter() throws Exception {
    int traces = 1500;
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(server.otlpUrl()).build();
    assertQueryMatches("sdk-http", export(exporter, "sdk-http", traces, 2), traces);
  }

  @Test
  void grpcExporterWithGzip() throws Exception {
    int traces = 200;
    OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + server.grpcPort)
        .setCompression("gzip").build();
    assertQueryMatches("sdk-grpc-gzip", export(exporter, "sdk-grpc-gzip", traces, 3), traces);
  }

  @Test
  void statusCountsStoredSpans() throws Exception {
    JsonNode status = server.get("/api/v1/status");
    for (String f : List.of("spans", "headRows", "segments", "walBytes", "segmentBytes", "oldest", "newest")) {
      assertTrue(status.has(f), "status lacks " + f + ": " + status);
    }
    assertEquals(status.get("spans").asLong(), server.count("{\"from\":0,\"llmOnly\":false,\"metrics\":[\"count\"]}"));
  }
}
