package io.llmscope.query;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

/**
 * The significance tests of {@code /api/v1/compare}, each with a 95% confidence interval of the
 * difference b − a: Welch's t for means, Mann-Whitney U for percentiles (their interval from the
 * distribution-free order-statistic interval of each quantile), the two-proportion z test for rates.
 */
final class CompareTests {
  static final double Z975 = new NormalDistribution().inverseCumulativeProbability(0.975);
  private static final NormalDistribution NORMAL = new NormalDistribution();

  private CompareTests() {}

  /** A test's outcome; {@code ciLow}/{@code ciHigh} bound b − a. */
  record Outcome(String test, double statistic, double pValue, double ciLow, double ciHigh) {}

  /** Welch's unequal-variance t test of mean(b) − mean(a); null with fewer than 2 values in a cohort. */
  static Outcome welch(double[] a, double[] b) {
    if (a.length < 2 || b.length < 2) return null;
    double ma = mean(a);
    double mb = mean(b);
    double va = variance(a, ma) / a.length;
    double vb = variance(b, mb) / b.length;
    double diff = mb - ma;
    double se = Math.sqrt(va + vb);
    if (se == 0) return new Outcome("welch_t", diff == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, diff), diff == 0 ? 1 : 0, diff, diff);
    double t = diff / se;
    double df = (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
    TDistribution dist = new TDistribution(df);
    double p = 2 * dist.cumulativeProbability(-Math.abs(t));
    double half = dist.inverseCumulativeProbability(0.975) * se;
    return new Outcome("welch_t", t, p, diff - half, diff + half);
  }

  /**
   * Mann-Whitney U (normal approximation with tie correction, two-sided) of the two samples, with
   * an interval for quantile(b) − quantile(a): each quantile's 95% order-statistic interval turned
   * into a standard error, combined as for independent estimates.
   */
  static Outcome mannWhitney(double[] a, double[] b, double q) {
    if (a.length < 2 || b.length < 2) return null;
    MannWhitneyUTest test = new MannWhitneyUTest();
    double u = test.mannWhitneyU(a, b);
    double p = test.mannWhitneyUTest(a, b);
    double[] sa = a.clone();
    double[] sb = b.clone();
    Arrays.sort(sa);
    Arrays.sort(sb);
    double diff = quantile(sb, q) - quantile(sa, q);
    double se = Math.hypot(quantileSe(sa, q), quantileSe(sb, q));
    return new Outcome("mann_whitney_u", u, p, diff - Z975 * se, diff + Z975 * se);
  }

  /** The two-proportion z test of rate(b) − rate(a) (pooled for the test, Wald for the interval). */
  static Outcome twoProportions(long xa, long na, long xb, long nb) {
    if (na == 0 || nb == 0) return null;
    double pa = (double) xa / na;
    double pb = (double) xb / nb;
    double pooled = (double) (xa + xb) / (na + nb);
    double sePooled = Math.sqrt(pooled * (1 - pooled) * (1.0 / na + 1.0 / nb));
    double diff = pb - pa;
    double z = sePooled == 0 ? 0 : diff / sePooled;
    double p = sePooled == 0 ? 1 : 2 * NORMAL.cumulativeProbability(-Math.abs(z));
    double se = Math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb);
    return new Outcome("two_proportion_z", z, p, diff - Z975 * se, diff + Z975 * se);
  }

  /** The nearest-rank quantile of sorted values, as the query's exact quantiles are. */
  static double quantile(double[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** Half the 95% order-statistic interval of a quantile (ranks n·q ± z·√(n·q·(1−q))), over z. */
  private static double quantileSe(double[] sorted, double q) {
    int n = sorted.length;
    double spread = Z975 * Math.sqrt(n * q * (1 - q));
    int lo = (int) Math.max(0, Math.floor(n * q - spread) - 1);
    int hi = (int) Math.min(n - 1, Math.ceil(n * q + spread) - 1);
    return (sorted[hi] - sorted[lo]) / (2 * Z975);
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return s / v.length;
  }

  /** The sample variance (n − 1 in the denominator). */
  static double variance(double[] v, double mean) {
    double s = 0;
    for (double x : v) s += (x - mean) * (x - mean);
    return s / (v.length - 1);
  }
}
