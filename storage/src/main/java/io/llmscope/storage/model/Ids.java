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

  /** Big-endian long from 8 bytes at offset. */
  public static long longAt(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xFF);
    return v;
  }
}
