package io.llmscope.alerting.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.alerting.detect.Drift.Method;
import io.llmscope.alerting.detect.Drift.Result;
import io.llmscope.alerting.detect.Drift.Shift;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;

class DriftTest {
  private static final Map<String, Long> BASE = Map.of("gpt-4o", 50L, "claude", 30L, "gemini", 20L);
  private static final Map<String, Long> WIN = Map.of("gpt-4o", 40L, "claude", 30L, "gemini", 30L);

  @Test
  void psiOfAHandWorkedMix() {
    // shares b = .5 .3 .2, w = .4 .3 .3:
    // PSI = (.4−.5)·ln(.4/.5) + 0 + (.3−.2)·ln(.3/.2) = .1 · .223144 + .1 · .405465 = .0628609
    Result r = Drift.psi(BASE, WIN);
    assertEquals("psi", r.method());
    assertEquals(0.06286086594223739, r.statistic(), 1e-12);
    assertEquals(100, r.baselineCount());
    assertEquals(100, r.windowCount());
    // χ² homogeneity: expected 45 30 25 per side → χ² = 2·(25/45 + 0 + 25/25) = 3.1111, df 2,
    // p = e^(−χ²/2) = e^(−1.5556) = .211072
    assertEquals(0.2110720877910903, r.pValue(), 1e-9);
    assertEquals(new ChiSquareTest().chiSquareTestDataSetsComparison(new long[] {50, 30, 20}, new long[] {40, 30, 30}), r.pValue(), 1e-12);
    // gemini +.1 and gpt-4o −.1 moved equally (name order breaks the tie); claude did not move.
    assertEquals(List.of(new Shift("gemini", 0.2, 0.3), new Shift("gpt-4o", 0.5, 0.4)), r.moved());
    assertEquals(0.1, r.moved().get(0).change(), 1e-12);
  }

  @Test
  void jsOfAHandWorkedMix() {
    // m = .45 .3 .25
    // KL(b‖m) = .5·log2(.5/.45) + .2·log2(.2/.25) = .5·.152003 − .2·.321928 = .0116159
    // KL(w‖m) = .4·log2(.4/.45) + .3·log2(.3/.25) = −.4·.169925 + .3·.263034 = .0109402
    // JS = (.0116159 + .0109402)/2 = .0112781
    Result r = Drift.js(BASE, WIN);
    assertEquals("js", r.method());
    assertEquals(0.011278124459132899, r.statistic(), 1e-12);
    assertEquals(0.2110720877910903, r.pValue(), 1e-9);
  }

  @Test
  void emptyBinsUseEpsilonInPsiAndNothingInJs() {
    // b = 1, 0; w = .9, .1. PSI with b₂ := 1e-4:
    // (.9 − 1)·ln(.9) + (.1 − 1e-4)·ln(.1/1e-4) = .0105361 + .0999 · 6.907755 = .7006208
    Map<String, Long> b = Map.of("stop", 100L);
    Map<String, Long> w = Map.of("stop", 90L, "length", 10L);
    assertEquals(0.7006208039360982, Drift.psi(b, w).statistic(), 1e-12);
    // m = .95 .05: JS = ½·1·log2(1/.95) + ½·(.9·log2(.9/.95) + .1·log2(.1/.05)) = .0518992
    Result js = Drift.js(b, w);
    assertEquals(0.051899160321315516, js.statistic(), 1e-12);
    // χ²: expected 95 5 per side → 2·(25/95 + 25/5) = 10.526, df 1 → p = .00117687
    assertEquals(0.0011768659106247386, js.pValue(), 1e-9);
    assertEquals(new Shift("length", 0, 0.1), js.moved().get(0));
    // Disjoint supports are 1 bit apart.
    assertEquals(1.0, Drift.js(Map.of("a", 10L), Map.of("b", 3L)).statistic(), 1e-15);
  }

  @Test
  void identicalAndSingleCategoryMixesAreZero() {
    Result same = Drift.psi(BASE, Map.of("gpt-4o", 500L, "claude", 300L, "gemini", 200L));
    assertEquals(0, same.statistic(), 1e-15);
    assertEquals(1, same.pValue(), 1e-12);
    assertTrue(same.moved().isEmpty());
    assertFalse(same.fires(0));
    Result single = Drift.js(Map.of("stop", 5L), Map.of("stop", 9L));
    assertEquals(0, single.statistic());
    assertEquals(1, single.pValue());
    // Zero counts are categories nobody saw.
    assertEquals(0, Drift.psi(Map.of("a", 5L, "b", 0L), Map.of("a", 7L)).statistic());
  }

  @Test
  void emptySidesGiveNaNAndNeverFire() {
    Result r = Drift.psi(Map.of(), WIN);
    assertTrue(Double.isNaN(r.statistic()));
    assertTrue(Double.isNaN(r.pValue()));
    assertFalse(r.fires(0));
    assertEquals(100, r.windowCount());
    assertTrue(Double.isNaN(Drift.js(BASE, Map.of("x", 0L)).statistic()));
    assertTrue(Double.isNaN(Drift.psi(new Histogram(), Histogram.of(1, 2)).statistic()));
    assertTrue(Double.isNaN(Drift.ks(new double[0], new double[] {1}).statistic()));
    assertTrue(Double.isNaN(Drift.ks(new double[] {Double.NaN}, new double[] {1}).statistic()));
    assertTrue(Double.isNaN(Drift.js(new NgramProfile(), new NgramProfile().add("abc")).statistic()));
    assertThrows(IllegalArgumentException.class, () -> Drift.psi(Map.of("a", -1L), WIN));
    assertThrows(IllegalArgumentException.class, () -> Drift.compare(Method.KS, BASE, WIN));
  }

  @Test
  void histogramsCompareBinByBin() {
    // 1, 1.1 share bin [1, 1.189); 3 is in [2.828, 3.364); 0 in ≤0. b = ½ ½ 0, w = ¼ ¼ ½ over those.
    Histogram b = Histogram.of(1, 1.1, 3, 3);
    Histogram w = Histogram.of(1, 3, 0, 0);
    // PSI = (.25−.5)·ln(.25/.5)·2 + (.5 − 1e-4)·ln(.5/1e-4) = .346574 + .4999·8.517193 = 4.604318
    assertEquals(2 * 0.25 * Math.log(2) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4), Drift.psi(b, w).statistic(), 1e-12);
    assertEquals(4.604318, Drift.psi(b, w).statistic(), 1e-6);
    // m = .375 .375 .25: JS = ½·2·.5·log2(.5/.375) + ½·(2·.25·log2(.25/.375) + .5·log2(2)) = .311278
    assertEquals(0.3112781244591328, Drift.js(b, w).statistic(), 1e-12);
    assertEquals("≤0", Drift.js(b, w).moved().get(0).name());
    assertEquals(0, Drift.psi(b, Histogram.of(3, 1, 1.1, 3)).statistic());
    assertEquals(Drift.psi(b, w), Drift.compare(Method.PSI, b, w));
  }

  @Test
  void ksOfValuesMatchesCommonsMath() {
    Random rnd = new Random(7);
    for (int round = 0; round < 5; round++) {
      int n = 50 + 60 * round;
      int m = 80 + 25 * round;
      double[] x = new double[n];
      double[] y = new double[m];
      for (int i = 0; i < n; i++) x[i] = rnd.nextGaussian();
      for (int i = 0; i < m; i++) y[i] = rnd.nextGaussian() * (1 + 0.1 * round) + 0.08 * round;
      KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
      double d = ks.kolmogorovSmirnovStatistic(x, y);
      Result r = Drift.ks(x, y);
      assertEquals(d, r.statistic(), 1e-12, "round " + round);
      assertEquals(ks.approximateP(d, n, m), r.pValue(), 1e-6, "round " + round);
      assertEquals(n, r.baselineCount());
    }
  }

  @Test
  void ksPValueSeriesAgreeAcrossTheirSwitchPoint() {
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
    for (double lambda = 0.3; lambda < 3; lambda += 0.05) {
      // n = m = 200 → λ = D·10
      assertEquals(ks.approximateP(lambda / 10, 200, 200), Drift.ksPValue(lambda / 10, 200, 200), 1e-7, "λ=" + lambda);
    }
    assertEquals(1, Drift.ksPValue(0, 10, 10));
  }

  @Test
  void ksHandlesTiesAndReportsWhereAndWhatMoved() {
    // a = 1 2 2 3, b = 2 2 2 4: F_a/F_b at 1: .25/0, at 2: .75/.75, at 3: 1/.75, at 4: 1/1 → D = .25
    // first reached at 1 (counting past every 2 on both sides before comparing).
    Result r = Drift.ks(new double[] {2, 1, 3, 2}, new double[] {2, 4, 2, 2});
    assertEquals(0.25, r.statistic());
    assertEquals(new Shift("cdf@1", 0.25, 0), r.moved().get(0));
    assertEquals(new Shift("p50", 2, 2), r.moved().get(2));
    // Identical samples: D = 0, p = 1.
    Result same = Drift.ks(new double[] {1, 2, 3}, new double[] {3, 2, 1});
    assertEquals(0, same.statistic());
    assertEquals(1, same.pValue());
    assertFalse(same.fires(0));
  }

  @Test
  void ksOfHistogramsIsTakenAtBinEdges() {
    Random rnd = new Random(11);
    double[] x = new double[2000];
    double[] y = new double[1500];
    for (int i = 0; i < x.length; i++) x[i] = Math.exp(6 + 0.8 * rnd.nextGaussian());
    for (int i = 0; i < y.length; i++) y[i] = Math.exp(6.3 + 0.8 * rnd.nextGaussian());
    Result raw = Drift.ks(x, y);
    Result binned = Drift.ks(Histogram.of(x), Histogram.of(y));
    assertTrue(binned.statistic() <= raw.statistic() + 1e-12);
    assertTrue(binned.statistic() > raw.statistic() - 0.03, binned + " vs " + raw);
    assertTrue(binned.fires(Drift.DEFAULT_KS_THRESHOLD));
    assertEquals(0, Drift.ks(Histogram.of(x), Histogram.of(x)).statistic());
  }

  @Test
  void welchMatchesCommonsMath() {
    Random rnd = new Random(3);
    SummaryStatistics a = new SummaryStatistics();
    SummaryStatistics b = new SummaryStatistics();
    for (int i = 0; i < 40; i++) a.addValue(0.8 + 0.1 * rnd.nextGaussian());
    for (int i = 0; i < 25; i++) b.addValue(0.74 + 0.2 * rnd.nextGaussian());
    Result r = Drift.welch(a.getN(), a.getMean(), a.getVariance(), b.getN(), b.getMean(), b.getVariance());
    TTest t = new TTest();
    assertEquals("welch_t", r.method());
    assertEquals(t.t(b, a), r.statistic(), 1e-12); // window − baseline
    assertEquals(t.tTest(b, a), r.pValue(), 1e-9);
    assertEquals(new Shift("mean", a.getMean(), b.getMean()), r.moved().get(0));
    assertEquals(Math.sqrt(b.getVariance()), r.moved().get(1).window(), 1e-15);
  }

  @Test
  void welchEdgeCases() {
    assertTrue(Double.isNaN(Drift.welch(1, 0.8, 0, 10, 0.7, 0.01).statistic()));
    Result flat = Drift.welch(5, 0.8, 0, 5, 0.8, 0);
    assertEquals(0, flat.statistic());
    assertEquals(1, flat.pValue());
    Result jump = Drift.welch(30, 0.8, 0, 30, 0.6, 0);
    assertEquals(Double.NEGATIVE_INFINITY, jump.statistic());
    assertEquals(0, jump.pValue());
    assertTrue(jump.fires(Drift.DEFAULT_WELCH_THRESHOLD));
    // Five scores that happen to agree closely: t is huge, but five values never fire.
    assertFalse(Drift.welch(29, 0.8, 0, 30, 0.6, 0).fires(Drift.DEFAULT_WELCH_THRESHOLD));
    Result few = Drift.welch(50, 0.8, 0.0144, 5, 0.95, 0.0001);
    assertTrue(few.statistic() > 8 && few.pValue() < 1e-6, few.toString());
    assertFalse(few.fires(Drift.DEFAULT_WELCH_THRESHOLD));
  }

  @Test
  void smallSamplesDoNotFireOnTheirNoise() {
    // 1 of 3 window values in a new category: PSI = .333·ln(.333/1e-4) + … ≈ 2.9, far above 0.2,
    // but with 3 values every cell's expected window count is under 5, so the χ² cells merge into
    // one and p = 1: a handful of values is no evidence.
    Result r = Drift.psi(Map.of("a", 300L, "b", 300L), Map.of("a", 1L, "b", 1L, "c", 1L));
    assertTrue(r.statistic() > 2.5, r.toString());
    assertEquals(1, r.pValue(), r.toString());
    assertFalse(r.fires(Drift.DEFAULT_PSI_THRESHOLD));
    Result big = Drift.psi(Map.of("a", 300L, "b", 300L), Map.of("a", 100L, "b", 100L, "c", 100L));
    assertTrue(big.fires(Drift.DEFAULT_PSI_THRESHOLD));
  }

  @Test
  void sparseCellsMergeBeforeTheChiSquareTest() {
    // Expected counts of c (3 · 201/404 = 1.5) and d (0.5) are under 5: largest rows first (b 210,
    // a 190), then c and d join a's cell → the 2×2 table b: 100 | 110, a+c+d: 103 | 91.
    Result r = Drift.psi(Map.of("a", 100L, "b", 100L, "c", 2L, "d", 1L), Map.of("a", 90L, "b", 110L, "c", 1L));
    double expected = new ChiSquareTest().chiSquareTestDataSetsComparison(new long[] {100, 103}, new long[] {110, 91});
    assertEquals(expected, r.pValue(), 1e-12);
    // Histograms merge neighbouring bins. b: ten 1s, ten 8s, one 1000 (21); w: two 1s, eighteen 8s
    // (20). Expected on the smaller side = row · 20/41: bin of 1 → 12 · .488 = 5.9, kept; bin of 8
    // → 13.7, kept; bin of 1000 → 0.49, joins the cell before it → 10 | 2 and 11 | 18.
    Histogram b = new Histogram().add(1, 10).add(8, 10).add(1000);
    Histogram w = new Histogram().add(1, 2).add(8, 18);
    double binned = new ChiSquareTest().chiSquareTestDataSetsComparison(new long[] {10, 11}, new long[] {2, 18});
    assertEquals(binned, Drift.psi(b, w).pValue(), 1e-12);
    // A window of 4 values: no cell reaches 5 expected, p = 1.
    assertEquals(1, Drift.js(b, Histogram.of(1, 8, 8, 1000)).pValue());
  }

  @Test
  void movedListsAtMostFiveLargestFirst() {
    // Counts move by −1 −2 −3 −4 +4 +5 +6 −5 out of 800: c6 (6), then c5 and c7 (5, lower index
    // first), then c3 and c4 (4); c0..c2 are left out.
    long[] base = {100, 100, 100, 100, 100, 100, 100, 100};
    long[] win = {99, 98, 97, 96, 104, 105, 106, 95};
    List<Shift> moved = Drift.topMoved(base, win, 800, 800, i -> "c" + i);
    assertEquals(List.of("c6", "c5", "c7", "c3", "c4"), moved.stream().map(Shift::name).toList());
    assertEquals(new Shift("c6", 0.125, 106 / 800.0), moved.get(0));
  }

  @Test
  void methodsParseAndHaveDefaults() {
    assertEquals(Method.KS, Method.parse(" KS"));
    assertEquals(0.2, Method.PSI.defaultThreshold());
    assertEquals("js", Method.JS.label());
    assertThrows(IllegalArgumentException.class, () -> Method.parse("kl"));
    assertThrows(IllegalArgumentException.class, () -> Method.parse(null));
  }
}
