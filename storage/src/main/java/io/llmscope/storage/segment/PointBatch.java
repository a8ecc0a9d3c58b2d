package io.llmscope.storage.segment;

import io.llmscope.storage.format.CorruptSegmentException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * One record batch of an integer, float64 or dictionary-encoded column as the file stores it
 * (decompressed, not converted), for point reads: a trace lookup or a span list reads one row of
 * each column, and converting all 64k rows of ~35 columns to Java arrays was four fifths of a
 * lookup. Held at the stored width (1-8 bytes a row, not 4-8), so the column cache keeps several
 * times more batches. A dictionary index out of range is reported when its row is read.
 *
 * @param base added to every integer value ({@code SegmentFormat.META_BASE})
 * @param decimals of a decimal measure: its value is the integer / 10^decimals ({@code SegmentFormat.META_DECIMALS})
 * @param doubles a float64 dictionary's values, or null
 * @param strings a Utf8 dictionary (sorted), or null when not decoded (the reader already had it)
 */
record PointBatch(Path file, byte[] data, int width, boolean floating, byte[] nulls, long base, int decimals,
    double[] doubles, SegmentDictionary strings) {
  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  boolean isNull(int row) {
    return nulls != null && NullBits.isNull(nulls, row);
  }

  private long raw(int row) {
    return switch (width) {
      case 1 -> data[row];
      case 2 -> (short) SHORT.get(data, row << 1);
      case 4 -> (int) INT.get(data, row << 2);
      default -> (long) LONG.get(data, row << 3);
    };
  }

  /** The row's integer value plus the base; a null row reads {@code nullValue} plus the base (as whole reads do). */
  long longAt(int row, long nullValue) {
    return (isNull(row) ? nullValue : raw(row)) + base;
  }

  /** The row as a measure: NaN when null. */
  double doubleAt(int row) {
    if (isNull(row)) return Double.NaN;
    if (floating) return Double.longBitsToDouble(raw(row));
    if (doubles == null) return decimals == 0 ? raw(row) : SegmentFormat.decimal(raw(row), decimals);
    return doubles[index(row, doubles.length)];
  }

  /** The row's dictionary id, the index plus one (0 for null), as {@code DictColumn} holds them. */
  int idAt(int row, int dictionarySize) {
    return isNull(row) ? 0 : index(row, dictionarySize) + 1;
  }

  private int index(int row, int size) {
    long idx = raw(row);
    if (idx < 0 || idx >= size) {
      throw new UncheckedIOException(new CorruptSegmentException(file, "dictionary index " + idx + " out of range"));
    }
    return (int) idx;
  }

  /** Heap held, for the column cache's budget. */
  long bytes() {
    return data.length + (nulls == null ? 0 : nulls.length) + (doubles == null ? 0 : 8L * doubles.length) + 64;
  }
}
