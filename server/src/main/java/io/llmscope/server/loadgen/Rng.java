package io.llmscope.server.loadgen;

/**
 * SplitMix64: a tiny, fast generator whose output depends only on the seed (no JDK version drift),
 * plus table-driven samplers so no transcendental function runs on the hot path.
 */
final class Rng {
  private long state;

  Rng(long seed) {
    this.state = seed;
  }

  long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1). */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound), bound &gt; 0 (multiply-shift, bias below 2^-32). */
  int nextInt(int bound) {
    return (int) (((nextLong() >>> 32) * bound) >>> 32);
  }

  boolean chance(double p) {
    return nextDouble() < p;
  }

  /** Uniform in [lo, hi). */
  double between(double lo, double hi) {
    return lo + (hi - lo) * nextDouble();
  }

  /**
   * A distribution given by 4097 quantiles, sampled by linear interpolation; tails are cut at about
   * ±3.5 standard normal deviations. Built once with StrictMath, so samples are identical everywhere.
   */
  static final class Quantiles {
    private static final int M = 4096;
    private static final double[] Z = new double[M + 1];

    static {
      for (int i = 0; i <= M; i++) Z[i] = inverseNormal((i + 0.5) / (M + 1));
    }

    private final double[] q = new double[M + 1];

    private Quantiles() {}

    /** Log-normal with the given median and log-space standard deviation. */
    static Quantiles logNormal(double median, double sigma) {
      Quantiles d = new Quantiles();
      for (int i = 0; i <= M; i++) d.q[i] = median * StrictMath.exp(sigma * Z[i]);
      return d;
    }

    /** Normal with the given mean and standard deviation. */
    static Quantiles normal(double mean, double sd) {
      Quantiles d = new Quantiles();
      for (int i = 0; i <= M; i++) d.q[i] = mean + sd * Z[i];
      return d;
    }

    double sample(Rng rng) {
      double x = rng.nextDouble() * M;
      int i = (int) x;
      double f = x - i;
      return q[i] + f * (q[i + 1] - q[i]);
    }

    /** Acklam's rational approximation of the standard normal quantile (relative error &lt; 1.2e-9). */
    static double inverseNormal(double p) {
      final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
          1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
      final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
          6.680131188771972e+01, -1.328068155288572e+01};
      final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
          -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
      final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
          3.754408661907416e+00};
      final double low = 0.02425;
      if (p < low) {
        double q = StrictMath.sqrt(-2 * StrictMath.log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
      }
      if (p > 1 - low) {
        double q = StrictMath.sqrt(-2 * StrictMath.log(1 - p));
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
      }
      double q = p - 0.5;
      double r = q * q;
      return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
          / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
  }

  /** Weighted choice over indices 0..n-1 by cumulative weights and binary search. */
  static final class Weighted {
    private final double[] cumulative;

    Weighted(double... weights) {
      cumulative = new double[weights.length];
      double sum = 0;
      for (int i = 0; i < weights.length; i++) {
        if (!(weights[i] >= 0)) throw new IllegalArgumentException("negative weight");
        sum += weights[i];
        cumulative[i] = sum;
      }
      for (int i = 0; i < weights.length; i++) cumulative[i] /= sum;
      cumulative[weights.length - 1] = 1.0;
    }

    /** Zipf-like weights 1/(i+1)^s. */
    static Weighted zipf(int n, double s) {
      double[] w = new double[n];
      for (int i = 0; i < n; i++) w[i] = 1.0 / StrictMath.pow(i + 1, s);
      return new Weighted(w);
    }

    int size() {
      return cumulative.length;
    }

    int sample(Rng rng) {
      double u = rng.nextDouble();
      int lo = 0;
      int hi = cumulative.length - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cumulative[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    }
  }
}
