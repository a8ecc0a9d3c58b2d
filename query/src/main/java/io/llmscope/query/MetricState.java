package io.llmscope.query;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.rollup.Rollup;
import io.llmscope.storage.scan.ColumnBatch;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Per-group running state of one metric. {@link #bind} points it at a batch's column (or, for a
 * score, the batch's {@link ScoreColumn}: several values per row) before that batch's rows are fed
 * with {@link #accept}. Counts shared by several metrics live in the
 * executor and are passed to {@link #value}.
 */
abstract class MetricState {
  /**
   * The state of metric {@code m}. Quantiles of the same field share one sketch per group:
   * {@code sketches} holds it, and only its first user feeds it rows. Growth and per-group objects
   * are charged to {@code memory}.
   */
  static MetricState of(Metric m, java.util.Map<FieldRef, Sketches> sketches, QueryMemory.Account memory) {
    return of(m, sketches, memory, Sketches.EXACT_VALUES);
  }

  /** {@link #of} keeping up to {@code exactValues} values per group before building a sketch (0: always a sketch). */
  static MetricState of(Metric m, java.util.Map<FieldRef, Sketches> sketches, QueryMemory.Account memory, int exactValues) {
    return of(m, sketches, memory, exactValues, QueryLimits.DEFAULT_COMPARE_SAMPLE_VALUES, QueryLimits.DEFAULT_CONTENT_SAMPLE_TEXTS);
  }

  /**
   * {@link #of}; a {@link Metric.Kind#SAMPLE} keeps up to {@code sampleValues} values per group, a
   * {@link Metric.Kind#CONTENT_SAMPLE} up to {@code sampleTexts} contents.
   */
  static MetricState of(Metric m, java.util.Map<FieldRef, Sketches> sketches, QueryMemory.Account memory, int exactValues,
      int sampleValues, int sampleTexts) {
    return switch (m.kind()) {
      case SAMPLE -> new Sample(m, memory, sampleValues);
      case CONTENT_SAMPLE -> new ContentSample(memory, sampleTexts);
      case COUNT -> new Counted((count, errors) -> count);
      case ERROR_COUNT -> new Counted((count, errors) -> errors);
      case ERROR_RATE -> new Counted((count, errors) -> count == 0 ? null : (double) errors / count);
      case SUM, AVG, MIN, MAX, COUNT_VALUES -> new Numeric(m, memory);
      case QUANTILE -> {
        Sketches shared = sketches.get(m.field());
        if (shared == null) {
          sketches.put(m.field(), shared = new Sketches(m.field(), memory, exactValues));
          yield new Quantile(shared, m.quantile(), true);
        }
        yield new Quantile(shared, m.quantile(), false);
      }
      case COUNT_DISTINCT -> new Distinct(m, memory);
    };
  }

  void grow(int groups) {}

  void bind(ColumnBatch batch, BatchScores scores) {}

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
    private ScoreColumn scores;
    private final QueryMemory.Account memory;

    Numeric(Metric metric, QueryMemory.Account memory) {
      this.metric = metric;
      this.memory = memory;
    }

    @Override
    void grow(int groups) {
      int old = acc.length;
      if (groups <= old) return;
      int cap = Math.max(groups, old * 2);
      memory.chargeGrowth(old, cap, Double.BYTES + Long.BYTES);
      acc = Arrays.copyOf(acc, cap);
      n = Arrays.copyOf(n, cap);
      double init = metric.kind() == Metric.Kind.MIN ? Double.POSITIVE_INFINITY
          : metric.kind() == Metric.Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
      Arrays.fill(acc, old, cap, init);
    }

    @Override
    void bind(ColumnBatch batch, BatchScores batchScores) {
      if (metric.field().kind() == FieldRef.Kind.SCORE) {
        scores = batchScores.of(metric.field().key());
      } else {
        column = batch.measure(metric.field().measure());
      }
    }

    @Override
    void accept(int group, int row) {
      if (scores != null) {
        for (int k = scores.from(row); k < scores.to(row); k++) {
          double v = scores.value(k);
          if (metric.kind() == Metric.Kind.COUNT_VALUES) n[group]++; // label-only scores count too
          else if (!Double.isNaN(v)) add(group, 1, v);
        }
        return;
      }
      double v = column[row];
      if (!Double.isNaN(v)) add(group, 1, v);
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
      if (metric.kind() == Metric.Kind.COUNT_VALUES) return (double) n[group];
      if (n[group] == 0) return null;
      return metric.kind() == Metric.Kind.AVG ? acc[group] / n[group] : acc[group];
    }
  }

  /**
   * The quantile state of one measure per group: its value count, how many of its values fell at
   * or below the sketch's smallest positive bin (when none did, as for latencies and tokens, the
   * quantiles come from one pass over the positive bins alone) and its exact extremes.
   *
   * <p>Sketches are built lazily, because grouping by span or trace id makes a group per span and
   * a sketch costs about 0.7 KB even with one value: a group's first two values are its min and max,
   * its next ones up to {@link #EXACT_VALUES} are kept in a small array, and only then do they move
   * into a DDSketch. A group answered without one replays its values into a scratch sketch, so its
   * quantiles are exactly the ones a sketch fed from the start gives (DDSketch bins do not depend on
   * the order values arrive in).
   */
  static final class Sketches {
    /** Values a group keeps exactly before it builds a sketch: 32 doubles cost less than half a sketch. */
    static final int EXACT_VALUES = 32;
    /** Per group: sketch and exact-array references, value and not-positive counts, min and max. */
    private static final int GROUP_BYTES = 2 * Integer.BYTES + 4 * Long.BYTES;
    private static final double MIN_POSITIVE = Rollup.newSketch().getIndexMapping().minIndexableValue();
    /** Larger values make DDSketch throw; such a value goes to a sketch at once, as before sketches were lazy. */
    private static final double MAX_TRACKABLE = Rollup.newSketch().getIndexMapping().maxIndexableValue();
    private final FieldRef field;
    private final QueryMemory.Account memory;
    private final int exactMax;
    private DDSketch[] sketches = new DDSketch[0];
    /** A group's values from the third on while it has no sketch (the first two are its min and max). */
    private double[][] exact = new double[0][];
    private long[] values = new long[0];
    private long[] notPositive = new long[0];
    /** Exact extremes per group: a quantile never reads outside the values it summarises. */
    private double[] min = new double[0];
    private double[] max = new double[0];
    private double[] column;
    private ScoreColumn scores;
    private double[] quantiles = new double[0];
    private int answeredGroup = -1;
    private double[] answers;
    private DDSketch scratch;

    Sketches(FieldRef field, QueryMemory.Account memory, int exactValues) {
      this.field = field;
      this.memory = memory;
      this.exactMax = exactValues;
    }

    void grow(int groups) {
      if (groups <= sketches.length) return;
      int cap = Math.max(groups, sketches.length * 2);
      memory.chargeGrowth(sketches.length, cap, GROUP_BYTES);
      sketches = Arrays.copyOf(sketches, cap);
      exact = Arrays.copyOf(exact, cap);
      values = Arrays.copyOf(values, cap);
      notPositive = Arrays.copyOf(notPositive, cap);
      int old = min.length;
      min = Arrays.copyOf(min, cap);
      max = Arrays.copyOf(max, cap);
      Arrays.fill(min, old, cap, Double.POSITIVE_INFINITY);
      Arrays.fill(max, old, cap, Double.NEGATIVE_INFINITY);
    }

    void bind(ColumnBatch batch, BatchScores batchScores) {
      if (field.kind() == FieldRef.Kind.SCORE) {
        scores = batchScores.of(field.key());
      } else {
        column = batch.measure(field.measure());
      }
    }

    void accept(int group, int row) {
      if (scores != null) {
        for (int k = scores.from(row); k < scores.to(row); k++) {
          double v = scores.value(k);
          if (!Double.isNaN(v)) add(group, v);
        }
        return;
      }
      double v = column[row];
      if (!Double.isNaN(v)) add(group, v);
    }

    /** One value into a group: into its sketch, or kept exactly while the group has few. */
    private void add(int group, double v) {
      DDSketch s = sketches[group];
      if (s != null) {
        s.accept(v);
      } else {
        keep(group, v);
      }
      values[group]++;
      if (v <= MIN_POSITIVE) notPositive[group]++;
      if (v < min[group]) min[group] = v;
      if (v > max[group]) max[group] = v;
    }

    /** Keeps {@code v} for a group without a sketch; before its count and extremes count {@code v}. */
    private void keep(int group, double v) {
      long n = values[group];
      if (n >= exactMax || !(Math.abs(v) <= MAX_TRACKABLE)) {
        sketch(group).accept(v);
        return;
      }
      if (n < 2) return; // min and max hold it
      double[] e = exact[group];
      if (e == null) {
        int cap = Math.min(exactMax, 4);
        memory.charge(QueryMemory.ARRAY_HEADER + (long) cap * Double.BYTES);
        e = exact[group] = new double[cap];
        e[0] = min[group];
        e[1] = max[group];
      } else if (n == e.length) {
        int cap = Math.min(exactMax, e.length * 2);
        memory.chargeGrowth(e.length, cap, Double.BYTES);
        e = exact[group] = Arrays.copyOf(e, cap);
      }
      e[(int) n] = v;
    }

    /** The group's sketch, built from its exact values when it has none yet. */
    private DDSketch sketch(int group) {
      DDSketch s = sketches[group];
      if (s == null) {
        memory.charge(QueryMemory.SKETCH_BYTES);
        s = Rollup.newSketch();
        replay(group, s);
        dropExact(group);
        sketches[group] = s;
      }
      return s;
    }

    /** Feeds a group's exact values (it has no sketch) into {@code s}. */
    private void replay(int group, DDSketch s) {
      long n = values[group];
      if (n == 0) return;
      if (n <= 2) {
        s.accept(min[group]);
        if (n == 2) s.accept(max[group]);
        return;
      }
      double[] e = exact[group];
      for (int i = 0; i < n; i++) s.accept(e[i]);
    }

    private void dropExact(int group) {
      double[] e = exact[group];
      if (e == null) return;
      memory.charge(-(QueryMemory.ARRAY_HEADER + (long) e.length * Double.BYTES));
      exact[group] = null;
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

    void merge(int group, Sketches other, int otherGroup) {
      long n = otherGroup < other.values.length ? other.values[otherGroup] : 0;
      if (n == 0) return;
      DDSketch o = other.sketches[otherGroup];
      if (o == null) { // a few exact values: as if this group had read their rows
        if (n <= 2) {
          add(group, other.min[otherGroup]);
          if (n == 2) add(group, other.max[otherGroup]);
        } else {
          double[] e = other.exact[otherGroup];
          for (int i = 0; i < n; i++) add(group, e[i]);
        }
        return;
      }
      if (sketches[group] != null) {
        sketches[group].mergeWith(o);
      } else { // take the other's sketch over (the other state is dropped after the merge)
        memory.charge(QueryMemory.SKETCH_BYTES);
        replay(group, o);
        dropExact(group);
        sketches[group] = o;
      }
      values[group] += n;
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
      long n = group < values.length ? values[group] : 0;
      if (n == 0) return null;
      if (group != answeredGroup) {
        DDSketch s = sketches[group];
        if (s == null && n == 1) {
          // One value: every quantile is it (what the sketch's bin gives, clamped to min = max).
          answers = new double[quantiles.length];
          Arrays.fill(answers, min[group]);
        } else {
          if (s == null) {
            if (scratch == null) scratch = Rollup.newSketch();
            scratch.clear();
            replay(group, scratch);
            s = scratch;
          }
          answers = notPositive[group] == 0
              ? SketchQuantiles.ofPositive(s, n, quantiles) : SketchQuantiles.of(s, quantiles);
        }
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
    void bind(ColumnBatch batch, BatchScores scores) {
      if (feeds) sketches.bind(batch, scores);
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
    private final QueryMemory.Account memory;
    private Set<Object>[] sets = newSets(0);
    private double[] numbers;
    private KeyColumn keys;
    private ScoreColumn scores;

    Distinct(Metric metric, QueryMemory.Account memory) {
      this.metric = metric;
      this.memory = memory;
    }

    @SuppressWarnings("unchecked")
    private static Set<Object>[] newSets(int n) {
      return new Set[n];
    }

    @Override
    void grow(int groups) {
      if (groups <= sets.length) return;
      int cap = Math.max(groups, sets.length * 2);
      memory.chargeGrowth(sets.length, cap, Integer.BYTES);
      sets = Arrays.copyOf(sets, cap);
    }

    @Override
    void bind(ColumnBatch batch, BatchScores batchScores) {
      if (metric.field().kind() == FieldRef.Kind.SCORE) {
        scores = batchScores.of(metric.field().key());
      } else if (metric.field().numeric()) {
        numbers = batch.measure(metric.field().measure());
      } else {
        keys = KeyColumn.of(batch, metric.field());
      }
    }

    @Override
    void accept(int group, int row) {
      if (scores != null) { // distinct labels, or values of unlabelled scores
        for (int k = scores.from(row); k < scores.to(row); k++) {
          add(group, scores.label(k) != null ? scores.label(k) : (Object) scores.value(k));
        }
        return;
      }
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
      add(group, v);
    }

    private void add(int group, Object v) {
      Set<Object> s = sets[group];
      if (s == null) {
        memory.charge(QueryMemory.DISTINCT_ENTRY_BYTES); // the set itself
        sets[group] = s = new HashSet<>();
      }
      if (s.add(v)) memory.charge(QueryMemory.DISTINCT_ENTRY_BYTES);
    }

    @Override
    void merge(int group, MetricState other, int otherGroup) {
      Set<Object> o = ((Distinct) other).sets[otherGroup];
      if (o == null) return;
      Set<Object> s = sets[group];
      int before = s == null ? -1 : s.size(); // -1: the set itself is new here too
      if (s == null) sets[group] = s = o;
      else s.addAll(o);
      memory.charge((long) (s.size() - before) * QueryMemory.DISTINCT_ENTRY_BYTES);
    }

    @Override
    Object value(int group, long count, long errors) {
      return sets[group] == null ? 0L : (long) sets[group].size();
    }
  }

  /** What a {@link Sample} answers: the kept values, and how many values it saw. */
  record Sampled(double[] values, long seen) {}

  /**
   * A uniform sample of a field's values per group (reservoir sampling, seeded so an answer
   * repeats): every value while the group has at most {@code cap}, so tests on small cohorts are
   * exact. Merging two partial samples keeps each one's values as if read in order, exact under the cap.
   */
  private static final class Sample extends MetricState {
    private final Metric metric;
    private final QueryMemory.Account memory;
    private final int cap;
    private final java.util.SplittableRandom random = new java.util.SplittableRandom(0x5EED);
    private double[][] values = new double[0][];
    private int[] size = new int[0];
    private long[] seen = new long[0];
    private double[] column;
    private ScoreColumn scores;

    Sample(Metric metric, QueryMemory.Account memory, int cap) {
      this.metric = metric;
      this.memory = memory;
      this.cap = cap;
    }

    @Override
    void grow(int groups) {
      if (groups <= values.length) return;
      int c = Math.max(groups, values.length * 2);
      memory.chargeGrowth(values.length, c, Integer.BYTES + Long.BYTES + 8);
      values = Arrays.copyOf(values, c);
      size = Arrays.copyOf(size, c);
      seen = Arrays.copyOf(seen, c);
    }

    @Override
    void bind(ColumnBatch batch, BatchScores batchScores) {
      if (metric.field().kind() == FieldRef.Kind.SCORE) scores = batchScores.of(metric.field().key());
      else column = batch.measure(metric.field().measure());
    }

    @Override
    void accept(int group, int row) {
      if (scores != null) {
        for (int k = scores.from(row); k < scores.to(row); k++) if (!Double.isNaN(scores.value(k))) add(group, scores.value(k));
      } else if (!Double.isNaN(column[row])) {
        add(group, column[row]);
      }
    }

    private void add(int group, double v) {
      long n = ++seen[group];
      int s = size[group];
      if (s < cap) {
        double[] a = values[group];
        if (a == null || s == a.length) {
          int c = (int) Math.min(cap, Math.max(16, s * 2L));
          memory.chargeGrowth(a == null ? 0 : a.length, c, Double.BYTES);
          values[group] = a = a == null ? new double[c] : Arrays.copyOf(a, c);
        }
        a[s] = v;
        size[group] = s + 1;
      } else {
        long j = random.nextLong(n);
        if (j < cap) values[group][(int) j] = v;
      }
    }

    @Override
    void merge(int group, MetricState other, int otherGroup) {
      Sample o = (Sample) other;
      double[] a = o.values[otherGroup];
      for (int i = 0; i < o.size[otherGroup]; i++) add(group, a[i]);
      seen[group] += o.seen[otherGroup] - o.size[otherGroup]; // values the other saw but did not keep
    }

    @Override
    Object value(int group, long count, long errors) {
      if (group >= values.length || values[group] == null) return new Sampled(new double[0], 0);
      return new Sampled(Arrays.copyOf(values[group], size[group]), seen[group]);
    }
  }

  /** What a {@link ContentSample} answers: the kept contents, and how many spans with content it met. */
  record SampledContent(java.util.List<SpanContent> contents, long seen) {}

  /**
   * A uniform sample of the rows' captured content per group (reservoir sampling over the rows,
   * seeded). A row's detail is read only when the row is kept, so a window of n rows costs about
   * cap × (1 + ln(n / cap)) detail reads, not n; rows without content are read but not kept.
   */
  private static final class ContentSample extends MetricState {
    private final QueryMemory.Account memory;
    private final int cap;
    private final java.util.SplittableRandom random = new java.util.SplittableRandom(0x7E575);
    private java.util.List<SpanContent>[] kept = newLists(0);
    private long[] seen = new long[0];
    private ColumnBatch batch;

    ContentSample(QueryMemory.Account memory, int cap) {
      this.memory = memory;
      this.cap = cap;
    }

    @SuppressWarnings("unchecked")
    private static java.util.List<SpanContent>[] newLists(int n) {
      return new java.util.List[n];
    }

    @Override
    void grow(int groups) {
      if (groups <= kept.length) return;
      int c = Math.max(groups, kept.length * 2);
      memory.chargeGrowth(kept.length, c, Long.BYTES + 8);
      kept = Arrays.copyOf(kept, c);
      seen = Arrays.copyOf(seen, c);
    }

    @Override
    void bind(ColumnBatch b, BatchScores scores) {
      batch = b;
    }

    /** Where the group's next content goes: appended while under the cap, else a random slot (≥ cap: not kept). */
    private long slot(int group) {
      java.util.List<SpanContent> k = kept[group];
      int size = k == null ? 0 : k.size();
      return size < cap ? size : random.nextLong(seen[group] + 1);
    }

    @Override
    void accept(int group, int row) {
      long j = slot(group);
      if (j >= cap) { // not kept: counts as met only if it has content, which is not read
        seen[group]++;
        return;
      }
      SpanContent c = SpanContent.of(batch.detail(row));
      if (c.isEmpty()) return;
      add(group, c, j);
    }

    private void add(int group, SpanContent c, long slot) {
      java.util.List<SpanContent> k = kept[group];
      if (k == null) kept[group] = k = new java.util.ArrayList<>();
      seen[group]++;
      memory.charge(64L + 2L * (c.input().length() + c.output().length()));
      if (slot >= k.size()) k.add(c);
      else k.set((int) slot, c);
    }

    @Override
    void merge(int group, MetricState other, int otherGroup) {
      ContentSample o = (ContentSample) other;
      java.util.List<SpanContent> theirs = o.kept[otherGroup];
      if (theirs == null) return;
      for (SpanContent c : theirs) {
        long j = slot(group);
        if (j < cap) add(group, c, j);
        else seen[group]++;
      }
      seen[group] += o.seen[otherGroup] - theirs.size();
    }

    @Override
    Object value(int group, long count, long errors) {
      if (group >= kept.length || kept[group] == null) return new SampledContent(java.util.List.of(), 0);
      return new SampledContent(java.util.List.copyOf(kept[group]), seen[group]);
    }
  }
}
