package io.llmscope.storage.format;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Attribute keys common enough to be written as a one-byte code instead of their text in the WAL
 * and in segment detail blobs. The codes are part of the on-disk format: append new keys at the
 * end, never reorder or remove.
 */
final class KnownKeys {
  private static final List<String> KEYS = List.of(
      "service.name", "service.version", "service.namespace", "service.instance.id",
      "deployment.environment", "deployment.environment.name", "telemetry.sdk.language", "telemetry.sdk.name",
      "telemetry.sdk.version", "host.name", "host.arch", "os.type", "process.pid", "process.runtime.name",
      "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.system", "gen_ai.request.model",
      "gen_ai.response.model", "gen_ai.response.id", "gen_ai.response.finish_reasons", "gen_ai.request.temperature",
      "gen_ai.request.max_tokens", "gen_ai.request.top_p", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
      "gen_ai.usage.total_tokens", "gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens",
      "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
      "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens",
      "gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens", "gen_ai.usage.cost",
      "gen_ai.conversation.id", "gen_ai.agent.name", "gen_ai.agent.id", "gen_ai.tool.name", "gen_ai.tool.type",
      "gen_ai.tool.call.id", "gen_ai.prompt.name", "gen_ai.prompt.version", "gen_ai.input.messages",
      "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.prompt", "gen_ai.completion",
      "gen_ai.evaluation.name", "gen_ai.evaluation.score.value", "gen_ai.evaluation.score.label",
      "gen_ai.evaluation.explanation", "gen_ai.server.time_to_first_token", "gen_ai.output.type",
      "error.type", "exception.type", "exception.message", "exception.stacktrace",
      "http.request.method", "http.response.status_code", "http.route", "url.full", "url.path", "server.address",
      "server.port", "user.id", "session.id", "enduser.id",
      "openinference.span.kind", "llm.model_name", "llm.provider", "llm.system", "llm.invocation_parameters",
      "llm.token_count.prompt", "llm.token_count.completion", "llm.token_count.total",
      "llm.token_count.prompt_details.cache_read", "llm.token_count.prompt_details.cache_write",
      "llm.token_count.completion_details.reasoning", "input.value", "input.mime_type", "output.value",
      "output.mime_type", "llm.request.type", "llm.usage.total_tokens", "llm.request.model", "llm.response.model",
      "traceloop.span.kind", "traceloop.entity.name", "traceloop.workflow.name",
      "traceloop.association.properties.user_id", "traceloop.association.properties.session_id",
      "langfuse.observation.type", "langfuse.observation.model.name", "langfuse.observation.usage_details",
      "langfuse.observation.cost_details", "langfuse.user.id", "langfuse.session.id", "langfuse.trace.name",
      "langfuse.environment");

  private static final Map<String, Integer> CODES = new HashMap<>();

  static {
    for (int i = 0; i < KEYS.size(); i++) {
      if (CODES.put(KEYS.get(i), i + 1) != null) throw new ExceptionInInitializerError("duplicate known key " + KEYS.get(i));
    }
  }

  private KnownKeys() {}

  /** The key's code (1..), or 0 when it is written as text. */
  static int code(String key) {
    Integer c = CODES.get(key);
    return c == null ? 0 : c;
  }

  static String key(int code) {
    return KEYS.get(code - 1);
  }
}
