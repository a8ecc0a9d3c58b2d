package io.llmscope.storage.model;

/** Hex formatting and parsing of trace and span ids. */
public final class Ids {
  private Ids() {}

  public static String traceHex(long hi, long lo) {
    return hex16(hi) + hex16(lo);
  }

  public static String spanHex(long id) {
    return hex16(id);
  }

  private static String hex16(long v) {
    String s = Long.toHexString(v);
    return "0".repeat(16 - s.length()) + s;
  }

  /** Parses 32 hex chars (any case) into {hi, lo}; null if the text is not a trace id. */
  public static long[] parseTraceHex(String hex) {
    if (hex == null || hex.length() != 32) return null;
    try {
      return new long[] {Long.parseUnsignedLong(hex, 0, 16, 16), Long.parseUnsignedLong(hex, 16, 32, 16)};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * A 64-bit hash of a span's identity (trace id, span id) for hash tables; equal hashes must
   * still be confirmed against the ids.
   */
  public static long spanKey(long traceHi, long traceLo, long spanId) {
    long h = traceHi * 0x9E3779B97F4A7C15L + traceLo;
    h = (h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L + spanId;
    return h ^ (h >>> 32);
  }

  /** Big-endian long from 8 bytes at offset. */
  public static long longAt(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xFF);
    return v;
  }
}
