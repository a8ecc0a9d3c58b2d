package io.llmscope.alerting.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.alerting.detect.Anomaly.Fallback;
import io.llmscope.alerting.detect.Anomaly.Outcome;
import org.junit.jupiter.api.Test;

class AnomalyTest {
  private static final double NAN = Double.NaN;

  @Test
  void robustZScoreOfAHandWorkedBaseline() {
    // sorted 9 10 10 11 12 12 13 → median 11; |x − 11| = 1 1 0 2 2 1 1 → sorted 0 1 1 1 1 2 2 → MAD 1.
    // Mean absolute deviation 8/7 → 1.2533 · 8/7 = 1.4323 < 1.4826 · 1: the MAD sets the scale.
    double[] baseline = {10, 12, 11, 13, 9, 10, 12};
    Outcome o = Anomaly.score(20, baseline, Direction.UP, 6, 0);
    assertEquals(11, o.median());
    assertEquals(1, o.mad());
    assertEquals(1.4826, o.scale(), 1e-12);
    assertEquals(9 / 1.4826, o.zScore(), 1e-9); // 6.0704
    assertEquals(Fallback.NONE, o.fallback());
    assertTrue(o.fires());
    assertArrayEquals(baseline, o.baseline());
    assertFalse(Anomaly.score(20, baseline, Direction.UP, 6.1, 0).fires());
    assertFalse(Anomaly.score(20, baseline, Direction.DOWN, 6, 0).fires());
    assertTrue(Anomaly.score(20, baseline, Direction.BOTH, 6, 0).fires());
    // A drop by the same amount scores −6.07.
    Outcome low = Anomaly.score(2, baseline, Direction.DOWN, 6, 0);
    assertEquals(-9 / 1.4826, low.zScore(), 1e-9);
    assertTrue(low.fires());
    assertFalse(Anomaly.score(2, baseline, Direction.UP, 6, 0).fires());
    assertTrue(Anomaly.score(2, baseline, Direction.BOTH, 6, 0).fires());
  }

  @Test
  void exceedingIsStrict() {
    // Flat 20s: scale = floor 0.05 · 20 = 1 exactly, so 23 scores exactly 3.
    double[] flat = {20, 20, 20};
    assertEquals(3, Anomaly.score(23, flat, Direction.UP, 3, 0).zScore());
    assertFalse(Anomaly.score(23, flat, Direction.UP, 3, 0).fires());
    assertTrue(Anomaly.score(23, flat, Direction.UP, 2.999, 0).fires());
    assertFalse(Anomaly.score(17, flat, Direction.DOWN, 3, 0).fires());
    assertTrue(Anomaly.score(17, flat, Direction.DOWN, 2.999, 0).fires());
  }

  @Test
  void evenBaselineUsesTheMeanOfTheMiddleValues() {
    // 1 2 3 10 → median 2.5; |dev| 1.5 0.5 0.5 7.5 → MAD 1.0; mean |dev| 2.5 → 1.2533·2.5 = 3.133 > 1.4826.
    Outcome o = Anomaly.score(10, new double[] {3, 1, 10, 2}, Direction.UP, 1, 0);
    assertEquals(2.5, o.median());
    assertEquals(1.0, o.mad());
    assertEquals(Fallback.MEAN_ABSOLUTE_DEVIATION, o.fallback());
    assertEquals(1.2533 * 2.5, o.scale(), 1e-12);
    assertEquals(7.5 / (1.2533 * 2.5), o.zScore(), 1e-12);
  }

  @Test
  void madOfZeroFallsBackToTheMeanAbsoluteDeviation() {
    // median 10; |dev| 0 0 0 0 4 → MAD 0; mean |dev| 0.8 → scale 1.2533 · 0.8 = 1.00264 (> floor 0.5).
    Outcome o = Anomaly.score(20, new double[] {10, 10, 10, 10, 14}, Direction.UP, 3, 0);
    assertEquals(0, o.mad());
    assertEquals(Fallback.MEAN_ABSOLUTE_DEVIATION, o.fallback());
    assertEquals(1.00264, o.scale(), 1e-12);
    assertEquals(10 / 1.00264, o.zScore(), 1e-9);
    assertTrue(o.fires());
  }

  @Test
  void flatBaselineUsesTheRelativeFloor() {
    // Every day 5: both deviations 0, floor 0.05 · 5 = 0.25. 6 scores (6 − 5)/0.25 = 4; 5 scores 0.
    double[] flat = {5, 5, 5};
    Outcome jump = Anomaly.score(6, flat, Direction.UP, 3, 0);
    assertEquals(Fallback.RELATIVE_FLOOR, jump.fallback());
    assertEquals(0.25, jump.scale(), 1e-15);
    assertEquals(4, jump.zScore(), 1e-12);
    assertTrue(jump.fires());
    assertFalse(Anomaly.score(5.5, flat, Direction.UP, 3, 0).fires()); // z = 2
    assertEquals(0, Anomaly.score(5, flat, Direction.BOTH, 3, 0).zScore());
    // Float jitter on a near-flat baseline (deviations ~1e-13) stays under the floor too.
    Outcome jitter = Anomaly.score(5.0000001, new double[] {5, 5 + 1e-13, 5 - 1e-13, 5}, Direction.BOTH, 3, 0);
    assertEquals(Fallback.RELATIVE_FLOOR, jitter.fallback());
    assertFalse(jitter.fires());
  }

  @Test
  void allZerosFireOnARealJumpOnlyAboveMinValue() {
    double[] zeros = {0, 0, 0, 0, 0, 0, 0};
    Outcome still = Anomaly.score(0, zeros, Direction.BOTH, 3, 0);
    assertEquals(0, still.zScore());
    assertFalse(still.fires());
    assertEquals(Fallback.RELATIVE_FLOOR, still.fallback());
    assertEquals(Anomaly.ABSOLUTE_FLOOR, still.scale());
    assertFalse(Anomaly.score(1e-12, zeros, Direction.UP, 3, 0).fires()); // z = 0.001
    assertTrue(Anomaly.score(0.5, zeros, Direction.UP, 3, 0).fires());
    assertFalse(Anomaly.score(0.5, zeros, Direction.UP, 3, 1).fires());
    assertTrue(Anomaly.score(1, zeros, Direction.UP, 3, 1).fires()); // at least minValue
  }

  @Test
  void minValueGuardsTheLevelTheAnomalyIsAbout() {
    double[] small = {0.5, 0.52, 0.48, 0.5, 0.51, 0.49, 0.5};
    double[] large = {100, 104, 96, 100, 102, 98, 100};
    // A rise: the current value must reach minValue.
    assertFalse(Anomaly.score(0.9, small, Direction.UP, 3, 1).fires());
    assertTrue(Anomaly.score(0.9, small, Direction.UP, 3, 0.5).fires());
    // A drop: the baseline level must reach it, even though the current value is below it.
    assertFalse(Anomaly.score(0, small, Direction.DOWN, 3, 1).fires());
    assertTrue(Anomaly.score(0, large, Direction.DOWN, 3, 1).fires());
    assertTrue(Anomaly.score(0, large, Direction.BOTH, 3, 1).fires());
    assertFalse(Anomaly.score(0, small, Direction.BOTH, 3, 1).fires());
  }

  @Test
  void nanDaysAreSkippedAndShortHistoryNeverFires() {
    Outcome two = Anomaly.score(1000, new double[] {NAN, 10, NAN, 12}, Direction.UP, 3, 0);
    assertEquals(Fallback.INSUFFICIENT_HISTORY, two.fallback());
    assertFalse(two.fires());
    assertTrue(Double.isNaN(two.zScore()));
    assertEquals(11, two.median());
    assertArrayEquals(new double[] {10, 12}, two.baseline());
    Outcome three = Anomaly.score(1000, new double[] {NAN, 10, 11, Double.POSITIVE_INFINITY, 12}, Direction.UP, 3, 0);
    assertEquals(3, three.baseline().length);
    assertTrue(three.fires());
    Outcome none = Anomaly.score(1, new double[0], Direction.UP, 3, 0);
    assertEquals(Fallback.INSUFFICIENT_HISTORY, none.fallback());
    assertTrue(Double.isNaN(none.median()));
    assertFalse(Anomaly.score(1, null, Direction.UP, 3, 0).fires());
  }

  @Test
  void nanCurrentNeverFires() {
    Outcome o = Anomaly.score(NAN, new double[] {1, 2, 3}, Direction.BOTH, 1, 0);
    assertFalse(o.fires());
    assertTrue(Double.isNaN(o.zScore()));
    assertEquals(2, o.median());
  }

  @Test
  void theCallersBaselineIsNotModified() {
    double[] baseline = {3, 1, 2};
    Anomaly.score(5, baseline, Direction.UP, 1, 0);
    assertArrayEquals(new double[] {3, 1, 2}, baseline);
  }

  @Test
  void badArgumentsAreRefused() {
    double[] b = {1, 2, 3};
    assertThrows(IllegalArgumentException.class, () -> Anomaly.score(1, b, Direction.UP, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> Anomaly.score(1, b, Direction.UP, NAN, 0));
    assertThrows(IllegalArgumentException.class, () -> Anomaly.score(1, b, Direction.UP, 3, NAN));
    assertThrows(IllegalArgumentException.class, () -> Anomaly.score(1, b, null, 3, 0));
    assertEquals(Direction.BOTH, Direction.parse(" Both "));
    assertEquals("down", Direction.DOWN.label());
    assertThrows(IllegalArgumentException.class, () -> Direction.parse("sideways"));
    assertEquals("insufficient_history", Fallback.INSUFFICIENT_HISTORY.label());
  }
}
