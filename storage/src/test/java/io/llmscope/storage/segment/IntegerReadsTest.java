package io.llmscope.storage.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.junit.jupiter.api.Test;

/**
 * The bulk decodes against Arrow's own getters, for every integer width segments may hold, with
 * and without nulls, written at an offset of the output, and with an index out of range.
 */
class IntegerReadsTest {
  static final int N = 3000;

  interface Make {
    FieldVector make(BufferAllocator a);
  }

  static final Make[] WIDTHS = {
    a -> new TinyIntVector("v", a), a -> new SmallIntVector("v", a), a -> new IntVector("v", a), a -> new BigIntVector("v", a)
  };

  /** Values in [-limit, limit) (negative too: the widths are signed), every seventh null when {@code nulls}. */
  static FieldVector filled(BufferAllocator a, Make make, long lo, long hi, boolean nulls, long seed) {
    FieldVector v = make.make(a);
    v.allocateNew();
    Random rnd = new Random(seed);
    BaseIntVector iv = (BaseIntVector) v;
    for (int i = 0; i < N; i++) {
      if (nulls && i % 7 == 3) {
        v.setNull(i);
      } else {
        iv.setWithPossibleTruncate(i, lo + (long) (rnd.nextDouble() * (hi - lo)));
      }
    }
    v.setValueCount(N);
    return v;
  }

  static long get(FieldVector v, int i) {
    return ((BaseIntVector) v).getValueAsLong(i);
  }

  @Test
  void idsValuesAndDoublesMatchTheGettersAtEveryWidth() {
    try (BufferAllocator a = new RootAllocator()) {
      for (Make make : WIDTHS) {
        for (boolean nulls : new boolean[] {false, true}) {
          int size = 100;
          try (FieldVector v = filled(a, make, 0, size, nulls, 7)) {
            int[] ids = new int[N + 5];
            assertEquals(IntegerReads.IN_RANGE, IntegerReads.toIds((BaseIntVector) v, N, ids, 5, size));
            double[] dict = new double[size];
            for (int k = 0; k < size; k++) dict[k] = k * 1.5;
            double[] values = new double[N + 5];
            assertEquals(IntegerReads.IN_RANGE, IntegerReads.toDictionaryValues((BaseIntVector) v, N, values, 5, dict));
            for (int i = 0; i < N; i++) {
              boolean isNull = v.isNull(i);
              assertEquals(isNull ? 0 : get(v, i) + 1, ids[5 + i], "row " + i);
              assertEquals(isNull ? Double.NaN : dict[(int) get(v, i)], values[5 + i], "row " + i);
            }
          }
          try (FieldVector v = filled(a, make, -100, 100, nulls, 11)) {
            double[] d = new double[N];
            long[] l = new long[N];
            IntegerReads.toDoubles((BaseIntVector) v, N, d, 0);
            IntegerReads.toLongs((BaseIntVector) v, N, l, 0, -999);
            for (int i = 0; i < N; i++) {
              assertEquals(v.isNull(i) ? Double.NaN : (double) get(v, i), d[i], "row " + i);
              assertEquals(v.isNull(i) ? -999 : get(v, i), l[i], "row " + i);
            }
          }
        }
      }
    }
  }

  @Test
  void anIndexOutOfTheDictionaryIsReportedButANullRowsValueIsNot() {
    try (BufferAllocator a = new RootAllocator()) {
      for (Make make : WIDTHS) {
        try (FieldVector v = filled(a, make, 0, 10, false, 3)) {
          ((BaseIntVector) v).setWithPossibleTruncate(100, 42); // past a dictionary of 10
          assertEquals(42, IntegerReads.toIds((BaseIntVector) v, N, new int[N], 0, 10));
          assertEquals(42, IntegerReads.toDictionaryValues((BaseIntVector) v, N, new double[N], 0, new double[10]));
          ((BaseIntVector) v).setWithPossibleTruncate(100, -1);
          assertEquals(-1, IntegerReads.toIds((BaseIntVector) v, N, new int[N], 0, 10), "a negative index is out of range too");
          assertEquals(-1, IntegerReads.toDictionaryValues((BaseIntVector) v, N, new double[N], 0, new double[10]));
          v.setNull(100); // the bytes under a null row still say -1: not an error
          int[] ids = new int[N];
          assertEquals(IntegerReads.IN_RANGE, IntegerReads.toIds((BaseIntVector) v, N, ids, 0, 10));
          assertEquals(0, ids[100]);
          double[] values = new double[N];
          assertEquals(IntegerReads.IN_RANGE, IntegerReads.toDictionaryValues((BaseIntVector) v, N, values, 0, new double[10]));
          assertArrayEquals(new double[] {Double.NaN}, new double[] {values[100]});
        }
      }
    }
  }
}
