package io.llmscope.storage.model;

import java.util.List;
import java.util.Set;

/**
 * Where spans carry prompt and completion text, in every supported dialect, split by side: ingest's
 * content policy caps or drops what is under these keys, and content drift reads it back.
 */
public final class ContentKeys {
  private ContentKeys() {}

  /** Attributes holding prompt-side text (system instructions, user and tool messages). */
  public static final Set<String> INPUT = Set.of("gen_ai.input.messages", "gen_ai.system_instructions", "gen_ai.prompt",
      "gen_ai.tool.call.arguments", "input.value", "langfuse.observation.input", "langfuse.trace.input", "traceloop.entity.input");
  /** Attributes holding completion-side text. */
  public static final Set<String> OUTPUT = Set.of("gen_ai.output.messages", "gen_ai.completion", "gen_ai.tool.call.result",
      "output.value", "langfuse.observation.output", "langfuse.trace.output", "traceloop.entity.output");
  /** Key prefixes of flattened prompt-side messages (OpenInference, OpenLLMetry). */
  public static final List<String> INPUT_PREFIXES = List.of("llm.input_messages.", "gen_ai.prompt.", "llm.prompts.");
  /** Key prefixes of flattened completion-side messages. */
  public static final List<String> OUTPUT_PREFIXES = List.of("llm.output_messages.", "gen_ai.completion.");
  /** Span events that are one prompt-side message each (their text in {@code content} or {@code message}). */
  public static final Set<String> INPUT_EVENTS = Set.of("gen_ai.content.prompt", "gen_ai.system.message", "gen_ai.user.message",
      "gen_ai.tool.message");
  /** Span events that are one completion-side message each. */
  public static final Set<String> OUTPUT_EVENTS = Set.of("gen_ai.content.completion", "gen_ai.assistant.message", "gen_ai.choice");
  /** The GenAI event carrying a whole call's messages under the {@link #INPUT} and {@link #OUTPUT} keys. */
  public static final String OPERATION_DETAILS_EVENT = "gen_ai.client.inference.operation.details";
}
