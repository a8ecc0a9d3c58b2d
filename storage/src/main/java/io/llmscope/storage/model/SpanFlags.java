package io.llmscope.storage.model;

/**
 * The per-span bit set stored in the WAL and in the {@code flags} column of head and segments.
 * The values are part of both on-disk formats: never renumber a bit.
 */
public final class SpanFlags {
  /** The span is a model call (see {@link LlmSpan#llm}). */
  public static final int LLM = 1;
  /** The span reported its own cost (see {@link LlmSpan#costReported}). */
  public static final int COST_REPORTED = 2;

  private SpanFlags() {}

  /** The flags of a span. */
  public static int of(LlmSpan s) {
    return (s.llm ? LLM : 0) | (s.costReported ? COST_REPORTED : 0);
  }

  /** Sets the span's boolean fields from stored flags. */
  public static void apply(int flags, LlmSpan s) {
    s.llm = (flags & LLM) != 0;
    s.costReported = (flags & COST_REPORTED) != 0;
  }
}
