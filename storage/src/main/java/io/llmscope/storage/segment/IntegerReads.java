package io.llmscope.storage.segment;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;

/**
 * Reads a record batch's signed integer vector (the only integer type segments write) straight
 * from its data buffer, looking at validity bits only when the batch has nulls. Arrow's per-value
 * getters check bounds and the buffer's reference count on every call: on an alerting round that
 * was a third of the decode time.
 */
final class IntegerReads {
  private IntegerReads() {}

  /** What the dictionary decodes return when every index is in range (any index, -1 too, may be out of it). */
  static final long IN_RANGE = Long.MIN_VALUE;

  /** A little-endian view of the vector's first {@code n} values, and their width in bytes. */
  private static ByteBuffer data(BaseIntVector vec, int n) {
    int width = ((BaseFixedWidthVector) vec).getTypeWidth();
    return ((FieldVector) vec).getDataBuffer().nioBuffer(0, n * width).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static long value(ByteBuffer b, int width, int i) {
    return switch (width) {
      case 1 -> b.get(i);
      case 2 -> b.getShort(i << 1);
      case 4 -> b.getInt(i << 2);
      default -> b.getLong(i << 3);
    };
  }

  /** Values of rows [0, n) into {@code out[first..]}; null rows get {@code nullValue}. */
  static void toLongs(BaseIntVector vec, int n, long[] out, int first, long nullValue) {
    if (n == 0) return;
    FieldVector fv = (FieldVector) vec;
    ByteBuffer b = data(vec, n);
    int width = ((BaseFixedWidthVector) vec).getTypeWidth();
    byte[] nulls = NullBits.of(fv, n);
    switch (width) {
      case 1 -> {
        for (int i = 0; i < n; i++) out[first + i] = b.get(i);
      }
      case 2 -> {
        for (int i = 0; i < n; i++) out[first + i] = b.getShort(i << 1);
      }
      case 4 -> {
        for (int i = 0; i < n; i++) out[first + i] = b.getInt(i << 2);
      }
      default -> b.asLongBuffer().get(out, first, n);
    }
    if (nulls != null) {
      for (int i = 0; i < n; i++) if (NullBits.isNull(nulls, i)) out[first + i] = nullValue;
    }
  }

  /** Values of rows [0, n) into {@code out[first..]} as doubles; NaN for nulls. */
  static void toDoubles(BaseIntVector vec, int n, double[] out, int first) {
    if (n == 0) return;
    FieldVector fv = (FieldVector) vec;
    ByteBuffer b = data(vec, n);
    int width = ((BaseFixedWidthVector) vec).getTypeWidth();
    byte[] nulls = NullBits.of(fv, n);
    for (int i = 0; i < n; i++) out[first + i] = nulls != null && NullBits.isNull(nulls, i) ? Double.NaN : value(b, width, i);
  }

  /** Rows [0, n) into {@code out[first..]} as bytes (flags: int8 as written, a copy); null rows read 0. */
  static void toBytes(BaseIntVector vec, int n, byte[] out, int first) {
    if (n == 0) return;
    FieldVector fv = (FieldVector) vec;
    int width = ((BaseFixedWidthVector) vec).getTypeWidth();
    if (width == 1) {
      fv.getDataBuffer().getBytes(0, out, first, n);
    } else { // wider than written today: what fits a byte
      ByteBuffer b = data(vec, n);
      for (int i = 0; i < n; i++) out[first + i] = (byte) value(b, width, i);
    }
    byte[] nulls = NullBits.of(fv, n);
    if (nulls != null) {
      for (int i = 0; i < n; i++) if (NullBits.isNull(nulls, i)) out[first + i] = 0;
    }
  }

  /**
   * Dictionary indexes of rows [0, n) plus one into {@code out[first..]} (0 for null rows);
   * returns the first index outside [0, size), or {@link #IN_RANGE} when all are in range.
   */
  static long toIds(BaseIntVector vec, int n, int[] out, int first, int size) {
    if (n == 0) return IN_RANGE;
    FieldVector fv = (FieldVector) vec;
    ByteBuffer b = data(vec, n);
    int width = ((BaseFixedWidthVector) vec).getTypeWidth();
    byte[] nulls = NullBits.of(fv, n);
    for (int i = 0; i < n; i++) {
      if (nulls != null && NullBits.isNull(nulls, i)) {
        out[first + i] = 0;
        continue;
      }
      long idx = value(b, width, i);
      if (idx < 0 || idx >= size) return idx;
      out[first + i] = (int) idx + 1;
    }
    return IN_RANGE;
  }

  /**
   * Indexes into {@code dictionary} of rows [0, n) as its values into {@code out[first..]}; NaN for
   * nulls. Returns the first index outside the dictionary, or {@link #IN_RANGE}.
   */
  static long toDictionaryValues(BaseIntVector vec, int n, double[] out, int first, double[] dictionary) {
    if (n == 0) return IN_RANGE;
    FieldVector fv = (FieldVector) vec;
    ByteBuffer b = data(vec, n);
    int width = ((BaseFixedWidthVector) vec).getTypeWidth();
    byte[] nulls = NullBits.of(fv, n);
    for (int i = 0; i < n; i++) {
      if (nulls != null && NullBits.isNull(nulls, i)) {
        out[first + i] = Double.NaN;
        continue;
      }
      long idx = value(b, width, i);
      if (idx < 0 || idx >= dictionary.length) return idx;
      out[first + i] = dictionary[(int) idx];
    }
    return IN_RANGE;
  }
}
