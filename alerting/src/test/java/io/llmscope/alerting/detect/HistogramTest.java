package io.llmscope.alerting.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HistogramTest {
  @Test
  void binsAreQuarterOctavesWithZeroUnderflowAndOverflowBins() {
    // Bin 2 + (k + 80) holds [2^(k/4), 2^((k+1)/4)): 1 = 2^0 opens bin 82, 2 = 2^(4/4) opens bin 86.
    assertEquals(82, Histogram.binOf(1.0));
    assertEquals(1.0, Histogram.lowerEdge(82));
    assertEquals(Math.pow(2, 0.25), Histogram.upperEdge(82));
    assertEquals(86, Histogram.binOf(2.0));
    assertEquals(85, Histogram.binOf(Math.nextDown(2.0)));
    assertEquals(82 + 4 * 10, Histogram.binOf(1024));
    assertEquals(0, Histogram.binOf(0));
    assertEquals(0, Histogram.binOf(-3));
    assertEquals(1, Histogram.binOf(1e-7));
    assertEquals(2, Histogram.binOf(Math.pow(2, -20)));
    assertEquals(Histogram.BINS - 1, Histogram.binOf(Math.pow(2, 40)));
    assertEquals(Histogram.BINS - 2, Histogram.binOf(Math.nextDown(Math.pow(2, 40))));
    assertEquals(Histogram.BINS - 1, Histogram.binOf(Double.POSITIVE_INFINITY));
    assertEquals(-1, Histogram.binOf(Double.NaN));
    for (int bin = 1; bin < Histogram.BINS - 1; bin++) {
      double lo = Histogram.lowerEdge(bin);
      double hi = Histogram.upperEdge(bin);
      if (bin > 1) assertEquals(bin, Histogram.binOf(lo), "lower edge of " + bin);
      assertEquals(bin, Histogram.binOf(Math.nextDown(hi)), "just under the upper edge of " + bin);
      assertEquals(bin + 1, Histogram.binOf(hi), "upper edge of " + bin);
    }
  }

  @Test
  void labelsAreReadable() {
    assertEquals("[1, 1.189)", Histogram.label(82));
    assertEquals("[1024, 1218)", Histogram.label(122));
    assertEquals("≤0", Histogram.label(0));
    assertEquals("(0, 9.537e-07)", Histogram.label(1));
    assertEquals("≥1.1e+12", Histogram.label(Histogram.BINS - 1));
    assertEquals("1000", Histogram.format(1000));
    assertEquals("0.25", Histogram.format(0.25));
    assertThrows(IllegalArgumentException.class, () -> Histogram.label(Histogram.BINS));
  }

  @Test
  void countsMergeByAddition() {
    Histogram a = Histogram.of(0, 1, 1.1, 5, Double.NaN);
    Histogram b = new Histogram().add(1.05, 3).add(1e9);
    assertEquals(4, a.count());
    assertEquals(2, a.count(82));
    Histogram both = Histogram.of(0, 1, 1.1, 5, 1.05, 1.05, 1.05, 1e9);
    assertArrayEquals(both.counts(), Histogram.ofCounts(a.counts()).merge(b).counts());
    assertEquals(8, Histogram.ofCounts(a.counts()).merge(b).count());
    assertThrows(IllegalArgumentException.class, () -> Histogram.ofCounts(new long[3]));
    assertThrows(IllegalArgumentException.class, () -> new Histogram().add(1, -1));
  }
}
