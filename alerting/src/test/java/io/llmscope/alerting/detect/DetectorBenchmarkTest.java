package io.llmscope.alerting.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.alerting.detect.PlantedIncidents.Episode;
import io.llmscope.alerting.detect.PlantedIncidents.Incident;
import io.llmscope.alerting.detect.PlantedIncidents.Series;
import io.llmscope.alerting.detect.PlantedIncidents.SpanDrift;
import io.llmscope.alerting.detect.PlantedIncidents.SpanSeries;
import io.llmscope.alerting.detect.PlantedIncidents.SpanWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.junit.jupiter.api.Test;

/**
 * Precision, recall and false alarms of each detector with its default settings on planted
 * incidents ({@link PlantedIncidents}): 7 days of history, then 8 evaluated days of hourly windows,
 * seed {@value #SEED}; the anomaly and budget figures are repeated over more seeds. The baseline of
 * a window is the same window on each of the 7 previous days (merged, for drift). Figures are
 * printed to the test's output ({@code target/surefire-reports/*-output.txt}).
 *
 * <p>An alarm is a run of consecutive firing windows in one group; it is true when one of its
 * windows lies in a planted episode of that group. Recall counts planted episodes with at least one
 * firing window; false alarms count alarms on the control groups (which have no incidents), per
 * group and evaluated day.
 */
class DetectorBenchmarkTest {
  static final long SEED = 42;
  static final int HISTORY_DAYS = 7;
  static final int EVAL_DAYS = 8;
  static final int DAYS = HISTORY_DAYS + EVAL_DAYS;
  static final int WINDOW_MINUTES = 60;
  static final int PER_DAY = PlantedIncidents.MINUTES_PER_DAY / WINDOW_MINUTES;

  /** Measured figures of one detector. */
  record Figures(String detector, int planted, int detected, int alarms, int trueAlarms, int controlAlarms, int controls) {
    double recall() {
      return planted == 0 ? Double.NaN : (double) detected / planted;
    }

    double precision() {
      return alarms == 0 ? Double.NaN : (double) trueAlarms / alarms;
    }

    double falseAlarmsPerGroupDay() {
      return controls == 0 ? Double.NaN : (double) controlAlarms / (controls * EVAL_DAYS);
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "%-34s recall %d/%d = %.2f  precision %d/%d = %.2f  control false alarms %d over %d group-days = %.3f per group-day",
          detector, detected, planted, recall(), trueAlarms, alarms, precision(), controlAlarms, controls * EVAL_DAYS,
          falseAlarmsPerGroupDay());
    }
  }

  /** Tallies alarms (runs of firing windows) per group against the planted episodes. */
  static final class Tally {
    final String detector;
    final List<String> falseAlarms = new ArrayList<>();
    int planted;
    int detected;
    int alarms;
    int trueAlarms;
    int controlAlarms;
    int controls;

    Tally(String detector) {
      this.detector = detector;
    }

    /** Adds one group's firing windows (index = absolute window) over the evaluated days. */
    void add(String group, boolean[] fires, List<Episode> episodes, boolean control) {
      if (control) controls++;
      planted += episodes.size();
      boolean[] hit = new boolean[episodes.size()];
      int from = HISTORY_DAYS * PER_DAY;
      for (int w = from; w < fires.length; w++) {
        if (!fires[w]) continue;
        boolean inEpisode = false;
        int start = w;
        while (w < fires.length && fires[w]) {
          for (int e = 0; e < episodes.size(); e++) {
            if (episodes.get(e).contains(w)) {
              hit[e] = true;
              inEpisode = true;
            }
          }
          w++;
        }
        alarms++;
        if (inEpisode) trueAlarms++;
        else falseAlarms.add(String.format(Locale.ROOT, "%s day %d %02d:%02d", group, start / PER_DAY,
            start % PER_DAY * WINDOW_MINUTES / 60, start % PER_DAY * WINDOW_MINUTES % 60));
        if (control) controlAlarms++;
      }
      for (boolean h : hit) if (h) detected++;
    }

    Figures figures() {
      Figures f = new Figures(detector, planted, detected, alarms, trueAlarms, controlAlarms, controls);
      System.out.println(f.line());
      if (!falseAlarms.isEmpty()) {
        System.out.println("    false alarms: " + falseAlarms.subList(0, Math.min(8, falseAlarms.size()))
            + (falseAlarms.size() > 8 ? " and " + (falseAlarms.size() - 8) + " more" : ""));
      }
      return f;
    }
  }

  // ---- anomaly ------------------------------------------------------------------------------

  /** Peak calls per hour of the control groups: from a few dollars a day to hundreds. */
  static final double[] CONTROL_VOLUMES = {100, 200, 400, 800, 1500, 3000, 6000, 12000};

  static List<Series> spendGroups(Random rnd) {
    List<Series> groups = new ArrayList<>();
    groups.add(PlantedIncidents.spend("spike", rnd, DAYS, WINDOW_MINUTES, 300,
        List.of(new Incident("retry storm ×3, day 10 14:00-15:00",
            PlantedIncidents.minute(10, 14, 0), PlantedIncidents.minute(10, 15, 0), 3))));
    groups.add(PlantedIncidents.spend("night-spike", rnd, DAYS, WINDOW_MINUTES, 1000,
        List.of(new Incident("batch job ×2.5, day 12 02:00-03:00",
            PlantedIncidents.minute(12, 2, 0), PlantedIncidents.minute(12, 3, 0), 2.5))));
    groups.add(PlantedIncidents.spend("shift", rnd, DAYS, WINDOW_MINUTES, 600,
        List.of(new Incident("level ×1.8 from day 11 09:20",
            PlantedIncidents.minute(11, 9, 20), PlantedIncidents.minute(DAYS, 0, 0), 1.8))));
    groups.add(PlantedIncidents.spend("outage", rnd, DAYS, WINDOW_MINUTES, 800,
        List.of(new Incident("outage ×0.1, day 13 10:00-12:30",
            PlantedIncidents.minute(13, 10, 0), PlantedIncidents.minute(13, 12, 30), 0.1))));
    for (int i = 0; i < CONTROL_VOLUMES.length; i++) {
      groups.add(PlantedIncidents.spend("control-" + i, rnd, DAYS, WINDOW_MINUTES, CONTROL_VOLUMES[i], List.of()));
    }
    return groups;
  }

  static boolean[] anomalyFires(double[] values, Direction direction, double sensitivity, double minValue) {
    boolean[] fires = new boolean[values.length];
    for (int w = HISTORY_DAYS * PER_DAY; w < values.length; w++) {
      double[] baseline = new double[HISTORY_DAYS];
      for (int d = 1; d <= HISTORY_DAYS; d++) baseline[d - 1] = values[w - d * PER_DAY];
      fires[w] = Anomaly.score(values[w], baseline, direction, sensitivity, minValue).fires();
    }
    return fires;
  }

  static Figures anomalyFigures(List<Series> groups, double sensitivity, double minValue) {
    Tally t = new Tally(String.format(Locale.ROOT, "anomaly both s=%.0f minValue=%.2f", sensitivity, minValue));
    for (Series s : groups) {
      t.add(s.group(), anomalyFires(s.values(), Direction.BOTH, sensitivity, minValue), s.planted(), s.group().startsWith("control"));
    }
    return t.figures();
  }

  /** The largest |z| inside each planted episode, and over the controls: the margins. */
  static void printAnomalyMargins(List<Series> groups) {
    double controlMax = 0;
    for (Series s : groups) {
      double[] v = s.values();
      double[] z = new double[v.length];
      for (int w = HISTORY_DAYS * PER_DAY; w < v.length; w++) {
        double[] baseline = new double[HISTORY_DAYS];
        for (int d = 1; d <= HISTORY_DAYS; d++) baseline[d - 1] = v[w - d * PER_DAY];
        z[w] = Anomaly.score(v[w], baseline, Direction.BOTH, 1, 0).zScore();
        if (s.planted().isEmpty()) controlMax = Math.max(controlMax, Math.abs(z[w]));
      }
      for (Episode e : s.planted()) {
        double peak = 0;
        for (int w = e.start(); w < e.end(); w++) if (Math.abs(z[w]) > Math.abs(peak)) peak = z[w];
        System.out.printf(Locale.ROOT, "    %-12s %-40s peak z %.1f%n", s.group(), e.what(), peak);
      }
    }
    System.out.printf(Locale.ROOT, "    controls: largest |z| %.1f%n", controlMax);
  }

  @Test
  void anomalyFindsSpikesShiftsAndOutagesWithoutFalseAlarms() {
    List<Series> groups = spendGroups(new Random(SEED));
    printAnomalyMargins(groups);
    for (double s : new double[] {3, 4, 5}) anomalyFigures(groups, s, 0);
    Figures f = anomalyFigures(groups, Anomaly.DEFAULT_SENSITIVITY, 0);
    anomalyFigures(groups, 8, 0);
    assertEquals(4, f.planted());
    assertEquals(1.0, f.recall(), f.line());
    assertEquals(0, f.controlAlarms(), f.line());
    // One alarm in an incident group falls outside its episode (spike day 9 19:00, z ≈ 6.2): noise.
    assertTrue(f.precision() >= 0.8, f.line());

    // Ten more seeds at the default: the rate of noise alarms per group and day, and recall.
    int planted = 0;
    int detected = 0;
    int noise = 0;
    int groupDays = 0;
    for (long seed = 1; seed <= 10; seed++) {
      Tally t = new Tally("seed " + seed);
      for (Series s : spendGroups(new Random(seed))) {
        t.add(s.group(), anomalyFires(s.values(), Direction.BOTH, Anomaly.DEFAULT_SENSITIVITY, 0), s.planted(), false);
        groupDays += EVAL_DAYS;
      }
      planted += t.planted;
      detected += t.detected;
      noise += t.alarms - t.trueAlarms;
    }
    System.out.printf(Locale.ROOT, "anomaly default over seeds 1-10: recall %d/%d, %d alarms outside episodes over %d group-days = %.3f per group-day%n",
        detected, planted, noise, groupDays, (double) noise / groupDays);
    assertTrue(detected >= 0.95 * planted);
    assertTrue(noise <= 0.05 * groupDays);
  }

  // ---- drift --------------------------------------------------------------------------------

  static final double[] DRIFT_CONTROL_VOLUMES = {60, 120, 250, 500, 1000, 1500};

  static List<SpanSeries> spanGroups(Random rnd) {
    List<SpanSeries> groups = new ArrayList<>();
    groups.add(PlantedIncidents.spans("tokens", rnd, DAYS, WINDOW_MINUTES, 400,
        List.of(new SpanDrift("tokens", PlantedIncidents.minute(10, 13, 0), 1.8, 0, 0, 0))));
    groups.add(PlantedIncidents.spans("mix", rnd, DAYS, WINDOW_MINUTES, 400,
        List.of(new SpanDrift("mix", PlantedIncidents.minute(11, 8, 0), 1, 0.3, 0, 0))));
    groups.add(PlantedIncidents.spans("score", rnd, DAYS, WINDOW_MINUTES, 1000,
        List.of(new SpanDrift("score", PlantedIncidents.minute(12, 10, 0), 1, 0, 0.1, 0))));
    groups.add(PlantedIncidents.spans("content", rnd, DAYS, WINDOW_MINUTES, 300,
        List.of(new SpanDrift("content", PlantedIncidents.minute(9, 15, 0), 1, 0, 0, 0.3))));
    for (int i = 0; i < DRIFT_CONTROL_VOLUMES.length; i++) {
      groups.add(PlantedIncidents.spans("control-" + i, rnd, DAYS, WINDOW_MINUTES, DRIFT_CONTROL_VOLUMES[i], List.of()));
    }
    return groups;
  }

  /** The same window on each of the previous {@value #HISTORY_DAYS} days, merged. */
  static SpanWindow baseline(SpanWindow[] windows, int w) {
    SpanWindow b = new SpanWindow();
    for (int d = 1; d <= HISTORY_DAYS; d++) b.merge(windows[w - d * PER_DAY]);
    return b;
  }

  static Drift.Result welch(SpanWindow b, SpanWindow w) {
    SummaryStatistics sb = new SummaryStatistics();
    SummaryStatistics sw = new SummaryStatistics();
    b.scores.forEach(sb::addValue);
    w.scores.forEach(sw::addValue);
    return Drift.welch(sb.getN(), sb.getMean(), sb.getVariance(), sw.getN(), sw.getMean(), sw.getVariance());
  }

  /** A drift detector: the field it watches, its comparison and its default threshold. */
  record DriftDetector(String name, String field, double threshold, java.util.function.BiFunction<SpanWindow, SpanWindow, Drift.Result> compare) {}

  static final List<DriftDetector> DRIFT_DETECTORS = List.of(
      new DriftDetector("output tokens psi", "tokens", Drift.DEFAULT_PSI_THRESHOLD, (b, w) -> Drift.psi(b.outputTokens, w.outputTokens)),
      new DriftDetector("output tokens js", "tokens", Drift.DEFAULT_JS_THRESHOLD, (b, w) -> Drift.js(b.outputTokens, w.outputTokens)),
      new DriftDetector("output tokens ks (binned)", "tokens", Drift.DEFAULT_KS_THRESHOLD, (b, w) -> Drift.ks(b.outputTokens, w.outputTokens)),
      new DriftDetector("model mix psi", "mix", Drift.DEFAULT_PSI_THRESHOLD, (b, w) -> Drift.psi(b.models, w.models)),
      new DriftDetector("model mix js", "mix", Drift.DEFAULT_JS_THRESHOLD, (b, w) -> Drift.js(b.models, w.models)),
      new DriftDetector("score mean welch", "score", Drift.DEFAULT_WELCH_THRESHOLD, DetectorBenchmarkTest::welch),
      new DriftDetector("score ks", "score", Drift.DEFAULT_KS_THRESHOLD, (b, w) -> Drift.ks(b.scoreArray(), w.scoreArray())),
      new DriftDetector("prompt content js", "content", Drift.DEFAULT_JS_THRESHOLD, (b, w) -> Drift.js(b.prompts, w.prompts)),
      new DriftDetector("prompt content psi", "content", Drift.DEFAULT_PSI_THRESHOLD, (b, w) -> Drift.psi(b.prompts, w.prompts)));

  static List<Figures> driftFigures(List<SpanSeries> groups) {
    List<SpanWindow[]> baselines = new ArrayList<>();
    for (SpanSeries g : groups) {
      SpanWindow[] b = new SpanWindow[g.windows().length];
      for (int w = HISTORY_DAYS * PER_DAY; w < b.length; w++) b[w] = baseline(g.windows(), w);
      baselines.add(b);
    }
    List<Figures> out = new ArrayList<>();
    for (DriftDetector det : DRIFT_DETECTORS) {
      Tally t = new Tally("drift " + det.name());
      double peak = Double.NEGATIVE_INFINITY;
      double controlMax = Double.NEGATIVE_INFINITY;
      for (int gi = 0; gi < groups.size(); gi++) {
        SpanSeries g = groups.get(gi);
        SpanWindow[] windows = g.windows();
        boolean[] fires = new boolean[windows.length];
        List<Episode> mine = g.planted().stream().filter(e -> e.what().equals(det.field())).toList();
        for (int w = HISTORY_DAYS * PER_DAY; w < windows.length; w++) {
          Drift.Result r = det.compare().apply(baselines.get(gi)[w], windows[w]);
          fires[w] = r.fires(det.threshold());
          int ww = w;
          if (mine.stream().anyMatch(e -> e.contains(ww))) peak = Math.max(peak, r.excess());
          if (g.group().startsWith("control")) controlMax = Math.max(controlMax, r.excess());
        }
        t.add(g.group(), fires, mine, g.group().startsWith("control"));
      }
      out.add(t.figures());
      System.out.printf(Locale.ROOT, "    threshold %.3f: largest gated statistic in the planted episode %.3f, on the controls %.3f%n",
          det.threshold(), peak, controlMax);
    }
    return out;
  }

  @Test
  void driftFindsEachPlantedShiftWithoutFalseAlarms() {
    List<SpanSeries> groups = spanGroups(new Random(SEED));
    for (Figures f : driftFigures(groups)) {
      assertEquals(1, f.planted(), f.line());
      assertEquals(1.0, f.recall(), f.line());
      assertEquals(0, f.controlAlarms(), f.line());
    }
  }

  // ---- budget -------------------------------------------------------------------------------

  static final int SLOTS_PER_DAY = 96; // evaluated every 15 minutes
  static final long SLOT_MS = 15 * 60_000L;
  static final long DAY_MS = 24 * 3_600_000L;

  /** One user's spend per 15-minute slot over the evaluated days, and its daily budget. */
  record UserSpend(String user, double[] slots, double budget, boolean control) {}

  /**
   * Users whose typical day costs {@code exp(N(ln 3, 0.8))} dollars (calls of $0.01 median,
   * log-normal σ = 1) with the daily curve, and a daily budget of twice that. Planted: an agent loop
   * (×10 from 10:00 on day 3), a heavy day (×2.5 all day 5), a burst (×30 18:00-19:00 day 6).
   */
  static List<UserSpend> users(Random rnd, int controls) {
    List<UserSpend> out = new ArrayList<>();
    String[] planted = {"loop", "heavy-day", "burst"};
    for (int u = 0; u < controls + planted.length; u++) {
      boolean control = u >= planted.length;
      String name = control ? "user-" + (u - planted.length) : planted[u];
      double typical = Math.exp(Math.log(3) + 0.8 * rnd.nextGaussian());
      double meanCall = 0.01 * Math.exp(0.5);
      double seasonMean = 0;
      for (int m = 0; m < PlantedIncidents.MINUTES_PER_DAY; m++) seasonMean += PlantedIncidents.season(m);
      seasonMean /= PlantedIncidents.MINUTES_PER_DAY;
      double[] slots = new double[EVAL_DAYS * SLOTS_PER_DAY];
      for (int d = 0; d < EVAL_DAYS; d++) {
        double dayFactor = Math.exp(0.1 * rnd.nextGaussian());
        for (int k = 0; k < SLOTS_PER_DAY; k++) {
          double factor = 1;
          if (name.equals("loop") && d == 3 && k >= 40) factor = 10;
          if (name.equals("heavy-day") && d == 5) factor = 2.5;
          if (name.equals("burst") && d == 6 && k >= 72 && k < 76) factor = 30;
          double calls = typical / meanCall / SLOTS_PER_DAY * PlantedIncidents.season(k * 15 + 7) / seasonMean;
          long n = PlantedIncidents.poisson(rnd, calls * dayFactor * factor);
          double sum = 0;
          for (long c = 0; c < n; c++) sum += 0.01 * Math.exp(rnd.nextGaussian());
          slots[d * SLOTS_PER_DAY + k] = sum;
        }
      }
      out.add(new UserSpend(name, slots, 2 * typical, control));
    }
    return out;
  }

  /** Budget figures over some seeds: user-days over budget, warned, and warnings on days that were not. */
  record BudgetFigures(int overDays, int warnedDays, double leadHours, int nearMisses, int falseWarnings, int controlDays, List<String> notes) {
    String line() {
      return String.format(Locale.ROOT,
          "budget day projected: %d user-days over budget, %d warned (recall %.2f, %.1f h ahead on average); "
              + "warnings on days that ended within budget: %d near misses (≥ 90%%), %d false (< 90%%) over %d control user-days = %.4f per user-day",
          overDays, warnedDays, (double) warnedDays / overDays, leadHours, nearMisses, falseWarnings, controlDays,
          (double) falseWarnings / controlDays);
    }
  }

  static BudgetFigures budgetFigures(long firstSeed, int seeds) {
    int overDays = 0;
    int warnedDays = 0;
    int nearMisses = 0;
    int falseWarnings = 0;
    int controlDays = 0;
    double leadSum = 0;
    List<String> notes = new ArrayList<>();
    for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
      for (UserSpend u : users(new Random(seed), 40)) {
        for (int d = 0; d < EVAL_DAYS; d++) {
          long start = d * DAY_MS;
          double spent = 0;
          int firstFire = -1;
          int crossed = -1;
          for (int k = 0; k < SLOTS_PER_DAY; k++) {
            spent += u.slots()[d * SLOTS_PER_DAY + k];
            long now = start + (k + 1) * SLOT_MS;
            if (firstFire < 0 && Budget.evaluate(spent, start, start + DAY_MS, now, u.budget(), true).fires()) firstFire = k;
            if (crossed < 0 && spent > u.budget()) crossed = k;
          }
          if (u.control()) controlDays++;
          if (crossed >= 0) {
            overDays++;
            if (firstFire >= 0) {
              warnedDays++;
              leadSum += (crossed - firstFire) / 4.0;
              notes.add(String.format(Locale.ROOT, "seed %d %s day %d: warned %s, over at %s", seed, u.user(), d, clock(firstFire), clock(crossed)));
            }
          } else if (firstFire >= 0) {
            boolean near = spent >= 0.9 * u.budget();
            if (near) nearMisses++;
            else if (u.control()) falseWarnings++;
            notes.add(String.format(Locale.ROOT, "seed %d %s day %d: %s warning at %s, the day ended at %.0f%% of the budget", seed,
                u.user(), d, near ? "near-miss" : "FALSE", clock(firstFire), 100 * spent / u.budget()));
          }
        }
      }
    }
    BudgetFigures f = new BudgetFigures(overDays, warnedDays, leadSum / Math.max(1, warnedDays), nearMisses, falseWarnings, controlDays, notes);
    System.out.println(f.line());
    return f;
  }

  @Test
  void projectedDailyBudgetsWarnBeforeTheOverrunWithoutFalseAlarms() {
    BudgetFigures one = budgetFigures(SEED, 1);
    one.notes().forEach(n -> System.out.println("    " + n));
    assertTrue(one.overDays() >= 3, "the planted overruns end over budget");
    assertEquals(one.overDays(), one.warnedDays(), one.line());
    assertEquals(0, one.falseWarnings(), one.line());
    // Twenty more seeds: every overrun warned about, false warnings rare.
    BudgetFigures many = budgetFigures(1, 20);
    many.notes().stream().filter(n -> n.contains("FALSE")).forEach(n -> System.out.println("    " + n));
    assertEquals(many.overDays(), many.warnedDays(), many.line());
    assertTrue(many.falseWarnings() <= 0.005 * many.controlDays(), many.line());
  }

  private static String clock(int slot) {
    int minutes = (slot + 1) * 15;
    return String.format(Locale.ROOT, "%02d:%02d", minutes / 60, minutes % 60);
  }
}
