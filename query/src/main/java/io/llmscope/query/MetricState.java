package io.llmscope.query;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.rollup.Rollup;
import io.llmscope.storage.scan.ColumnBatch;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Per-group running state of one metric. {@link #bind} points it at a batch's column before
 * that batch's rows are fed with {@link #accept}. Counts shared by several metrics live in the
 * executor and are passed to {@link #value}.
 */
abstract class MetricState {
  /**
   * The state of metric {@code m}. Quantiles of the same field share one sketch per group:
   * {@code sketches} holds it, and only its first user feeds it rows.
   */
  static MetricState of(Metric m, java.util.Map<FieldRef, Sketches> sketches) {
    return switch (m.kind()) {
      case COUNT -> new Counted((count, errors) -> count);
      case ERROR_COUNT -> new Counted((count, errors) -> errors);
      case ERROR_RATE -> new Counted((count, errors) -> count == 0 ? null : (double) errors / count);
      case SUM, AVG, MIN, MAX -> new Numeric(m);
      case QUANTILE -> {
        Sketches shared = sketches.get(m.field());
        if (shared == null) {
          sketches.put(m.field(), shared = new Sketches(m.field()));
          yield new Quantile(shared, m.quantile(), true);
        }
        yield new Quantile(shared, m.quantile(), false);
      }
      case COUNT_DISTINCT -> new Distinct(m);
    };
  }

  void grow(int groups) {}

  void bind(ColumnBatch batch) {}

  void accept(int group, int row) {}

  /** Feeds one rollup cell; only metrics {@link Aggregation#rollupFor} admits are asked. */
  void accept(int group, Rollup r, int cell) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " is not kept in rollups");
  }

  /** Adds {@code other}'s state of {@code otherGroup} (the same metric, another scan worker) into {@code group}. */
  abstract void merge(int group, MetricState other, int otherGroup);

  abstract Object value(int group, long count, long errors);

  private interface CountFn {
    Object apply(long count, long errors);
  }

  private static final class Counted extends MetricState {
    private final CountFn fn;

    Counted(CountFn fn) {
      this.fn = fn;
    }

    @Override
    void merge(int group, MetricState other, int otherGroup) {} // counts live in the executor

    @Override
    void accept(int group, Rollup r, int cell) {}

    @Override
    Object value(int group, long count, long errors) {
      return fn.apply(count, errors);
    }
  }

  private static final class Numeric extends MetricState {
    private final Metric metric;
    private double[] acc = new double[0];
    private long[] n = new long[0];
    private double[] column;

    Numeric(Metric metric) {
      this.metric = metric;
    }

    @Override
    void grow(int groups) {
      int old = acc.length;
      if (groups <= old) return;
      int cap = Math.max(groups, old * 2);
      acc = Arrays.copyOf(acc, cap);
      n = Arrays.copyOf(n, cap);
      double init = metric.kind() == Metric.Kind.MIN ? Double.POSITIVE_INFINITY
          : metric.kind() == Metric.Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
      Arrays.fill(acc, old, cap, init);
    }

    @Override
    void bind(ColumnBatch batch) {
      column = batch.measure(metric.field().measure());
    }

    @Override
    void accept(int group, int row) {
      double v = column[row];
      if (Double.isNaN(v)) return;
      n[group]++;
      switch (metric.kind()) {
        case MIN -> acc[group] = Math.min(acc[group], v);
        case MAX -> acc[group] = Math.max(acc[group], v);
        default -> acc[group] += v;
      }
    }

    @Override
    void merge(int group, MetricState other, int otherGroup) {
      Numeric o = (Numeric) other;
      add(group, o.n[otherGroup], o.acc[otherGroup]);
    }

    @Override
    void accept(int group, Rollup r, int cell) {
      Measure m = metric.field().measure();
      long k = r.valueCount(m, cell);
      if (k == 0) return;
      add(group, k, switch (metric.kind()) {
        case MIN -> r.min(m, cell);
        case MAX -> r.max(m, cell);
        default -> r.sum(m, cell);
      });
    }

    /** Adds {@code k} values summarised by {@code v} (their sum, or their min or max). */
    private void add(int group, long k, double v) {
      if (k == 0) return;
      n[group] += k;
      switch (metric.kind()) {
        case MIN -> acc[group] = Math.min(acc[group], v);
        case MAX -> acc[group] = Math.max(acc[group], v);
        default -> acc[group] += v;
      }
    }

    @Override
    Object value(int group, long count, long errors) {
      if (n[group] == 0) return null;
      return metric.kind() == Metric.Kind.AVG ? acc[group] / n[group] : acc[group];
    }
  }

  /**
   * One DDSketch per group over one measure, with the group's value count and how many of its
   * values fell at or below the sketch's smallest positive bin: when none did (latencies, tokens),
   * the quantiles come from one pass over the positive bins alone.
   */
  static final class Sketches {
    private static final double MIN_POSITIVE = Rollup.newSketch().getIndexMapping().minIndexableValue();
    private final FieldRef field;
    private DDSketch[] sketches = new DDSketch[0];
    private long[] values = new long[0];
    private long[] notPositive = new long[0];
    /** Exact extremes per group: a quantile never reads outside the values it summarises. */
    private double[] min = new double[0];
    private double[] max = new double[0];
    private double[] column;
    private double[] quantiles = new double[0];
    private int answeredGroup = -1;
    private double[] answers;

    Sketches(FieldRef field) {
      this.field = field;
    }

    void grow(int groups) {
      if (groups <= sketches.length) return;
      int cap = Math.max(groups, sketches.length * 2);
      sketches = Arrays.copyOf(sketches, cap);
      values = Arrays.copyOf(values, cap);
      notPositive = Arrays.copyOf(notPositive, cap);
      int old = min.length;
      min = Arrays.copyOf(min, cap);
      max = Arrays.copyOf(max, cap);
      Arrays.fill(min, old, cap, Double.POSITIVE_INFINITY);
      Arrays.fill(max, old, cap, Double.NEGATIVE_INFINITY);
    }

    void bind(ColumnBatch batch) {
      column = batch.measure(field.measure());
    }

    void accept(int group, int row) {
      double v = column[row];
      if (Double.isNaN(v)) return;
      sketch(group).accept(v);
      values[group]++;
      if (v <= MIN_POSITIVE) notPositive[group]++;
      if (v < min[group]) min[group] = v;
      if (v > max[group]) max[group] = v;
    }

    void accept(int group, Rollup r, int cell) {
      long n = r.valueCount(field.measure(), cell);
      if (n == 0) return;
      r.addTo(sketch(group), field.measure(), cell);
      values[group] += n;
      notPositive[group] += r.zeros(field.measure(), cell);
      min[group] = Math.min(min[group], r.min(field.measure(), cell));
      max[group] = Math.max(max[group], r.max(field.measure(), cell));
    }

    private DDSketch sketch(int group) {
      DDSketch s = sketches[group];
      if (s == null) sketches[group] = s = Rollup.newSketch();
      return s;
    }

    void merge(int group, Sketches other, int otherGroup) {
      DDSketch o = otherGroup < other.sketches.length ? other.sketches[otherGroup] : null;
      if (o == null) return;
      if (sketches[group] == null) sketches[group] = o;
      else sketches[group].mergeWith(o);
      values[group] += other.values[otherGroup];
      notPositive[group] += other.notPositive[otherGroup];
      min[group] = Math.min(min[group], other.min[otherGroup]);
      max[group] = Math.max(max[group], other.max[otherGroup]);
    }

    /** Registers a quantile this sketch will be asked for, so one pass over its bins answers all. */
    void want(double q) {
      quantiles = Arrays.copyOf(quantiles, quantiles.length + 1);
      quantiles[quantiles.length - 1] = q;
      answeredGroup = -1;
    }

    Object quantile(int group, double q) {
      DDSketch s = group < sketches.length ? sketches[group] : null;
      if (s == null || values[group] == 0) return null;
      if (group != answeredGroup) {
        answers = notPositive[group] == 0
            ? SketchQuantiles.ofPositive(s, values[group], quantiles) : SketchQuantiles.of(s, quantiles);
        answeredGroup = group;
      }
      for (int i = 0; i < quantiles.length; i++) {
        // The sketch answers within 1% of a bin's value; the group's own extremes are exact.
        if (quantiles[i] == q) return Math.max(min[group], Math.min(max[group], answers[i]));
      }
      throw new IllegalStateException("quantile " + q + " was not registered");
    }
  }

  private static final class Quantile extends MetricState {
    private final Sketches sketches;
    private final double q;
    private final boolean feeds;

    Quantile(Sketches sketches, double q, boolean feeds) {
      this.sketches = sketches;
      this.q = q;
      this.feeds = feeds;
      sketches.want(q);
    }

    @Override
    void grow(int groups) {
      if (feeds) sketches.grow(groups);
    }

    @Override
    void bind(ColumnBatch batch) {
      if (feeds) sketches.bind(batch);
    }

    @Override
    void accept(int group, int row) {
      if (feeds) sketches.accept(group, row);
    }

    @Override
    void merge(int group, MetricState other, int otherGroup) {
      if (feeds) sketches.merge(group, ((Quantile) other).sketches, otherGroup);
    }

    @Override
    void accept(int group, Rollup r, int cell) {
      if (feeds) sketches.accept(group, r, cell);
    }

    @Override
    Object value(int group, long count, long errors) {
      return sketches.quantile(group, q);
    }
  }

  private static final class Distinct extends MetricState {
    private final Metric metric;
    private Set<Object>[] sets = newSets(0);
    private double[] numbers;
    private KeyColumn keys;

    Distinct(Metric metric) {
      this.metric = metric;
    }

    @SuppressWarnings("unchecked")
    private static Set<Object>[] newSets(int n) {
      return new Set[n];
    }

    @Override
    void grow(int groups) {
      if (groups > sets.length) sets = Arrays.copyOf(sets, Math.max(groups, sets.length * 2));
    }

    @Override
    void bind(ColumnBatch batch) {
      if (metric.field().numeric()) {
        numbers = batch.measure(metric.field().measure());
      } else {
        keys = KeyColumn.of(batch, metric.field());
      }
    }

    @Override
    void accept(int group, int row) {
      Object v;
      if (metric.field().numeric()) {
        double d = numbers[row];
        if (Double.isNaN(d)) return;
        v = d;
      } else {
        int id = keys.ids()[row];
        if (id == 0) return;
        v = keys.dictionary().value(id);
      }
      Set<Object> s = sets[group];
      if (s == null) sets[group] = s = new HashSet<>();
      s.add(v);
    }

    @Override
    void merge(int group, MetricState other, int otherGroup) {
      Set<Object> o = ((Distinct) other).sets[otherGroup];
      if (o == null) return;
      if (sets[group] == null) sets[group] = o;
      else sets[group].addAll(o);
    }

    @Override
    Object value(int group, long count, long errors) {
      return sets[group] == null ? 0L : (long) sets[group].size();
    }
  }
}
