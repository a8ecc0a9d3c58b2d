package io.llmscope.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SpanNormaliserTest {
  private final SpanNormaliser normaliser = new SpanNormaliser(System::currentTimeMillis, IngestConfig.DEFAULT_MAX_FUTURE_SKEW_MS,
      SpanNormaliser.SpanLimits.NONE);

  private LlmSpan one(Map<String, ?> attributes) {
    NormalisedBatch b = normaliser.normalise(Fixtures.wrap(attributes));
    assertEquals(1, b.spans().size());
    return b.spans().get(0);
  }

  @Test
  void oddValueTypesAreConvertedOrIgnoredNeverThrown() {
    LlmSpan s = one(Map.of(
        "gen_ai.usage.input_tokens", "97",
        "gen_ai.usage.output_tokens", 52.0,
        "gen_ai.usage.total_tokens", "lots",
        "gen_ai.request.temperature", "0.7",
        "gen_ai.request.max_tokens", -5,
        "gen_ai.request.model", List.of("gpt-4o"),
        "gen_ai.response.model", new byte[] {1, 2},
        "gen_ai.provider.name", true,
        "llm.invocation_parameters", "{not json",
        "langfuse.observation.usage_details", "[1, 2]"));
    assertEquals(97.0, s.measure(Measure.INPUT_TOKENS));
    assertEquals(52.0, s.measure(Measure.OUTPUT_TOKENS));
    assertEquals(149.0, s.measure(Measure.TOTAL_TOKENS));
    assertEquals(0.7, s.measure(Measure.TEMPERATURE));
    assertTrue(Double.isNaN(s.measure(Measure.MAX_TOKENS)));
    assertEquals("gpt-4o", s.dim(Dim.REQUEST_MODEL));
    assertNull(s.dim(Dim.RESPONSE_MODEL));
    assertEquals("gpt-4o", s.dim(Dim.MODEL));
    assertEquals("true", s.dim(Dim.PROVIDER));
    assertTrue(s.llm, "names a model and reports tokens");
    assertEquals("lots", s.detail.attributes().get("gen_ai.usage.total_tokens"));
    assertEquals("{not json", s.detail.attributes().get("llm.invocation_parameters"));
    assertEquals(10, s.detail.attributes().size());
  }

  @Test
  void higherPrecedenceWinsWhateverTheOrder() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("llm.system", "anthropic");
    a.put("gen_ai.system", "aws.bedrock");
    a.put("gen_ai.provider.name", "aws.bedrock");
    a.put("llm.token_count.prompt", 10);
    a.put("gen_ai.usage.input_tokens", 11);
    a.put("session.id", "oi-session");
    a.put("gen_ai.conversation.id", "conv-1");
    a.put("llm.model_name", "oi-model");
    a.put("gen_ai.response.model", "genai-model");
    LlmSpan s = one(a);
    assertEquals("aws.bedrock", s.dim(Dim.PROVIDER));
    assertEquals(11.0, s.measure(Measure.INPUT_TOKENS));
    assertEquals("conv-1", s.dim(Dim.SESSION));
    assertEquals("genai-model", s.dim(Dim.MODEL));
  }

  @Test
  void spanAttributesBeatResourceAttributesOfEqualPrecedence() {
    ExportTraceServiceRequest r = Fixtures.wrap(Map.of("deployment.environment", "span-env"));
    ExportTraceServiceRequest withResourceEnv = r.toBuilder()
        .setResourceSpans(0, r.getResourceSpans(0).toBuilder().setResource(Resource.newBuilder()
            .addAllAttributes(Fixtures.keyValues(Map.of("service.name", "svc",
                "deployment.environment", "resource-env")))))
        .build();
    LlmSpan s = normaliser.normalise(withResourceEnv).spans().get(0);
    assertEquals("span-env", s.dim(Dim.ENVIRONMENT));
    assertEquals("svc", s.dim(Dim.SERVICE));
    assertEquals(Map.of("service.name", "svc", "deployment.environment", "resource-env"), s.detail.resource());

    ExportTraceServiceRequest newer = r.toBuilder()
        .setResourceSpans(0, r.getResourceSpans(0).toBuilder().setResource(Resource.newBuilder()
            .addAllAttributes(Fixtures.keyValues(Map.of("deployment.environment.name", "prod")))))
        .build();
    assertEquals("prod", normaliser.normalise(newer).spans().get(0).dim(Dim.ENVIRONMENT));
  }

  @Test
  void llmFlagFollowsTheOperationOrModelPlusTokens() {
    assertFalse(one(Map.of("http.request.method", "GET")).llm);
    assertFalse(one(Map.of("gen_ai.operation.name", "invoke_agent", "gen_ai.agent.name", "planner",
        "gen_ai.request.model", "gpt-4o")).llm);
    assertFalse(one(Map.of("gen_ai.operation.name", "execute_tool", "gen_ai.tool.name", "search")).llm);
    assertTrue(one(Map.of("gen_ai.operation.name", "embeddings", "gen_ai.request.model", "text-embedding-3-small")).llm);
    assertTrue(one(Map.of("gen_ai.operation.name", "generate_content")).llm);
    assertTrue(one(Map.of("gen_ai.operation.name", "text_completion")).llm);
    assertTrue(one(Map.of("openinference.span.kind", "EMBEDDING")).llm);
    assertFalse(one(Map.of("openinference.span.kind", "CHAIN")).llm);
    assertTrue(one(Map.of("llm.request.type", "completion")).llm);
    assertTrue(one(Map.of("llm.request.type", "embedding")).llm);
    assertTrue(one(Map.of("langfuse.observation.type", "embedding")).llm);
    assertFalse(one(Map.of("langfuse.observation.type", "span")).llm);
    assertTrue(one(Map.of("some.model", "x", "gen_ai.response.model", "m", "llm.token_count.total", 3)).llm);
    assertFalse(one(Map.of("gen_ai.response.model", "m")).llm);
  }

  @Test
  void dialectSpanKindsGiveOperationAgentAndTool() {
    LlmSpan agent = one(Map.of("traceloop.span.kind", "agent", "traceloop.entity.name", "planner"));
    assertEquals("invoke_agent", agent.dim(Dim.OPERATION));
    assertEquals("planner", agent.dim(Dim.AGENT));
    LlmSpan tool = one(Map.of("traceloop.span.kind", "tool", "traceloop.entity.name", "get_weather"));
    assertEquals("execute_tool", tool.dim(Dim.OPERATION));
    assertEquals("get_weather", tool.dim(Dim.TOOL));
    assertNull(tool.dim(Dim.AGENT));
    LlmSpan oiTool = one(Map.of("openinference.span.kind", "TOOL", "tool.name", "get_weather"));
    assertEquals("execute_tool", oiTool.dim(Dim.OPERATION));
    assertEquals("get_weather", oiTool.dim(Dim.TOOL));
    LlmSpan oiAgent = one(Map.of("openinference.span.kind", "AGENT", "agent.name", "planner"));
    assertEquals("invoke_agent", oiAgent.dim(Dim.OPERATION));
    assertEquals("planner", oiAgent.dim(Dim.AGENT));
    LlmSpan lfTool = one(Map.of("langfuse.observation.type", "tool"));
    assertEquals("execute_tool", lfTool.dim(Dim.OPERATION));
    assertEquals("chat gpt-4", lfTool.dim(Dim.TOOL)); // the observation name is the span name
    LlmSpan genai = one(Map.of("gen_ai.operation.name", "invoke_agent", "gen_ai.agent.name", "Math Tutor",
        "traceloop.span.kind", "tool"));
    assertEquals("invoke_agent", genai.dim(Dim.OPERATION));
    assertEquals("Math Tutor", genai.dim(Dim.AGENT));
  }

  @Test
  void userSessionPromptAndEnvironmentPerDialect() {
    LlmSpan oi = one(Map.of("user.id", "u1", "session.id", "s1", "llm.prompt_template.version", "v3",
        "llm.prompt_template.template", "Hello {name}"));
    assertEquals("u1", oi.dim(Dim.USER));
    assertEquals("s1", oi.dim(Dim.SESSION));
    assertEquals("v3", oi.dim(Dim.PROMPT_VERSION));
    LlmSpan tl = one(Map.of("traceloop.prompt.key", "greeting", "traceloop.prompt.version", 4,
        "traceloop.association.properties.user_id", "u2"));
    assertEquals("greeting", tl.dim(Dim.PROMPT_NAME));
    assertEquals("4", tl.dim(Dim.PROMPT_VERSION));
    assertEquals("u2", tl.dim(Dim.USER));
    LlmSpan lf = one(Map.of("langfuse.observation.prompt.name", "movie-critic",
        "langfuse.observation.prompt.version", 2, "langfuse.user.id", "u3", "user.id", "other",
        "langfuse.session.id", "s3", "langfuse.environment", "staging"));
    assertEquals("movie-critic", lf.dim(Dim.PROMPT_NAME));
    assertEquals("2", lf.dim(Dim.PROMPT_VERSION));
    assertEquals("u3", lf.dim(Dim.USER));
    assertEquals("s3", lf.dim(Dim.SESSION));
    assertEquals("staging", lf.dim(Dim.ENVIRONMENT));
  }

  @Test
  void costTtftAndFinishReasonFallbacks() {
    LlmSpan cost = one(Map.of("gen_ai.usage.cost", 0.25));
    assertEquals(0.25, cost.measure(Measure.COST_USD));
    assertTrue(cost.costReported);
    assertFalse(one(Map.of("gen_ai.usage.input_tokens", 5)).costReported);

    assertEquals(420.0, one(Map.of("gen_ai.response.time_to_first_chunk", 0.42)).measure(Measure.TTFT_MS), 1e-9);
    // span starts at 1760000000 s (2025-10-09T08:53:20Z)
    LlmSpan lf = one(Map.of("langfuse.observation.completion_start_time", "\"2025-10-09T08:53:20.250000+00:00\""));
    assertEquals(250.0, lf.measure(Measure.TTFT_MS), 1e-9);

    assertEquals("length", one(Map.of("output.value",
        "{\"choices\": [{\"index\": 0, \"finish_reason\": \"length\"}]}")).dim(Dim.FINISH_REASON));
    assertEquals("STOP", one(Map.of("output.value",
        "{\"candidates\": [{\"finishReason\": \"STOP\"}]}")).dim(Dim.FINISH_REASON));
    assertEquals("tool_call", one(Map.of("gen_ai.output.messages",
        "[{\"role\":\"assistant\",\"parts\":[],\"finish_reason\":\"tool_call\"}]")).dim(Dim.FINISH_REASON));
    assertNull(one(Map.of("output.value", "plain text that says finish_reason")).dim(Dim.FINISH_REASON));
    assertEquals("stop", one(Map.of("gen_ai.response.finish_reasons", List.of("stop", "length"),
        "output.value", "{\"finish_reason\": \"length\"}")).dim(Dim.FINISH_REASON));
  }

  private static Span.Builder span(String name) {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
        .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, 1}))
        .setName(name);
  }

  private static ExportTraceServiceRequest request(Span... spans) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))).build();
  }

  @Test
  void statusErrorTypeAndIdRejections() {
    Span failed = span("failed").setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)
            .setMessage("rate limited"))
        .addEvents(Span.Event.newBuilder().setName("exception").addAllAttributes(Fixtures.keyValues(
            Map.of("exception.type", "openai.RateLimitError", "exception.message", "429"))))
        .build();
    Span typed = span("typed").setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
        .addAllAttributes(Fixtures.keyValues(Map.of("error.type", "timeout"))).build();
    Span okWithHandled = span("ok").setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
        .addEvents(Span.Event.newBuilder().setName("exception").addAllAttributes(Fixtures.keyValues(
            Map.of("exception.type", "Handled")))).build();
    Span zeroTrace = span("zeros").setTraceId(ByteString.copyFrom(new byte[16])).build();
    Span shortSpanId = span("short").setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3})).build();
    Span noSpanId = span("nospan").clearSpanId().build();
    Span selfParent = span("self").setParentSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, 1})).build();
    NormalisedBatch b = normaliser.normalise(request(failed, typed, okWithHandled, zeroTrace, shortSpanId, noSpanId, selfParent));
    assertEquals(4, b.spans().size());
    assertEquals(3, b.rejected());
    assertEquals("3 spans rejected; first: span 'zeros': trace_id is all zeros", b.rejectionMessage());
    assertEquals("error", b.spans().get(0).dim(Dim.STATUS));
    assertEquals("openai.RateLimitError", b.spans().get(0).dim(Dim.ERROR_TYPE));
    assertEquals("rate limited", b.spans().get(0).detail.statusMessage());
    assertEquals("timeout", b.spans().get(1).dim(Dim.ERROR_TYPE));
    assertEquals("ok", b.spans().get(2).dim(Dim.STATUS));
    assertNull(b.spans().get(2).dim(Dim.ERROR_TYPE));
    assertEquals(1L, b.spans().get(3).parentSpanId);
    assertEquals(b.spans().get(3).spanId, b.spans().get(3).parentSpanId);
    assertEquals("unspecified", b.spans().get(3).dim(Dim.SPAN_KIND));
    assertTrue(Double.isNaN(b.spans().get(3).measure(Measure.DURATION_MS)), "no times, no duration");

    NormalisedBatch single = normaliser.normalise(request(noSpanId));
    assertEquals("span 'nospan': missing span_id", single.rejectionMessage());
    NormalisedBatch none = normaliser.normalise(request(failed));
    assertEquals(0, none.rejected());
    assertNull(none.rejectionMessage());
  }

  @Test
  void nestedAndEmptyValuesAreKeptInDetail() {
    KeyValue kv = KeyValue.newBuilder().setKey("nested").setValue(AnyValue.newBuilder().setKvlistValue(
        KeyValueList.newBuilder().addValues(KeyValue.newBuilder().setKey("inner")
            .setValue(Fixtures.anyValue(List.of(1L, List.of("a", 2.5)))))
            .addValues(KeyValue.newBuilder().setKey("empty").setValue(AnyValue.getDefaultInstance())))).build();
    Span s = span("nested").addAttributes(kv)
        .addAttributes(KeyValue.newBuilder().setKey("gen_ai.usage.input_tokens").setValue(AnyValue.getDefaultInstance()))
        .build();
    LlmSpan out = normaliser.normalise(request(s)).spans().get(0);
    Map<?, ?> nested = (Map<?, ?>) out.detail.attributes().get("nested");
    assertEquals(List.of(1L, List.of("a", 2.5)), nested.get("inner"));
    assertTrue(nested.containsKey("empty"));
    assertNull(nested.get("empty"));
    assertTrue(out.detail.attributes().containsKey("gen_ai.usage.input_tokens"));
    assertTrue(Double.isNaN(out.measure(Measure.INPUT_TOKENS)));
  }

  @Test
  void oneInstanceIsSafeToShareAcrossThreads() throws Exception {
    ExportTraceServiceRequest genai = Fixtures.wrap(DialectEquivalenceTest.traceloopSimple());
    ExportTraceServiceRequest lf = Fixtures.wrap(DialectEquivalenceTest.langfuseSimple());
    String expectedA = normaliser.normalise(genai).spans().get(0).toString();
    String expectedB = normaliser.normalise(lf).spans().get(0).toString();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            if (!normaliser.normalise(genai).spans().get(0).toString().equals(expectedA)) return false;
            if (!normaliser.normalise(lf).spans().get(0).toString().equals(expectedB)) return false;
          }
          return true;
        }));
      }
      for (Future<Boolean> f : results) assertTrue(f.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void everyTableKeyIsDocumented() throws Exception {
    Path doc = null;
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("docs").resolve("normalisation.md");
      if (Files.isRegularFile(candidate)) {
        doc = candidate;
        break;
      }
    }
    assertTrue(doc != null, "docs/normalisation.md not found");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    for (AttributeMapping.Rule r : AttributeMapping.RULES) {
      assertTrue(text.contains("`" + r.key() + "`"), "docs/normalisation.md does not mention " + r.key());
    }
  }

  /**
   * OTLP times are unsigned: 2^64 - 1 reads as -1 in Java, and a span dated 2100 would outlive
   * retention with its whole segment. Both are rejected per span, naming the field; the rest of
   * the request is kept.
   */
  @Test
  void spansWithTimesNoSpanCanHaveAreRejectedAndTheRestKept() {
    long nowMs = 1_760_000_000_000L;
    SpanNormaliser clocked = new SpanNormaliser(() -> nowMs, 3_600_000L, SpanNormaliser.SpanLimits.NONE);
    ExportTraceServiceRequest one = Fixtures.wrap(Map.of("gen_ai.request.model", "gpt-4o"));
    Span base = one.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    long now = nowMs * 1_000_000L;
    List<Span> spans = List.of(
        base.toBuilder().setStartTimeUnixNano(now).setEndTimeUnixNano(now + 5).build(),
        base.toBuilder().setSpanId(id(2)).setStartTimeUnixNano(-1L).setEndTimeUnixNano(-1L).build(),
        base.toBuilder().setSpanId(id(3)).setStartTimeUnixNano(now).setEndTimeUnixNano(Long.MIN_VALUE).build(),
        base.toBuilder().setSpanId(id(4)).setStartTimeUnixNano(now + 2 * 3_600_000_000_000L).setEndTimeUnixNano(now + 2 * 3_600_000_000_001L).build(),
        base.toBuilder().setSpanId(id(5)).setStartTimeUnixNano(now + 3_500_000_000_000L).setEndTimeUnixNano(now + 3_600_000_000_000L).build());
    ExportTraceServiceRequest request = one.toBuilder()
        .setResourceSpans(0, one.getResourceSpans(0).toBuilder().setScopeSpans(0,
            one.getResourceSpans(0).getScopeSpans(0).toBuilder().clearSpans().addAllSpans(spans)))
        .build();
    NormalisedBatch b = clocked.normalise(request);
    assertEquals(2, b.spans().size(), "now, and within the allowed skew");
    assertEquals(3, b.rejected());
    assertTrue(b.rejectionMessage().startsWith("3 spans rejected; first: span 'chat gpt-4': start_time_unix_nano 18446744073709551615 is after 2262"),
        b.rejectionMessage());
    assertEquals("end_time_unix_nano 9223372036854775808 is after 2262, the latest time a span can have", clocked.timeProblem(spans.get(2), Long.MAX_VALUE));
    assertTrue(clocked.timeProblem(spans.get(3), now + 3_600_000_000_000L).contains("more than 3600000 ms ahead"), "future start");
  }

  /**
   * A 2 MB request of one span with a million empty links once asked for a 26 MB WAL record; the
   * limits keep the first links, events and attributes and count the rest in OTLP's dropped
   * counts, on top of what the sender dropped. Attributes past the limit still set their columns.
   */
  @Test
  void linksEventsAndAttributesPastTheLimitsAreDroppedAndCounted() {
    SpanNormaliser limited = new SpanNormaliser(System::currentTimeMillis, IngestConfig.DEFAULT_MAX_FUTURE_SKEW_MS,
        new SpanNormaliser.SpanLimits(3, 2, 128));
    Span.Builder b = span("chat").setDroppedLinksCount(5).setDroppedAttributesCount(1);
    for (int i = 0; i < 1_000_000; i++) b.addLinks(Span.Link.getDefaultInstance());
    for (int i = 0; i < 10; i++) b.addEvents(Span.Event.newBuilder().setName("e" + i));
    for (int i = 0; i < 5; i++) b.addAttributes(kv("k" + i, "v"));
    b.addAttributes(kv("k0", "again")); // replaces k0: not a drop
    b.addAttributes(kv("gen_ai.request.model", "gpt-4o"));
    assertTrue(request(b.build()).getSerializedSize() > 2_000_000);
    LlmSpan s = limited.normalise(request(b.build())).spans().get(0);
    assertEquals(128, s.detail.links().size());
    assertEquals(1_000_000 - 128 + 5, s.detail.droppedLinks());
    assertEquals(2, s.detail.events().size());
    assertEquals(8, s.detail.droppedEvents());
    assertEquals(List.of("k0", "k1", "k2"), List.copyOf(s.detail.attributes().keySet()));
    assertEquals("again", s.detail.attributes().get("k0"));
    assertEquals(1 + 3, s.detail.droppedAttributes());
    assertEquals("gpt-4o", s.dim(Dim.MODEL), "a dropped attribute still sets its column");
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static ByteString id(int n) {
    byte[] b = new byte[8];
    b[7] = (byte) n;
    return ByteString.copyFrom(b);
  }
}
