package io.llmscope.storage.rollup;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;
import java.util.List;

/**
 * Pre-aggregated cells of one sealed segment, written with it: one cell per (time slot of
 * {@link #cellMs()}, model-call flag, values of the key dimensions) holding the row count, the
 * error count, and per measure the count, sum, min and max of its values, plus quantile-sketch
 * bins for latency measures.
 *
 * <p>A query that groups and filters only on the key dimensions, at a step that is a multiple of
 * the slot, over a segment lying wholly in its time range, reads the cells instead of the rows:
 * the common dashboard panels then cost per slot and key, not per span. The answers are the ones a scan
 * gives: counts and integer sums are exact, and the sketch bins are the very bins the rows would
 * fill ({@link #newSketch()} is the query's sketch too).
 */
public final class Rollup {
  /** Relative accuracy of quantile sketches: half the 1% the API promises. */
  public static final double SKETCH_ACCURACY = 0.005;

  /** Bins per quantile sketch; beyond, the lowest bins collapse (tail quantiles stay exact-ish). */
  public static final int SKETCH_MAX_BINS = 2048;

  /** The quantile sketch every query and rollup uses, so their bins line up. */
  public static DDSketch newSketch() {
    return DDSketches.collapsingLowestDense(SKETCH_ACCURACY, SKETCH_MAX_BINS);
  }

  final List<Dim> keys;
  final long cellMs;
  final String[][] values; // per key: values by id; id 0 is absent (null)
  final int cells;
  final long[] startMs;
  final boolean[] llm;
  final int[][] keyIds; // per key, per cell
  final long[] count;
  final long[] errors;
  final long[][] valueCount; // per measure ordinal, per cell; null when no cell has the measure
  final double[][] sum;
  final double[][] min;
  final double[][] max;
  final Bins[] bins; // per measure ordinal; null when not sketched

  Rollup(List<Dim> keys, long cellMs, String[][] values, int cells, long[] startMs, boolean[] llm, int[][] keyIds, long[] count,
      long[] errors, long[][] valueCount, double[][] sum, double[][] min, double[][] max, Bins[] bins) {
    this.keys = List.copyOf(keys);
    this.cellMs = cellMs;
    this.values = values;
    this.cells = cells;
    this.startMs = startMs;
    this.llm = llm;
    this.keyIds = keyIds;
    this.count = count;
    this.errors = errors;
    this.valueCount = valueCount;
    this.sum = sum;
    this.min = min;
    this.max = max;
    this.bins = bins;
  }

  /** The key dimensions, in cell key order. */
  public List<Dim> keys() {
    return keys;
  }

  public int cells() {
    return cells;
  }

  /** Number of distinct values of key {@code k}, plus one for id 0 (absent). */
  public int valueIds(int k) {
    return values[k].length;
  }

  /** The value of key {@code k} with id {@code id}; null for id 0 (the span lacks it). */
  public String value(int k, int id) {
    return values[k][id];
  }

  public int keyId(int k, int cell) {
    return keyIds[k][cell];
  }

  /** Width of a cell's time slot, ms: a whole number of minutes, slots aligned to the epoch. */
  public long cellMs() {
    return cellMs;
  }

  /** Start of the cell's time slot, epoch ms. */
  public long startMs(int cell) {
    return startMs[cell];
  }

  /** True when the cell's rows are model calls ({@link io.llmscope.storage.model.SpanFlags#LLM}). */
  public boolean llm(int cell) {
    return llm[cell];
  }

  public long count(int cell) {
    return count[cell];
  }

  public long errors(int cell) {
    return errors[cell];
  }

  /** Rows of the cell that carry measure {@code m}. */
  public long valueCount(Measure m, int cell) {
    long[] n = valueCount[m.ordinal()];
    return n == null ? 0 : n[cell];
  }

  /** Sum, min and max of {@code m} over the cell: meaningful only when {@link #valueCount} &gt; 0. */
  public double sum(Measure m, int cell) {
    return sum[m.ordinal()][cell];
  }

  public double min(Measure m, int cell) {
    return min[m.ordinal()][cell];
  }

  public double max(Measure m, int cell) {
    return max[m.ordinal()][cell];
  }

  /** True when the cells keep sketch bins for {@code m}, so its quantiles come from the rollup. */
  public boolean sketched(Measure m) {
    return valueCount[m.ordinal()] == null || bins[m.ordinal()] != null;
  }

  /** Values of {@code m} in the cell too small for a positive sketch bin (zero durations). */
  public long zeros(Measure m, int cell) {
    Bins b = bins[m.ordinal()];
    return b == null ? 0 : b.zeros(cell);
  }

  /** Adds the cell's values of {@code m} to a sketch made by {@link #newSketch()}. */
  public void addTo(DDSketch sketch, Measure m, int cell) {
    Bins b = bins[m.ordinal()];
    if (b == null) return;
    b.addTo(sketch.getPositiveValueStore(), cell);
    if (b.zeros(cell) > 0) sketch.accept(0.0, b.zeros(cell));
  }
}
