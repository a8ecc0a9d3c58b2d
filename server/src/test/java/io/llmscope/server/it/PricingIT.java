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
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cost at ingest through the real jar: a priced model call stores its cost and parts, a
 * reported cost wins and has no parts, a config override prices a private model, and an
 * unknown model gets no cost (not 0), is counted, and can be found.
 */
class PricingIT {
  private static final String BY_MODEL = "{\"from\":\"now-1h\",\"groupBy\":[\"model\"],\"metrics\":[\"count\","
      + "\"sum(cost_usd)\",\"sum(cost_input_usd)\",\"sum(cost_cache_read_usd)\",\"sum(cost_output_usd)\"]}";
  @TempDir Path dir;

  private static Span call(Random rnd, String provider, String model, long input, long cacheRead, long output,
      KeyValue... extra) {
    long start = System.currentTimeMillis() * 1_000_000L;
    Span.Builder s = Span.newBuilder().setTraceId(TestRequests.id(rnd, 16)).setSpanId(TestRequests.id(rnd, 8))
        .setName("chat " + model).setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(start).setEndTimeUnixNano(start + 400_000_000L)
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.provider.name", provider))
        .addAttributes(kv("gen_ai.request.model", model))
        .addAttributes(kv("gen_ai.usage.input_tokens", input))
        .addAttributes(kv("gen_ai.usage.output_tokens", output));
    if (cacheRead > 0) s.addAttributes(kv("gen_ai.usage.cache_read.input_tokens", cacheRead));
    for (KeyValue kv : extra) s.addAttributes(kv);
    return s.build();
  }

  private static Map<String, JsonNode> byModel(ServerProcess s) throws Exception {
    ServerProcess.Response r = s.query(BY_MODEL);
    assertEquals(200, r.status(), r.body().toString());
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode row : r.body().get("rows")) out.put(row.get(0).asText(), row);
    return out;
  }

  @Test
  void modelCallsArePricedAtIngestWithTheirPartsAndUnknownModelsStayUnpriced() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, """
        prices:
          - model: acme-private-llm
            input: 1.0
            output: 2.0
        """);
    Random rnd = new Random(11);
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "pricing")))
        .addScopeSpans(ScopeSpans.newBuilder()
            .addSpans(call(rnd, "openai", "gpt-4o", 1200, 200, 300))
            .addSpans(call(rnd, "openai", "gpt-4o", 1200, 200, 300))
            .addSpans(call(rnd, "openai", "gpt-4o-mini", 10_000, 0, 2000,
                KeyValue.newBuilder().setKey("gen_ai.usage.cost").setValue(AnyValue.newBuilder().setDoubleValue(0.5)).build()))
            .addSpans(call(rnd, "acme", "acme-private-llm", 1_000_000, 0, 500_000))
            .addSpans(call(rnd, "acme", "no-such-model-v9", 100, 0, 10)))).build();
    try (ServerProcess s = ServerProcess.start(dir.resolve("data"), "--config", config.toString())) {
      assertEquals(200, s.postOtlp(request.toByteArray(), "application/x-protobuf", null).statusCode());
      Map<String, JsonNode> rows = byModel(s);
      // gpt-4o, twice: 1000 uncached in × $2.50/1M + 200 cached × $1.25/1M + 300 out × $10/1M
      //   = $0.0025 + $0.00025 + $0.003 = $0.00575 per call
      JsonNode gpt4o = rows.get("gpt-4o");
      assertEquals(0.0115, gpt4o.get(2).asDouble(), 1e-9);
      assertEquals(0.005, gpt4o.get(3).asDouble(), 1e-9);
      assertEquals(0.0005, gpt4o.get(4).asDouble(), 1e-9);
      assertEquals(0.006, gpt4o.get(5).asDouble(), 1e-9);
      // A reported cost wins, and has no parts.
      JsonNode mini = rows.get("gpt-4o-mini");
      assertEquals(0.5, mini.get(2).asDouble(), 1e-9);
      assertTrue(mini.get(3).isNull() || mini.get(3).asDouble() == 0, mini.toString());
      // The config's price: 1M in × $1/1M + 0.5M out × $2/1M = $2
      assertEquals(2.0, rows.get("acme-private-llm").get(2).asDouble(), 1e-9);
      // Unknown: no cost at all, never a silent 0.
      JsonNode unknown = rows.get("no-such-model-v9");
      assertEquals(1, unknown.get(1).asLong());
      assertTrue(unknown.get(2).isNull(), "no cost, not 0: " + unknown);

      ServerProcess.Response unpriced = s.query("{\"from\":\"now-1h\",\"filters\":[{\"field\":\"cost_usd\",\"op\":\"exists\","
          + "\"value\":false}],\"groupBy\":[\"model\"],\"metrics\":[\"count\"]}");
      assertEquals(200, unpriced.status(), unpriced.body().toString());
      assertEquals(1, unpriced.body().get("rows").size(), unpriced.body().toString());
      assertEquals("no-such-model-v9", unpriced.body().get("rows").get(0).get(0).asText());
      assertTrue(s.getRaw("/metrics", null).body().contains("llmscope_ingest_spans_unpriced_total 1.0"));
    }
  }
}
