package io.llmscope.alerting;

import io.llmscope.alerting.detect.Anomaly;
import io.llmscope.alerting.detect.Budget;
import io.llmscope.alerting.detect.Drift;
import io.llmscope.alerting.detect.Histogram;
import io.llmscope.alerting.detect.NgramProfile;
import io.llmscope.query.FieldRef;
import io.llmscope.query.Query;
import io.llmscope.query.QueryEngine;
import io.llmscope.query.QueryResult;
import io.llmscope.query.SpanContent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one rule at one instant: runs its typed query over the window ending at {@code at} and
 * turns each group's value into an {@link Observation}. The scheduler, {@code evaluate} and
 * backtests all call this, so they cannot disagree.
 *
 * <p>Rules that read the same data share one scan ({@link Reads}): one query per (range, filters,
 * groupBy, llmOnly) carries the metrics of every rule planned on it, so a cycle of many rules over
 * a few windows costs a few scans, not one per rule.
 */
final class RuleEvaluator {
  private final QueryEngine queries;

  RuleEvaluator(QueryEngine queries) {
    this.queries = queries;
  }

  /** What one scan reads: the rules' metrics over one range. */
  private record ReadKey(long from, long to, List<io.llmscope.query.Filter> filters, List<FieldRef> groupBy, boolean llmOnly) {}

  /**
   * One evaluation round's shared scans: planned for every rule first, each run once when first
   * read, all over one {@link QueryEngine.Session} (one snapshot whose decoded columns are kept), which
   * several rounds of a backtest may share.
   */
  static final class Reads {
    private final Map<ReadKey, java.util.LinkedHashSet<io.llmscope.query.Metric>> wanted = new LinkedHashMap<>();
    private final Map<ReadKey, QueryResult> results = new java.util.HashMap<>();
    final QueryEngine.Session session;
    int scans;

    Reads(QueryEngine.Session session) {
      this.session = session;
    }
  }

  /** Registers what {@code rule} will read at {@code at}, so that rules sharing a range share its scan. */
  void plan(AlertRule rule, long at, Reads reads) {
    switch (rule.kind()) {
      case THRESHOLD -> want(reads, rule, at - rule.windowMs(), at);
      case ANOMALY -> {
        want(reads, rule, at - rule.windowMs(), at);
        for (int d = 1; d <= rule.baselineMs() / DAY_MS; d++) want(reads, rule, at - d * DAY_MS - rule.windowMs(), at - d * DAY_MS);
      }
      case BUDGET -> {
        Budget.Period p = Budget.Period.of(rule.period(), at);
        want(reads, rule, p.startMs(), Math.min(at, p.endMs()));
      }
      case DRIFT -> { } // samples and mixes: a scan of their own
    }
  }

  private static ReadKey key(AlertRule rule, long from, long to) {
    Query t = rule.query();
    return new ReadKey(from, to, t.filters(), t.groupBy(), t.llmOnly());
  }

  private static void want(Reads reads, AlertRule rule, long from, long to) {
    reads.wanted.computeIfAbsent(key(rule, from, to), k -> new java.util.LinkedHashSet<>()).add(rule.query().metrics().get(0));
  }

  List<Observation> evaluate(String tenant, AlertRule rule, long at, Reads reads) {
    return switch (rule.kind()) {
      case THRESHOLD -> threshold(tenant, rule, at, reads);
      case ANOMALY -> anomaly(tenant, rule, at, reads);
      case BUDGET -> budget(tenant, rule, at, reads);
      case DRIFT -> drift(tenant, rule, at, reads);
    };
  }

  private static final long DAY_MS = 86_400_000L;

  /** The window against the same window at the same time of day on each baseline day. */
  private List<Observation> anomaly(String tenant, AlertRule rule, long at, Reads reads) {
    Map<Map<String, String>, Double> current = values(tenant, rule, at - rule.windowMs(), at, reads);
    int days = (int) (rule.baselineMs() / DAY_MS);
    List<Map<Map<String, String>, Double>> past = new ArrayList<>(days);
    for (int d = 1; d <= days; d++) past.add(values(tenant, rule, at - d * DAY_MS - rule.windowMs(), at - d * DAY_MS, reads));
    List<Observation> out = new ArrayList<>();
    for (Map.Entry<Map<String, String>, Double> g : current.entrySet()) {
      double[] baseline = new double[days];
      for (int d = 0; d < days; d++) baseline[d] = past.get(d).getOrDefault(g.getKey(), Double.NaN);
      Anomaly.Outcome o = Anomaly.score(g.getValue(), baseline, rule.direction(), rule.sensitivity(), rule.minValue());
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("metric", rule.metric());
      detail.put("zScore", o.zScore());
      detail.put("median", o.median());
      detail.put("mad", o.mad());
      detail.put("baselineDays", o.baseline().length);
      detail.put("fallback", o.fallback().label());
      out.add(new Observation(g.getKey(), g.getValue(), o.fires(), detail));
    }
    return out;
  }

  /** Spend so far in the period (and, when projected, by its end) against the budget, per group. */
  private List<Observation> budget(String tenant, AlertRule rule, long at, Reads reads) {
    Budget.Period period = Budget.Period.of(rule.period(), at);
    List<Observation> out = new ArrayList<>();
    for (Map.Entry<Map<String, String>, Double> g : values(tenant, rule, period.startMs(), Math.min(at, period.endMs()), reads).entrySet()) {
      double spent = Double.isNaN(g.getValue()) ? 0 : g.getValue();
      Budget.Outcome o = Budget.evaluate(spent, period, at, rule.budget(), rule.projected(), Double.NaN);
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("spent", o.spent());
      detail.put("projected", o.projected());
      detail.put("budget", o.budget());
      detail.put("remaining", o.remaining());
      detail.put("period", period.kind());
      detail.put("basis", o.basis().label());
      out.add(new Observation(g.getKey(), rule.projected() ? o.projected() : o.spent(), o.fires(), detail));
    }
    return out;
  }

  /** The field's distribution (or mix) in the window against the baseline before it, per group. */
  private List<Observation> drift(String tenant, AlertRule rule, long at, Reads reads) {
    Drift.Method method = Drift.Method.parse(rule.method());
    long windowFrom = at - rule.windowMs();
    long baseFrom = windowFrom - rule.baselineMs();
    Map<Map<String, String>, Drift.Result> results = new LinkedHashMap<>();
    Map<Map<String, String>, String> sides = new LinkedHashMap<>();
    FieldRef field = AlertRule.CONTENT_FIELDS.contains(rule.field()) ? null : FieldRef.of(rule.field());
    if (field == null) {
      Map<List<String>, List<SpanContent>> window = reads.session.contents(ranged(rule, windowFrom, at));
      Map<List<String>, List<SpanContent>> base = reads.session.contents(ranged(rule, baseFrom, windowFrom));
      for (Map.Entry<List<String>, List<SpanContent>> w : window.entrySet()) {
        List<SpanContent> b = base.getOrDefault(w.getKey(), List.of());
        // Both sides for "content": the one that fires, else the one that moved more.
        Drift.Result best = null;
        boolean bestFires = false;
        String bestSide = null;
        for (String side : List.of("input", "output")) {
          if (!rule.field().equals("content") && !rule.field().equals("content." + side)) continue;
          Drift.Result r = Drift.compare(method, profile(b, side), profile(w.getValue(), side));
          boolean fires = r.fires(rule.threshold());
          if (best == null || (fires && !bestFires) || (fires == bestFires && r.statistic() > best.statistic())) {
            best = r;
            bestFires = fires;
            bestSide = side;
          }
        }
        Map<String, String> labels = labels(rule, w.getKey());
        results.put(labels, best);
        sides.put(labels, bestSide);
      }
    } else if (field.numeric()) {
      Map<List<String>, double[]> window = reads.session.sample(ranged(rule, windowFrom, at), field);
      Map<List<String>, double[]> base = reads.session.sample(ranged(rule, baseFrom, windowFrom), field);
      for (Map.Entry<List<String>, double[]> w : window.entrySet()) {
        double[] b = base.getOrDefault(w.getKey(), new double[0]);
        Drift.Result r = method == Drift.Method.KS ? Drift.ks(b, w.getValue())
            : Drift.compare(method, Histogram.of(b), Histogram.of(w.getValue()));
        results.put(labels(rule, w.getKey()), r);
      }
    } else {
      Map<List<String>, Map<String, Long>> window = mix(reads, rule, field, windowFrom, at);
      Map<List<String>, Map<String, Long>> base = mix(reads, rule, field, baseFrom, windowFrom);
      for (Map.Entry<List<String>, Map<String, Long>> w : window.entrySet()) {
        results.put(labels(rule, w.getKey()), Drift.compare(method, base.getOrDefault(w.getKey(), Map.of()), w.getValue()));
      }
    }
    List<Observation> out = new ArrayList<>();
    for (Map.Entry<Map<String, String>, Drift.Result> e : results.entrySet()) {
      Drift.Result r = e.getValue();
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("field", rule.field());
      if (sides.containsKey(e.getKey())) detail.put("side", sides.get(e.getKey()));
      detail.put("method", r.method());
      detail.put("statistic", r.statistic());
      detail.put("pValue", r.pValue());
      detail.put("baselineCount", r.baselineCount());
      detail.put("windowCount", r.windowCount());
      List<Map<String, Object>> moved = new ArrayList<>();
      for (Drift.Shift s : r.moved()) moved.add(Map.of("name", s.name(), "baseline", s.baseline(), "window", s.window()));
      detail.put("moved", moved);
      out.add(new Observation(e.getKey(), r.statistic(), r.fires(rule.threshold()), detail));
    }
    return out;
  }

  /** The n-gram profile of one side (input or output) of captured contents; spans without that side are left out. */
  private static NgramProfile profile(List<SpanContent> contents, String side) {
    NgramProfile p = new NgramProfile();
    for (SpanContent c : contents) {
      String text = side.equals("input") ? c.input() : c.output();
      if (!text.isEmpty()) p.add(text);
    }
    return p;
  }

  /** Counts per value of a dimension, per group: the categorical mix. */
  private Map<List<String>, Map<String, Long>> mix(Reads reads, AlertRule rule, FieldRef field, long from, long to) {
    Query t = rule.query();
    List<FieldRef> groups = new ArrayList<>(t.groupBy());
    groups.add(field);
    Query q = new Query(from, to, t.filters(), groups, 0, List.of(io.llmscope.query.Metric.of("count")), List.of(),
        queries.limits().maxLimit(), t.llmOnly(), false);
    Map<List<String>, Map<String, Long>> out = new LinkedHashMap<>();
    int ng = t.groupBy().size();
    for (List<Object> row : reads.session.query(q).rows()) {
      List<String> key = groupKey(row, ng);
      String value = row.get(ng) == null ? "(none)" : String.valueOf(row.get(ng));
      out.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(value, ((Number) row.get(ng + 1)).longValue());
    }
    return out;
  }

  private Query ranged(AlertRule rule, long from, long to) {
    Query t = rule.query();
    return new Query(from, to, t.filters(), t.groupBy(), 0, t.metrics(), List.of(), queries.limits().maxLimit(), t.llmOnly(), false);
  }

  /** A row's first {@code ng} columns (its group values) as text; a null group is "". */
  private static List<String> groupKey(List<Object> row, int ng) {
    List<String> key = new ArrayList<>(ng);
    for (int g = 0; g < ng; g++) key.add(row.get(g) == null ? "" : String.valueOf(row.get(g)));
    return key;
  }

  private static Map<String, String> labels(AlertRule rule, List<String> values) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int g = 0; g < values.size(); g++) labels.put(rule.query().groupBy().get(g).name(), values.get(g));
    return labels;
  }

  private List<Observation> threshold(String tenant, AlertRule rule, long at, Reads reads) {
    List<Observation> out = new ArrayList<>();
    for (Map.Entry<Map<String, String>, Double> g : values(tenant, rule, at - rule.windowMs(), at, reads).entrySet()) {
      double v = g.getValue();
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("metric", rule.metric());
      detail.put("op", rule.op());
      detail.put("threshold", rule.threshold());
      out.add(new Observation(g.getKey(), v, rule.breaks(v), detail));
    }
    return out;
  }

  /** The rule's metric per group over [from, to) from the round's shared scan; a group with no value reads NaN. */
  Map<Map<String, String>, Double> values(String tenant, AlertRule rule, long from, long to, Reads reads) {
    Query t = rule.query();
    ReadKey k = key(rule, from, to);
    java.util.LinkedHashSet<io.llmscope.query.Metric> metrics = reads.wanted.computeIfAbsent(k, x -> new java.util.LinkedHashSet<>());
    metrics.add(t.metrics().get(0)); // unplanned reads still work, in a scan of their own
    QueryResult r = reads.results.get(k);
    if (r == null || !r.columns().contains(rule.metric())) {
      Query q = new Query(from, to, t.filters(), t.groupBy(), 0, new ArrayList<>(metrics), List.of(), queries.limits().maxLimit(),
          t.llmOnly(), false);
      r = reads.session.query(q);
      reads.results.put(k, r);
      reads.scans++;
    }
    int column = r.columns().indexOf(rule.metric());
    Map<Map<String, String>, Double> out = new LinkedHashMap<>();
    int ng = t.groupBy().size();
    for (List<Object> row : r.rows()) {
      Object v = row.get(column);
      out.put(labels(rule, groupKey(row, ng)), v instanceof Number n ? n.doubleValue() : Double.NaN);
    }
    return out;
  }
}
