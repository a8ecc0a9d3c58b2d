package io.llmscope.alerting.detect;

import io.llmscope.query.TimeExpr;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The budget detector: spend so far in a period, optionally projected to the period's end, against
 * a budget.
 *
 * <p>Projection: {@code projected = spent + rate × (periodEnd − now)}, where {@code rate} is
 *
 * <ul>
 *   <li>the caller's {@code recentRatePerMs} when one is given (finite, ≥ 0): the evaluator may know
 *       a better burn rate than the period average, e.g. the last hour's;
 *   <li>otherwise {@code spent / max(now − periodStart, 25% of the period)}: the average rate over
 *       the elapsed part, which makes {@code projected = spent × periodLength / elapsed}, except that
 *       it never extrapolates from less than a quarter of the period ({@value #RATE_FLOOR_FRACTION}):
 *       before 06:00 a day's spend so far counts as six hours' worth;
 *   <li>and while less than {@value #MIN_ELAPSED_FRACTION} of the period has elapsed, no rate at all:
 *       {@code projected = spent}.
 * </ul>
 *
 * Why the damping: early in a day a user has made a few calls, at night, and one expensive call
 * extrapolated ×20 is a false alarm. On 40 users × 8 days × 20 seeds of the benchmark
 * ({@code DetectorBenchmarkTest}), pure elapsed-rate projection from 5% warned falsely on 1.8% of
 * the user-days that ended within budget; with the quarter floor 0.16%, with every overrun still
 * warned about, 3.2 h ahead on average (3.6 h undamped).
 *
 * Rolling periods (e.g. {@code 24h}, the window {@code [now − 24h, now)}) have no end ahead of now
 * and are never projected. A period that is over is not projected either.
 */
public final class Budget {
  /** Below this elapsed fraction of the period, projection uses the spend so far only. */
  public static final double MIN_ELAPSED_FRACTION = 0.05;
  /** The projection's rate divides the spend by at least this fraction of the period. */
  public static final double RATE_FLOOR_FRACTION = 0.25;

  private Budget() {}

  /** How {@link Outcome#projected()} was reached. */
  public enum Basis {
    /** Projection was not asked for, or the period is rolling: {@code projected = spent}. */
    NOT_PROJECTED,
    /** Too early in the period (under {@value Budget#MIN_ELAPSED_FRACTION}): {@code projected = spent}. */
    SPENT_ONLY,
    /**
     * Between {@value Budget#MIN_ELAPSED_FRACTION} and {@value Budget#RATE_FLOOR_FRACTION} of the
     * period: the rate is spent / (a quarter of the period).
     */
    DAMPED_RATE,
    /** The average rate over the elapsed part of the period. */
    ELAPSED_RATE,
    /** The caller's rate. */
    CALLER_RATE,
    /** {@code now} is at or past the period's end: {@code projected = spent}. */
    PERIOD_OVER;

    /** Lower-case name for APIs and alert annotations, e.g. {@code elapsed_rate}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One evaluated budget.
   *
   * @param fires {@code projected > budget} when projecting, else {@code spent > budget}
   * @param spent the spend so far
   * @param projected the spend expected by the period's end ({@code spent} when not projected)
   * @param remaining {@code budget − spent} (negative once over)
   * @param budget the budget
   * @param ratePerMs the rate the projection used (0 when none)
   * @param elapsedFraction how much of the period had passed at {@code now}, in [0, 1]
   * @param basis how {@code projected} was reached
   */
  public record Outcome(
      boolean fires,
      double spent,
      double projected,
      double remaining,
      double budget,
      double ratePerMs,
      double elapsedFraction,
      Basis basis) {}

  /**
   * A budget period {@code [startMs, endMs)}.
   *
   * @param kind {@code day}, {@code month}, or the rolling duration as written (e.g. {@code 24h})
   * @param rolling true for a rolling window, which ends at now and is never projected
   */
  public record Period(String kind, long startMs, long endMs, boolean rolling) {
    /**
     * The period containing {@code nowMs}: {@code day} and {@code month} are UTC calendar periods;
     * anything else is read as a duration ({@code 24h}, {@code 7d}, {@code 1h30m}) and gives the
     * rolling window {@code [now − duration, now)}.
     *
     * @throws IllegalArgumentException for an unknown or zero-length period
     */
    public static Period of(String spec, long nowMs) {
      if (spec == null) throw new IllegalArgumentException("budget period is missing; use day, month or a duration such as 24h");
      String s = spec.trim().toLowerCase(Locale.ROOT);
      if (s.equals("day")) return day(nowMs);
      if (s.equals("month")) return month(nowMs);
      long length = TimeExpr.durationMs(s, "budget period");
      if (length <= 0) throw new IllegalArgumentException("budget period '" + spec + "' must be longer than 0");
      return new Period(s, nowMs - length, nowMs, true);
    }

    /** The UTC day containing {@code nowMs}. */
    public static Period day(long nowMs) {
      LocalDate d = Instant.ofEpochMilli(nowMs).atZone(ZoneOffset.UTC).toLocalDate();
      return new Period("day", startOf(d), startOf(d.plusDays(1)), false);
    }

    /** The UTC calendar month containing {@code nowMs}. */
    public static Period month(long nowMs) {
      LocalDate d = Instant.ofEpochMilli(nowMs).atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
      return new Period("month", startOf(d), startOf(d.plusMonths(1)), false);
    }

    private static long startOf(LocalDate d) {
      return d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
  }

  /** {@link #evaluate(double, long, long, long, double, boolean, double)} with no caller rate. */
  public static Outcome evaluate(
      double spentSoFar, long periodStartMs, long periodEndMs, long nowMs, double budget, boolean projected) {
    return evaluate(spentSoFar, periodStartMs, periodEndMs, nowMs, budget, projected, Double.NaN);
  }

  /** Evaluates a {@link Period}; rolling periods are never projected. */
  public static Outcome evaluate(
      double spentSoFar, Period period, long nowMs, double budget, boolean projected, double recentRatePerMs) {
    return evaluate(
        spentSoFar, period.startMs(), period.endMs(), nowMs, budget, projected && !period.rolling(), recentRatePerMs);
  }

  /**
   * Evaluates the spend of one group (see the class comment for the projection).
   *
   * @param spentSoFar spend in {@code [periodStartMs, nowMs)}
   * @param budget the budget, ≥ 0
   * @param projected whether to fire on the projected spend rather than the spend so far
   * @param recentRatePerMs the caller's spend rate per millisecond, or NaN to use the elapsed rate
   */
  public static Outcome evaluate(
      double spentSoFar,
      long periodStartMs,
      long periodEndMs,
      long nowMs,
      double budget,
      boolean projected,
      double recentRatePerMs) {
    if (!Double.isFinite(spentSoFar)) throw new IllegalArgumentException("spend must be a number, got " + spentSoFar);
    if (!(budget >= 0) || Double.isInfinite(budget)) {
      throw new IllegalArgumentException("budget must be a number ≥ 0, got " + budget);
    }
    if (periodEndMs <= periodStartMs) throw new IllegalArgumentException("budget period must end after it starts");
    if (recentRatePerMs < 0 || Double.isInfinite(recentRatePerMs)) {
      throw new IllegalArgumentException("spend rate must be a number ≥ 0, got " + recentRatePerMs);
    }
    double length = (double) periodEndMs - periodStartMs;
    long elapsedMs = Math.max(0, Math.min(nowMs, periodEndMs) - periodStartMs);
    double elapsedFraction = elapsedMs / length;
    double remaining = budget - spentSoFar;
    double forecast = spentSoFar;
    double rate = 0;
    Basis basis;
    if (!projected) {
      basis = Basis.NOT_PROJECTED;
    } else if (nowMs >= periodEndMs) {
      basis = Basis.PERIOD_OVER;
    } else if (!Double.isNaN(recentRatePerMs)) {
      basis = Basis.CALLER_RATE;
      rate = recentRatePerMs;
    } else if (elapsedFraction < MIN_ELAPSED_FRACTION) {
      basis = Basis.SPENT_ONLY;
    } else {
      // A negative spend (refunds) projects no further spend.
      basis = elapsedFraction < RATE_FLOOR_FRACTION ? Basis.DAMPED_RATE : Basis.ELAPSED_RATE;
      rate = Math.max(0, spentSoFar) / Math.max(elapsedMs, RATE_FLOOR_FRACTION * length);
    }
    if (rate > 0) forecast = spentSoFar + rate * (periodEndMs - Math.max(nowMs, periodStartMs));
    return new Outcome(forecast > budget, spentSoFar, forecast, remaining, budget, rate, elapsedFraction, basis);
  }
}
