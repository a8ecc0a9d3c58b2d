package io.llmscope.ingest;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Locates the shared fixtures and builds small spans for tests. */
final class Fixtures {
  private Fixtures() {}

  private static Path root;

  /**
   * The shared fixtures directory: system property {@code llmscope.fixtures} if set (relative paths
   * resolve against the working directory), else the first {@code shared/fixtures} found walking up
   * from the working directory (covers both {@code /work/shared} and the CI layout
   * {@code <repo>/../shared}).
   */
  static synchronized Path root() {
    if (root != null) return root;
    String prop = System.getProperty("llmscope.fixtures");
    if (prop != null && !prop.isBlank()) {
      Path p = Paths.get(prop).toAbsolutePath().normalize();
      assertTrue(Files.isDirectory(p), "llmscope.fixtures does not exist: " + p);
      return root = p;
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("fixtures");
      if (Files.isDirectory(candidate)) return root = candidate;
    }
    throw new AssertionError("shared/fixtures not found above " + Paths.get("").toAbsolutePath()
        + "; set -Dllmscope.fixtures=PATH");
  }

  static Path path(String relative) {
    Path p = root().resolve(relative);
    assertTrue(Files.exists(p), "missing fixture " + p);
    return p;
  }

  static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ExportTraceServiceRequest json(String relative) throws BadPayloadException {
    return TraceDecoder.decodeJson(bytes(relative));
  }

  static ExportTraceServiceRequest protobuf(String relative) throws BadPayloadException {
    return TraceDecoder.decodeProtobuf(bytes(relative));
  }

  // ---- building spans from flat attribute maps ------------------------------------------------

  static final String TRACE_HEX = "0af7651916cd43dd8448eb211c80319c";
  static final String SPAN_HEX = "b7ad6b7169203331";

  static AnyValue anyValue(Object v) {
    AnyValue.Builder b = AnyValue.newBuilder();
    if (v == null) return b.build();
    if (v instanceof String s) return b.setStringValue(s).build();
    if (v instanceof Integer i) return b.setIntValue(i).build();
    if (v instanceof Long l) return b.setIntValue(l).build();
    if (v instanceof Double d) return b.setDoubleValue(d).build();
    if (v instanceof Boolean bo) return b.setBoolValue(bo).build();
    if (v instanceof byte[] bytes) return b.setBytesValue(ByteString.copyFrom(bytes)).build();
    if (v instanceof List<?> list) {
      ArrayValue.Builder a = ArrayValue.newBuilder();
      for (Object e : list) a.addValues(anyValue(e));
      return b.setArrayValue(a).build();
    }
    throw new IllegalArgumentException("unsupported " + v.getClass());
  }

  static List<KeyValue> keyValues(Map<String, ?> attributes) {
    List<KeyValue> out = new ArrayList<>();
    attributes.forEach((k, v) -> out.add(KeyValue.newBuilder().setKey(k).setValue(anyValue(v)).build()));
    return out;
  }

  /** One client span carrying the attributes, 2 s long, in service "chat-api". */
  static ExportTraceServiceRequest wrap(Map<String, ?> attributes) {
    Span span = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(TRACE_HEX)))
        .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(SPAN_HEX)))
        .setName("chat gpt-4")
        .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(1_760_000_000_000_000_000L)
        .setEndTimeUnixNano(1_760_000_002_000_000_000L)
        .addAllAttributes(keyValues(attributes))
        .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAllAttributes(keyValues(Map.of("service.name", "chat-api"))))
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(span)))
        .build();
  }

  static <T> T notNull(T t) {
    assertNotNull(t);
    return t;
  }
}
