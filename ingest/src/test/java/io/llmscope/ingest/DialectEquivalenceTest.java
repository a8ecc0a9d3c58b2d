package io.llmscope.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The same model call, written the way each dialect really writes it, must normalise to the same
 * canonical fields.
 */
class DialectEquivalenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SpanNormaliser normaliser = new SpanNormaliser(System::currentTimeMillis, IngestConfig.DEFAULT_MAX_FUTURE_SKEW_MS,
      SpanNormaliser.SpanLimits.NONE);

  @SuppressWarnings("unchecked")
  private static Map<String, Object> attributeMap(String fixture) throws Exception {
    return JSON.readValue(Fixtures.bytes("attribute-maps/" + fixture), LinkedHashMap.class);
  }

  private LlmSpan normalise(Map<String, ?> attributes) {
    NormalisedBatch b = normaliser.normalise(Fixtures.wrap(attributes));
    assertEquals(0, b.rejected());
    assertEquals(1, b.spans().size());
    LlmSpan s = b.spans().get(0);
    Set<String> kept = new LinkedHashSet<>(s.detail.attributes().keySet());
    kept.remove(TokenSemantics.REPAIRED_ATTRIBUTE); // our flag, see TokenSemanticsTest
    assertEquals(attributes.keySet(), kept, "every attribute kept in detail");
    return s;
  }

  /** The canonical fields a dialect can express, as one comparable string. */
  private static String canonical(LlmSpan s, Dim[] dims, Measure[] measures) {
    StringBuilder sb = new StringBuilder("llm=" + s.llm);
    for (Dim d : dims) sb.append(", ").append(d.fieldName()).append('=').append(s.dim(d));
    for (Measure m : measures) sb.append(", ").append(m.fieldName()).append('=').append(s.measure(m));
    return sb.toString();
  }

  private static final Dim[] ALL_DIMS = {
    Dim.SERVICE, Dim.OPERATION, Dim.PROVIDER, Dim.MODEL, Dim.REQUEST_MODEL, Dim.RESPONSE_MODEL,
    Dim.STATUS, Dim.FINISH_REASON, Dim.SPAN_NAME, Dim.SPAN_KIND, Dim.ERROR_TYPE
  };
  private static final Measure[] ALL_MEASURES = {
    Measure.DURATION_MS, Measure.INPUT_TOKENS, Measure.OUTPUT_TOKENS, Measure.TOTAL_TOKENS,
    Measure.CACHE_READ_TOKENS, Measure.CACHE_WRITE_TOKENS, Measure.REASONING_TOKENS,
    Measure.TEMPERATURE, Measure.MAX_TOKENS, Measure.COST_USD, Measure.TTFT_MS
  };
  /** Langfuse SDK spans carry no provider, request model or finish reason. */
  private static final Dim[] LANGFUSE_DIMS = {
    Dim.SERVICE, Dim.OPERATION, Dim.MODEL, Dim.RESPONSE_MODEL, Dim.STATUS, Dim.SPAN_NAME,
    Dim.SPAN_KIND, Dim.ERROR_TYPE
  };

  // ---- the fixture call: gpt-4 -> gpt-4-0613, 97 in, 52 out, finish "stop" -------------------

  private static void assertFixtureCall(LlmSpan s, String dialect) {
    assertTrue(s.llm, dialect);
    assertEquals("gpt-4-0613", s.dim(Dim.MODEL), dialect);
    assertEquals("gpt-4-0613", s.dim(Dim.RESPONSE_MODEL), dialect);
    assertEquals("gpt-4", s.dim(Dim.REQUEST_MODEL), dialect);
    assertEquals("openai", s.dim(Dim.PROVIDER), dialect);
    assertEquals("chat", s.dim(Dim.OPERATION), dialect);
    assertEquals("stop", s.dim(Dim.FINISH_REASON), dialect);
    assertEquals(97.0, s.measure(Measure.INPUT_TOKENS), dialect);
    assertEquals(52.0, s.measure(Measure.OUTPUT_TOKENS), dialect);
    assertEquals(149.0, s.measure(Measure.TOTAL_TOKENS), dialect);
    assertEquals(0.5, s.measure(Measure.TEMPERATURE), dialect);
    assertEquals(200.0, s.measure(Measure.MAX_TOKENS), dialect);
    assertEquals("chat-api", s.dim(Dim.SERVICE), dialect);
    assertTrue(Double.isNaN(s.measure(Measure.COST_USD)), dialect);
    assertFalse(s.costReported, dialect);
  }

  @Test
  void theThreeFixtureAttributeMapsNormaliseToTheSameCall() throws Exception {
    LlmSpan genai = normalise(attributeMap("otel_genai_client_span_tool_calls.json"));
    LlmSpan deprecated = normalise(attributeMap("otel_genai_deprecated_client_span_tool_calls.json"));
    LlmSpan openinference = normalise(attributeMap("openinference_client_span_tool_calls.json"));
    assertFixtureCall(genai, "genai");
    assertFixtureCall(deprecated, "genai deprecated");
    assertFixtureCall(openinference, "openinference");
    String expected = canonical(genai, ALL_DIMS, ALL_MEASURES);
    assertEquals(expected, canonical(deprecated, ALL_DIMS, ALL_MEASURES));
    assertEquals(expected, canonical(openinference, ALL_DIMS, ALL_MEASURES));
  }

  /** OpenLLMetry's OpenAI instrumentation (gen_ai.usage.prompt_tokens era, indexed completions). */
  static Map<String, Object> traceloopSimple() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("llm.request.type", "chat");
    a.put("gen_ai.system", "OpenAI");
    a.put("gen_ai.request.model", "gpt-4");
    a.put("gen_ai.request.temperature", 0.5);
    a.put("gen_ai.request.max_tokens", 200);
    a.put("gen_ai.prompt.0.role", "user");
    a.put("gen_ai.prompt.0.content", "Weather in Paris?");
    a.put("gen_ai.response.model", "gpt-4-0613");
    a.put("gen_ai.response.id", "chatcmpl-CQF10eCkoFphJZJQkzzN6EkTD0AVF");
    a.put("gen_ai.completion.0.role", "assistant");
    a.put("gen_ai.completion.0.finish_reason", "stop");
    a.put("gen_ai.completion.0.content", "The weather in Paris is currently rainy with a temperature of 57°F.");
    a.put("gen_ai.usage.prompt_tokens", 97);
    a.put("gen_ai.usage.completion_tokens", 52);
    a.put("llm.usage.total_tokens", 149);
    a.put("llm.is_streaming", false);
    a.put("traceloop.workflow.name", "weather");
    a.put("traceloop.association.properties.user_id", "u-42");
    a.put("traceloop.association.properties.session_id", "s-7");
    return a;
  }

  /** The Langfuse Python SDK v3 generation for the same call. */
  static Map<String, Object> langfuseSimple() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("langfuse.observation.type", "generation");
    a.put("langfuse.observation.model.name", "gpt-4-0613");
    a.put("langfuse.observation.model.parameters", "{\"temperature\": 0.5, \"max_tokens\": 200}");
    a.put("langfuse.observation.input", "[{\"role\": \"user\", \"content\": \"Weather in Paris?\"}]");
    a.put("langfuse.observation.output", "{\"role\": \"assistant\", \"content\": \"The weather in Paris is currently rainy.\"}");
    a.put("langfuse.observation.usage_details", "{\"input\": 97, \"output\": 52, \"total\": 149}");
    a.put("langfuse.trace.name", "weather");
    a.put("user.id", "u-42");
    a.put("session.id", "s-7");
    a.put("langfuse.environment", "production");
    return a;
  }

  @Test
  void traceloopAndLangfuseWritingsOfTheSameCallAgree() throws Exception {
    LlmSpan genai = normalise(attributeMap("otel_genai_client_span_tool_calls.json"));
    LlmSpan traceloop = normalise(traceloopSimple());
    assertFixtureCall(traceloop, "traceloop");
    assertEquals(canonical(genai, ALL_DIMS, ALL_MEASURES), canonical(traceloop, ALL_DIMS, ALL_MEASURES));
    assertEquals("u-42", traceloop.dim(Dim.USER));
    assertEquals("s-7", traceloop.dim(Dim.SESSION));

    LlmSpan langfuse = normalise(langfuseSimple());
    assertEquals(canonical(genai, LANGFUSE_DIMS, ALL_MEASURES), canonical(langfuse, LANGFUSE_DIMS, ALL_MEASURES));
    // What the Langfuse SDK does not send is absent, never invented.
    assertNull(langfuse.dim(Dim.PROVIDER));
    assertNull(langfuse.dim(Dim.REQUEST_MODEL));
    assertNull(langfuse.dim(Dim.FINISH_REASON));
    assertEquals("u-42", langfuse.dim(Dim.USER));
    assertEquals("s-7", langfuse.dim(Dim.SESSION));
    assertEquals("production", langfuse.dim(Dim.ENVIRONMENT));
  }

  // ---- a cached, reasoning call: 1200 in (800 cache read + 300 cache write + 100 fresh), 400 out
  // (250 reasoning), 1600 total, $0.0123 --------------------------------------------------------

  static Map<String, Map<String, Object>> cachedReasoningCall() {
    Map<String, Map<String, Object>> d = new LinkedHashMap<>();
    Map<String, Object> a;

    a = new LinkedHashMap<>(); // current GenAI conventions: input includes the cache, output the reasoning
    a.put("gen_ai.operation.name", "chat");
    a.put("gen_ai.provider.name", "anthropic");
    a.put("gen_ai.request.model", "claude-sonnet-4-5");
    a.put("gen_ai.response.model", "claude-sonnet-4-5-20250929");
    a.put("gen_ai.usage.input_tokens", 1200);
    a.put("gen_ai.usage.cache_read.input_tokens", 800);
    a.put("gen_ai.usage.cache_creation.input_tokens", 300);
    a.put("gen_ai.usage.output_tokens", 400);
    a.put("gen_ai.usage.reasoning.output_tokens", 250);
    a.put("gen_ai.response.finish_reasons", List.of("end_turn"));
    d.put("genai", a);

    a = new LinkedHashMap<>(); // GenAI names, Anthropic usage copied verbatim (input without cache), with total
    a.put("gen_ai.operation.name", "chat");
    a.put("gen_ai.system", "anthropic");
    a.put("gen_ai.request.model", "claude-sonnet-4-5");
    a.put("gen_ai.response.model", "claude-sonnet-4-5-20250929");
    a.put("gen_ai.usage.input_tokens", 100);
    a.put("gen_ai.usage.cache_read_input_tokens", 800);
    a.put("gen_ai.usage.cache_write_input_tokens", 300);
    a.put("gen_ai.usage.output_tokens", 400);
    a.put("gen_ai.usage.reasoning_tokens", 250);
    a.put("gen_ai.usage.total_tokens", 1600);
    a.put("gen_ai.response.finish_reasons", List.of("end_turn"));
    d.put("genai, anthropic-verbatim input", a);

    a = new LinkedHashMap<>(); // GenAI names, Gemini-style output without thoughts, with total
    a.put("gen_ai.operation.name", "chat");
    a.put("gen_ai.provider.name", "anthropic");
    a.put("gen_ai.request.model", "claude-sonnet-4-5");
    a.put("gen_ai.response.model", "claude-sonnet-4-5-20250929");
    a.put("gen_ai.usage.input_tokens", 1200);
    a.put("gen_ai.usage.cache_read.input_tokens", 800);
    a.put("gen_ai.usage.cache_creation.input_tokens", 300);
    a.put("gen_ai.usage.output_tokens", 150);
    a.put("gen_ai.usage.reasoning.output_tokens", 250);
    a.put("gen_ai.usage.total_tokens", 1600);
    a.put("gen_ai.response.finish_reasons", List.of("end_turn"));
    d.put("genai, output without reasoning", a);

    a = new LinkedHashMap<>(); // OpenLLMetry Anthropic: prompt_tokens = input + cache read + cache creation
    a.put("llm.request.type", "chat");
    a.put("gen_ai.system", "Anthropic");
    a.put("gen_ai.request.model", "claude-sonnet-4-5");
    a.put("gen_ai.response.model", "claude-sonnet-4-5-20250929");
    a.put("gen_ai.usage.prompt_tokens", 1200);
    a.put("gen_ai.usage.cache_read_input_tokens", 800);
    a.put("gen_ai.usage.cache_creation_input_tokens", 300);
    a.put("gen_ai.usage.completion_tokens", 400);
    a.put("gen_ai.usage.reasoning_tokens", 250);
    a.put("llm.usage.total_tokens", 1600);
    a.put("gen_ai.completion.0.finish_reason", "end_turn");
    d.put("traceloop", a);

    a = new LinkedHashMap<>(); // OpenInference Anthropic: prompt = input + cache_creation + cache_read
    a.put("openinference.span.kind", "LLM");
    a.put("llm.provider", "anthropic");
    a.put("llm.system", "anthropic");
    a.put("llm.model_name", "claude-sonnet-4-5-20250929");
    a.put("llm.invocation_parameters", "{\"model\": \"claude-sonnet-4-5\", \"max_tokens\": 4096}");
    a.put("llm.token_count.prompt", 1200);
    a.put("llm.token_count.prompt_details.cache_read", 800);
    a.put("llm.token_count.prompt_details.cache_write", 300);
    a.put("llm.token_count.completion", 400);
    a.put("llm.token_count.completion_details.reasoning", 250);
    a.put("llm.token_count.total", 1600);
    a.put("output.value", "{\"id\": \"msg_01\", \"type\": \"message\", \"stop_reason\": \"end_turn\"}");
    a.put("output.mime_type", "application/json");
    d.put("openinference", a);

    a = new LinkedHashMap<>(); // Langfuse: disjoint usage types that sum to the total
    a.put("langfuse.observation.type", "generation");
    a.put("langfuse.observation.model.name", "claude-sonnet-4-5-20250929");
    a.put("langfuse.observation.usage_details", "{\"input\": 100, \"cache_read_input_tokens\": 800,"
        + " \"cache_creation_input_tokens\": 300, \"output\": 150, \"output_reasoning_tokens\": 250}");
    d.put("langfuse", a);

    a = new LinkedHashMap<>(); // Langfuse, LangChain-style detail keys (input_cache_read, ...) and a total
    a.put("langfuse.observation.type", "generation");
    a.put("langfuse.observation.model.name", "claude-sonnet-4-5-20250929");
    a.put("langfuse.observation.usage_details", "{\"input\": 100, \"input_cache_read\": 800,"
        + " \"input_cache_creation\": 300, \"output\": 150, \"output_reasoning\": 250, \"total\": 1600}");
    d.put("langfuse, langchain keys", a);
    return d;
  }

  @Test
  void cacheAndReasoningTokensAreCountedOnceInEveryDialect() {
    Map<String, LlmSpan> spans = new LinkedHashMap<>();
    cachedReasoningCall().forEach((dialect, attrs) -> spans.put(dialect, normalise(attrs)));
    Measure[] tokens = {
      Measure.INPUT_TOKENS, Measure.OUTPUT_TOKENS, Measure.TOTAL_TOKENS, Measure.CACHE_READ_TOKENS,
      Measure.CACHE_WRITE_TOKENS, Measure.REASONING_TOKENS
    };
    Dim[] dims = {Dim.MODEL, Dim.RESPONSE_MODEL, Dim.OPERATION, Dim.SPAN_KIND};
    String expected = "llm=true, model=claude-sonnet-4-5-20250929, response_model=claude-sonnet-4-5-20250929,"
        + " operation=chat, span_kind=client, input_tokens=1200.0, output_tokens=400.0, total_tokens=1600.0,"
        + " cache_read_tokens=800.0, cache_write_tokens=300.0, reasoning_tokens=250.0";
    spans.forEach((dialect, s) -> assertEquals(expected, canonical(s, dims, tokens), dialect));
    Dim[] withProvider = {Dim.PROVIDER, Dim.REQUEST_MODEL, Dim.FINISH_REASON};
    spans.forEach((dialect, s) -> {
      if (!dialect.startsWith("langfuse")) {
        assertEquals("provider=anthropic, request_model=claude-sonnet-4-5, finish_reason=end_turn",
            canonical(s, withProvider, new Measure[0]).substring("llm=true, ".length()), dialect);
      }
    });
  }

  @Test
  void aCountSmallerThanItsOwnSubsetCannotIncludeIt() {
    LlmSpan s = normalise(Map.of(
        "gen_ai.operation.name", "chat", "gen_ai.request.model", "claude-sonnet-4-5",
        "gen_ai.usage.input_tokens", 100, "gen_ai.usage.cache_read.input_tokens", 800,
        "gen_ai.usage.cache_creation.input_tokens", 300, "gen_ai.usage.output_tokens", 150,
        "gen_ai.usage.reasoning.output_tokens", 250));
    assertEquals(1200.0, s.measure(Measure.INPUT_TOKENS));
    assertEquals(400.0, s.measure(Measure.OUTPUT_TOKENS));
    assertEquals(1600.0, s.measure(Measure.TOTAL_TOKENS));
    assertEquals("uncached-input,output-without-reasoning", s.detail.attributes().get(TokenSemantics.REPAIRED_ATTRIBUTE));
    // Documented semantics hold when nothing contradicts them: OpenAI-style cached subset.
    LlmSpan openai = normalise(Map.of(
        "gen_ai.operation.name", "chat", "gen_ai.request.model", "gpt-4o",
        "gen_ai.usage.input_tokens", 2000, "gen_ai.usage.cache_read.input_tokens", 1536,
        "gen_ai.usage.output_tokens", 300));
    assertEquals(2000.0, openai.measure(Measure.INPUT_TOKENS));
    assertEquals(1536.0, openai.measure(Measure.CACHE_READ_TOKENS));
    assertEquals(2300.0, openai.measure(Measure.TOTAL_TOKENS));
    assertNull(openai.detail.attributes().get(TokenSemantics.REPAIRED_ATTRIBUTE), "nothing repaired");
  }

  @Test
  void langfuseOpenAiUsageAndCostDetails() {
    LlmSpan s = normalise(Map.of(
        "langfuse.observation.type", "generation",
        "langfuse.observation.model.name", "o3-mini",
        "langfuse.observation.usage_details",
        "{\"input\": 464, \"input_cached_tokens\": 1536, \"output\": 100, \"output_reasoning_tokens\": 192, \"total\": 2292}",
        "langfuse.observation.cost_details", "{\"input\": 0.0005, \"input_cached_tokens\": 0.0008, \"output\": 0.0013}"));
    assertEquals(2000.0, s.measure(Measure.INPUT_TOKENS));
    assertEquals(1536.0, s.measure(Measure.CACHE_READ_TOKENS));
    assertEquals(292.0, s.measure(Measure.OUTPUT_TOKENS));
    assertEquals(192.0, s.measure(Measure.REASONING_TOKENS));
    assertEquals(2292.0, s.measure(Measure.TOTAL_TOKENS));
    assertEquals(0.0026, s.measure(Measure.COST_USD), 1e-12);
    assertTrue(s.costReported);
    assertTrue(s.llm);
    assertEquals("chat", s.dim(Dim.OPERATION));
  }
}
