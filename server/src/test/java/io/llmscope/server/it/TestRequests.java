package io.llmscope.server.it;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Random;

/** Small hand-built OTLP requests of GenAI chat spans, for tests that need exact expectations. */
final class TestRequests {
  private TestRequests() {}

  static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  static KeyValue kv(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

  static ByteString id(Random rnd, int bytes) {
    byte[] b = new byte[bytes];
    rnd.nextBytes(b);
    b[0] |= 1; // never all zero
    return ByteString.copyFrom(b);
  }

  /** {@code n} chat spans of {@code model} for {@code service}, each with the given token counts. */
  static ExportTraceServiceRequest chat(Random rnd, String service, String model, int n, long input, long output) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < n; i++) {
      long start = now - (long) rnd.nextInt(600_000) * 1_000_000L;
      scope.addSpans(Span.newBuilder()
          .setTraceId(id(rnd, 16)).setSpanId(id(rnd, 8)).setName("chat " + model)
          .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
          .setStartTimeUnixNano(start).setEndTimeUnixNano(start + 500_000_000L)
          .addAttributes(kv("gen_ai.operation.name", "chat"))
          .addAttributes(kv("gen_ai.provider.name", "openai"))
          .addAttributes(kv("gen_ai.request.model", model))
          .addAttributes(kv("gen_ai.usage.input_tokens", input))
          .addAttributes(kv("gen_ai.usage.output_tokens", output)));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", service)))
        .addScopeSpans(scope)).build();
  }

}
