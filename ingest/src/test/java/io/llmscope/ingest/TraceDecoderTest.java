package io.llmscope.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.model.SpanLink;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TraceDecoderTest {
  private final SpanNormaliser normaliser = new SpanNormaliser(System::currentTimeMillis, IngestConfig.DEFAULT_MAX_FUTURE_SKEW_MS,
      SpanNormaliser.SpanLimits.NONE);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- every fixture ------------------------------------------------------------------------

  @Test
  void everyFixturePayloadDecodesAndEveryInvalidOneIsRejectedWithAReason() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Fixtures.root())) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    int decoded = 0;
    int invalid = 0;
    for (Path p : files) {
      String rel = Fixtures.root().relativize(p).toString().replace('\\', '/');
      String name = p.getFileName().toString();
      if (rel.startsWith("attribute-maps/") || name.endsWith(".md")) continue;
      byte[] body = Files.readAllBytes(p);
      if (rel.contains("/invalid/")) {
        BadPayloadException e = assertThrows(BadPayloadException.class, () -> TraceDecoder.decodeJson(body), rel);
        assertFalse(e.tooLarge(), rel);
        assertTrue(e.getMessage().contains("traceId") || e.getMessage().contains("span kind"),
            rel + ": " + e.getMessage());
        invalid++;
      } else if (name.endsWith(".jsonl")) {
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
          if (line.isBlank()) continue;
          assertTrue(normaliser.normalise(TraceDecoder.decodeJson(utf8(line))).spans().size() > 0, rel);
          decoded++;
        }
      } else if (name.endsWith(".json")) {
        NormalisedBatch b = normaliser.normalise(TraceDecoder.decodeJson(body));
        assertTrue(b.spans().size() + b.rejected() > 0, rel);
        decoded++;
      } else if (name.endsWith(".pb") || name.endsWith(".protobuf-bin")) {
        assertTrue(normaliser.normalise(TraceDecoder.decodeProtobuf(body)).spans().size() > 0, rel);
        decoded++;
      } else {
        throw new AssertionError("unexpected fixture file " + rel + "; teach this test about it");
      }
    }
    assertEquals(3, invalid);
    assertTrue(decoded >= 30, "decoded " + decoded); // 19 JSONL lines + 11 files
  }

  // ---- opentelemetry-proto examples ---------------------------------------------------------

  @Test
  void otelProtoExampleHasOneServerSpanWithLowercasedIds() throws Exception {
    NormalisedBatch b = normaliser.normalise(Fixtures.json("otel-proto/trace.json"));
    assertEquals(0, b.rejected());
    assertNull(b.rejectionMessage());
    assertEquals(1, b.spans().size());
    LlmSpan s = b.spans().get(0);
    assertEquals("5b8efff798038103d269b633813fc60c", s.traceIdHex());
    assertEquals("eee19b7ec3c1b174", s.spanIdHex());
    assertEquals(0xeee19b7ec3c1b173L, s.parentSpanId);
    assertEquals("my.service", s.dim(Dim.SERVICE));
    assertEquals("server", s.dim(Dim.SPAN_KIND));
    assertEquals("I'm a server span", s.dim(Dim.SPAN_NAME));
    assertEquals("unset", s.dim(Dim.STATUS));
    assertEquals(1544712660000000000L, s.startNanos);
    assertEquals(1000.0, s.measure(Measure.DURATION_MS));
    assertFalse(s.llm);
    assertEquals(Map.of("my.span.attr", "some value"), s.detail.attributes());
    assertEquals(Map.of("service.name", "my.service"), s.detail.resource());
    assertEquals("my.library", s.detail.scopeName());
    assertEquals("1.0.0", s.detail.scopeVersion());
  }

  @Test
  void bareNineteenDigitTimestampsAreExact() throws Exception {
    ExportTraceServiceRequest r = Fixtures.json("otel-proto/trace.numeric-timestamps.ca6170e.json");
    Span span = r.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertEquals(1544712660000000000L, span.getStartTimeUnixNano());
    assertEquals(1544712661000000000L, span.getEndTimeUnixNano());
    assertEquals(Fixtures.json("otel-proto/trace.json"), r);
  }

  @Test
  void protobufExampleIsTheSameRequestAsTheJson() throws Exception {
    ExportTraceServiceRequest pb = Fixtures.protobuf("otel-proto/trace.protobuf-bin");
    ExportTraceServiceRequest json = Fixtures.json("otel-proto/trace.json");
    assertEquals(json, pb);
    LlmSpan a = normaliser.normalise(pb).spans().get(0);
    LlmSpan b = normaliser.normalise(json).spans().get(0);
    assertEquals(b.toString(), a.toString());
    assertEquals(b.detail, a.detail);
    assertEquals(b.startNanos, a.startNanos);
    assertEquals(b.parentSpanId, a.parentSpanId);
  }

  // ---- collector pdata ----------------------------------------------------------------------

  @Test
  void pdataSpanKeepsEveryAttributeTypeEventAndLinkAndTheIdlessSpanIsRejected() throws Exception {
    NormalisedBatch b = normaliser.normalise(Fixtures.json("otel-collector/pdata_ptrace_tracesJSON.json"));
    assertEquals(1, b.spans().size());
    assertEquals(1, b.rejected());
    assertEquals("span 'testSpan2': missing trace_id", b.rejectionMessage());

    LlmSpan s = b.spans().get(0);
    assertEquals("0102030405060708090a0b0c0d0e0f10", s.traceIdHex());
    assertEquals("1112131415161718", s.spanIdHex());
    assertEquals("client", s.dim(Dim.SPAN_KIND));
    assertEquals("ok", s.dim(Dim.STATUS));
    assertEquals("testService", s.dim(Dim.SERVICE));
    SpanDetail d = s.detail;
    assertEquals(List.of("string", "bool", "int", "double", "bytes", "array", "kvList"),
        new ArrayList<>(d.attributes().keySet()));
    assertEquals("value", d.attributes().get("string"));
    assertEquals(Boolean.TRUE, d.attributes().get("bool"));
    assertEquals(1L, d.attributes().get("int"));
    assertEquals(1.1, d.attributes().get("double"));
    assertArrayEquals(utf8("foo"), (byte[]) d.attributes().get("bytes"));
    assertEquals(List.of(1L, "str"), d.attributes().get("array"));
    assertEquals(Map.of("int", 1L, "string", "string"), d.attributes().get("kvList"));
    assertEquals(List.of("int", "string"),
        new ArrayList<>(((Map<?, ?>) d.attributes().get("kvList")).keySet()));
    assertEquals("state", d.traceState());
    assertEquals("message", d.statusMessage());
    assertEquals("scope name", d.scopeName());
    assertEquals("scope version", d.scopeVersion());
    assertEquals(Map.of("host.name", "testHost", "service.name", "testService"), d.resource());

    assertEquals(1, d.events().size());
    SpanEvent e = d.events().get(0);
    assertEquals("eventName", e.name());
    assertEquals(1684620382541971000L, e.timeNanos());
    assertEquals(5, e.attributes().size());
    assertArrayEquals(utf8("foo"), (byte[]) e.attributes().get("bytes"));

    assertEquals(1, d.links().size());
    SpanLink l = d.links().get(0);
    assertEquals(0x0102030405060708L, l.traceIdHi());
    assertEquals(0x090a0b0c0d0e0f10L, l.traceIdLo());
    assertEquals(0x1112131415161718L, l.spanId());
    assertEquals("state", l.traceState());
    assertEquals(1.1, l.attributes().get("double"));
  }

  @Test
  void emptyResourceSpanWithOnlyANameIsRejected() throws Exception {
    NormalisedBatch b = normaliser.normalise(
        Fixtures.json("otel-collector/ptraceotlp_tracesRequestJSON_empty_resource.json"));
    assertEquals(0, b.spans().size());
    assertEquals(1, b.rejected());
    assertEquals("span 'test_span': missing trace_id", b.rejectionMessage());
  }

  // ---- otlp2parquet ---------------------------------------------------------------------------

  @Test
  void protojsonBase64IdsAndKindNamesAreDecoded() throws Exception {
    ExportTraceServiceRequest json = Fixtures.json("otlp2parquet/trace.json");
    NormalisedBatch b = normaliser.normalise(json);
    assertEquals(2, b.spans().size());
    LlmSpan egress = b.spans().get(0);
    assertEquals("9d79b1a37f31801cd11a6706fb40d6bd", egress.traceIdHex());
    assertEquals("de562439e9c1b823", egress.spanIdHex());
    assertEquals(0x57526846903bb13eL, egress.parentSpanId);
    assertEquals("client", egress.dim(Dim.SPAN_KIND));
    assertEquals("frontend-proxy", egress.dim(Dim.SERVICE));
    assertEquals("server", b.spans().get(1).dim(Dim.SPAN_KIND));
    assertEquals(Fixtures.protobuf("otlp2parquet/trace.pb"), json);
  }

  @Test
  void jsonLinesMatchTheirBinaryTwin() throws Exception {
    ExportTraceServiceRequest.Builder merged = ExportTraceServiceRequest.newBuilder();
    int lines = 0;
    for (String line : new String(Fixtures.bytes("otlp2parquet/traces.jsonl"), StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) continue;
      lines++;
      for (ResourceSpans rs : TraceDecoder.decodeJson(utf8(line)).getResourceSpansList()) merged.addResourceSpans(rs);
    }
    assertEquals(19, lines);
    ExportTraceServiceRequest pb = Fixtures.protobuf("otlp2parquet/traces.pb");
    assertEquals(19, pb.getResourceSpansCount());
    assertEquals(pb, merged.build());
    NormalisedBatch b = normaliser.normalise(pb);
    assertEquals(0, b.rejected());
    assertTrue(b.spans().stream().anyMatch(s -> !s.detail.events().isEmpty()), "span events kept");
  }

  @Test
  void invalidFixturesNameTheFieldAndValue() {
    BadPayloadException base64 = assertThrows(BadPayloadException.class,
        () -> Fixtures.json("otlp2parquet/invalid/trace_invalid_base64.json"));
    assertTrue(base64.getMessage().contains("traceId \"!!!INVALID_BASE64!!!\""), base64.getMessage());
    assertTrue(base64.getMessage().contains("resourceSpans[0].scopeSpans[0].spans[0]"), base64.getMessage());
    BadPayloadException kind = assertThrows(BadPayloadException.class,
        () -> Fixtures.json("otlp2parquet/invalid/trace_invalid_kind.json"));
    assertTrue(kind.getMessage().contains("unknown span kind \"SPAN_KIND_INVALID_TYPE\""), kind.getMessage());
    BadPayloadException mixed = assertThrows(BadPayloadException.class,
        () -> Fixtures.json("otlp2parquet/invalid/trace_mixed_encoding.json"));
    assertTrue(mixed.getMessage().contains("traceId \"zzz\""), mixed.getMessage());
  }

  // ---- jaeger and ottl ------------------------------------------------------------------------

  @Test
  void jaegerBytesAttributesEventsLinksKindsAndErrorsAreKept() throws Exception {
    NormalisedBatch b = normaliser.normalise(Fixtures.json("jaeger/memory_otel_traces_01.json"));
    assertEquals(0, b.rejected());
    List<String> kinds = b.spans().stream().map(s -> s.dim(Dim.SPAN_KIND)).toList();
    assertTrue(kinds.containsAll(List.of("server", "client", "producer", "consumer")), kinds.toString());
    LlmSpan s = b.spans().get(0);
    assertEquals("error", s.dim(Dim.STATUS));
    assertArrayEquals(new byte[] {0, 0, 0x30, 0x39}, (byte[]) s.detail.attributes().get("blob"));
    assertEquals(72.5, s.detail.attributes().get("temperature"));
    // A bare "temperature" attribute is not a model parameter.
    assertTrue(Double.isNaN(s.measure(Measure.TEMPERATURE)));
    assertEquals(2, s.detail.events().size());
    assertEquals("", s.detail.events().get(1).name()); // the event with no name is kept
    assertEquals(Map.of("x", "y"), s.detail.events().get(1).attributes());
    assertEquals(2, s.detail.links().size());
    assertEquals(0xffL, s.detail.links().get(1).spanId());
    assertEquals("state.2", s.detail.traceState());

    LlmSpan db = normaliser.normalise(Fixtures.json("jaeger/clickhouse_dbmodel_ptrace.json")).spans().get(0);
    assertArrayEquals(utf8("PLAN SELECT"), (byte[]) db.detail.attributes().get("db.query_plan"));
    assertArrayEquals(utf8("{\"query_id\":123}"),
        (byte[]) db.detail.events().get(0).attributes().get("db.query_metadata"));
    assertArrayEquals(utf8("{\"db_context\":\"userdb\"}"),
        (byte[]) db.detail.links().get(0).attributes().get("link.context"));
    assertEquals(150L, db.detail.attributes().get("db.rows_affected"));
    assertEquals("success", db.detail.statusMessage());
  }

  @Test
  void selfParentSpanIsKeptAsIs() throws Exception {
    NormalisedBatch b = normaliser.normalise(Fixtures.json("ottl-playground/traces.json"));
    assertEquals(2, b.spans().size());
    LlmSpan self = b.spans().get(1);
    assertEquals("Me too", self.dim(Dim.SPAN_NAME));
    assertEquals(self.spanId, self.parentSpanId);
    assertEquals("internal", self.dim(Dim.SPAN_KIND));
  }

  // ---- JSON leniency and strictness -----------------------------------------------------------

  private static String oneSpan(String spanFields) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{" + spanFields + "}]}]}]}";
  }

  private Span decodeOne(String spanFields) throws BadPayloadException {
    return TraceDecoder.decodeJson(utf8(oneSpan(spanFields))).getResourceSpans(0).getScopeSpans(0).getSpans(0);
  }

  @Test
  void snakeCaseNamesEnumNamesShortNamesAndNumericStringsAreAccepted() throws Exception {
    Span s = decodeOne("\"trace_id\":\"5B8EFFF798038103D269B633813FC60C\",\"span_id\":\"eee19b7ec3c1b174\","
        + "\"parent_span_id\":\"\",\"kind\":\"SERVER\",\"start_time_unix_nano\":1544712660000000001,"
        + "\"status\":{\"code\":\"STATUS_CODE_ERROR\",\"message\":\"boom\"},\"unknownField\":{\"a\":1}");
    assertEquals(Span.SpanKind.SPAN_KIND_SERVER, s.getKind());
    assertEquals(1544712660000000001L, s.getStartTimeUnixNano());
    assertEquals(2, s.getStatus().getCodeValue());
    assertEquals("5b8efff798038103d269b633813fc60c",
        normaliser.normalise(TraceDecoder.decodeJson(utf8(oneSpan(
            "\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"EEE19B7EC3C1B174\""))))
            .spans().get(0).traceIdHex());
    assertEquals(3, decodeOne("\"kind\":\"3\"").getKindValue());
    assertEquals(9, decodeOne("\"kind\":9").getKindValue()); // open enum: unknown numbers kept
  }

  @Test
  void base64UrlAndUnpaddedIdsAreAccepted() throws Exception {
    Span s = decodeOne("\"traceId\":\"nXmxo38xgBzRGmcG-0DWvQ\",\"spanId\":\"3lYkOenBuCM\"");
    assertEquals("9d79b1a37f31801cd11a6706fb40d6bd", java.util.HexFormat.of().formatHex(s.getTraceId().toByteArray()));
    assertEquals("de562439e9c1b823", java.util.HexFormat.of().formatHex(s.getSpanId().toByteArray()));
  }

  @Test
  void badIdsAndEnumsAreRejectedWithTheirName() {
    assertTrue(assertThrows(BadPayloadException.class, () -> decodeOne("\"spanId\":\"eee19b7ec3c1b17\""))
        .getMessage().contains("spanId \"eee19b7ec3c1b17\""));
    // 12 base64 chars without padding are 9 bytes: not a span id
    assertTrue(assertThrows(BadPayloadException.class, () -> decodeOne("\"spanId\":\"AAAAAAAAAAAA\""))
        .getMessage().contains("spanId"));
    assertTrue(assertThrows(BadPayloadException.class,
            () -> decodeOne("\"links\":[{\"traceId\":\"xyz\"}]"))
        .getMessage().contains("links[0]"));
    assertTrue(assertThrows(BadPayloadException.class,
            () -> decodeOne("\"status\":{\"code\":\"STATUS_CODE_BROKEN\"}"))
        .getMessage().contains("unknown status code \"STATUS_CODE_BROKEN\""));
    assertTrue(assertThrows(BadPayloadException.class, () -> decodeOne("\"traceId\":12"))
        .getMessage().contains("traceId"));
  }

  @Test
  void nonJsonIsRejected() {
    for (String body : new String[] {"", "not json", "[1,2]", "{\"resourceSpans\":[}", "{} trailing",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"soon\"}]}]}]}"}) {
      BadPayloadException e = assertThrows(BadPayloadException.class, () -> TraceDecoder.decodeJson(utf8(body)), body);
      assertFalse(e.getMessage().isBlank());
      assertFalse(e.tooLarge());
    }
  }

  // ---- protobuf garbage -----------------------------------------------------------------------

  @Test
  void garbageAndTruncatedProtobufAreRejected() {
    byte[] good = Fixtures.bytes("otel-proto/trace.protobuf-bin");
    byte[] truncated = Arrays.copyOf(good, good.length - 7);
    BadPayloadException t = assertThrows(BadPayloadException.class, () -> TraceDecoder.decodeProtobuf(truncated));
    assertTrue(t.getMessage().startsWith("malformed protobuf"), t.getMessage());
    for (String garbage : new String[] {"this is not protobuf", "{\"resourceSpans\":[]}", "\u00ff\u00ff\u00ff\u00ff"}) {
      assertThrows(BadPayloadException.class,
          () -> TraceDecoder.decodeProtobuf(garbage.getBytes(StandardCharsets.ISO_8859_1)), garbage);
    }
    byte[] random = new byte[4096];
    new java.util.Random(42).nextBytes(random);
    assertThrows(BadPayloadException.class, () -> TraceDecoder.decodeProtobuf(random));
  }

  @Test
  void emptyProtobufIsAnEmptyRequest() throws Exception {
    assertEquals(0, TraceDecoder.decodeProtobuf(new byte[0]).getResourceSpansCount());
  }

  static byte[] readAll(Path p) throws IOException {
    return Files.readAllBytes(p);
  }
}
