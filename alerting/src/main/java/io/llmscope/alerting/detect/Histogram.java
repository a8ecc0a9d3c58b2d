package io.llmscope.alerting.detect;

import java.util.Arrays;
import java.util.Locale;

/**
 * Counts of values in fixed log-scale bins, the same for every histogram so that two of them (or
 * their stored counts) compare bin by bin and merge by adding counts.
 *
 * <p>Bins, {@value #BINS} in all:
 *
 * <ul>
 *   <li>{@code 0}: values ≤ 0 (token counts of 0; negatives, which no measure should have, too);
 *   <li>{@code 1}: underflow {@code (0, 2^-20)};
 *   <li>{@code 2 … 241}: {@code [2^(k/4), 2^((k+1)/4))} for {@code k = −80 … 159}, i.e. from about
 *       1e-6 to 1.1e12 in steps of 19%. Costs in USD and durations in seconds sit below 1 and
 *       token counts and milliseconds above, so the range starts well below 1;
 *   <li>{@code 242}: overflow {@code [2^40, ∞)}.
 * </ul>
 *
 * NaN is not counted. Not thread-safe.
 */
public final class Histogram {
  /** The number of bins. */
  public static final int BINS = 243;

  private static final int STEPS_PER_OCTAVE = 4;
  private static final int FIRST_K = -80;
  private static final int LAST_K = 160; // exclusive: the overflow bin starts at 2^(160/4)
  /** EDGES[i] = 2^((FIRST_K + i)/4), the lower edge of bin i + 2. */
  private static final double[] EDGES = new double[LAST_K - FIRST_K + 1];

  static {
    for (int i = 0; i < EDGES.length; i++) EDGES[i] = Math.pow(2, (FIRST_K + i) / (double) STEPS_PER_OCTAVE);
  }

  private final long[] counts = new long[BINS];
  private long total;

  /** An empty histogram. */
  public Histogram() {}

  /** A histogram of the values (NaN skipped). */
  public static Histogram of(double... values) {
    Histogram h = new Histogram();
    for (double v : values) h.add(v);
    return h;
  }

  /**
   * A histogram from per-bin counts, e.g. stored ones.
   *
   * @throws IllegalArgumentException unless there are {@value #BINS} counts, all ≥ 0
   */
  public static Histogram ofCounts(long[] counts) {
    if (counts.length != BINS) throw new IllegalArgumentException("a histogram has " + BINS + " bins, got " + counts.length);
    Histogram h = new Histogram();
    for (int i = 0; i < BINS; i++) h.addToBin(i, counts[i]);
    return h;
  }

  /** Counts one value (NaN is skipped); returns this. */
  public Histogram add(double value) {
    return add(value, 1);
  }

  /** Counts a value {@code count} times (NaN is skipped); returns this. */
  public Histogram add(double value, long count) {
    int bin = binOf(value);
    if (bin >= 0) addToBin(bin, count);
    return this;
  }

  /** Adds the other histogram's counts to this one; returns this. */
  public Histogram merge(Histogram other) {
    for (int i = 0; i < BINS; i++) addToBin(i, other.counts[i]);
    return this;
  }

  /** The number of values counted. */
  public long count() {
    return total;
  }

  /** The count in one bin. */
  public long count(int bin) {
    return counts[bin];
  }

  /** A copy of the per-bin counts. */
  public long[] counts() {
    return counts.clone();
  }

  /** The bin a value falls in, or −1 for NaN. */
  public static int binOf(double value) {
    if (Double.isNaN(value)) return -1;
    if (value <= 0) return 0;
    if (value < EDGES[0]) return 1;
    if (value >= EDGES[EDGES.length - 1]) return BINS - 1;
    int i = Arrays.binarySearch(EDGES, value);
    return 2 + (i >= 0 ? i : -i - 2);
  }

  /** The inclusive lower edge of a bin ({@code −∞} for bin 0, 0 for the underflow bin). */
  public static double lowerEdge(int bin) {
    checkBin(bin);
    if (bin == 0) return Double.NEGATIVE_INFINITY;
    if (bin == 1) return 0;
    return EDGES[bin - 2];
  }

  /** The exclusive upper edge of a bin (0 for bin 0, which holds 0 itself; {@code ∞} for overflow). */
  public static double upperEdge(int bin) {
    checkBin(bin);
    if (bin == 0) return 0;
    if (bin == BINS - 1) return Double.POSITIVE_INFINITY;
    return EDGES[bin - 1];
  }

  /** A readable name of a bin for alert text, e.g. {@code [724.1, 861.1)}, {@code ≤0}, {@code ≥1.1e+12}. */
  public static String label(int bin) {
    checkBin(bin);
    if (bin == 0) return "≤0";
    if (bin == BINS - 1) return "≥" + format(lowerEdge(bin));
    if (bin == 1) return "(0, " + format(upperEdge(bin)) + ")";
    return "[" + format(lowerEdge(bin)) + ", " + format(upperEdge(bin)) + ")";
  }

  static String format(double v) {
    String s = String.format(Locale.ROOT, "%.4g", v);
    int e = s.indexOf('e');
    String mantissa = e < 0 ? s : s.substring(0, e);
    if (mantissa.indexOf('.') >= 0) mantissa = mantissa.replaceFirst("\\.?0+$", "");
    return e < 0 ? mantissa : mantissa + s.substring(e);
  }

  private void addToBin(int bin, long count) {
    if (count < 0) throw new IllegalArgumentException("a count must be ≥ 0, got " + count);
    counts[bin] += count;
    total += count;
  }

  private static void checkBin(int bin) {
    if (bin < 0 || bin >= BINS) throw new IllegalArgumentException("bin " + bin + " is not in [0, " + BINS + ")");
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Histogram{n=").append(total);
    for (int i = 0; i < BINS; i++) if (counts[i] > 0) sb.append(", ").append(label(i)).append('=').append(counts[i]);
    return sb.append('}').toString();
  }
}
