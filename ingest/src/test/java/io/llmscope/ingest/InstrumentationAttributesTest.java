package io.llmscope.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Spans exactly as the real npm instrumentation libraries wrote them in InstrumentationsIT
 * (docs/instrumentations.md), message content left out: one call whose provider usage was, for
 * Anthropic, 900 uncached + 700 cache-read + 300 cache-write input and 400 output of which 250
 * thinking; for OpenAI chat, 1900 input of which 700 cached and 500 output of which 320
 * reasoning.
 */
class InstrumentationAttributesTest {
  private final SpanNormaliser normaliser = new SpanNormaliser(System::currentTimeMillis,
      IngestConfig.DEFAULT_MAX_FUTURE_SKEW_MS, SpanNormaliser.SpanLimits.NONE);

  private LlmSpan span(String scopeName, String scopeVersion, Object... keyValues) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) attributes.put((String) keyValues[i], keyValues[i + 1]);
    ExportTraceServiceRequest r = Fixtures.wrap(attributes);
    r = r.toBuilder().setResourceSpans(0, r.getResourceSpans(0).toBuilder()
        .setScopeSpans(0, r.getResourceSpans(0).getScopeSpans(0).toBuilder()
            .setScope(InstrumentationScope.newBuilder().setName(scopeName).setVersion(scopeVersion)))).build();
    NormalisedBatch b = normaliser.normalise(r);
    assertEquals(1, b.spans().size());
    LlmSpan s = b.spans().get(0);
    assertTrue(s.llm, "a model call");
    return s;
  }

  private static String tokens(LlmSpan s) {
    return "in=" + v(s, Measure.INPUT_TOKENS) + " read=" + v(s, Measure.CACHE_READ_TOKENS)
        + " write=" + v(s, Measure.CACHE_WRITE_TOKENS) + " out=" + v(s, Measure.OUTPUT_TOKENS)
        + " reasoning=" + v(s, Measure.REASONING_TOKENS) + " total=" + v(s, Measure.TOTAL_TOKENS);
  }

  private static String v(LlmSpan s, Measure m) {
    double d = s.measure(m);
    return Double.isNaN(d) ? "null" : Long.toString((long) d);
  }

  /**
   * @traceloop/instrumentation-anthropic 0.27.0 (the case): input_tokens is Anthropic's
   * uncached 900 and total_tokens 900 + 400, the caches under their current GenAI names beside it.
   */
  @Test
  void openllmetryJsAnthropicStreamed() {
    LlmSpan s = span("@traceloop/instrumentation-anthropic", "0.27.0",
        "gen_ai.provider.name", "anthropic", "gen_ai.operation.name", "chat",
        "gen_ai.request.model", "claude-sonnet-4-5", "gen_ai.request.thinking_type", "enabled",
        "gen_ai.request.thinking.budget_tokens", 1024, "gen_ai.request.max_tokens", 2048,
        "gen_ai.response.model", "claude-sonnet-4-5-20250929", "gen_ai.usage.total_tokens", 1300,
        "gen_ai.usage.output_tokens", 400, "gen_ai.usage.input_tokens", 900,
        "gen_ai.usage.cache_creation.input_tokens", 300, "gen_ai.usage.cache_read.input_tokens", 700);
    assertEquals("in=1900 read=700 write=300 out=400 reasoning=null total=2300", tokens(s));
    assertEquals("anthropic", s.dim(Dim.PROVIDER));
    assertEquals("claude-sonnet-4-5-20250929", s.dim(Dim.MODEL));
    assertNull(s.detail.attributes().get(TokenSemantics.REPAIRED_ATTRIBUTE), "the library's rule, not a repair");
  }

  /**
   * The Anthropic SDK's own tracing, @anthropic-ai/sdk 1.15.0 streamed: inclusive input, the
   * cache_write spelling, thinking tokens as reasoning; the stop reason only as
   * anthropic.message.stop_reason, the first chunk in seconds.
   */
  @Test
  void anthropicSdkOwnTracingStreamed() {
    LlmSpan s = span("com.anthropic.sdk.typescript", "1.15.0",
        "gen_ai.provider.name", "anthropic", "server.address", "127.0.0.1", "server.port", 39275,
        "http.route", "/v1/messages", "gen_ai.operation.name", "chat", "gen_ai.request.model", "claude-sonnet-4-5",
        "gen_ai.request.max_tokens", 2048, "anthropic.thinking.type", "enabled",
        "anthropic.thinking.budget_tokens", 1024, "gen_ai.request.stream", true, "http.request.method", "POST",
        "http.response.status_code", 200, "gen_ai.response.time_to_first_chunk", 0.005,
        "gen_ai.response.id", "msg_1a23470d87900000004", "gen_ai.response.model", "claude-sonnet-4-5-20250929",
        "gen_ai.usage.cache_write.input_tokens", 300, "gen_ai.usage.cache_read.input_tokens", 700,
        "anthropic.usage.cache_creation.ephemeral_5m_input_tokens", 300,
        "anthropic.usage.cache_creation.ephemeral_1h_input_tokens", 0, "anthropic.response.service_tier", "standard",
        "gen_ai.usage.output_tokens", 400, "gen_ai.usage.reasoning.output_tokens", 250,
        "anthropic.message.stop_reason", "end_turn", "gen_ai.usage.input_tokens", 1900);
    assertEquals("in=1900 read=700 write=300 out=400 reasoning=250 total=2300", tokens(s));
    assertEquals("end_turn", s.dim(Dim.FINISH_REASON));
    assertEquals(5.0, s.measure(Measure.TTFT_MS), 1e-9);
  }

  /**
   * @arizeai/openinference-instrumentation-anthropic 0.2.8 streamed: prompt = input + both caches
   * (inclusive), cache details beside it; output.value is plain text there, so the finish reason
   * is only in llm.finish_reason.
   */
  @Test
  void openInferenceJsAnthropicStreamed() {
    LlmSpan s = span("@arizeai/openinference-instrumentation-anthropic", "0.2.8",
        "openinference.span.kind", "LLM", "llm.model_name", "claude-sonnet-4-5-20250929",
        "llm.request.model_name", "claude-sonnet-4-5", "input.mime_type", "application/json",
        "llm.system", "anthropic", "llm.provider", "anthropic", "output.value", "The answer is 42.",
        "output.mime_type", "text/plain", "llm.response.model_name", "claude-sonnet-4-5-20250929",
        "llm.finish_reason", "end_turn", "llm.token_count.prompt", 1900, "llm.token_count.completion", 400,
        "llm.token_count.total", 2300, "llm.token_count.prompt_details.cache_write", 300,
        "llm.token_count.prompt_details.cache_read", 700);
    assertEquals("in=1900 read=700 write=300 out=400 reasoning=null total=2300", tokens(s));
    assertEquals("anthropic", s.dim(Dim.PROVIDER));
    assertEquals("end_turn", s.dim(Dim.FINISH_REASON));
  }

  /**
   * ai 6.0.326 with @ai-sdk/anthropic, the ai.streamText.doStream step span: total input with its
   * details, reasoning in both spellings, provider id anthropic.messages, first chunk in ms.
   */
  @Test
  void vercelAiSdk6AnthropicDoStream() {
    LlmSpan s = span("ai", "",
        "operation.name", "ai.streamText.doStream anthropic-messages-stream", "resource.name", "anthropic-messages-stream",
        "ai.operationId", "ai.streamText.doStream", "ai.telemetry.functionId", "anthropic-messages-stream",
        "ai.model.provider", "anthropic.messages", "ai.model.id", "claude-sonnet-4-5", "ai.settings.maxRetries", 0,
        "gen_ai.system", "anthropic.messages", "gen_ai.request.model", "claude-sonnet-4-5",
        "ai.response.msToFirstChunk", 13.573611999999969, "ai.response.msToFinish", 16.094123999999965,
        "ai.response.avgOutputTokensPerSecond", 24853.79135888358, "ai.response.finishReason", "stop",
        "ai.response.id", "msg_1a23470db6f00000010", "ai.response.model", "claude-sonnet-4-5-20250929",
        "ai.response.timestamp", "2026-12-02T01:49:01.176Z", "ai.usage.inputTokens", 1900,
        "ai.usage.inputTokenDetails.noCacheTokens", 900, "ai.usage.inputTokenDetails.cacheReadTokens", 700,
        "ai.usage.inputTokenDetails.cacheWriteTokens", 300, "ai.usage.outputTokens", 400,
        "ai.usage.outputTokenDetails.textTokens", 150, "ai.usage.outputTokenDetails.reasoningTokens", 250,
        "ai.usage.totalTokens", 2300, "ai.usage.reasoningTokens", 250, "ai.usage.cachedInputTokens", 700,
        "gen_ai.response.finish_reasons", List.of("stop"), "gen_ai.response.id", "msg_1a23470db6f00000010",
        "gen_ai.response.model", "claude-sonnet-4-5-20250929", "gen_ai.usage.input_tokens", 1900,
        "gen_ai.usage.output_tokens", 400, "ai.response.reasoning", "Six times seven.");
    assertEquals("in=1900 read=700 write=300 out=400 reasoning=250 total=2300", tokens(s));
    assertEquals("anthropic", s.dim(Dim.PROVIDER));
    assertEquals("chat", s.dim(Dim.OPERATION));
    assertEquals(13.573611999999969, s.measure(Measure.TTFT_MS), 1e-9);
  }

  /** ai 6.0.326 with @ai-sdk/openai's chat model: provider id openai.chat, no cache writes. */
  @Test
  void vercelAiSdk6OpenAiChatDoGenerate() {
    LlmSpan s = span("ai", "",
        "ai.operationId", "ai.generateText.doGenerate", "ai.model.provider", "openai.chat", "ai.model.id", "gpt-5-mini",
        "gen_ai.system", "openai.chat", "gen_ai.request.model", "gpt-5-mini", "ai.response.finishReason", "stop",
        "ai.response.model", "gpt-5-mini-2025-08-07", "ai.usage.inputTokens", 1900,
        "ai.usage.inputTokenDetails.noCacheTokens", 1200, "ai.usage.inputTokenDetails.cacheReadTokens", 700,
        "ai.usage.outputTokens", 500, "ai.usage.outputTokenDetails.textTokens", 180,
        "ai.usage.outputTokenDetails.reasoningTokens", 320, "ai.usage.totalTokens", 2400,
        "ai.usage.reasoningTokens", 320, "ai.usage.cachedInputTokens", 700,
        "gen_ai.response.finish_reasons", List.of("stop"), "gen_ai.response.model", "gpt-5-mini-2025-08-07",
        "gen_ai.usage.input_tokens", 1900, "gen_ai.usage.output_tokens", 500);
    assertEquals("in=1900 read=700 write=null out=500 reasoning=320 total=2400", tokens(s));
    assertEquals("openai", s.dim(Dim.PROVIDER));
    assertEquals("gpt-5-mini-2025-08-07", s.dim(Dim.MODEL));
  }

  /**
   * @langfuse/openai 5.11.1 around chat.completions: usage_details are disjoint buckets (input
   * 1900 - 700 cached, output 500 - 320 reasoning), summed back; no provider attribute at all.
   */
  @Test
  void langfuseOpenAiChat() {
    LlmSpan s = span("langfuse-sdk", "5.11.1",
        "langfuse.observation.type", "generation", "langfuse.observation.model.name", "gpt-5-mini-2025-08-07",
        "langfuse.observation.model.parameters", "{\"response_format\":\"\"}",
        "langfuse.observation.usage_details", "{\"input\":1200,\"output\":180,\"total\":2400,\"input_cached_tokens\":700,"
            + "\"input_audio_tokens\":0,\"output_reasoning_tokens\":320,\"output_audio_tokens\":0,"
            + "\"output_accepted_prediction_tokens\":0,\"output_rejected_prediction_tokens\":0}");
    assertEquals("in=1900 read=700 write=null out=500 reasoning=320 total=2400", tokens(s));
    assertNull(s.dim(Dim.PROVIDER));
    assertEquals("gpt-5-mini-2025-08-07", s.dim(Dim.MODEL));
  }

  /**
   * @traceloop/instrumentation-openai 0.27.0 and @opentelemetry/instrumentation-openai 0.21.0
   * write OpenAI's inclusive prompt / completion counts but neither the cached nor the reasoning
   * count, so none is invented (the cost then prices cache reads as fresh input).
   */
  @Test
  void openllmetryAndOtelOpenAiReportNoCacheOrReasoning() {
    LlmSpan traceloop = span("@traceloop/instrumentation-openai", "0.27.0",
        "gen_ai.provider.name", "openai", "gen_ai.operation.name", "chat", "gen_ai.request.model", "gpt-5-mini",
        "gen_ai.response.model", "gpt-5-mini-2025-08-07", "gen_ai.response.id", "chatcmpl-1a23470d3d100000002",
        "gen_ai.usage.total_tokens", 2400, "gen_ai.usage.output_tokens", 500, "gen_ai.usage.input_tokens", 1900,
        "gen_ai.response.finish_reasons", List.of("stop"));
    assertEquals("in=1900 read=null write=null out=500 reasoning=null total=2400", tokens(traceloop));
    LlmSpan otel = span("@opentelemetry/instrumentation-openai", "0.21.0",
        "gen_ai.operation.name", "chat", "gen_ai.request.model", "gpt-5-mini", "gen_ai.system", "openai",
        "server.address", "127.0.0.1", "server.port", 33969, "gen_ai.response.finish_reasons", List.of("stop"),
        "gen_ai.response.id", "chatcmpl-1a23470d74900000002", "gen_ai.response.model", "gpt-5-mini-2025-08-07",
        "gen_ai.usage.input_tokens", 1900, "gen_ai.usage.output_tokens", 500);
    assertEquals("in=1900 read=null write=null out=500 reasoning=null total=2400", tokens(otel));
    assertEquals("openai", otel.dim(Dim.PROVIDER));
  }

  /**
   * @arizeai/openinference-instrumentation-openai 4.2.7, chat.completions streamed with
   * include_usage: the usage chunk is skipped, so no count at all; the finish reason is kept.
   */
  @Test
  void openInferenceJsOpenAiStreamedChatHasNoUsage() {
    LlmSpan s = span("@arizeai/openinference-instrumentation-openai", "4.2.7",
        "openinference.span.kind", "LLM", "llm.model_name", "gpt-5-mini", "input.mime_type", "application/json",
        "llm.system", "openai", "output.value", "The answer is 42.", "output.mime_type", "text/plain",
        "llm.finish_reason", "stop");
    assertEquals("in=null read=null write=null out=null reasoning=null total=null", tokens(s));
    assertEquals("stop", s.dim(Dim.FINISH_REASON));
    assertEquals("openai", s.dim(Dim.PROVIDER));
  }
}
