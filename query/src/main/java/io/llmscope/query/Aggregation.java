package io.llmscope.query;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Nanos;
import io.llmscope.storage.model.SpanFlags;
import io.llmscope.storage.rollup.Rollup;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import io.llmscope.storage.scan.ScoreView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * Executes one query: filters each batch's rows, groups them by (group values, time bucket)
 * in a {@link GroupTable}, feeds the metric states, then orders and limits the result.
 * Group values are translated from each batch's dictionary ids into query-wide ids once per
 * distinct value, so the per-row work is array lookups.
 *
 * <p>Working memory is bounded while aggregating: {@link QueryLimits#maxGroups()} as each group is
 * made, and {@link QueryLimits#maxQueryMemoryBytes()} as the state's arrays and objects grow
 * ({@link QueryMemory}). Only the rows the {@code limit} keeps are built ({@link TopN}).
 */
final class Aggregation {
  private final Query q;
  private final int limit;
  private final long fromNanos;
  private final long toNanos;
  private final int groupWidth;
  private final GroupTable table;
  private final long[] probe;
  private final MetricState[] states;
  private final List<ValueIds> globalIds = new ArrayList<>();
  private long[] counts = new long[64];
  private long[] errors = new long[64];
  /** True when a metric reads {@link #errors}; else no row's status is read. */
  private final boolean countsErrors;
  private final int maxGroups;
  private final QueryMemory.Account memory;
  private final ScoreView scores;
  private final boolean readsScores;
  private long rowsScanned;
  private long cellsRead;
  private long resultRows;

  /** An aggregation without a memory budget (tests). */
  Aggregation(Query q, int limit, int maxGroups) {
    this(q, limit, maxGroups, QueryMemory.unbounded(), MetricState.Sketches.EXACT_VALUES, ScoreView.EMPTY);
  }

  /**
   * {@code limit} is the query's, with the engine's default and bound applied; {@code memory} is the
   * query's budget, shared by every partial aggregation of it; {@code exactValues}: values a group
   * keeps exactly before it builds a quantile sketch; {@code scores}: the tenant's, joined to the
   * rows read when the query names a score.
   */
  Aggregation(Query q, int limit, int maxGroups, QueryMemory memory, int exactValues, ScoreView scores) {
    this(q, limit, maxGroups, memory, exactValues, scores, QueryLimits.DEFAULT_COMPARE_SAMPLE_VALUES,
        QueryLimits.DEFAULT_CONTENT_SAMPLE_TEXTS);
  }

  /**
   * As above; a {@link Metric.Kind#SAMPLE} metric keeps up to {@code sampleValues} values per group,
   * a {@link Metric.Kind#CONTENT_SAMPLE} up to {@code sampleTexts} contents.
   */
  Aggregation(Query q, int limit, int maxGroups, QueryMemory memory, int exactValues, ScoreView scores, int sampleValues,
      int sampleTexts) {
    this.q = q;
    this.scores = scores;
    this.readsScores = q.readsScores();
    this.limit = limit;
    this.maxGroups = maxGroups;
    this.memory = memory.account();
    this.fromNanos = Nanos.fromMillis(q.fromMs());
    this.toNanos = Nanos.fromMillis(q.toMs());
    this.groupWidth = q.groupBy().size() + (q.stepMs() > 0 ? 1 : 0);
    this.table = new GroupTable(groupWidth, this.memory);
    this.probe = new long[Math.max(1, groupWidth)];
    this.countsErrors = q.metrics().stream().anyMatch(m -> m.kind() == Metric.Kind.ERROR_COUNT || m.kind() == Metric.Kind.ERROR_RATE);
    this.states = new MetricState[q.metrics().size()];
    Map<FieldRef, MetricState.Sketches> sketches = new HashMap<>();
    for (int i = 0; i < states.length; i++) {
      states[i] = MetricState.of(q.metrics().get(i), sketches, this.memory, exactValues, sampleValues, sampleTexts);
    }
    for (int i = 0; i < q.groupBy().size(); i++) globalIds.add(new ValueIds(this.memory));
  }

  /** Carries out the planner's decision for one batch. */
  void add(BatchPlan p) {
    switch (p.decision) {
      case PRUNED -> { }
      case ROLLUP -> add(p.rollup);
      case POSTINGS, SCAN -> scan(p);
    }
  }

  /** Reads a batch's rows: all of them, or the postings' candidates; {@code p.accept} holds dimension filters' ids. */
  private void scan(BatchPlan p) {
    ColumnBatch b = p.batch;
    int n = p.rows;
    rowsScanned += n;
    boolean llmOnly = q.llmOnly();

    // Filters on string fields become a per-id accept table; numeric filters are checked per row.
    int nf = q.filters().size();
    boolean[][] accept = new boolean[nf][];
    int[][] filterIds = new int[nf][];
    double[][] filterNums = new double[nf][];
    // Rows that pass every filter answered by postings; a gathered batch holds those alone.
    RoaringBitmap candidates = p.gathered ? null : p.candidates;
    boolean[] posted = p.posted;
    long[] start = p.readStart ? b.startNanos() : null;
    byte[] flags = b.flags();
    int[] rowList = candidates == null ? null : candidates.toArray();
    BatchScores batchScores = readsScores ? new BatchScores(b, scores, rowList) : null;
    ScoreColumn[] scoreFilters = new ScoreColumn[nf];
    for (int f = 0; f < nf; f++) {
      Filter filter = q.filters().get(f);
      if (posted[f]) continue;
      if (filter.field().kind() == FieldRef.Kind.SCORE) {
        scoreFilters[f] = batchScores.of(filter.field().key());
      } else if (filter.field().numeric()) {
        filterNums[f] = b.measure(filter.field().measure());
      } else if (p.accept[f] != null) { // a dimension whose dictionary the planner matched
        accept[f] = p.accept[f];
        filterIds[f] = b.dimIds(filter.field().dim());
      } else {
        KeyColumn kc = KeyColumn.of(b, filter.field());
        Dictionary d = kc.dictionary();
        boolean[] acc = new boolean[d.size()];
        boolean any = false;
        for (int id = 0; id < acc.length; id++) any |= acc[id] = filter.matches(d.value(id));
        if (!any) return; // no row of this batch can match
        accept[f] = acc;
        filterIds[f] = kc.ids();
      }
    }

    int ng = q.groupBy().size();
    int[][] groupIds = new int[ng][];
    int[][] toGlobal = new int[ng][];
    Dictionary[] groupDicts = new Dictionary[ng];
    for (int g = 0; g < ng; g++) {
      KeyColumn kc = KeyColumn.of(b, q.groupBy().get(g), batchScores);
      groupIds[g] = kc.ids();
      groupDicts[g] = kc.dictionary();
      if (kc.dictionary().sorted() && kc.dictionary().size() > EAGER_MAPPING_MIN) {
        toGlobal[g] = globalIds.get(g).idsOfSorted(kc.dictionary());
      } else { // filled as rows meet each value
        int[] t = new int[kc.dictionary().size()];
        Arrays.fill(t, -1);
        toGlobal[g] = t;
      }
    }

    int[] groupOfLocal = null;
    if (ng == 1 && q.stepMs() == 0) {
      groupOfLocal = new int[groupDicts[0].size()];
      Arrays.fill(groupOfLocal, -1);
    }
    // The status column only when a metric counts errors: for the others it was a column per segment read for nothing.
    int errorId = countsErrors ? b.dictionary(Dim.STATUS).idOf("error") : -1;
    int[] status = countsErrors ? b.dimIds(Dim.STATUS) : null;
    for (MetricState s : states) s.bind(b, batchScores);
    long step = q.stepMs();

    int count = rowList == null ? b.size() : rowList.length;
    rows:
    for (int i = 0; i < count; i++) {
      int r = rowList == null ? i : rowList[i];
      long t = start == null ? fromNanos : start[r];
      if (t < fromNanos || t >= toNanos) continue;
      if (llmOnly && (flags[r] & SpanFlags.LLM) == 0) continue;
      for (int f = 0; f < nf; f++) {
        if (accept[f] != null) {
          if (!accept[f][filterIds[f][r]]) continue rows;
        } else if (filterNums[f] != null) {
          if (!q.filters().get(f).matches(filterNums[f][r])) continue rows;
        } else if (scoreFilters[f] != null && !matchesScores(q.filters().get(f), scoreFilters[f], r)) {
          continue rows;
        }
      }
      int group;
      if (groupOfLocal != null) { // one group field, no step: the batch's dictionary id is the key
        int local = groupIds[0][r];
        group = groupOfLocal[local];
        if (group < 0) {
          int global = toGlobal[0][local];
          if (global < 0) global = globalId(0, groupDicts[0].value(local));
          group = groupOfLocal[local] = groupOfGlobal(global);
        }
      } else {
        int k = 0;
        if (step > 0) probe[k++] = Math.floorDiv(Math.floorDiv(t, 1_000_000L), step) * step;
        for (int g = 0; g < ng; g++) {
          int local = groupIds[g][r];
          int global = toGlobal[g][local];
          if (global < 0) global = toGlobal[g][local] = globalId(g, groupDicts[g].value(local));
          probe[k++] = global;
        }
        group = groupFor(probe);
      }
      counts[group]++;
      if (status != null && status[r] == errorId) errors[group]++;
      for (MetricState s : states) {
        s.grow(group + 1);
        s.accept(group, r);
      }
    }
  }

  /** A score filter on one row: {@code exists} asks whether it has a score of the name, other ops whether one matches. */
  private static boolean matchesScores(Filter f, ScoreColumn c, int row) {
    int from = c.from(row);
    int to = c.to(row);
    if (f.op() == Filter.Op.EXISTS) return (to > from) == f.wantsPresent();
    for (int k = from; k < to; k++) if (f.matchesScore(c.value(k), c.label(k))) return true;
    return false;
  }

  /** Feeds the cells of a rollup the planner chose, in place of its batch's rows. */
  private void add(Rollup r) {
    cellsRead += r.cells();
    int nf = q.filters().size();
    boolean[][] accept = new boolean[nf][];
    int[] filterKey = new int[nf];
    for (int f = 0; f < nf; f++) {
      Filter filter = q.filters().get(f);
      int k = filterKey[f] = r.keys().indexOf(filter.field().dim());
      accept[f] = new boolean[r.valueIds(k)];
      for (int id = 0; id < accept[f].length; id++) accept[f][id] = filter.matches(r.value(k, id));
    }
    int ng = q.groupBy().size();
    int[] groupKey = new int[ng];
    int[][] toGlobal = new int[ng][];
    for (int g = 0; g < ng; g++) {
      int k = groupKey[g] = r.keys().indexOf(q.groupBy().get(g).dim());
      toGlobal[g] = new int[r.valueIds(k)];
      for (int id = 0; id < toGlobal[g].length; id++) toGlobal[g][id] = globalId(g, r.value(k, id));
    }
    long step = q.stepMs();
    cells:
    for (int c = 0; c < r.cells(); c++) {
      if (q.llmOnly() && !r.llm(c)) continue;
      for (int f = 0; f < nf; f++) if (!accept[f][r.keyId(filterKey[f], c)]) continue cells;
      int k = 0;
      if (step > 0) probe[k++] = Math.floorDiv(r.startMs(c), step) * step;
      for (int g = 0; g < ng; g++) probe[k++] = toGlobal[g][r.keyId(groupKey[g], c)];
      int group = groupFor(probe);
      counts[group] += r.count(c);
      errors[group] += r.errors(c);
      for (MetricState s : states) {
        s.grow(group + 1);
        s.accept(group, r, c);
      }
    }
  }

  /** Sorted dictionaries larger than this map to query-wide ids in one merge, up front. */
  private static final int EAGER_MAPPING_MIN = 1024;

  /** Adds another partial aggregation of the same query (from another scan worker) into this one. */
  void merge(Aggregation o) {
    rowsScanned += o.rowsScanned;
    cellsRead += o.cellsRead;
    int ng = q.groupBy().size();
    int[][] toThis = new int[ng][];
    for (int g = 0; g < ng; g++) {
      ValueIds values = o.globalIds.get(g);
      toThis[g] = new int[values.size()];
      for (int id = 0; id < values.size(); id++) toThis[g][id] = globalId(g, values.value(id));
    }
    boolean stepped = q.stepMs() > 0;
    for (int og = 0; og < o.table.size(); og++) {
      int k = 0;
      if (stepped) probe[k] = o.table.key(og, k++);
      for (int g = 0; g < ng; g++, k++) probe[k] = toThis[g][(int) o.table.key(og, k)];
      int group = groupFor(probe);
      counts[group] += o.counts[og];
      errors[group] += o.errors[og];
      for (int i = 0; i < states.length; i++) {
        states[i].grow(group + 1);
        states[i].merge(group, o.states[i], og);
      }
    }
    o.memory.releaseAll(); // its state is garbage now; what it handed over was charged here
  }

  /** Groups by query-wide id of the single group field (no step), so batches need not probe the table. */
  private int[] groupByGlobal = new int[0];

  private int groupOfGlobal(int global) {
    if (global >= groupByGlobal.length) {
      int old = groupByGlobal.length;
      memory.chargeGrowth(old, Math.max(global + 1, old * 2), Integer.BYTES);
      groupByGlobal = Arrays.copyOf(groupByGlobal, Math.max(global + 1, old * 2));
      Arrays.fill(groupByGlobal, old, groupByGlobal.length, -1);
    }
    int group = groupByGlobal[global];
    if (group < 0) {
      probe[0] = global;
      group = groupByGlobal[global] = groupFor(probe);
    }
    return group;
  }

  /** The group of a key, added when new; enforces the group limit. */
  private int groupFor(long[] key) {
    int group = table.findOrAdd(key);
    if (group >= maxGroups) {
      throw new QueryException("query makes more than " + maxGroups + " groups (" + QueryLimits.MAX_GROUPS_KEY
          + "); filter more, group by fewer fields or use a larger step");
    }
    if (group >= counts.length) {
      memory.chargeGrowth(counts.length, counts.length * 2L, 2 * Long.BYTES);
      counts = Arrays.copyOf(counts, counts.length * 2);
      errors = Arrays.copyOf(errors, errors.length * 2);
    }
    return group;
  }

  private int globalId(int g, String value) {
    return globalIds.get(g).idOf(value);
  }

  long rowsScanned() {
    return rowsScanned;
  }

  /** Rows of the answer before the limit; set by {@link #rows()}. */
  long resultRows() {
    return resultRows;
  }

  /** Rollup cells read in place of rows. */
  long cellsRead() {
    return cellsRead;
  }

  /**
   * The answer: every group ordered by {@code orderBy}, then time and group values ascending (nulls
   * last), cut at the limit. Only the kept groups become rows; the order compares groups through
   * their key parts and the ordered metrics' values, computed once per group.
   */
  List<List<Object>> rows() {
    if (groupWidth == 0 && table.size() == 0) {
      // Like SQL without GROUP BY: an empty selection is one row (count 0, other metrics null).
      table.findOrAdd(probe);
      for (MetricState s : states) s.grow(1);
    }
    int groups = table.size();
    resultRows = groups;
    int[] kept = TopN.first(groups, limit, order(groups));
    List<List<Object>> rows = new ArrayList<>(kept.length);
    int ng = q.groupBy().size();
    boolean stepped = q.stepMs() > 0;
    for (int group : kept) {
      List<Object> row = new ArrayList<>(groupWidth + states.length);
      int k = 0;
      if (stepped) row.add(table.key(group, k++));
      for (int g = 0; g < ng; g++) row.add(globalIds.get(g).value((int) table.key(group, k++)));
      for (MetricState s : states) row.add(number(s.value(group, counts[group], errors[group])));
      rows.add(row);
    }
    return rows;
  }

  /** The answer's order over group numbers: the orderBy columns, then the key columns ascending. */
  private TopN.Order order(int groups) {
    List<TopN.Order> keys = new ArrayList<>();
    List<String> columns = q.columns();
    for (Query.Order o : q.orderBy()) keys.add(column(columns.indexOf(o.column()), o.desc(), groups));
    for (int i = 0; i < groupWidth; i++) keys.add(column(i, false, groups));
    TopN.Order[] parts = keys.toArray(new TopN.Order[0]);
    return (a, b) -> {
      for (TopN.Order part : parts) {
        int c = part.compare(a, b);
        if (c != 0) return c;
      }
      return 0;
    };
  }

  /**
   * One column's order. Numbers compare as doubles, text as strings; nulls sort last in both
   * directions, as most SQL engines do for DESC and analysts expect.
   */
  private TopN.Order column(int idx, boolean desc, int groups) {
    int sign = desc ? -1 : 1;
    boolean stepped = q.stepMs() > 0;
    if (stepped && idx == 0) return (a, b) -> sign * Double.compare(table.key(a, 0), table.key(b, 0));
    if (idx < groupWidth) {
      ValueIds values = globalIds.get(idx - (stepped ? 1 : 0));
      return (a, b) -> {
        String x = values.value((int) table.key(a, idx));
        String y = values.value((int) table.key(b, idx));
        if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
        return sign * x.compareTo(y);
      };
    }
    // A metric: its values once per group (a quantile walks a sketch), as the rows would hold them.
    MetricState state = states[idx - groupWidth];
    memory.charge(QueryMemory.ARRAY_HEADER * 2L + (long) groups * (Double.BYTES + 1));
    double[] value = new double[groups];
    boolean[] absent = new boolean[groups];
    for (int g = 0; g < groups; g++) {
      Object v = number(state.value(g, counts[g], errors[g]));
      if (v == null) absent[g] = true;
      else value[g] = ((Number) v).doubleValue();
    }
    return (a, b) -> {
      if (absent[a] || absent[b]) return absent[a] ? (absent[b] ? 0 : 1) : -1;
      return sign * Double.compare(value[a], value[b]);
    };
  }

  /** Whole doubles print as integers (token and count sums), others stay doubles. */
  private static Object number(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) return d.longValue();
    return v;
  }
}
