package io.llmscope.storage.segment;

/**
 * Trace-id Bloom filters (one per record batch of trace_id.arrow): {@code words.length * 64} bits,
 * k probes by double hashing of a 64-bit mix of the id. No false negatives; about 1% false
 * positives at 10 bits per trace and k = 7.
 */
final class SegmentBloom {
  private SegmentBloom() {}

  static void add(long[] bits, int k, long hi, long lo) {
    long h1 = mix(hi ^ mix(lo));
    long h2 = mix(h1 ^ 0x9E3779B97F4A7C15L) | 1;
    long m = (long) bits.length * 64;
    for (int i = 0; i < k; i++) {
      long bit = Long.remainderUnsigned(h1 + i * h2, m);
      bits[(int) (bit >>> 6)] |= 1L << bit;
    }
  }

  static boolean mayContain(long[] bits, int k, long hi, long lo) {
    long h1 = mix(hi ^ mix(lo));
    long h2 = mix(h1 ^ 0x9E3779B97F4A7C15L) | 1;
    long m = (long) bits.length * 64;
    for (int i = 0; i < k; i++) {
      long bit = Long.remainderUnsigned(h1 + i * h2, m);
      if ((bits[(int) (bit >>> 6)] & (1L << bit)) == 0) return false;
    }
    return true;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }
}
