package io.llmscope.storage.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Which measure values a decimal column can hold, to the bit. */
class DecimalsTest {
  @Test
  void theFewestDecimalsThatGiveEveryValueBack() {
    assertEquals(2, SegmentFormat.decimalsOf(new double[] {0.1, 0.25, Double.NaN}));
    assertEquals(6, SegmentFormat.decimalsOf(new double[] {0.006897, 0.000234, 0.0027}));
    assertEquals(12, SegmentFormat.decimalsOf(new double[] {0.000000000001, 3.5}));
    assertEquals(4, SegmentFormat.decimalsOf(new double[] {-99.9999, 12.5}));
  }

  @Test
  void valuesNoDecimalColumnHoldsFallBackToFloat64() {
    assertEquals(0, SegmentFormat.decimalsOf(new double[] {0.5, 1 / 3.0}), "a binary fraction");
    assertEquals(0, SegmentFormat.decimalsOf(new double[] {0.5, -0.0}), "-0.0 would read back as 0.0");
    assertEquals(0, SegmentFormat.decimalsOf(new double[] {0.5, Double.POSITIVE_INFINITY}));
    assertEquals(0, SegmentFormat.decimalsOf(new double[] {0.5, 1e300}), "past 2^53 when scaled");
    assertEquals(0, SegmentFormat.decimalsOf(new double[] {0.5, 900_719_925_474_099.5}), "ten times it is past 2^53");
  }

  @Test
  void everyDecimalReadsBackToTheBit() {
    Random rnd = new Random(7);
    for (int k = 1; k <= SegmentFormat.MAX_DECIMALS; k++) {
      double[] v = new double[10_000];
      double p = Math.pow(10, k);
      for (int i = 0; i < v.length; i++) v[i] = Math.round((rnd.nextDouble() - 0.3) * 1000 * p) / p;
      int found = SegmentFormat.decimalsOf(v);
      if (found == 0) continue; // 1000 * 10^k past 2^53
      for (double d : v) {
        assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(SegmentFormat.decimal(SegmentFormat.scaled(d, found), found)), d + " at " + found);
      }
      assertEquals(true, found <= k, "k " + k + " found " + found);
    }
  }
}
