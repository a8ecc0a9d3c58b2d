package io.llmscope.storage.model;

/**
 * Span times are epoch nanoseconds in a long (years 1678 to 2262); API and config times are epoch
 * milliseconds, which reach far further. Conversions saturate instead of wrapping, so a query
 * "to 9999-12-31" or a retention of a million days means "everything", never a time near 1970.
 */
public final class Nanos {
  private Nanos() {}

  /** {@code ms} in nanoseconds, clamped to the range a long holds. */
  public static long fromMillis(long ms) {
    long hi = Math.multiplyHigh(ms, 1_000_000L);
    long lo = ms * 1_000_000L;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) return lo;
    return ms < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
  }
}
