package io.llmscope.ingest;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * THE mapping table: every span or resource attribute that feeds a canonical field, in one place.
 *
 * <p>Each {@link Rule} names a source attribute key, where it is read (span attributes, resource
 * attributes or both), the canonical {@link Target} it feeds, its precedence (higher wins; on a tie
 * a span attribute beats a resource attribute, then the first one received wins) and the value
 * {@link Conv conversion}. {@link SpanNormaliser} walks a span's attributes once, looks each key up
 * in a {@code HashMap} and offers the converted value to the target.
 *
 * <p>Token counts land in intermediate targets and are reconciled per dialect afterwards; the
 * JSON-blob and dialect-kind targets at the bottom are inputs of the small set of derived rules in
 * {@link SpanNormaliser} (see docs/normalisation.md). Nothing here drops data: every attribute is
 * also kept verbatim in the span's detail.
 */
final class AttributeMapping {
  private AttributeMapping() {}

  /** Where a source attribute is read. */
  enum Source {
    SPAN(true, false),
    RESOURCE(false, true),
    BOTH(true, true);

    final boolean span;
    final boolean resource;

    Source(boolean span, boolean resource) {
      this.span = span;
      this.resource = resource;
    }
  }

  /** The convention a key comes from; documentation only (docs/normalisation.md). */
  enum Dialect {
    OTEL("OpenTelemetry general"),
    GENAI("OTel GenAI semconv (current)"),
    GENAI_OLD("OTel GenAI semconv (deprecated) / OpenLLMetry"),
    OPENINFERENCE("OpenInference"),
    TRACELOOP("OpenLLMetry / Traceloop"),
    LANGFUSE("Langfuse"),
    VERCEL("Vercel AI SDK"),
    ANTHROPIC_SDK("Anthropic SDK tracing"),
    PYDANTIC_AI("Pydantic AI / Logfire");

    final String label;

    Dialect(String label) {
      this.label = label;
    }
  }

  /** Canonical destinations, plus the inputs of derived rules. */
  enum Target {
    SERVICE(Dim.SERVICE),
    ENVIRONMENT(Dim.ENVIRONMENT),
    OPERATION(Dim.OPERATION),
    PROVIDER(Dim.PROVIDER),
    REQUEST_MODEL(Dim.REQUEST_MODEL),
    RESPONSE_MODEL(Dim.RESPONSE_MODEL),
    ERROR_TYPE(Dim.ERROR_TYPE),
    FINISH_REASON(Dim.FINISH_REASON),
    USER(Dim.USER),
    SESSION(Dim.SESSION),
    PROMPT_NAME(Dim.PROMPT_NAME),
    PROMPT_VERSION(Dim.PROMPT_VERSION),
    AGENT(Dim.AGENT),
    TOOL(Dim.TOOL),
    TEMPERATURE(Measure.TEMPERATURE),
    MAX_TOKENS(Measure.MAX_TOKENS),
    COST_USD(Measure.COST_USD),
    TTFT_MS(Measure.TTFT_MS),
    // Token counts: reconciled per library (TokenSemantics) before they are stored.
    INPUT_TOKENS(Measure.INPUT_TOKENS),
    OUTPUT_TOKENS(Measure.OUTPUT_TOKENS),
    TOTAL_TOKENS(Measure.TOTAL_TOKENS),
    CACHE_READ_TOKENS(Measure.CACHE_READ_TOKENS),
    CACHE_WRITE_TOKENS(Measure.CACHE_WRITE_TOKENS),
    REASONING_TOKENS(Measure.REASONING_TOKENS),
    // Inputs of derived rules; never stored directly.
    TRACELOOP_SPAN_KIND,
    TRACELOOP_ENTITY_NAME,
    LANGFUSE_OBSERVATION_TYPE,
    INVOCATION_PARAMETERS,
    LANGFUSE_MODEL_PARAMETERS,
    LANGFUSE_USAGE_DETAILS,
    LANGFUSE_COST_DETAILS,
    COMPLETION_START_TIME,
    OUTPUT_JSON,
    // Inputs of the token rules (TokenSemantics): which library wrote the span.
    OPENINFERENCE_SPAN_KIND,
    VERCEL_OPERATION,
    VERCEL_PROVIDER,
    VERCEL_TOKEN_DETAILS,
    VERCEL_PROVIDER_METADATA,
    // Output of the token rules: the repair rules applied, for the span's detail.
    TOKENS_REPAIRED;

    static final int COUNT = values().length;

    final Dim dim;
    final Measure measure;

    Target() {
      this.dim = null;
      this.measure = null;
    }

    Target(Dim dim) {
      this.dim = dim;
      this.measure = null;
    }

    Target(Measure measure) {
      this.dim = null;
      this.measure = measure;
    }
  }

  /** Value conversions. Each returns a String (dims), a Double (measures) or null to skip. */
  enum Conv {
    /** Scalar as text; an array yields its first element; empty text is absent. */
    STRING,
    /** As STRING, lower-cased (provider names arrive as "openai", "OpenAI", "Anthropic"). */
    LOWER,
    /** As STRING; a JSON array in text (LiteLLM's safe_dumps(finish_reasons)) yields its first string. */
    FIRST_REASON,
    /** A provider name to its GenAI well-known value ({@link ProviderNames}). */
    PROVIDER,
    /** gen_ai.operation.name, with LiteLLM's call types ("acompletion") translated. */
    OPERATION,
    /** Vercel AI SDK ai.operationId to GenAI operation name. */
    VERCEL_OPERATION,
    /** Any value: the attribute's presence marks a Pydantic AI agent run. */
    AGENT_RUN,
    /** A non-negative finite count from an int, a double or numeric text ("97", 97.0). */
    COUNT,
    /** A finite number from an int, a double or numeric text. */
    NUMBER,
    /** A number of seconds, stored as milliseconds. */
    SECONDS_TO_MS,
    /** A non-negative number of milliseconds, stored as is. */
    MILLIS,
    /** A JSON document (text or already structured), parsed by a derived rule. */
    JSON,
    /** A timestamp (ISO-8601 text, possibly JSON-quoted, or epoch nanos), for a derived rule. */
    TIMESTAMP,
    /** OpenInference span kind to GenAI operation name. */
    OPENINFERENCE_KIND,
    /** Traceloop llm.request.type to GenAI operation name. */
    TRACELOOP_REQUEST_TYPE,
    /** Traceloop traceloop.span.kind to GenAI operation name. */
    TRACELOOP_KIND,
    /** Langfuse observation type to GenAI operation name. */
    LANGFUSE_TYPE;

    Object apply(Object v) {
      switch (this) {
        case STRING:
          return text(v);
        case LOWER: {
          String s = text(v);
          return s == null ? null : s.toLowerCase(Locale.ROOT);
        }
        case FIRST_REASON: {
          String s = text(v);
          if (s == null || s.charAt(0) != '[' || s.charAt(s.length() - 1) != ']') return s;
          String inner = s.substring(1, s.length() - 1).trim();
          int comma = inner.indexOf(',');
          String first = (comma < 0 ? inner : inner.substring(0, comma)).trim();
          if (first.length() >= 2 && first.charAt(0) == '"' && first.charAt(first.length() - 1) == '"') {
            first = first.substring(1, first.length() - 1);
          }
          return first.isEmpty() ? null : first;
        }
        case PROVIDER:
          return ProviderNames.canonical(text(v));
        case OPERATION: {
          String s = text(v);
          return s == null ? null : OPERATION_ALIASES.getOrDefault(s, s);
        }
        case VERCEL_OPERATION:
          return lookup(VERCEL_OPERATIONS, v);
        case AGENT_RUN:
          return v == null ? null : "invoke_agent";
        case COUNT: {
          Double d = number(v);
          return d == null || d < 0 ? null : d;
        }
        case NUMBER:
          return number(v);
        case SECONDS_TO_MS: {
          Double d = number(v);
          return d == null || d < 0 ? null : d * 1000.0;
        }
        case MILLIS: {
          Double d = number(v);
          return d == null || d < 0 ? null : d;
        }
        case JSON:
          if (v instanceof String s) return s.isBlank() ? null : s;
          return v instanceof Map || v instanceof List ? v : null;
        case TIMESTAMP:
          return v instanceof String || v instanceof Long || v instanceof Double ? v : null;
        case OPENINFERENCE_KIND:
          return lookup(OPENINFERENCE_KINDS, v);
        case TRACELOOP_REQUEST_TYPE:
          return lookup(TRACELOOP_REQUEST_TYPES, v);
        case TRACELOOP_KIND:
          return lookup(TRACELOOP_KINDS, v);
        case LANGFUSE_TYPE:
          return lookup(LANGFUSE_TYPES, v);
        default:
          return null;
      }
    }
  }

  /** One row of the table. */
  record Rule(String key, Source source, Target target, int precedence, Conv conv, Dialect dialect) {}

  // ---- dialect kind vocabularies -> GenAI operation names ---------------------------------------

  static final Map<String, String> OPENINFERENCE_KINDS = vocab(
      "llm", "chat", "embedding", "embeddings", "tool", "execute_tool", "agent", "invoke_agent",
      "retriever", "retrieval", "reranker", "rerank", "chain", "chain", "guardrail", "guardrail",
      "evaluator", "evaluate", "prompt", "prompt");
  static final Map<String, String> TRACELOOP_REQUEST_TYPES = vocab(
      "chat", "chat", "completion", "text_completion", "embedding", "embeddings", "rerank", "rerank");
  static final Map<String, String> TRACELOOP_KINDS = vocab(
      "workflow", "workflow", "task", "task", "agent", "invoke_agent", "tool", "execute_tool");
  static final Map<String, String> LANGFUSE_TYPES = vocab(
      "generation", "chat", "embedding", "embeddings", "agent", "invoke_agent", "tool",
      "execute_tool", "retriever", "retrieval", "chain", "chain", "evaluator", "evaluate",
      "guardrail", "guardrail");

  /** LiteLLM writes its call type as gen_ai.operation.name; the async ones are the same calls. */
  static final Map<String, String> OPERATION_ALIASES = Map.of(
      "acompletion", "chat", "completion", "chat", "atext_completion", "text_completion",
      "embedding", "embeddings", "aembedding", "embeddings");
  /**
   * Vercel AI SDK operation ids. The do* spans are the provider calls; the outer generateText /
   * streamText / ... spans sum their steps' usage, so they are roll-ups ("workflow"), not calls.
   */
  static final Map<String, String> VERCEL_OPERATIONS = vocab(
      "ai.generatetext.dogenerate", "chat", "ai.streamtext.dostream", "chat",
      "ai.generateobject.dogenerate", "chat", "ai.streamobject.dostream", "chat",
      "ai.embed.doembed", "embeddings", "ai.embedmany.doembed", "embeddings",
      "ai.toolcall", "execute_tool",
      "ai.generatetext", "workflow", "ai.streamtext", "workflow", "ai.generateobject", "workflow",
      "ai.streamobject", "workflow", "ai.embed", "workflow", "ai.embedmany", "workflow");

  /**
   * Operations that are never model calls, even with a model and token counts: agents, workflows
   * and chains report the summed usage of the calls beneath them (counting them would count the
   * calls twice), tools and retrievals are not inference.
   */
  static final Set<String> NOT_MODEL_CALLS = Set.of(
      "invoke_agent", "create_agent", "invoke_workflow", "workflow", "task", "chain", "execute_tool",
      "retrieval", "rerank", "guardrail", "evaluate", "prompt");

  /** Operations that are model calls (API.md llmOnly). */
  static boolean isModelCall(String operation) {
    if (operation == null) return false;
    switch (operation) {
      case "chat":
      case "text_completion":
      case "generate_content":
      case "embeddings":
        return true;
      default:
        return false;
    }
  }

  // ---- the table --------------------------------------------------------------------------------

  static final List<Rule> RULES = List.of(
      // Service and environment (resource, and span where producers put it there).
      row("service.name", Source.RESOURCE, Target.SERVICE, 100, Conv.STRING, Dialect.OTEL),
      row("deployment.environment.name", Source.BOTH, Target.ENVIRONMENT, 100, Conv.STRING, Dialect.OTEL),
      row("deployment.environment", Source.BOTH, Target.ENVIRONMENT, 90, Conv.STRING, Dialect.OTEL),
      row("langfuse.environment", Source.BOTH, Target.ENVIRONMENT, 80, Conv.STRING, Dialect.LANGFUSE),

      // Operation: the GenAI name, else the dialect's span kind translated.
      row("gen_ai.operation.name", Source.SPAN, Target.OPERATION, 100, Conv.OPERATION, Dialect.GENAI),
      row("openinference.span.kind", Source.SPAN, Target.OPERATION, 80, Conv.OPENINFERENCE_KIND, Dialect.OPENINFERENCE),
      row("llm.request.type", Source.SPAN, Target.OPERATION, 80, Conv.TRACELOOP_REQUEST_TYPE, Dialect.TRACELOOP),
      row("langfuse.observation.type", Source.SPAN, Target.OPERATION, 70, Conv.LANGFUSE_TYPE, Dialect.LANGFUSE),
      row("traceloop.span.kind", Source.SPAN, Target.OPERATION, 60, Conv.TRACELOOP_KIND, Dialect.TRACELOOP),
      row("ai.operationId", Source.SPAN, Target.OPERATION, 50, Conv.VERCEL_OPERATION, Dialect.VERCEL),
      row("pydantic_ai.all_messages", Source.SPAN, Target.OPERATION, 30, Conv.AGENT_RUN, Dialect.PYDANTIC_AI),

      // Provider.
      row("gen_ai.provider.name", Source.SPAN, Target.PROVIDER, 100, Conv.PROVIDER, Dialect.GENAI),
      row("gen_ai.system", Source.SPAN, Target.PROVIDER, 90, Conv.PROVIDER, Dialect.GENAI_OLD),
      row("llm.provider", Source.SPAN, Target.PROVIDER, 80, Conv.PROVIDER, Dialect.OPENINFERENCE),
      row("llm.system", Source.SPAN, Target.PROVIDER, 70, Conv.PROVIDER, Dialect.OPENINFERENCE),
      row("ai.model.provider", Source.SPAN, Target.PROVIDER, 60, Conv.PROVIDER, Dialect.VERCEL),

      // Models. model = response_model else request_model (derived).
      row("gen_ai.request.model", Source.SPAN, Target.REQUEST_MODEL, 100, Conv.STRING, Dialect.GENAI),
      row("llm.request.model", Source.SPAN, Target.REQUEST_MODEL, 80, Conv.STRING, Dialect.TRACELOOP),
      row("ai.model.id", Source.SPAN, Target.REQUEST_MODEL, 60, Conv.STRING, Dialect.VERCEL),
      row("gen_ai.response.model", Source.SPAN, Target.RESPONSE_MODEL, 100, Conv.STRING, Dialect.GENAI),
      row("llm.model_name", Source.SPAN, Target.RESPONSE_MODEL, 90, Conv.STRING, Dialect.OPENINFERENCE),
      row("llm.response.model", Source.SPAN, Target.RESPONSE_MODEL, 85, Conv.STRING, Dialect.TRACELOOP),
      row("langfuse.observation.model.name", Source.SPAN, Target.RESPONSE_MODEL, 80, Conv.STRING, Dialect.LANGFUSE),
      row("embedding.model_name", Source.SPAN, Target.RESPONSE_MODEL, 70, Conv.STRING, Dialect.OPENINFERENCE),
      row("ai.response.model", Source.SPAN, Target.RESPONSE_MODEL, 60, Conv.STRING, Dialect.VERCEL),

      // Errors and finish reason.
      row("error.type", Source.SPAN, Target.ERROR_TYPE, 100, Conv.STRING, Dialect.OTEL),
      row("gen_ai.response.finish_reasons", Source.SPAN, Target.FINISH_REASON, 100, Conv.FIRST_REASON, Dialect.GENAI),
      row("llm.response.finish_reason", Source.SPAN, Target.FINISH_REASON, 90, Conv.STRING, Dialect.TRACELOOP),
      // OpenInference JS writes it on streamed spans too, where output.value is plain text.
      row("llm.finish_reason", Source.SPAN, Target.FINISH_REASON, 85, Conv.STRING, Dialect.OPENINFERENCE),
      row("gen_ai.completion.0.finish_reason", Source.SPAN, Target.FINISH_REASON, 80, Conv.STRING, Dialect.TRACELOOP),
      row("llm.response.stop_reason", Source.SPAN, Target.FINISH_REASON, 70, Conv.STRING, Dialect.TRACELOOP),
      // The Anthropic SDK's own spans write no gen_ai.response.finish_reasons, only this.
      row("anthropic.message.stop_reason", Source.SPAN, Target.FINISH_REASON, 65, Conv.STRING, Dialect.ANTHROPIC_SDK),
      row("ai.response.finishReason", Source.SPAN, Target.FINISH_REASON, 60, Conv.STRING, Dialect.VERCEL),

      // Who and which conversation.
      row("langfuse.user.id", Source.SPAN, Target.USER, 100, Conv.STRING, Dialect.LANGFUSE),
      row("user.id", Source.BOTH, Target.USER, 90, Conv.STRING, Dialect.OPENINFERENCE),
      row("traceloop.association.properties.user_id", Source.SPAN, Target.USER, 80, Conv.STRING, Dialect.TRACELOOP),
      row("enduser.id", Source.SPAN, Target.USER, 60, Conv.STRING, Dialect.OTEL),
      row("llm.user", Source.SPAN, Target.USER, 50, Conv.STRING, Dialect.TRACELOOP),
      row("langfuse.session.id", Source.SPAN, Target.SESSION, 100, Conv.STRING, Dialect.LANGFUSE),
      row("gen_ai.conversation.id", Source.SPAN, Target.SESSION, 95, Conv.STRING, Dialect.GENAI),
      row("session.id", Source.BOTH, Target.SESSION, 90, Conv.STRING, Dialect.OPENINFERENCE),
      row("traceloop.association.properties.session_id", Source.SPAN, Target.SESSION, 80, Conv.STRING, Dialect.TRACELOOP),

      // Prompts.
      row("gen_ai.prompt.name", Source.SPAN, Target.PROMPT_NAME, 105, Conv.STRING, Dialect.GENAI),
      row("langfuse.observation.prompt.name", Source.SPAN, Target.PROMPT_NAME, 100, Conv.STRING, Dialect.LANGFUSE),
      row("traceloop.prompt.key", Source.SPAN, Target.PROMPT_NAME, 90, Conv.STRING, Dialect.TRACELOOP),
      row("llm.prompt_template.name", Source.SPAN, Target.PROMPT_NAME, 80, Conv.STRING, Dialect.OPENINFERENCE),
      row("gen_ai.prompt.version", Source.SPAN, Target.PROMPT_VERSION, 105, Conv.STRING, Dialect.GENAI),
      row("langfuse.observation.prompt.version", Source.SPAN, Target.PROMPT_VERSION, 100, Conv.STRING, Dialect.LANGFUSE),
      row("traceloop.prompt.version", Source.SPAN, Target.PROMPT_VERSION, 90, Conv.STRING, Dialect.TRACELOOP),
      row("llm.prompt_template.version", Source.SPAN, Target.PROMPT_VERSION, 80, Conv.STRING, Dialect.OPENINFERENCE),

      // Agents and tools (derived: Traceloop entity name, Langfuse agent/tool observation name).
      row("gen_ai.agent.name", Source.SPAN, Target.AGENT, 100, Conv.STRING, Dialect.GENAI),
      row("agent.name", Source.SPAN, Target.AGENT, 90, Conv.STRING, Dialect.OPENINFERENCE),
      row("gen_ai.tool.name", Source.SPAN, Target.TOOL, 100, Conv.STRING, Dialect.GENAI),
      row("tool.name", Source.SPAN, Target.TOOL, 90, Conv.STRING, Dialect.OPENINFERENCE),

      // Request parameters (derived from JSON blobs at lower precedence).
      row("gen_ai.request.temperature", Source.SPAN, Target.TEMPERATURE, 100, Conv.NUMBER, Dialect.GENAI),
      row("gen_ai.request.max_tokens", Source.SPAN, Target.MAX_TOKENS, 100, Conv.COUNT, Dialect.GENAI),

      // Cost reported by the span itself (then costReported = true).
      row("langfuse.observation.cost_details", Source.SPAN, Target.LANGFUSE_COST_DETAILS, 100, Conv.JSON, Dialect.LANGFUSE),
      row("gen_ai.usage.cost", Source.SPAN, Target.COST_USD, 90, Conv.NUMBER, Dialect.LANGFUSE),
      row("llm.cost.total", Source.SPAN, Target.COST_USD, 80, Conv.NUMBER, Dialect.OPENINFERENCE),

      // Time to first token.
      row("gen_ai.response.time_to_first_chunk", Source.SPAN, Target.TTFT_MS, 100, Conv.SECONDS_TO_MS, Dialect.GENAI),
      row("gen_ai.server.time_to_first_token", Source.SPAN, Target.TTFT_MS, 90, Conv.SECONDS_TO_MS, Dialect.GENAI),
      // The AI SDK's doStream span: milliseconds from the call to its first chunk.
      row("ai.response.msToFirstChunk", Source.SPAN, Target.TTFT_MS, 60, Conv.MILLIS, Dialect.VERCEL),
      row("langfuse.observation.completion_start_time", Source.SPAN, Target.COMPLETION_START_TIME, 50, Conv.TIMESTAMP, Dialect.LANGFUSE),

      // Tokens. Counts land here as reported; TokenSemantics then brings them to the canonical
      // semantics by the rule of the library that wrote the span (docs/normalisation.md). The
      // Langfuse usage_details blob (disjoint buckets) is converted at precedence 100.
      row("langfuse.observation.usage_details", Source.SPAN, Target.LANGFUSE_USAGE_DETAILS, 100, Conv.JSON, Dialect.LANGFUSE),
      row("gen_ai.usage.input_tokens", Source.SPAN, Target.INPUT_TOKENS, 90, Conv.COUNT, Dialect.GENAI),
      row("gen_ai.usage.prompt_tokens", Source.SPAN, Target.INPUT_TOKENS, 80, Conv.COUNT, Dialect.GENAI_OLD),
      row("llm.token_count.prompt", Source.SPAN, Target.INPUT_TOKENS, 70, Conv.COUNT, Dialect.OPENINFERENCE),
      row("ai.usage.inputTokens", Source.SPAN, Target.INPUT_TOKENS, 60, Conv.COUNT, Dialect.VERCEL),
      row("ai.usage.promptTokens", Source.SPAN, Target.INPUT_TOKENS, 55, Conv.COUNT, Dialect.VERCEL),
      row("gen_ai.usage.output_tokens", Source.SPAN, Target.OUTPUT_TOKENS, 90, Conv.COUNT, Dialect.GENAI),
      row("gen_ai.usage.completion_tokens", Source.SPAN, Target.OUTPUT_TOKENS, 80, Conv.COUNT, Dialect.GENAI_OLD),
      row("llm.token_count.completion", Source.SPAN, Target.OUTPUT_TOKENS, 70, Conv.COUNT, Dialect.OPENINFERENCE),
      row("ai.usage.outputTokens", Source.SPAN, Target.OUTPUT_TOKENS, 60, Conv.COUNT, Dialect.VERCEL),
      row("ai.usage.completionTokens", Source.SPAN, Target.OUTPUT_TOKENS, 55, Conv.COUNT, Dialect.VERCEL),
      row("gen_ai.usage.total_tokens", Source.SPAN, Target.TOTAL_TOKENS, 90, Conv.COUNT, Dialect.GENAI_OLD),
      row("llm.usage.total_tokens", Source.SPAN, Target.TOTAL_TOKENS, 85, Conv.COUNT, Dialect.TRACELOOP),
      row("llm.token_count.total", Source.SPAN, Target.TOTAL_TOKENS, 70, Conv.COUNT, Dialect.OPENINFERENCE),
      row("ai.usage.totalTokens", Source.SPAN, Target.TOTAL_TOKENS, 60, Conv.COUNT, Dialect.VERCEL),
      row("gen_ai.usage.cache_read.input_tokens", Source.SPAN, Target.CACHE_READ_TOKENS, 90, Conv.COUNT, Dialect.GENAI),
      row("gen_ai.usage.cache_read_input_tokens", Source.SPAN, Target.CACHE_READ_TOKENS, 80, Conv.COUNT, Dialect.GENAI_OLD),
      row("llm.token_count.prompt_details.cache_read", Source.SPAN, Target.CACHE_READ_TOKENS, 70, Conv.COUNT, Dialect.OPENINFERENCE),
      row("ai.usage.inputTokenDetails.cacheReadTokens", Source.SPAN, Target.CACHE_READ_TOKENS, 60, Conv.COUNT, Dialect.VERCEL),
      row("ai.usage.cachedInputTokens", Source.SPAN, Target.CACHE_READ_TOKENS, 55, Conv.COUNT, Dialect.VERCEL),
      row("gen_ai.usage.details.cache_read_tokens", Source.SPAN, Target.CACHE_READ_TOKENS, 50, Conv.COUNT, Dialect.PYDANTIC_AI),
      row("gen_ai.usage.details.cache_read_input_tokens", Source.SPAN, Target.CACHE_READ_TOKENS, 45, Conv.COUNT, Dialect.PYDANTIC_AI),
      row("gen_ai.usage.cache_write.input_tokens", Source.SPAN, Target.CACHE_WRITE_TOKENS, 92, Conv.COUNT, Dialect.GENAI),
      row("gen_ai.usage.cache_creation.input_tokens", Source.SPAN, Target.CACHE_WRITE_TOKENS, 90, Conv.COUNT, Dialect.GENAI),
      row("gen_ai.usage.cache_creation_input_tokens", Source.SPAN, Target.CACHE_WRITE_TOKENS, 80, Conv.COUNT, Dialect.GENAI_OLD),
      row("gen_ai.usage.cache_write_input_tokens", Source.SPAN, Target.CACHE_WRITE_TOKENS, 75, Conv.COUNT, Dialect.GENAI_OLD),
      row("llm.token_count.prompt_details.cache_write", Source.SPAN, Target.CACHE_WRITE_TOKENS, 70, Conv.COUNT, Dialect.OPENINFERENCE),
      row("ai.usage.inputTokenDetails.cacheWriteTokens", Source.SPAN, Target.CACHE_WRITE_TOKENS, 60, Conv.COUNT, Dialect.VERCEL),
      row("gen_ai.usage.details.cache_write_tokens", Source.SPAN, Target.CACHE_WRITE_TOKENS, 50, Conv.COUNT, Dialect.PYDANTIC_AI),
      row("gen_ai.usage.details.cache_creation_input_tokens", Source.SPAN, Target.CACHE_WRITE_TOKENS, 45, Conv.COUNT, Dialect.PYDANTIC_AI),
      row("gen_ai.usage.reasoning.output_tokens", Source.SPAN, Target.REASONING_TOKENS, 90, Conv.COUNT, Dialect.GENAI),
      row("gen_ai.usage.reasoning_tokens", Source.SPAN, Target.REASONING_TOKENS, 80, Conv.COUNT, Dialect.GENAI_OLD),
      row("llm.usage.reasoning_tokens", Source.SPAN, Target.REASONING_TOKENS, 78, Conv.COUNT, Dialect.TRACELOOP),
      row("llm.token_count.completion_details.reasoning", Source.SPAN, Target.REASONING_TOKENS, 70, Conv.COUNT, Dialect.OPENINFERENCE),
      row("ai.usage.outputTokenDetails.reasoningTokens", Source.SPAN, Target.REASONING_TOKENS, 60, Conv.COUNT, Dialect.VERCEL),
      row("ai.usage.reasoningTokens", Source.SPAN, Target.REASONING_TOKENS, 55, Conv.COUNT, Dialect.VERCEL),
      row("gen_ai.usage.details.reasoning_tokens", Source.SPAN, Target.REASONING_TOKENS, 50, Conv.COUNT, Dialect.PYDANTIC_AI),

      // Which library wrote the span, for the token rules (TokenSemantics.EMITTERS).
      row("openinference.span.kind", Source.SPAN, Target.OPENINFERENCE_SPAN_KIND, 100, Conv.LOWER, Dialect.OPENINFERENCE),
      row("ai.operationId", Source.SPAN, Target.VERCEL_OPERATION, 100, Conv.LOWER, Dialect.VERCEL),
      row("ai.model.provider", Source.SPAN, Target.VERCEL_PROVIDER, 100, Conv.LOWER, Dialect.VERCEL),
      // AI SDK 6 writes the input/output token details; AI SDK 5 does not (its input semantics differ).
      row("ai.usage.inputTokenDetails.noCacheTokens", Source.SPAN, Target.VERCEL_TOKEN_DETAILS, 100, Conv.COUNT, Dialect.VERCEL),
      row("ai.usage.inputTokenDetails.cacheReadTokens", Source.SPAN, Target.VERCEL_TOKEN_DETAILS, 100, Conv.COUNT, Dialect.VERCEL),
      row("ai.usage.inputTokenDetails.cacheWriteTokens", Source.SPAN, Target.VERCEL_TOKEN_DETAILS, 100, Conv.COUNT, Dialect.VERCEL),
      row("ai.usage.outputTokenDetails.textTokens", Source.SPAN, Target.VERCEL_TOKEN_DETAILS, 100, Conv.COUNT, Dialect.VERCEL),
      row("ai.usage.outputTokenDetails.reasoningTokens", Source.SPAN, Target.VERCEL_TOKEN_DETAILS, 100, Conv.COUNT, Dialect.VERCEL),
      // AI SDK 5 reports Anthropic's cache writes only in the provider metadata.
      row("ai.response.providerMetadata", Source.SPAN, Target.VERCEL_PROVIDER_METADATA, 40, Conv.JSON, Dialect.VERCEL),

      // Inputs of derived rules.
      row("traceloop.span.kind", Source.SPAN, Target.TRACELOOP_SPAN_KIND, 100, Conv.LOWER, Dialect.TRACELOOP),
      row("traceloop.entity.name", Source.SPAN, Target.TRACELOOP_ENTITY_NAME, 100, Conv.STRING, Dialect.TRACELOOP),
      row("langfuse.observation.type", Source.SPAN, Target.LANGFUSE_OBSERVATION_TYPE, 100, Conv.LOWER, Dialect.LANGFUSE),
      row("llm.invocation_parameters", Source.SPAN, Target.INVOCATION_PARAMETERS, 50, Conv.JSON, Dialect.OPENINFERENCE),
      row("langfuse.observation.model.parameters", Source.SPAN, Target.LANGFUSE_MODEL_PARAMETERS, 40, Conv.JSON, Dialect.LANGFUSE),
      row("gen_ai.output.messages", Source.SPAN, Target.OUTPUT_JSON, 40, Conv.JSON, Dialect.GENAI),
      row("output.value", Source.SPAN, Target.OUTPUT_JSON, 30, Conv.JSON, Dialect.OPENINFERENCE),
      row("gen_ai.completion", Source.SPAN, Target.OUTPUT_JSON, 20, Conv.JSON, Dialect.GENAI_OLD));

  /** Precedence of values derived from JSON blobs, below every direct attribute. */
  static final int DERIVED_PRECEDENCE = 50;
  /** Precedence of the canonical token counts derived from Langfuse usage_details. */
  static final int LANGFUSE_USAGE_PRECEDENCE = 100;

  private static final Map<String, Rule[]> BY_KEY;

  static {
    Map<String, List<Rule>> grouped = new LinkedHashMap<>();
    for (Rule r : RULES) grouped.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
    Map<String, Rule[]> byKey = new HashMap<>(grouped.size() * 2);
    grouped.forEach((k, v) -> byKey.put(k, v.toArray(new Rule[0])));
    BY_KEY = byKey;
  }

  /** The rules reading this attribute key, or null. One hash lookup. */
  static Rule[] lookup(String key) {
    return BY_KEY.get(key);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static Rule row(String key, Source source, Target target, int precedence, Conv conv, Dialect dialect) {
    return new Rule(key, source, target, precedence, conv, dialect);
  }

  private static Map<String, String> vocab(String... pairs) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
    return Collections.unmodifiableMap(m);
  }

  private static String lookup(Map<String, String> vocab, Object v) {
    String s = text(v);
    return s == null ? null : vocab.get(s.toLowerCase(Locale.ROOT));
  }

  /** Text of a scalar (first element of an array); null for empty, bytes, maps. */
  static String text(Object v) {
    if (v instanceof List<?> list) v = list.isEmpty() ? null : list.get(0);
    if (v instanceof String s) {
      String t = s.trim();
      return t.isEmpty() ? null : t;
    }
    if (v instanceof Long || v instanceof Boolean) return v.toString();
    if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) return null;
      if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
      return d.toString();
    }
    return null;
  }

  /** A finite number from Long, Double or numeric text; null otherwise. */
  static Double number(Object v) {
    if (v instanceof Long l) return l.doubleValue();
    if (v instanceof Double d) return d.isNaN() || d.isInfinite() ? null : d;
    if (v instanceof Integer i) return i.doubleValue();
    if (v instanceof String s) {
      String t = s.trim();
      if (t.isEmpty() || t.length() > 40) return null;
      char c = t.charAt(0);
      if (!(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))) return null;
      try {
        double d = Double.parseDouble(t);
        return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
