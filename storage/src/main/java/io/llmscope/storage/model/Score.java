package io.llmscope.storage.model;

import java.util.Objects;

/**
 * One quality score (evaluation result, user feedback, LLM-as-judge verdict) as stored: linked to a
 * span by (trace id, span id), or to its trace's root span when {@code spanId} is {@link #TRACE_ROOT}.
 * The link is resolved when a query reads the span, so a score may arrive before or after it.
 *
 * @param value the numeric value, NaN for a categorical score (then {@code label} is set); boolean
 *     scores are 1 or 0 with label {@code true} / {@code false}
 * @param label the category, or null
 * @param comment an explanation, or null
 * @param source where the score came from: {@code api}, {@code otel_event}, {@code otel_log},
 *     {@code openinference}, {@code langfuse}, or what the API caller named
 * @param timestampMs when the score was given, epoch ms
 * @param id the caller's id, or null; a score sent again with the same id (or, without one, with
 *     the same content) is stored once
 */
public record Score(long traceIdHi, long traceIdLo, long spanId, String name, double value, String label,
    String comment, String source, long timestampMs, String id) {
  /** The span id of a score that names no span: it links to the root span of its trace. */
  public static final long TRACE_ROOT = 0;
  public static final int MAX_NAME_CHARS = 256;
  public static final int MAX_LABEL_CHARS = 1024;
  public static final int MAX_COMMENT_CHARS = 65_536;

  public Score {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    if (traceIdHi == 0 && traceIdLo == 0) throw new IllegalArgumentException("trace id is zero");
    if (name.isEmpty() || name.length() > MAX_NAME_CHARS) {
      throw new IllegalArgumentException("name must have 1 to " + MAX_NAME_CHARS + " characters");
    }
    if (Double.isInfinite(value)) throw new IllegalArgumentException("value is not finite");
    if (Double.isNaN(value) && label == null) throw new IllegalArgumentException("a score needs a value or a label");
    if (label != null && label.length() > MAX_LABEL_CHARS) {
      throw new IllegalArgumentException("label has more than " + MAX_LABEL_CHARS + " characters");
    }
    if (comment != null && comment.length() > MAX_COMMENT_CHARS) {
      throw new IllegalArgumentException("comment has more than " + MAX_COMMENT_CHARS + " characters");
    }
  }

  /** True when the score names no span and so belongs to its trace's root. */
  public boolean onTraceRoot() {
    return spanId == TRACE_ROOT;
  }

  /** True when this score attaches to the span ({@code spanId}, a root when {@code parentSpanId} is 0). */
  public boolean linksTo(long spanId, long parentSpanId) {
    return linksTo(this.spanId, spanId, parentSpanId);
  }

  /** As {@link #linksTo(long, long)} for a score naming {@code scoreSpanId}. */
  public static boolean linksTo(long scoreSpanId, long spanId, long parentSpanId) {
    return scoreSpanId == spanId || (scoreSpanId == TRACE_ROOT && parentSpanId == 0);
  }

  /**
   * A 64-bit identity: of the caller's id when there is one, else of every field but the comment.
   * Retries of an export or a POST carry the same identity, so they are stored once.
   */
  public long identity() {
    long h = mix(traceIdHi) ^ Long.rotateLeft(mix(traceIdLo), 21);
    if (id != null) return mix(h ^ 0x5851F42D4C957F2DL ^ hash(id));
    h = mix(h ^ spanId);
    h = mix(h ^ hash(name));
    h = mix(h ^ Double.doubleToLongBits(value));
    h = mix(h ^ (label == null ? 0 : hash(label)));
    h = mix(h ^ hash(source));
    return mix(h ^ timestampMs);
  }

  /** 64-bit FNV-1a over the characters: String.hashCode's 32 bits collide among a million ids. */
  private static long hash(String s) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0; i < s.length(); i++) h = (h ^ s.charAt(i)) * 0x100000001B3L;
    return h;
  }

  /** The SplitMix64 finaliser: spreads every input bit over the output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
