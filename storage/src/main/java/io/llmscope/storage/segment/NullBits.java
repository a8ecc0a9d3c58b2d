package io.llmscope.storage.segment;

import org.apache.arrow.vector.FieldVector;

/**
 * A vector's validity bits copied out once, so a decode loop tests a row's null bit in a byte
 * array. {@code FieldVector.isNull(i)} checks the buffer's bounds and reference count on every
 * call: on a sparse dim (tool, error type) it was most of a trace lookup's time.
 */
final class NullBits {
  private NullBits() {}

  /** The validity bits of rows [0, n), or null when no row is null. */
  static byte[] of(FieldVector v, int n) {
    if (n == 0 || v.getNullCount() == 0) return null;
    byte[] bits = new byte[(n + 7) >> 3];
    v.getValidityBuffer().getBytes(0, bits, 0, bits.length);
    return bits;
  }

  static boolean isNull(byte[] bits, int i) {
    return (bits[i >> 3] >> (i & 7) & 1) == 0;
  }
}
