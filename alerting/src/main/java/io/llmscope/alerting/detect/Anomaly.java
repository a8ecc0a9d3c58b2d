package io.llmscope.alerting.detect;

import java.util.Arrays;
import java.util.Locale;

/**
 * The anomaly detector: a robust z-score of the current window against the same window at the
 * same time of day on previous days.
 *
 * <p>{@code z = (current − median) / scale}, where {@code median} is the median of the baseline
 * and {@code scale} estimates the baseline's standard deviation:
 *
 * <ol>
 *   <li>{@code 1.4826 · MAD} (median absolute deviation from the median; 1.4826 makes it σ for
 *       normal noise) — the robust z-score;
 *   <li>but never less than {@code 1.2533 · mean absolute deviation} from the median (√(π/2), σ
 *       for normal noise). With seven baseline days one of the seven deviations is the median's
 *       own zero, and the MAD is then the third smallest of the other six: it collapses towards 0
 *       by chance so often that plain MAD z-scores exceed 3 on 4.7% of pure-noise windows and
 *       exceed 10 on 0.25% (Monte Carlo, normal noise). The mean absolute deviation is far
 *       steadier; taking the larger cuts those rates 2.5× at 3 and 20× at 8. It also covers
 *       MAD = 0 (most days identical). One outlier day in the baseline raises it by at most 1/n of
 *       its excess, so a repeat of yesterday's incident still scores high;
 *   <li>and never less than a relative floor {@code max(0.05·|median|, 1e-9)}: on a flat baseline
 *       (both deviations 0, or float jitter) a real jump still gets a finite, large z while a
 *       move of under {@code sensitivity × 5%} of the level does not fire, and 0 → 0 scores 0.
 * </ol>
 *
 * <p>Non-finite baseline values (NaN = no data that day) are skipped. With fewer than {@value
 * #MIN_BASELINE} values left the outcome never fires ({@link Fallback#INSUFFICIENT_HISTORY}).
 * {@code minValue} keeps negligible levels quiet: an anomaly fires only when the level it is about
 * reaches {@code minValue} — the current value for a rise, the baseline median for a drop (a drop
 * to zero from a level that matters is what a {@code down} rule is for).
 */
public final class Anomaly {
  /**
   * The default {@code sensitivity} (robust z-score threshold). Seven baseline values make even a
   * good scale estimate uncertain, so the usual 3 fires on noise: on the benchmark's hourly spend
   * ({@code DetectorBenchmarkTest}) 3 gave 0.83 noise alarms per group and day (seed 42), 5 gave
   * 0.08 and 6 gives 0.026 (30 seeds), while planted ×2.5 spikes, ×1.8 level shifts and ×0.1
   * outages score |z| ≥ 16. (With the plain MAD scale 6 would give 0.12 per group and day.)
   */
  public static final double DEFAULT_SENSITIVITY = 6.0;
  /** Fewer usable baseline values than this never fire. */
  public static final int MIN_BASELINE = 3;

  static final double MAD_TO_SIGMA = 1.4826;
  static final double MEAN_AD_TO_SIGMA = 1.2533;
  static final double RELATIVE_FLOOR = 0.05;
  static final double ABSOLUTE_FLOOR = 1e-9;

  private Anomaly() {}

  /** Which estimate set the scale, or why nothing was scored. */
  public enum Fallback {
    /** {@code 1.4826 · MAD}: the plain robust z-score. */
    NONE,
    /** {@code 1.2533 · mean absolute deviation}: it exceeded {@code 1.4826 · MAD} (always so when the MAD is 0). */
    MEAN_ABSOLUTE_DEVIATION,
    /** {@code max(0.05·|median|, 1e-9)}: the baseline was (nearly) flat. */
    RELATIVE_FLOOR,
    /** Fewer than {@value Anomaly#MIN_BASELINE} usable baseline values: not scored, never fires. */
    INSUFFICIENT_HISTORY;

    /** Lower-case name for APIs and alert annotations, e.g. {@code insufficient_history}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One scored window.
   *
   * @param fires whether the rule's condition holds for this window
   * @param current the window's value
   * @param zScore {@code (current − median) / scale}; NaN when not scored (short history, NaN current)
   * @param median median of the baseline values used (NaN when there are none)
   * @param mad median absolute deviation from the median (unscaled; NaN when there are none)
   * @param scale the σ estimate that divided the deviation (NaN when not scored)
   * @param baseline the finite baseline values used, in the caller's order (a copy)
   * @param fallback which estimate set {@code scale}
   */
  public record Outcome(
      boolean fires,
      double current,
      double zScore,
      double median,
      double mad,
      double scale,
      double[] baseline,
      Fallback fallback) {}

  /**
   * Scores {@code current} against {@code baseline}.
   *
   * @param current the metric over the window being evaluated; NaN never fires
   * @param baseline the same window at the same time of day on each previous day; NaN entries
   *     (no data that day) are skipped
   * @param direction which side fires
   * @param sensitivity the z-score that must be exceeded (strictly), &gt; 0
   * @param minValue the level below which nothing fires (see the class comment); use 0 or
   *     {@code Double.NEGATIVE_INFINITY} for none
   */
  public static Outcome score(
      double current, double[] baseline, Direction direction, double sensitivity, double minValue) {
    if (direction == null) throw new IllegalArgumentException("direction is missing");
    if (!(sensitivity > 0) || Double.isInfinite(sensitivity)) {
      throw new IllegalArgumentException("sensitivity must be a positive number, got " + sensitivity);
    }
    if (Double.isNaN(minValue)) throw new IllegalArgumentException("minValue must be a number");
    double[] used = finite(baseline);
    int n = used.length;
    double median = n == 0 ? Double.NaN : median(used.clone());
    double mad = Double.NaN;
    double meanAd = Double.NaN;
    if (n > 0) {
      double[] dev = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        dev[i] = Math.abs(used[i] - median);
        sum += dev[i];
      }
      mad = median(dev);
      meanAd = sum / n;
    }
    if (n < MIN_BASELINE) {
      return new Outcome(false, current, Double.NaN, median, mad, Double.NaN, used, Fallback.INSUFFICIENT_HISTORY);
    }
    double scale = MAD_TO_SIGMA * mad;
    Fallback fallback = Fallback.NONE;
    if (MEAN_AD_TO_SIGMA * meanAd > scale) {
      scale = MEAN_AD_TO_SIGMA * meanAd;
      fallback = Fallback.MEAN_ABSOLUTE_DEVIATION;
    }
    double floor = Math.max(RELATIVE_FLOOR * Math.abs(median), ABSOLUTE_FLOOR);
    if (floor > scale) {
      scale = floor;
      fallback = Fallback.RELATIVE_FLOOR;
    }
    if (Double.isNaN(current)) {
      return new Outcome(false, current, Double.NaN, median, mad, scale, used, fallback);
    }
    double z = (current - median) / scale;
    boolean up = z > sensitivity && direction != Direction.DOWN && current >= minValue;
    boolean down = z < -sensitivity && direction != Direction.UP && median >= minValue;
    return new Outcome(up || down, current, z, median, mad, scale, used, fallback);
  }

  /** The values that are neither NaN nor infinite, in order (a new array; empty for null). */
  static double[] finite(double[] values) {
    if (values == null) return new double[0];
    double[] out = new double[values.length];
    int n = 0;
    for (double v : values) if (Double.isFinite(v)) out[n++] = v;
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** Median of the values (sorts them in place); the mean of the two middle ones for even sizes. */
  static double median(double[] values) {
    Arrays.sort(values);
    int n = values.length;
    return (n & 1) == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
