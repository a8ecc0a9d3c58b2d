package io.llmscope.alerting.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.alerting.detect.Budget.Basis;
import io.llmscope.alerting.detect.Budget.Outcome;
import io.llmscope.alerting.detect.Budget.Period;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BudgetTest {
  private static final long HOUR = 3_600_000L;

  private static long t(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void dayAndMonthAreUtcCalendarPeriods() {
    Period day = Period.of("day", t("2026-11-27T13:45:10Z"));
    assertEquals(t("2026-11-27T00:00:00Z"), day.startMs());
    assertEquals(t("2026-11-28T00:00:00Z"), day.endMs());
    assertFalse(day.rolling());
    assertEquals(day, Period.of("day", t("2026-11-27T00:00:00Z")));
    assertEquals(t("2026-11-28T00:00:00Z"), Period.day(t("2026-11-28T00:00:00Z")).startMs());

    Period feb = Period.of("Month", t("2028-02-29T23:59:59.999Z"));
    assertEquals(t("2028-02-01T00:00:00Z"), feb.startMs());
    assertEquals(t("2028-03-01T00:00:00Z"), feb.endMs()); // leap year: 29 days
    Period dec = Period.month(t("2026-12-31T12:00:00Z"));
    assertEquals(t("2026-12-01T00:00:00Z"), dec.startMs());
    assertEquals(t("2027-01-01T00:00:00Z"), dec.endMs());
  }

  @Test
  void rollingWindowsEndAtNowAndAreNeverProjected() {
    long now = t("2026-11-27T13:45:00Z");
    Period p = Period.of("24h", now);
    assertEquals(now - 24 * HOUR, p.startMs());
    assertEquals(now, p.endMs());
    assertTrue(p.rolling());
    assertEquals("24h", p.kind());
    assertEquals(now - 7 * 24 * HOUR, Period.of("7d", now).startMs());
    Outcome o = Budget.evaluate(9, p, now, 10, true, Double.NaN);
    assertEquals(Basis.NOT_PROJECTED, o.basis());
    assertEquals(9, o.projected());
    assertFalse(o.fires());
    assertTrue(Budget.evaluate(10.01, p, now, 10, true, Double.NaN).fires());
    assertThrows(IllegalArgumentException.class, () -> Period.of("fortnight", now));
    assertThrows(IllegalArgumentException.class, () -> Period.of("0h", now));
    assertThrows(IllegalArgumentException.class, () -> Period.of(null, now));
  }

  @Test
  void projectionFromTheElapsedRate() {
    // Noon: half the day gone, 6 spent → rate 6 / 12 h, projected 6 + rate · 12 h = 12 > 10.
    long start = t("2026-11-27T00:00:00Z");
    long end = start + 24 * HOUR;
    Outcome o = Budget.evaluate(6, start, end, start + 12 * HOUR, 10, true);
    assertEquals(Basis.ELAPSED_RATE, o.basis());
    assertEquals(0.5, o.elapsedFraction());
    assertEquals(6.0 / (12 * HOUR), o.ratePerMs(), 1e-20);
    assertEquals(12, o.projected(), 1e-9);
    assertEquals(4, o.remaining());
    assertEquals(6, o.spent());
    assertEquals(10, o.budget());
    assertTrue(o.fires());
    // The same spend without projection is under the budget.
    Outcome plain = Budget.evaluate(6, start, end, start + 12 * HOUR, 10, false);
    assertEquals(Basis.NOT_PROJECTED, plain.basis());
    assertEquals(6, plain.projected());
    assertFalse(plain.fires());
    // 18:00 with 6 spent projects 8.
    assertEquals(8, Budget.evaluate(6, start, end, start + 18 * HOUR, 10, true).projected(), 1e-9);
  }

  @Test
  void monthlyProjection() {
    // November has 30 days: on the 16th at 00:00, 60 spent in 15 days projects 60 · 30/15 = 120.
    long now = t("2026-11-16T00:00:00Z");
    Outcome o = Budget.evaluate(60, Period.of("month", now), now, 100, true, Double.NaN);
    assertEquals(Basis.ELAPSED_RATE, o.basis());
    assertEquals(0.5, o.elapsedFraction());
    assertEquals(120, o.projected(), 1e-9);
    assertTrue(o.fires());
    assertFalse(Budget.evaluate(60, Period.of("month", now), now, 100, false, Double.NaN).fires());
  }

  @Test
  void earlyInThePeriodOnlyTheSpendSoFarCounts() {
    long start = t("2026-11-01T00:00:00Z");
    long end = start + 24 * HOUR;
    // One hour in (4.2% < 5%): 1 spent stays 1, although the elapsed rate would project 24.
    Outcome early = Budget.evaluate(1, start, end, start + HOUR, 10, true);
    assertEquals(Basis.SPENT_ONLY, early.basis());
    assertEquals(1, early.projected());
    assertFalse(early.fires());
    // From 5% (72 minutes) to 25% (06:00) the rate is spent / 6 h: 1 + 1/6 · 22.8 = 4.8, not
    // 1 · 24 / 1.2 = 20 as the plain elapsed rate would have it.
    Outcome at5 = Budget.evaluate(1, start, end, start + 72 * 60_000L, 10, true);
    assertEquals(Basis.DAMPED_RATE, at5.basis());
    assertEquals(1.0 / (6 * HOUR), at5.ratePerMs(), 1e-20);
    assertEquals(4.8, at5.projected(), 1e-9);
    assertFalse(at5.fires());
    // 3 spent by 01:12 does project over: 3 + 3/6 · 22.8 = 14.4.
    assertTrue(Budget.evaluate(3, start, end, start + 72 * 60_000L, 10, true).fires());
    // At 06:00 both rates agree: 2 spent → 2 + 2/6 · 18 = 8.
    Outcome at25 = Budget.evaluate(2, start, end, start + 6 * HOUR, 10, true);
    assertEquals(Basis.ELAPSED_RATE, at25.basis());
    assertEquals(8, at25.projected(), 1e-9);
    // Spend already over the budget fires whatever the projection.
    assertTrue(Budget.evaluate(11, start, end, start + HOUR, 10, true).fires());
  }

  @Test
  void aCallersRateReplacesTheElapsedRate() {
    long start = t("2026-11-01T00:00:00Z");
    long end = start + 24 * HOUR;
    // 1 h in, 2 spent, the caller measured $1/h: 2 + 1 · 23 = 25.
    Outcome o = Budget.evaluate(2, start, end, start + HOUR, 30, true, 1.0 / HOUR);
    assertEquals(Basis.CALLER_RATE, o.basis());
    assertEquals(25, o.projected(), 1e-9);
    assertFalse(o.fires());
    assertTrue(Budget.evaluate(2, start, end, start + HOUR, 24, true, 1.0 / HOUR).fires());
    // A rate of 0 projects nothing more.
    assertEquals(2, Budget.evaluate(2, start, end, start + 20 * HOUR, 3, true, 0).projected());
  }

  @Test
  void exceedingIsStrictAndAnOverPeriodIsNotProjected() {
    long start = t("2026-11-01T00:00:00Z");
    long end = start + 24 * HOUR;
    assertFalse(Budget.evaluate(10, start, end, start + 12 * HOUR, 10, false).fires());
    assertTrue(Budget.evaluate(10.000001, start, end, start + 12 * HOUR, 10, false).fires());
    Outcome over = Budget.evaluate(9, start, end, end + HOUR, 10, true);
    assertEquals(Basis.PERIOD_OVER, over.basis());
    assertEquals(9, over.projected());
    assertEquals(1, over.elapsedFraction());
    Outcome before = Budget.evaluate(0, start, end, start - HOUR, 10, true);
    assertEquals(0, before.elapsedFraction());
    assertEquals(0, before.projected());
    // A budget of 0 fires on any spend.
    assertTrue(Budget.evaluate(0.01, start, end, start + 12 * HOUR, 0, false).fires());
    assertFalse(Budget.evaluate(0, start, end, start + 12 * HOUR, 0, true).fires());
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Budget.evaluate(Double.NaN, 0, 10, 5, 1, true));
    assertThrows(IllegalArgumentException.class, () -> Budget.evaluate(1, 0, 10, 5, -1, true));
    assertThrows(IllegalArgumentException.class, () -> Budget.evaluate(1, 10, 10, 5, 1, true));
    assertThrows(IllegalArgumentException.class, () -> Budget.evaluate(1, 0, 10, 5, 1, true, -0.5));
    assertEquals("elapsed_rate", Basis.ELAPSED_RATE.label());
  }
}
