package io.llmscope.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Token semantics per instrumentation library. Each span carries exactly the attributes the named
 * library writes (the source file each set was read from is cited), for one call: unless noted,
 * 900 fresh + 700 cache-read + 300 cache-write input tokens (1900 in all) and 400 output tokens
 * for Anthropic; 464 fresh + 1536 cached input (2000) and 300 output of which 200 reasoning for
 * OpenAI.
 */
class TokenSemanticsTest {
  private final SpanNormaliser normaliser = new SpanNormaliser(System::currentTimeMillis,
      IngestConfig.DEFAULT_MAX_FUTURE_SKEW_MS, SpanNormaliser.SpanLimits.NONE);

  private LlmSpan span(String scopeName, String scopeVersion, Map<String, ?> attributes) {
    ExportTraceServiceRequest r = Fixtures.wrap(attributes);
    InstrumentationScope.Builder scope = InstrumentationScope.newBuilder();
    if (scopeName != null) scope.setName(scopeName);
    if (scopeVersion != null) scope.setVersion(scopeVersion);
    r = r.toBuilder().setResourceSpans(0, r.getResourceSpans(0).toBuilder()
        .setScopeSpans(0, r.getResourceSpans(0).getScopeSpans(0).toBuilder().setScope(scope))).build();
    NormalisedBatch b = normaliser.normalise(r);
    assertEquals(1, b.spans().size());
    return b.spans().get(0);
  }

  /** Canonical tokens as one comparable line; null = absent. */
  private static String tokens(LlmSpan s) {
    return "in=" + v(s, Measure.INPUT_TOKENS) + " read=" + v(s, Measure.CACHE_READ_TOKENS)
        + " write=" + v(s, Measure.CACHE_WRITE_TOKENS) + " out=" + v(s, Measure.OUTPUT_TOKENS)
        + " reasoning=" + v(s, Measure.REASONING_TOKENS) + " total=" + v(s, Measure.TOTAL_TOKENS);
  }

  private static String v(LlmSpan s, Measure m) {
    double d = s.measure(m);
    return Double.isNaN(d) ? "null" : Long.toString((long) d);
  }

  private static Object repaired(LlmSpan s) {
    return s.detail.attributes().get(TokenSemantics.REPAIRED_ATTRIBUTE);
  }

  private static final String ANTHROPIC_CALL = "in=1900 read=700 write=300 out=400 reasoning=null total=2300";
  private static final String OPENAI_CALL = "in=2000 read=1536 write=null out=300 reasoning=200 total=2300";

  // ---- OpenLLMetry / Traceloop ------------------------------------------------------------------

  /**
   * traceloop/openllmetry packages/opentelemetry-instrumentation-anthropic/.../__init__.py
   * (_set_token_usage, commit 0129a0a): input_tokens = usage.input_tokens + cache_read +
   * cache_creation; total = that + output; request type "completion" even for messages.
   */
  @Test
  void openllmetryPythonAnthropicSumsTheCacheIntoInput() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("gen_ai.system", "Anthropic");
    a.put("llm.request.type", "completion");
    a.put("gen_ai.request.model", "claude-sonnet-4-5");
    a.put("gen_ai.response.model", "claude-sonnet-4-5-20250929");
    a.put("gen_ai.usage.input_tokens", 1900);
    a.put("gen_ai.usage.output_tokens", 400);
    a.put("llm.usage.total_tokens", 2300);
    a.put("gen_ai.usage.cache_read.input_tokens", 700);
    a.put("gen_ai.usage.cache_creation.input_tokens", 300);
    LlmSpan s = span("opentelemetry.instrumentation.anthropic", "0.47.3", a);
    assertEquals(ANTHROPIC_CALL, tokens(s));
    assertEquals("anthropic", s.dim(Dim.PROVIDER));
    assertTrue(s.llm);
    assertNull(repaired(s));

    // Older releases wrote the deprecated spellings, same semantics.
    Map<String, Object> old = new LinkedHashMap<>(a);
    old.remove("gen_ai.usage.input_tokens");
    old.remove("gen_ai.usage.output_tokens");
    old.remove("gen_ai.usage.cache_read.input_tokens");
    old.remove("gen_ai.usage.cache_creation.input_tokens");
    old.put("gen_ai.usage.prompt_tokens", 1900);
    old.put("gen_ai.usage.completion_tokens", 400);
    old.put("gen_ai.usage.cache_read_input_tokens", 700);
    old.put("gen_ai.usage.cache_creation_input_tokens", 300);
    assertEquals(ANTHROPIC_CALL, tokens(span("opentelemetry.instrumentation.anthropic", "0.38.0", old)));
  }

  /**
   * traceloop/openllmetry-js packages/instrumentation-anthropic/src/instrumentation.ts (_endSpan):
   * Anthropic's usage.input_tokens (uncached) is the input count and the total is input_tokens +
   * output_tokens; the cache counts sit beside it (issue 10: 900 with 700 read and 300 written).
   */
  static Map<String, Object> openllmetryJsAnthropic(int uncachedInput) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("gen_ai.system", "Anthropic");
    a.put("llm.request.type", "chat");
    a.put("gen_ai.request.model", "claude-sonnet-4-5");
    a.put("gen_ai.response.model", "claude-sonnet-4-5-20250929");
    a.put("gen_ai.usage.input_tokens", uncachedInput);
    a.put("gen_ai.usage.output_tokens", 400);
    a.put("llm.usage.total_tokens", uncachedInput + 400);
    a.put("gen_ai.usage.cache_read_input_tokens", 700);
    a.put("gen_ai.usage.cache_creation_input_tokens", 300);
    a.put("gen_ai.completion.0.finish_reason", "end_turn");
    return a;
  }

  @Test
  void openllmetryJsAnthropicInputIsUncachedByItsScope() {
    LlmSpan s = span("@traceloop/instrumentation-anthropic", "0.19.1", openllmetryJsAnthropic(900));
    assertEquals(ANTHROPIC_CALL, tokens(s));
    assertEquals("anthropic", s.dim(Dim.PROVIDER));
    assertNull(repaired(s), "the library's documented semantics, not a repair");

    // Uncached input larger than the cache: only the scope can tell, the counts cannot.
    LlmSpan big = span("@traceloop/instrumentation-anthropic", "0.19.1", openllmetryJsAnthropic(1500));
    assertEquals("in=2500 read=700 write=300 out=400 reasoning=null total=2900", tokens(big));
  }

  @Test
  void unknownEmitterWithInputBelowItsCacheIsRepairedAndFlagged() {
    // Same attributes, no scope: the documented (inclusive) reading is impossible (900 < 1000) and
    // the reported total 1300 fits no valid reading, so the subset rule repairs it.
    LlmSpan s = span(null, null, openllmetryJsAnthropic(900));
    assertEquals(ANTHROPIC_CALL, tokens(s));
    assertEquals(TokenSemantics.UNCACHED_INPUT, repaired(s));
    assertEquals(900L, s.detail.attributes().get("gen_ai.usage.input_tokens"), "the reported value stays in detail");
  }

  /**
   * traceloop/openllmetry packages/opentelemetry-instrumentation-openai (shared/chat_wrappers.py,
   * _set_response_attributes): OpenAI's prompt_tokens (includes cached) and completion_tokens
   * (includes reasoning), prompt_tokens_details.cached_tokens, completion_tokens_details
   * .reasoning_tokens. Streamed with include_usage the same usage arrives in the last chunk; the
   * span adds llm.is_streaming.
   */
  @Test
  void openllmetryOpenAiStreamedAndNot() {
    for (boolean streamed : new boolean[] {false, true}) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("gen_ai.system", "openai");
      a.put("llm.request.type", "chat");
      a.put("gen_ai.request.model", "o3-mini");
      a.put("gen_ai.response.model", "o3-mini-2025-01-31");
      a.put("llm.is_streaming", streamed);
      a.put("gen_ai.usage.input_tokens", 2000);
      a.put("gen_ai.usage.output_tokens", 300);
      a.put("llm.usage.total_tokens", 2300);
      a.put("gen_ai.usage.cache_read_input_tokens", 1536);
      a.put("gen_ai.usage.reasoning_tokens", 200);
      LlmSpan s = span("opentelemetry.instrumentation.openai.v1", "0.47.3", a);
      assertEquals(OPENAI_CALL, tokens(s), "streamed=" + streamed);
      assertEquals("openai", s.dim(Dim.PROVIDER));
      assertEquals("chat", s.dim(Dim.OPERATION));
      assertNull(repaired(s));
    }
  }

  // ---- OpenInference ----------------------------------------------------------------------------

  /**
   * Arize-ai/openinference python/instrumentation/openinference-instrumentation-anthropic
   * (_get_llm_token_counts): prompt = input_tokens + cache_creation + cache_read, with
   * prompt_details.cache_read / cache_write; the OpenAI instrumentation: prompt_tokens,
   * prompt_details.cache_read (cached_tokens), completion_details.reasoning.
   */
  @Test
  void openInferenceAnthropicAndOpenAi() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("openinference.span.kind", "LLM");
    a.put("llm.provider", "anthropic");
    a.put("llm.system", "anthropic");
    a.put("llm.model_name", "claude-sonnet-4-5-20250929");
    a.put("llm.token_count.prompt", 1900);
    a.put("llm.token_count.prompt_details.cache_read", 700);
    a.put("llm.token_count.prompt_details.cache_write", 300);
    a.put("llm.token_count.completion", 400);
    a.put("llm.token_count.total", 2300);
    LlmSpan s = span("openinference.instrumentation.anthropic", "0.1.20", a);
    assertEquals(ANTHROPIC_CALL, tokens(s));
    assertEquals("anthropic", s.dim(Dim.PROVIDER));

    Map<String, Object> o = new LinkedHashMap<>();
    o.put("openinference.span.kind", "LLM");
    o.put("llm.provider", "openai");
    o.put("llm.system", "openai");
    o.put("llm.model_name", "o3-mini-2025-01-31");
    o.put("llm.token_count.prompt", 2000);
    o.put("llm.token_count.prompt_details.cache_read", 1536);
    o.put("llm.token_count.completion", 300);
    o.put("llm.token_count.completion_details.reasoning", 200);
    o.put("llm.token_count.total", 2300);
    LlmSpan os = span("openinference.instrumentation.openai", "0.1.30", o);
    assertEquals(OPENAI_CALL, tokens(os));
    assertEquals("openai", os.dim(Dim.PROVIDER));

    // OpenInference's "google" / "vertexai" / "mistralai" / "aws" spellings.
    assertEquals("gcp.gemini", span(null, null, Map.of("llm.provider", "google")).dim(Dim.PROVIDER));
    assertEquals("gcp.vertex_ai", span(null, null, Map.of("llm.system", "vertexai")).dim(Dim.PROVIDER));
    assertEquals("mistral_ai", span(null, null, Map.of("llm.provider", "mistralai")).dim(Dim.PROVIDER));
    assertEquals("aws.bedrock", span(null, null, Map.of("llm.provider", "aws")).dim(Dim.PROVIDER));
  }

  /**
   * Arize-ai/openinference js/packages/openinference-instrumentation-anthropic/src/instrumentation.ts
   * (getAnthropicUsageAttributes): prompt = usage.input_tokens (uncached), total = input + output,
   * no cache attributes at all. Nothing says how many tokens were cached, so none are invented.
   */
  @Test
  void openInferenceJsAnthropicReportsNoCacheSoNoneIsInvented() {
    LlmSpan s = span("@arizeai/openinference-instrumentation-anthropic", "2.1.0", Map.of(
        "openinference.span.kind", "LLM", "llm.provider", "anthropic", "llm.system", "anthropic",
        "llm.model_name", "claude-sonnet-4-5-20250929", "llm.token_count.prompt", 900,
        "llm.token_count.completion", 400, "llm.token_count.total", 1300));
    assertEquals("in=900 read=null write=null out=400 reasoning=null total=1300", tokens(s));
  }

  // ---- Vercel AI SDK ----------------------------------------------------------------------------

  /**
   * vercel/ai packages/ai/src/telemetry (AI SDK 6, the step span's attributes): ai.usage.inputTokens
   * is the total input (noCache + cacheRead + cacheWrite, e.g. convertAnthropicMessagesUsage
   * total = input_tokens + cache_creation + cache_read), ai.usage.outputTokens includes reasoning;
   * gen_ai.system is the provider id ("anthropic.messages"). The doStream span adds
   * ai.response.msToFirstChunk; the outer ai.streamText span sums its steps.
   */
  static Map<String, Object> vercel6(String operationId, String provider, int in, int noCache, int read,
      int write, int out, int reasoning) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("operation.name", operationId);
    a.put("ai.operationId", operationId);
    a.put("ai.model.provider", provider);
    a.put("ai.model.id", "model-x");
    a.put("gen_ai.system", provider);
    a.put("gen_ai.request.model", "model-x");
    a.put("ai.response.model", "model-x-2025");
    a.put("ai.response.finishReason", "stop");
    if (operationId.endsWith("doStream")) a.put("ai.response.msToFirstChunk", 412.5);
    a.put("ai.usage.inputTokens", in);
    a.put("ai.usage.outputTokens", out);
    a.put("ai.usage.totalTokens", in + out);
    a.put("ai.usage.reasoningTokens", reasoning);
    a.put("ai.usage.cachedInputTokens", read);
    a.put("ai.usage.inputTokenDetails.noCacheTokens", noCache);
    a.put("ai.usage.inputTokenDetails.cacheReadTokens", read);
    a.put("ai.usage.inputTokenDetails.cacheWriteTokens", write);
    a.put("ai.usage.outputTokenDetails.textTokens", out - reasoning);
    a.put("ai.usage.outputTokenDetails.reasoningTokens", reasoning);
    if (operationId.contains(".do")) {
      a.put("gen_ai.response.finish_reasons", List.of("stop"));
      a.put("gen_ai.response.model", "model-x-2025");
      a.put("gen_ai.usage.input_tokens", in);
      a.put("gen_ai.usage.output_tokens", out);
    }
    return a;
  }

  @Test
  void vercelAiSdk6GenerateAndStream() {
    for (String op : new String[] {"ai.generateText.doGenerate", "ai.streamText.doStream"}) {
      LlmSpan s = span("ai", null, vercel6(op, "anthropic.messages", 2150, 900, 700, 300, 250, 250));
      assertEquals("in=2150 read=700 write=300 out=250 reasoning=250 total=2400", tokens(s), op);
      assertEquals("anthropic", s.dim(Dim.PROVIDER), op);
      assertEquals("chat", s.dim(Dim.OPERATION), op);
      assertEquals("model-x-2025", s.dim(Dim.MODEL), op);
      assertTrue(s.llm, op);
      assertNull(repaired(s), op);
      LlmSpan o = span("ai", null, vercel6(op, "openai.responses", 2000, 464, 1536, 0, 300, 200));
      assertEquals("in=2000 read=1536 write=0 out=300 reasoning=200 total=2300", tokens(o), op);
      assertEquals("openai", o.dim(Dim.PROVIDER), op);
    }
    // The outer span sums the steps: kept, with its tokens, but not a model call.
    LlmSpan outer = span("ai", null, vercel6("ai.streamText", "openai.chat", 2000, 464, 1536, 0, 300, 200));
    assertEquals("workflow", outer.dim(Dim.OPERATION));
    assertFalse(outer.llm, "roll-up of its doStream steps");
    assertEquals("openai", outer.dim(Dim.PROVIDER));
  }

  /**
   * AI SDK 5 (vercel/ai packages/anthropic anthropic-messages-language-model.ts, v5): usage is
   * Anthropic's as is, inputTokens = input_tokens (uncached), cachedInputTokens =
   * cache_read_input_tokens, totalTokens = input + output; cache writes only in
   * providerMetadata.anthropic.cacheCreationInputTokens. No inputTokenDetails.
   */
  @Test
  void vercelAiSdk5AnthropicInputIsUncached() {
    for (String op : new String[] {"ai.generateText.doGenerate", "ai.streamText.doStream"}) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("operation.name", op);
      a.put("ai.operationId", op);
      a.put("ai.model.provider", "anthropic.messages");
      a.put("ai.model.id", "claude-sonnet-4-5");
      a.put("gen_ai.system", "anthropic.messages");
      a.put("gen_ai.request.model", "claude-sonnet-4-5");
      a.put("ai.usage.inputTokens", 900);
      a.put("ai.usage.outputTokens", 400);
      a.put("ai.usage.totalTokens", 1300);
      a.put("ai.usage.cachedInputTokens", 700);
      a.put("ai.response.providerMetadata",
          "{\"anthropic\":{\"cacheCreationInputTokens\":300,\"usage\":{\"input_tokens\":900}}}");
      a.put("gen_ai.usage.input_tokens", 900);
      a.put("gen_ai.usage.output_tokens", 400);
      LlmSpan s = span("ai", null, a);
      assertEquals(ANTHROPIC_CALL, tokens(s), op);
      assertEquals("anthropic", s.dim(Dim.PROVIDER), op);
      assertNull(repaired(s), op);
    }
  }

  /**
   * AI SDK 5 Google (packages/google google-generative-ai-language-model.ts, v5): inputTokens =
   * promptTokenCount (includes cachedContentTokenCount), outputTokens = candidatesTokenCount
   * (without thoughts), reasoningTokens = thoughtsTokenCount, totalTokens = totalTokenCount.
   * AI SDK 4: ai.usage.promptTokens / completionTokens only.
   */
  @Test
  void vercelAiSdk5GoogleOutputExcludesReasoningAndSdk4() {
    LlmSpan g = span("ai", null, Map.of("ai.operationId", "ai.generateText.doGenerate",
        "ai.model.provider", "google.generative-ai", "ai.model.id", "gemini-2.5-pro",
        "ai.usage.inputTokens", 1200, "ai.usage.cachedInputTokens", 800, "ai.usage.outputTokens", 150,
        "ai.usage.reasoningTokens", 250, "ai.usage.totalTokens", 1600));
    assertEquals("in=1200 read=800 write=null out=400 reasoning=250 total=1600", tokens(g));
    assertEquals("gcp.gemini", g.dim(Dim.PROVIDER));
    assertNull(repaired(g), "documented for this library");
    LlmSpan v = span("ai", null, Map.of("ai.operationId", "ai.generateText.doGenerate",
        "ai.model.provider", "google.vertex.chat", "ai.model.id", "gemini-2.5-pro",
        "ai.usage.inputTokens", 10, "ai.usage.outputTokens", 5));
    assertEquals("gcp.vertex_ai", v.dim(Dim.PROVIDER));

    LlmSpan v4 = span("ai", null, Map.of("ai.operationId", "ai.generateText.doGenerate",
        "ai.model.provider", "openai.chat", "ai.model.id", "gpt-4o", "ai.usage.promptTokens", 97,
        "ai.usage.completionTokens", 52));
    assertEquals("in=97 read=null write=null out=52 reasoning=null total=149", tokens(v4));
    assertEquals("gpt-4o", v4.dim(Dim.MODEL));
    assertTrue(v4.llm);
  }

  // ---- Langfuse ---------------------------------------------------------------------------------

  /**
   * langfuse/langfuse-python langfuse/_client/attributes.py: usage_details is a JSON object of
   * disjoint usage types; the Anthropic integration passes Anthropic's keys through.
   */
  @Test
  void langfuseUsageDetailsAnthropicKeys() {
    LlmSpan s = span("langfuse-sdk", "3.2.1", Map.of(
        "langfuse.observation.type", "generation",
        "langfuse.observation.model.name", "claude-sonnet-4-5-20250929",
        "langfuse.observation.usage_details", "{\"input\": 900, \"cache_read_input_tokens\": 700,"
            + " \"cache_creation_input_tokens\": 300, \"output\": 400}"));
    assertEquals(ANTHROPIC_CALL, tokens(s));
    assertTrue(s.llm);
  }

  // ---- Anthropic SDK tracing and the OTel GenAI instrumentations --------------------------------

  /**
   * Anthropic's SDK tracing writes the GenAI names with the cache-write spelling the conventions
   * are moving to (gen_ai.usage.cache_write.input_tokens, replacing cache_creation.input_tokens).
   * Inclusive input is taken as is; Anthropic's raw (uncached) input is repaired and flagged.
   */
  @Test
  void anthropicSdkCacheWriteSpelling() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("gen_ai.operation.name", "chat");
    a.put("gen_ai.provider.name", "anthropic");
    a.put("gen_ai.request.model", "claude-sonnet-4-5");
    a.put("gen_ai.usage.input_tokens", 1900);
    a.put("gen_ai.usage.cache_read.input_tokens", 700);
    a.put("gen_ai.usage.cache_write.input_tokens", 300);
    a.put("gen_ai.usage.output_tokens", 400);
    LlmSpan s = span("anthropic", "0.70.0", a);
    assertEquals(ANTHROPIC_CALL, tokens(s));
    assertNull(repaired(s));

    a.put("gen_ai.usage.input_tokens", 900);
    LlmSpan raw = span("anthropic", "0.70.0", a);
    assertEquals(ANTHROPIC_CALL, tokens(raw));
    assertEquals(TokenSemantics.UNCACHED_INPUT, repaired(raw));
  }

  /**
   * open-telemetry/opentelemetry-python-contrib instrumentation-genai (openai-v2, google-genai):
   * current names, input includes cached, output includes reasoning; the older releases write
   * gen_ai.system and gen_ai.usage.prompt_tokens / completion_tokens.
   */
  @Test
  void otelGenAiCurrentAndDeprecatedNames() {
    LlmSpan s = span("opentelemetry.instrumentation.openai_v2", "2.1b0", Map.of(
        "gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
        "gen_ai.request.model", "o3-mini", "gen_ai.usage.input_tokens", 2000,
        "gen_ai.usage.cache_read.input_tokens", 1536, "gen_ai.usage.output_tokens", 300,
        "gen_ai.usage.reasoning.output_tokens", 200));
    assertEquals(OPENAI_CALL, tokens(s));
    LlmSpan old = span("opentelemetry.instrumentation.openai_v2", "2.0b0", Map.of(
        "gen_ai.operation.name", "chat", "gen_ai.system", "openai", "gen_ai.request.model", "gpt-4o",
        "gen_ai.usage.prompt_tokens", 97, "gen_ai.usage.completion_tokens", 52));
    assertEquals("in=97 read=null write=null out=52 reasoning=null total=149", tokens(old));
    // Deprecated gen_ai.system values to gen_ai.provider.name well-known values.
    assertEquals("gcp.vertex_ai", span(null, null, Map.of("gen_ai.system", "vertex_ai")).dim(Dim.PROVIDER));
    assertEquals("gcp.gemini", span(null, null, Map.of("gen_ai.system", "gemini")).dim(Dim.PROVIDER));
    assertEquals("azure.ai.openai", span(null, null, Map.of("gen_ai.system", "az.ai.openai")).dim(Dim.PROVIDER));
    assertEquals("azure.ai.inference", span(null, null, Map.of("gen_ai.system", "az.ai.inference")).dim(Dim.PROVIDER));
    assertEquals("aws.bedrock", span(null, null, Map.of("gen_ai.system", "aws.bedrock")).dim(Dim.PROVIDER));
    assertEquals("ollama", span(null, null, Map.of("gen_ai.system", "Ollama")).dim(Dim.PROVIDER), "unknown kept");
  }

  @Test
  void geminiStyleOutputWithoutThoughtsIsRepairedByTheTotal() {
    // google-genai usage copied as is: candidates (150) exclude thoughts (250); total proves it.
    LlmSpan s = span("opentelemetry.instrumentation.google_genai", "0.3b0", Map.of(
        "gen_ai.operation.name", "generate_content", "gen_ai.system", "gemini",
        "gen_ai.request.model", "gemini-2.5-pro", "gen_ai.usage.input_tokens", 1200,
        "gen_ai.usage.output_tokens", 300, "gen_ai.usage.reasoning.output_tokens", 250,
        "gen_ai.usage.total_tokens", 1750));
    assertEquals("in=1200 read=null write=null out=550 reasoning=250 total=1750", tokens(s));
    assertEquals(TokenSemantics.OUTPUT_WITHOUT_REASONING_BY_TOTAL, repaired(s));
    assertEquals("gcp.gemini", s.dim(Dim.PROVIDER));
  }

  // ---- LiteLLM ----------------------------------------------------------------------------------

  /**
   * BerriAI/litellm litellm/integrations/opentelemetry.py (set_attributes): tracer "litellm";
   * gen_ai.system = custom_llm_provider, gen_ai.operation.name / llm.request.type = the call type
   * ("acompletion" for async), usage in OpenAI form (prompt_tokens includes cache, LiteLLM adds
   * Anthropic's cache to it), no cache or reasoning attributes on the span.
   */
  @Test
  void liteLlmOpenAiShapedUsage() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("gen_ai.request.model", "claude-sonnet-4-5");
    a.put("llm.request.type", "acompletion");
    a.put("gen_ai.system", "bedrock");
    a.put("llm.is_streaming", "False");
    a.put("gen_ai.response.id", "chatcmpl-1");
    a.put("gen_ai.response.model", "claude-sonnet-4-5");
    a.put("gen_ai.usage.total_tokens", 2300);
    a.put("gen_ai.usage.output_tokens", 400);
    a.put("gen_ai.usage.input_tokens", 1900);
    a.put("gen_ai.operation.name", "acompletion");
    a.put("gen_ai.response.finish_reasons", "[\"end_turn\"]"); // safe_dumps(list)
    LlmSpan s = span("litellm", null, a);
    assertEquals("in=1900 read=null write=null out=400 reasoning=null total=2300", tokens(s));
    assertEquals("aws.bedrock", s.dim(Dim.PROVIDER));
    assertEquals("chat", s.dim(Dim.OPERATION));
    assertEquals("end_turn", s.dim(Dim.FINISH_REASON));
    assertTrue(s.llm);
    assertEquals("gcp.vertex_ai", span("litellm", null, Map.of("gen_ai.system", "vertex_ai")).dim(Dim.PROVIDER));
    assertEquals("azure.ai.openai", span("litellm", null, Map.of("gen_ai.system", "azure")).dim(Dim.PROVIDER));
  }

  // ---- Pydantic AI / Logfire --------------------------------------------------------------------

  /**
   * pydantic/pydantic-ai pydantic_ai_slim/pydantic_ai/usage.py (opentelemetry_attributes):
   * gen_ai.usage.input_tokens (includes cache), output_tokens, and gen_ai.usage.details.* for
   * cache_read_tokens, cache_write_tokens, reasoning_tokens (logfire's pydantic-ai test spans).
   */
  @Test
  void pydanticAiChatAndAgentRun() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("gen_ai.operation.name", "chat");
    a.put("gen_ai.system", "openai");
    a.put("gen_ai.request.model", "gpt-4o");
    a.put("logfire.msg", "chat gpt-4o");
    a.put("logfire.span_type", "span");
    a.put("gen_ai.response.model", "gpt-4o-2024-11-20");
    a.put("gen_ai.usage.details.reasoning_tokens", 30);
    a.put("gen_ai.usage.details.cache_write_tokens", 10);
    a.put("gen_ai.usage.details.cache_read_tokens", 20);
    a.put("gen_ai.usage.input_tokens", 100);
    a.put("gen_ai.usage.output_tokens", 200);
    LlmSpan s = span("pydantic-ai", "1.0.10", a);
    assertEquals("in=100 read=20 write=10 out=200 reasoning=30 total=300", tokens(s));
    assertTrue(s.llm);
    assertEquals("gcp.gemini", span("pydantic-ai", null, Map.of("gen_ai.system", "google-gla")).dim(Dim.PROVIDER));

    // The agent run span carries the run's summed usage: kept, not a model call.
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("model_name", "gpt-4o");
    run.put("agent_name", "agent");
    run.put("gen_ai.agent.name", "agent");
    run.put("logfire.msg", "agent run");
    run.put("gen_ai.usage.input_tokens", 51);
    run.put("gen_ai.usage.output_tokens", 1);
    run.put("pydantic_ai.all_messages", "[{\"role\": \"user\", \"parts\": []}]");
    run.put("final_result", "success");
    run.put("gen_ai.request.model", "gpt-4o");
    LlmSpan r = span("pydantic-ai", "1.0.10", run);
    assertEquals("invoke_agent", r.dim(Dim.OPERATION));
    assertFalse(r.llm);
    assertEquals(51.0, r.measure(Measure.INPUT_TOKENS));
  }

  // ---- agent and workflow roll-ups (part 8) -----------------------------------------------------

  @Test
  void agentAndWorkflowRollUpsAreNeverModelCalls() {
    Map<String, Object> usage = Map.of("gen_ai.request.model", "gpt-4o", "gen_ai.usage.input_tokens", 5000,
        "gen_ai.usage.output_tokens", 900);
    for (Map<String, Object> kind : List.<Map<String, Object>>of(
        Map.of("gen_ai.operation.name", "invoke_agent"),
        Map.of("gen_ai.operation.name", "create_agent"),
        Map.of("openinference.span.kind", "AGENT"),
        Map.of("openinference.span.kind", "CHAIN"),
        Map.of("traceloop.span.kind", "workflow"),
        Map.of("traceloop.span.kind", "agent"),
        Map.of("traceloop.span.kind", "task"),
        // A dialect kind is a roll-up even when a higher-precedence name would say otherwise.
        Map.of("openinference.span.kind", "AGENT", "llm.request.type", "chat"))) {
      Map<String, Object> a = new LinkedHashMap<>(usage);
      a.putAll(kind);
      LlmSpan s = span(null, null, a);
      assertFalse(s.llm, kind.toString());
      assertEquals(5900.0, s.measure(Measure.TOTAL_TOKENS), "tokens kept for the trace view: " + kind);
    }
    // The model calls beneath them stay model calls.
    Map<String, Object> call = new LinkedHashMap<>(usage);
    call.put("gen_ai.operation.name", "chat");
    assertTrue(span(null, null, call).llm);
    Map<String, Object> oiCall = new LinkedHashMap<>(usage);
    oiCall.put("openinference.span.kind", "LLM");
    assertTrue(span(null, null, oiCall).llm);
    // A tool that reports a model and tokens is still a tool.
    Map<String, Object> tool = new LinkedHashMap<>(usage);
    tool.put("gen_ai.operation.name", "execute_tool");
    assertFalse(span(null, null, tool).llm);
  }
}
