package io.llmscope.storage;

import io.llmscope.storage.format.EncodedDetails;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanFlags;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import java.util.Arrays;
import java.util.List;

/**
 * The cost columns of one segment recomputed for the rows a reprice job covers: model calls
 * that did not report their cost, starting in [from, to), of the job's model if it names one.
 * Every other row keeps its values bit for bit. {@link #batch} is the segment with the new
 * columns, for {@code SegmentWriter}.
 */
final class CostRewrite {
  /** The measures pricing writes: the total and its parts. */
  static final List<Measure> COSTS = List.of(Measure.COST_USD, Measure.COST_INPUT_USD, Measure.COST_CACHE_READ_USD,
      Measure.COST_CACHE_WRITE_USD, Measure.COST_OUTPUT_USD, Measure.COST_REASONING_USD);
  /** The dims a span handed to the cost function carries (see {@link Repricing.CostFunction}). */
  static final List<Dim> PRICING_DIMS = List.of(Dim.OPERATION, Dim.PROVIDER, Dim.MODEL, Dim.REQUEST_MODEL,
      Dim.RESPONSE_MODEL);

  private final ColumnBatch source;
  /** New values per cost measure (by position in {@link #COSTS}); null until a row changes. */
  private double[][] columns;
  final RepriceJob.Counts counts;

  private CostRewrite(ColumnBatch source, double[][] columns, RepriceJob.Counts counts) {
    this.source = source;
    this.columns = columns;
    this.counts = counts;
  }

  boolean changed() {
    return counts.changed() > 0;
  }

  static CostRewrite compute(ColumnBatch b, long fromNanos, long toNanos, String model, Repricing.CostFunction costs) {
    int n = b.size();
    long[] start = b.startNanos();
    byte[] flags = b.flags();
    int[] models = b.dimIds(Dim.MODEL);
    int wanted = -2; // any model
    if (model != null) {
      wanted = b.dictionary(Dim.MODEL).idOf(model);
      if (wanted < 0) return new CostRewrite(b, null, RepriceJob.Counts.NONE); // the segment never holds it
    }
    double[][] old = new double[COSTS.size()][];
    for (int k = 0; k < old.length; k++) old[k] = b.measure(COSTS.get(k));
    double[][] out = null;
    long repriced = 0;
    long changed = 0;
    long unpriced = 0;
    LlmSpan span = new LlmSpan();
    for (int row = 0; row < n; row++) {
      if (start[row] < fromNanos || start[row] >= toNanos) continue;
      int f = flags[row];
      if ((f & SpanFlags.LLM) == 0 || (f & SpanFlags.COST_REPORTED) != 0) continue;
      if (wanted != -2 && models[row] != wanted) continue;
      fill(span, b, row);
      int r = row;
      costs.price(span, () -> b.detail(r));
      repriced++;
      if (Double.isNaN(span.measure(Measure.COST_USD))) unpriced++;
      boolean differs = false;
      for (int k = 0; k < old.length; k++) {
        if (Double.doubleToLongBits(span.measure(COSTS.get(k))) != Double.doubleToLongBits(old[k][row])) differs = true;
      }
      if (!differs) continue;
      changed++;
      if (out == null) {
        out = new double[COSTS.size()][];
        for (int k = 0; k < old.length; k++) out[k] = Arrays.copyOf(old[k], n);
      }
      for (int k = 0; k < old.length; k++) out[k][row] = span.measure(COSTS.get(k));
    }
    return new CostRewrite(b, out, new RepriceJob.Counts(repriced, changed, unpriced));
  }

  /** The row as the cost function sees it; its cost measures cleared, so an unknown model ends unpriced. */
  private static void fill(LlmSpan s, ColumnBatch b, int row) {
    s.traceIdHi = 0;
    s.traceIdLo = 0;
    s.spanId = 0;
    s.parentSpanId = 0;
    s.startNanos = b.startNanos()[row];
    s.endNanos = b.endNanos()[row];
    Arrays.fill(s.dims, null);
    for (Dim d : PRICING_DIMS) s.dims[d.ordinal()] = b.dictionary(d).value(b.dimIds(d)[row]);
    for (Measure m : Measure.values()) s.measures[m.ordinal()] = b.measure(m)[row];
    for (Measure m : COSTS) s.measures[m.ordinal()] = Double.NaN;
    SpanFlags.apply(b.flags()[row], s);
    s.detail = SpanDetail.EMPTY;
  }

  /** The source rows with the recomputed cost columns. */
  ColumnBatch batch() {
    if (columns == null) return source;
    return new Replaced(source, columns);
  }

  /** Delegates everything but the cost measures; details are copied as stored. */
  private static final class Replaced implements ColumnBatch, EncodedDetails {
    private final ColumnBatch b;
    private final double[][] costs;

    Replaced(ColumnBatch b, double[][] costs) {
      this.b = b;
      this.costs = costs;
    }

    @Override public int size() { return b.size(); }
    @Override public long minStartNanos() { return b.minStartNanos(); }
    @Override public long maxStartNanos() { return b.maxStartNanos(); }
    @Override public long[] startNanos() { return b.startNanos(); }
    @Override public long[] endNanos() { return b.endNanos(); }
    @Override public long[] traceIdHi() { return b.traceIdHi(); }
    @Override public long[] traceIdLo() { return b.traceIdLo(); }
    @Override public long[] spanIds() { return b.spanIds(); }
    @Override public long[] parentSpanIds() { return b.parentSpanIds(); }
    @Override public int[] dimIds(Dim dim) { return b.dimIds(dim); }
    @Override public Dictionary dictionary(Dim dim) { return b.dictionary(dim); }
    @Override public byte[] flags() { return b.flags(); }
    @Override public SpanDetail detail(int row) { return b.detail(row); }

    @Override
    public double[] measure(Measure m) {
      int k = COSTS.indexOf(m);
      return k >= 0 ? costs[k] : b.measure(m);
    }

    @Override
    public void copyDetail(int row, SegmentBytes.Out out) {
      ((EncodedDetails) b).copyDetail(row, out);
    }
  }
}
