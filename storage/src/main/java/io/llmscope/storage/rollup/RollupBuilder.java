package io.llmscope.storage.rollup;

import com.carrotsearch.hppc.LongIntHashMap;
import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanFlags;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a segment's {@link Rollup}s from its columns in output row order, while the
 * {@link SegmentWriter} has them in memory. Feed the keys first ({@link #key}), then each measure.
 */
public final class RollupBuilder {
  /** One rollup to write: its key dimensions and the minutes per cell. */
  public record Spec(List<Dim> keys, int cellMinutes) {}

  /**
   * The rollups written by default: the model and the service views of most dashboards. The
   * service view has several times the cells of the model view, so it keeps 5-minute slots to
   * stay near half a byte per span on disk.
   */
  public static final List<Spec> DEFAULTS = List.of(
      new Spec(List.of(Dim.MODEL, Dim.PROVIDER, Dim.OPERATION), 1),
      new Spec(List.of(Dim.SERVICE, Dim.ENVIRONMENT), 5));

  /** Latency measures keep sketch bins; percentiles of the others are answered by scanning. */
  public static final List<Measure> SKETCHED = List.of(Measure.DURATION_MS, Measure.TTFT_MS);

  /** A rollup with more cells than rows / this is not worth its bytes and is not written. */
  public static final int MIN_ROWS_PER_CELL = 4;

  private static final int MINUTE_BITS = 24;

  private final int n;
  private final long baseMinute;
  private final int[] minute; // per row, minutes since baseMinute
  private final boolean[] llm;
  private final boolean[] error;
  private final List<Partial> partials = new ArrayList<>();

  /** @param start start times (ns) in output row order; @param flags per-row SpanFlags bits; @param error per-row status error */
  public RollupBuilder(long[] start, long[] flags, boolean[] error) {
    n = start.length;
    long lo = Long.MAX_VALUE;
    for (long s : start) lo = Math.min(lo, Math.floorDiv(s, 60_000_000_000L));
    baseMinute = lo;
    minute = new int[n];
    llm = new boolean[n];
    for (int i = 0; i < n; i++) {
      long m = Math.floorDiv(start[i], 60_000_000_000L) - baseMinute;
      minute[i] = m >= (1 << MINUTE_BITS) ? -1 : (int) m; // -1: spans too long a time; no rollup
      llm[i] = (flags[i] & SpanFlags.LLM) != 0;
    }
    this.error = error;
  }

  /**
   * Starts a rollup keyed by {@code keys}; {@code ids[k]} are key k's per-row ids into
   * {@code values[k]} (id 0 = absent). Skipped when the keys do not pack into a long.
   */
  public void key(Spec spec, int[][] ids, String[][] values) {
    List<Dim> keys = spec.keys();
    int slotMinutes = spec.cellMinutes();
    int bits = MINUTE_BITS + 1;
    int[] width = new int[keys.size()];
    for (int k = 0; k < keys.size(); k++) bits += width[k] = 32 - Integer.numberOfLeadingZeros(values[k].length);
    if (bits > 63) return;
    LongIntHashMap cellOfKey = new LongIntHashMap(); // primitive: one lookup per row on the seal path
    int[] cellOf = new int[n];
    long[] slotOf = new long[n];
    for (int i = 0; i < n; i++) {
      if (minute[i] < 0) return;
      long slot = Math.floorDiv(baseMinute + minute[i], slotMinutes); // aligned to the epoch, like query steps
      slotOf[i] = slot;
      long key = ((slot - Math.floorDiv(baseMinute, slotMinutes)) << 1) | (llm[i] ? 1 : 0);
      for (int k = 0; k < keys.size(); k++) key = (key << width[k]) | ids[k][i];
      int at = cellOfKey.indexOf(key);
      int c;
      if (at >= 0) {
        c = cellOfKey.indexGet(at);
      } else {
        c = cellOfKey.size();
        cellOfKey.indexInsert(at, key, c);
      }
      cellOf[i] = c;
    }
    int cells = cellOfKey.size();
    if ((long) cells * MIN_ROWS_PER_CELL > n) return;
    Partial p = new Partial(keys, slotMinutes * 60_000L, values, cells, cellOf);
    for (int i = 0; i < n; i++) {
      int c = cellOf[i];
      if (p.count[c]++ == 0) {
        p.startMs[c] = slotOf[i] * slotMinutes * 60_000L;
        p.llm[c] = llm[i];
        for (int k = 0; k < keys.size(); k++) p.keyIds[k][c] = ids[k][i];
      }
      if (error[i]) p.errors[c]++;
    }
    partials.add(p);
  }

  /** Adds measure {@code m}'s values (NaN = absent) in output row order to every rollup. */
  public void measure(Measure m, double[] v) {
    boolean sketched = SKETCHED.contains(m);
    for (Partial p : partials) p.measure(m, v, sketched);
  }

  public List<Rollup> build() {
    List<Rollup> out = new ArrayList<>();
    for (Partial p : partials) out.add(p.build());
    return out;
  }

  private static final class Partial {
    final List<Dim> keys;
    final long cellMs;
    final String[][] values;
    final int cells;
    final int[] cellOf;
    final long[] startMs;
    final boolean[] llm;
    final int[][] keyIds;
    final long[] count;
    final long[] errors;
    final long[][] valueCount = new long[Measure.COUNT][];
    final double[][] sum = new double[Measure.COUNT][];
    final double[][] min = new double[Measure.COUNT][];
    final double[][] max = new double[Measure.COUNT][];
    final Bins[] bins = new Bins[Measure.COUNT];

    Partial(List<Dim> keys, long cellMs, String[][] values, int cells, int[] cellOf) {
      this.keys = keys;
      this.cellMs = cellMs;
      this.values = values;
      this.cells = cells;
      this.cellOf = cellOf;
      startMs = new long[cells];
      llm = new boolean[cells];
      keyIds = new int[keys.size()][cells];
      count = new long[cells];
      errors = new long[cells];
    }

    void measure(Measure m, double[] v, boolean sketched) {
      long[] cnt = null;
      double[] s = null;
      double[] lo = null;
      double[] hi = null;
      DDSketch[] sketches = sketched ? new DDSketch[cells] : null;
      long[] zeros = sketched ? new long[cells] : null;
      IndexMapping mapping = sketched ? Rollup.newSketch().getIndexMapping() : null;
      for (int i = 0; i < v.length; i++) {
        double x = v[i];
        if (Double.isNaN(x)) continue;
        if (cnt == null) {
          cnt = new long[cells];
          s = new double[cells];
          lo = new double[cells];
          hi = new double[cells];
          Arrays.fill(lo, Double.POSITIVE_INFINITY);
          Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        }
        int c = cellOf[i];
        cnt[c]++;
        s[c] += x;
        lo[c] = Math.min(lo[c], x);
        hi[c] = Math.max(hi[c], x);
        if (sketches == null) continue;
        if (x < 0) { // only positive bins and zeros are kept: leave this measure's quantiles to scans
          sketches = null;
        } else if (x <= mapping.minIndexableValue()) { // DDSketch's zero bucket
          zeros[c]++;
        } else {
          if (sketches[c] == null) sketches[c] = Rollup.newSketch();
          sketches[c].accept(x);
        }
      }
      valueCount[m.ordinal()] = cnt;
      sum[m.ordinal()] = s;
      min[m.ordinal()] = lo;
      max[m.ordinal()] = hi;
      if (cnt != null && sketches != null) bins[m.ordinal()] = flatten(sketches, zeros);
    }

    private Bins flatten(DDSketch[] sketches, long[] zeros) {
      int[] start = new int[cells + 1];
      int total = 0;
      for (int c = 0; c < cells; c++) {
        start[c] = total;
        if (sketches[c] != null) total += binCount(sketches[c]);
      }
      start[cells] = total;
      int[] index = new int[total];
      long[] count = new long[total];
      for (int c = 0; c < cells; c++) {
        if (sketches[c] == null) continue;
        int[] k = {start[c]};
        sketches[c].getPositiveValueStore().forEach((i, w) -> {
          if (w == 0) return;
          index[k[0]] = i;
          count[k[0]++] = (long) w;
        });
      }
      Bins.Writer packed = new Bins.Writer(cells);
      for (int c = 0; c < cells; c++) packed.cell(index, count, start[c], start[c + 1]);
      return packed.build(zeros);
    }

    private static int binCount(DDSketch s) {
      int[] k = {0};
      s.getPositiveValueStore().forEach((i, w) -> {
        if (w != 0) k[0]++;
      });
      return k[0];
    }

    Rollup build() {
      return new Rollup(keys, cellMs, values, cells, startMs, llm, keyIds, count, errors, valueCount, sum, min, max, bins);
    }
  }
}
