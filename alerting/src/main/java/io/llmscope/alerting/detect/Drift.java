package io.llmscope.alerting.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntFunction;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The drift detectors: a window's distribution against a baseline's.
 *
 * <ul>
 *   <li><b>PSI</b>, population stability index, {@code Σ (w − b) · ln(w / b)} over the bins or
 *       categories either side has, with {@code b}, {@code w} the baseline and window shares. A share
 *       of 0 is replaced by {@value #EPSILON} inside the logarithm and the difference (not
 *       renormalised): without it one empty bin makes PSI infinite; with it an appearing or vanishing
 *       bin of share {@code s} adds about {@code s · ln(s / 1e-4)}, i.e. 0.46 for 10%. Rules of thumb:
 *       under 0.1 stable, 0.1–0.25 moderate, above 0.25 a major shift.
 *   <li><b>JS</b>, Jensen-Shannon divergence in bits: {@code ½ KL(b ‖ m) + ½ KL(w ‖ m)},
 *       {@code m = (b + w) / 2}; in [0, 1], finite without smoothing. For small shifts JS ≈ PSI / 5.5.
 *   <li>Their p-value is Pearson's χ² test of homogeneity of the two count vectors (df = cells − 1),
 *       after merging cells whose expected count is under 5 (neighbouring bins; the smallest
 *       categories together): how likely a difference this large is from sampling alone.
 *   <li>Content (n-gram profiles) has no p-value: the grams of one text are not independent draws,
 *       and a χ² over thousands of buckets scaled down to texts has no power. Instead each profile
 *       keeps its alternate texts apart, and the divergence between the two halves of a side
 *       estimates its sampling noise (halves of n/2 texts diverge about 4× as much as the side's
 *       own noise): {@code noise = (D(baseline halves) + D(window halves)) / 4}, and a content
 *       result fires only when the divergence beats the threshold by twice that.
 *   <li><b>KS</b>, the two-sample Kolmogorov-Smirnov statistic {@code D = sup |F_b − F_w|} with the
 *       asymptotic p-value {@code Q_KS(D · √(n·m / (n + m)))}.
 *   <li><b>Welch's t</b> of the difference of means (window − baseline), two-sided p-value with
 *       Welch-Satterthwaite degrees of freedom.
 * </ul>
 *
 * Every {@link Result} names the method, the statistic, the p-value when there is one, the sample
 * sizes and the bins or values that moved most ({@link Shift}), so an alert can say what changed;
 * {@link Result#fires} applies the threshold and the significance gates. The defaults were checked
 * on planted drifts ({@code DetectorBenchmarkTest}): every planted drift found, no alarm on the
 * control groups over 8 days of hourly windows.
 */
public final class Drift {
  /** Share substituted for an empty bin in PSI. */
  public static final double EPSILON = 1e-4;
  /**
   * A result fires only when its p-value (if it has one) is below this: see {@link Result#fires}.
   * A rule tests every group every window, so 0.001 would still fire about once a day per 40 hourly
   * groups on noise alone.
   */
  public static final double ALPHA = 1e-4;
  /**
   * A result fires only when both sides have at least this many values. Welch's t on fewer, skewed
   * scores (bounded at 1) is anti-conservative: at 10 the benchmark's controls still fired.
   */
  public static final int MIN_COUNT = 30;
  /** Content results need this many texts on each side to estimate their noise, else never fire. */
  public static final int MIN_TEXTS = 50;
  /** Default PSI threshold (between "moderate" and "major" in the usual reading). */
  public static final double DEFAULT_PSI_THRESHOLD = 0.2;
  /** Default JS threshold in bits (about PSI 0.2 for a small shift). */
  public static final double DEFAULT_JS_THRESHOLD = 0.04;
  /** Default KS threshold on D. */
  public static final double DEFAULT_KS_THRESHOLD = 0.1;
  /** Default threshold on |t| for Welch's test of score means. */
  public static final double DEFAULT_WELCH_THRESHOLD = 4.0;
  /** How many moved bins or categories a result lists. */
  public static final int TOP_MOVED = 5;

  private static final double LN2 = Math.log(2);
  private static final double MIN_EXPECTED = 5;
  private static final int[] BIN_ORDER = identity(Histogram.BINS);
  private static final int[] NGRAM_ORDER = identity(NgramProfile.BUCKETS);

  private Drift() {}

  /** The comparison a drift rule asks for ({@code method}). */
  public enum Method {
    /** Population stability index. */
    PSI,
    /** Jensen-Shannon divergence (bits). */
    JS,
    /** Two-sample Kolmogorov-Smirnov. */
    KS;

    /** The rule's spelling ({@code psi}, {@code js}, {@code ks}, any case). */
    public static Method parse(String text) {
      if (text != null) {
        for (Method m : values()) if (m.label().equals(text.trim().toLowerCase(Locale.ROOT))) return m;
      }
      throw new IllegalArgumentException("drift method '" + text + "' is not one of psi, js, ks");
    }

    /** The rule's spelling. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** This method's default threshold. */
    public double defaultThreshold() {
      switch (this) {
        case PSI: return DEFAULT_PSI_THRESHOLD;
        case JS: return DEFAULT_JS_THRESHOLD;
        default: return DEFAULT_KS_THRESHOLD;
      }
    }
  }

  /**
   * What moved: a bin, category, n-gram bucket or summary value, before and after.
   *
   * <p>For PSI and JS {@code baseline}/{@code window} are shares in [0, 1] and {@code name} the bin
   * label ({@link Histogram#label}), the category, or an example n-gram in quotes. For KS on values
   * the first entry is {@code cdf@X}, the two CDFs where they differ most, then {@code p10},
   * {@code p50}, {@code p90} with each side's quantile. For Welch {@code mean} and {@code stddev}.
   */
  public record Shift(String name, double baseline, double window) {
    /** {@code window − baseline}. */
    public double change() {
      return window - baseline;
    }
  }

  /**
   * One comparison.
   *
   * @param method {@code psi}, {@code js}, {@code ks} or {@code welch_t}
   * @param statistic the divergence, D, or t; NaN when a side is empty (or, for Welch, has fewer
   *     than 2 values)
   * @param pValue the p-value, or NaN when the method has none (content)
   * @param noise content only: the divergence sampling alone would give, estimated from split halves
   *     (see {@link Drift}); +∞ with fewer than {@value Drift#MIN_TEXTS} texts on a side; NaN for
   *     everything else
   * @param baselineCount values in the baseline (texts for content)
   * @param windowCount values in the window (texts for content)
   * @param moved what moved most, largest change first (at most {@value Drift#TOP_MOVED} for bins)
   */
  public record Result(
      String method,
      double statistic,
      double pValue,
      double noise,
      long baselineCount,
      long windowCount,
      List<Shift> moved) {
    Result(String method, double statistic, double pValue, long baselineCount, long windowCount, List<Shift> moved) {
      this(method, statistic, pValue, Double.NaN, baselineCount, windowCount, moved);
    }

    /**
     * Whether this result should fire: {@code |statistic| > threshold} (for content,
     * {@code statistic − 2·noise > threshold}), the p-value, when there is one, below {@value
     * Drift#ALPHA}, and at least {@value Drift#MIN_COUNT} values on each side. A small window whose
     * divergence is large by sampling noise alone does not fire; nor does Welch's t on a handful of
     * scores whose spread is small by chance (it then trusts a tiny variance). Content needs
     * {@value Drift#MIN_TEXTS} texts a side besides (see {@link #noise}). NaN statistics never
     * fire.
     */
    public boolean fires(double threshold) {
      return excess() > threshold;
    }

    /** What {@link #fires} compares with the threshold; −∞ when a gate (p-value, counts) fails. */
    double excess() {
      if (pValue >= ALPHA || Math.min(baselineCount, windowCount) < MIN_COUNT || Double.isNaN(statistic)) {
        return Double.NEGATIVE_INFINITY;
      }
      return Math.abs(statistic) - (Double.isNaN(noise) ? 0 : 2 * noise);
    }
  }

  // ---- numeric histograms -------------------------------------------------------------------

  /** PSI of two histograms. */
  public static Result psi(Histogram baseline, Histogram window) {
    return binned(Method.PSI, baseline.counts(), window.counts(), Histogram::label, BIN_ORDER);
  }

  /** Jensen-Shannon divergence (bits) of two histograms. */
  public static Result js(Histogram baseline, Histogram window) {
    return binned(Method.JS, baseline.counts(), window.counts(), Histogram::label, BIN_ORDER);
  }

  /**
   * KS of two histograms: D is taken at bin edges, so it is at most the D of the raw values (binning
   * can hide a gap inside a bin, never invent one); moved lists the bins whose shares moved most.
   */
  public static Result ks(Histogram baseline, Histogram window) {
    long[] a = baseline.counts();
    long[] b = window.counts();
    long na = baseline.count();
    long nb = window.count();
    if (na == 0 || nb == 0) return empty("ks", na, nb);
    double d = 0;
    long ca = 0;
    long cb = 0;
    for (int i = 0; i < a.length; i++) {
      ca += a[i];
      cb += b[i];
      d = Math.max(d, Math.abs((double) ca / na - (double) cb / nb));
    }
    return new Result("ks", d, ksPValue(d, na, nb), na, nb, topMoved(a, b, na, nb, Histogram::label));
  }

  /** PSI, JS or KS of two histograms. */
  public static Result compare(Method method, Histogram baseline, Histogram window) {
    switch (method) {
      case PSI: return psi(baseline, window);
      case JS: return js(baseline, window);
      default: return ks(baseline, window);
    }
  }

  // ---- categorical mixes --------------------------------------------------------------------

  /** PSI of two categorical mixes (counts per category) over the union of their categories. */
  public static Result psi(Map<String, Long> baseline, Map<String, Long> window) {
    return categorical(Method.PSI, baseline, window);
  }

  /** Jensen-Shannon divergence (bits) of two categorical mixes. */
  public static Result js(Map<String, Long> baseline, Map<String, Long> window) {
    return categorical(Method.JS, baseline, window);
  }

  /**
   * PSI or JS of two categorical mixes; null keys and null counts are not allowed.
   *
   * @throws IllegalArgumentException for KS (categories have no order) or a negative count
   */
  public static Result compare(Method method, Map<String, Long> baseline, Map<String, Long> window) {
    return categorical(method, baseline, window);
  }

  private static Result categorical(Method method, Map<String, Long> baseline, Map<String, Long> window) {
    if (method == Method.KS) {
      throw new IllegalArgumentException("ks compares ordered values; use psi or js for a categorical field");
    }
    TreeSet<String> names = new TreeSet<>(baseline.keySet());
    names.addAll(window.keySet());
    String[] labels = names.toArray(new String[0]);
    long[] a = new long[labels.length];
    long[] b = new long[labels.length];
    for (int i = 0; i < labels.length; i++) {
      a[i] = count(baseline.get(labels[i]), labels[i]);
      b[i] = count(window.get(labels[i]), labels[i]);
    }
    return binned(method, a, b, i -> labels[i], byTotalDescending(a, b));
  }

  private static long count(Long c, String name) {
    if (c == null) return 0;
    if (c < 0) throw new IllegalArgumentException("count of '" + name + "' must be ≥ 0, got " + c);
    return c;
  }

  // ---- content ------------------------------------------------------------------------------

  /** PSI of two n-gram profiles. */
  public static Result psi(NgramProfile baseline, NgramProfile window) {
    return content(Method.PSI, baseline, window);
  }

  /** Jensen-Shannon divergence (bits) of two n-gram profiles. */
  public static Result js(NgramProfile baseline, NgramProfile window) {
    return content(Method.JS, baseline, window);
  }

  /** PSI or JS of two n-gram profiles; KS is refused (buckets have no order). */
  public static Result compare(Method method, NgramProfile baseline, NgramProfile window) {
    return content(method, baseline, window);
  }

  private static Result content(Method method, NgramProfile baseline, NgramProfile window) {
    if (method == Method.KS) throw new IllegalArgumentException("ks compares ordered values; use psi or js for content");
    long[] a = baseline.countsView();
    long[] b = window.countsView();
    long ga = baseline.total();
    long gb = window.total();
    String name = method.label();
    if (ga == 0 || gb == 0) return empty(name, baseline.texts(), window.texts());
    IntFunction<String> label = i -> {
      String g = baseline.example(i);
      if (g == null) g = window.example(i);
      return "\"" + g + "\"";
    };
    double stat = divergence(method, a, b, ga, gb);
    double noise = Double.POSITIVE_INFINITY;
    if (Math.min(baseline.texts(), window.texts()) >= MIN_TEXTS) noise = (halves(method, baseline) + halves(method, window)) / 4;
    return new Result(name, stat, Double.NaN, noise, baseline.texts(), window.texts(), topMoved(a, b, ga, gb, label));
  }

  /** The divergence between a profile's two halves (alternate texts). */
  private static double halves(Method method, NgramProfile p) {
    long odd = p.oddTotal();
    long even = p.total() - odd;
    if (odd == 0 || even == 0) return Double.POSITIVE_INFINITY;
    return divergence(method, p.evenCounts(), p.oddCountsView(), even, odd);
  }

  private static double divergence(Method method, long[] a, long[] b, long na, long nb) {
    return method == Method.PSI ? psi(a, b, na, nb) : js(a, b, na, nb);
  }

  // ---- raw values and summaries -------------------------------------------------------------

  /**
   * Two-sample Kolmogorov-Smirnov of raw values (non-finite values skipped), asymptotic p-value.
   * Ties are handled: D is only taken after every copy of a value has been passed on both sides.
   */
  public static Result ks(double[] baseline, double[] window) {
    double[] a = Anomaly.finite(baseline);
    double[] b = Anomaly.finite(window);
    Arrays.sort(a);
    Arrays.sort(b);
    int n = a.length;
    int m = b.length;
    if (n == 0 || m == 0) return empty("ks", n, m);
    int i = 0;
    int j = 0;
    double d = 0;
    double at = Double.NaN;
    double fa = 0;
    double fb = 0;
    while (i < n && j < m) {
      double x = Math.min(a[i], b[j]);
      while (i < n && a[i] == x) i++;
      while (j < m && b[j] == x) j++;
      double gap = Math.abs((double) i / n - (double) j / m);
      if (gap > d) {
        d = gap;
        at = x;
        fa = (double) i / n;
        fb = (double) j / m;
      }
    }
    List<Shift> moved = new ArrayList<>();
    if (d > 0) moved.add(new Shift("cdf@" + Histogram.format(at), fa, fb));
    for (double q : new double[] {0.1, 0.5, 0.9}) {
      moved.add(new Shift("p" + Math.round(q * 100), quantile(a, q), quantile(b, q)));
    }
    return new Result("ks", d, ksPValue(d, n, m), n, m, List.copyOf(moved));
  }

  /**
   * Welch's t test of window mean − baseline mean from summaries (sample variances, n − 1 divisor).
   * With fewer than 2 values on a side the statistic is NaN; with both variances 0 it is 0 (p = 1)
   * for equal means and ±∞ (p = 0) otherwise.
   */
  public static Result welch(
      long baselineN, double baselineMean, double baselineVariance, long windowN, double windowMean, double windowVariance) {
    List<Shift> moved = List.of(
        new Shift("mean", baselineMean, windowMean),
        new Shift("stddev", Math.sqrt(baselineVariance), Math.sqrt(windowVariance)));
    if (baselineN < 2 || windowN < 2) return new Result("welch_t", Double.NaN, Double.NaN, baselineN, windowN, moved);
    double va = baselineVariance / baselineN;
    double vb = windowVariance / windowN;
    double diff = windowMean - baselineMean;
    double se = Math.sqrt(va + vb);
    if (se == 0) {
      double t = diff == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, diff);
      return new Result("welch_t", t, diff == 0 ? 1 : 0, baselineN, windowN, moved);
    }
    double t = diff / se;
    double df = (va + vb) * (va + vb) / (va * va / (baselineN - 1) + vb * vb / (windowN - 1));
    double p = 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(t));
    return new Result("welch_t", t, Math.min(1, p), baselineN, windowN, moved);
  }

  // ---- the shared arithmetic ----------------------------------------------------------------

  /** PSI or JS, with the χ² p-value, of two aligned count vectors of values. */
  static Result binned(Method method, long[] a, long[] b, IntFunction<String> label, int[] chiOrder) {
    long na = sum(a);
    long nb = sum(b);
    String name = method.label();
    if (na == 0 || nb == 0) return empty(name, na, nb);
    double stat = divergence(method, a, b, na, nb);
    double p = chiSquarePValue(a, b, chiOrder);
    return new Result(name, stat, p, na, nb, topMoved(a, b, na, nb, label));
  }

  static long sum(long[] counts) {
    long n = 0;
    for (long c : counts) n += c;
    return n;
  }

  static double psi(long[] a, long[] b, long na, long nb) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] == 0 && b[i] == 0) continue;
      double p = Math.max((double) a[i] / na, EPSILON);
      double q = Math.max((double) b[i] / nb, EPSILON);
      sum += (q - p) * Math.log(q / p);
    }
    return sum;
  }

  static double js(long[] a, long[] b, long na, long nb) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] == 0 && b[i] == 0) continue;
      double p = (double) a[i] / na;
      double q = (double) b[i] / nb;
      double m = (p + q) / 2;
      if (p > 0) sum += p * Math.log(p / m);
      if (q > 0) sum += q * Math.log(q / m);
    }
    return Math.max(0, Math.min(1, sum / 2 / LN2));
  }

  /**
   * Pearson's χ² test that both count vectors come from one distribution. Cells whose expected
   * count on the smaller side is under 5 are first merged with the following ones, in {@code order}
   * (Cochran's rule: the χ² approximation fails on sparse cells — one value in a new bin of a
   * 3-value window would otherwise score χ² ≈ 200). 1 when fewer than 2 cells remain.
   */
  static double chiSquarePValue(long[] a, long[] b, int[] order) {
    double na = sum(a);
    double nb = sum(b);
    double n = na + nb;
    double smaller = Math.min(na, nb) / n;
    double chi = 0;
    int cells = 0;
    double accA = 0;
    double accB = 0;
    double lastA = 0;
    double lastB = 0;
    for (int i : order) {
      accA += a[i];
      accB += b[i];
      if ((accA + accB) * smaller >= MIN_EXPECTED) {
        if (cells > 0) chi += chiTerm(lastA, lastB, na, nb, n);
        lastA = accA;
        lastB = accB;
        cells++;
        accA = 0;
        accB = 0;
      }
    }
    // The sparse remainder joins the last full cell.
    lastA += accA;
    lastB += accB;
    if (cells < 2) return 1;
    chi += chiTerm(lastA, lastB, na, nb, n);
    return Math.max(0, 1 - new ChiSquaredDistribution(null, cells - 1).cumulativeProbability(chi));
  }

  private static double chiTerm(double a, double b, double na, double nb, double n) {
    double ea = (a + b) * (na / n);
    double eb = (a + b) * (nb / n);
    return (a - ea) * (a - ea) / ea + (b - eb) * (b - eb) / eb;
  }

  /** Indices in order (bins: their natural order, so merged cells are neighbouring bins). */
  static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    return order;
  }

  /** Indices by total count, largest first, so sparse categories merge into one "other" cell. */
  static int[] byTotalDescending(long[] a, long[] b) {
    return java.util.stream.IntStream.range(0, a.length)
        .boxed()
        .sorted((x, y) -> Long.compare(a[y] + b[y], a[x] + b[x]))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /** The bins whose shares moved most, largest first, ties to the lower index. */
  static List<Shift> topMoved(long[] a, long[] b, long na, long nb, IntFunction<String> label) {
    int[] top = new int[TOP_MOVED];
    double[] size = new double[TOP_MOVED];
    int filled = 0;
    for (int i = 0; i < a.length; i++) {
      double change = Math.abs((double) b[i] / nb - (double) a[i] / na);
      if (change == 0) continue;
      if (filled == TOP_MOVED && change <= size[filled - 1]) continue;
      int pos = filled == TOP_MOVED ? filled - 1 : filled++;
      while (pos > 0 && size[pos - 1] < change) {
        top[pos] = top[pos - 1];
        size[pos] = size[pos - 1];
        pos--;
      }
      top[pos] = i;
      size[pos] = change;
    }
    List<Shift> out = new ArrayList<>(filled);
    for (int k = 0; k < filled; k++) {
      int i = top[k];
      out.add(new Shift(label.apply(i), (double) a[i] / na, (double) b[i] / nb));
    }
    return List.copyOf(out);
  }

  /**
   * The asymptotic two-sample KS p-value {@code Q_KS(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²)},
   * {@code λ = D √(n·m/(n+m))}; for small λ the equivalent Jacobi-theta series converges faster.
   */
  static double ksPValue(double d, long n, long m) {
    double lambda = d * Math.sqrt((double) n * m / ((double) n + m));
    if (lambda <= 0) return 1;
    if (lambda < 1.18) {
      // 1 − Q_KS(λ) = √(2π)/λ · Σ_{k≥1} e^(−(2k−1)²π²/(8λ²))
      double c = -Math.PI * Math.PI / (8 * lambda * lambda);
      double sum = 0;
      for (int k = 1; k <= 20; k++) sum += Math.exp((2 * k - 1) * (2 * k - 1) * c);
      return Math.max(0, Math.min(1, 1 - Math.sqrt(2 * Math.PI) / lambda * sum));
    }
    double sum = 0;
    for (int k = 1; k <= 100; k++) {
      double term = Math.exp(-2.0 * k * k * lambda * lambda);
      sum += (k % 2 == 1) ? term : -term;
      if (term < 1e-17) break;
    }
    return Math.max(0, Math.min(1, 2 * sum));
  }

  /** Nearest-rank quantile of sorted values. */
  static double quantile(double[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static Result empty(String method, long na, long nb) {
    return new Result(method, Double.NaN, Double.NaN, na, nb, List.of());
  }
}
