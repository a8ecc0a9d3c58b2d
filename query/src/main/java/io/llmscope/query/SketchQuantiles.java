package io.llmscope.query;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.store.BinAcceptor;
import com.datadoghq.sketch.ddsketch.store.Store;
import java.util.Arrays;

/**
 * Several quantiles of a DDSketch in one pass over its bins. Same rule as
 * {@link DDSketch#getValueAtQuantile} (rank = q·(n − 1); the first bin, from the most negative
 * value up, whose cumulative count exceeds the rank), which walks every bin through boxed
 * iterators once per quantile: with thousands of groups per query that walk was most of the time.
 */
final class SketchQuantiles implements BinAcceptor {
  private final IndexMapping mapping;
  private final double[] ranks;
  private final int[] order; // quantile indexes by ascending rank
  private final double[] out;
  private int next; // first quantile (in rank order) not answered yet
  private double seen;
  private boolean negative;

  private SketchQuantiles(DDSketch s, double count, double[] qs) {
    mapping = s.getIndexMapping();
    double rankScale = count - 1;
    ranks = new double[qs.length];
    for (int i = 0; i < qs.length; i++) ranks[i] = qs[i] * rankScale;
    order = new int[qs.length];
    Integer[] boxed = new Integer[qs.length];
    for (int i = 0; i < qs.length; i++) boxed[i] = i;
    Arrays.sort(boxed, (a, b) -> Double.compare(ranks[a], ranks[b]));
    for (int i = 0; i < qs.length; i++) order[i] = boxed[i];
    out = new double[qs.length];
  }

  /**
   * Like {@link #of} for a sketch known to hold {@code count} values, all in its positive bins:
   * skips counting the stores, which costs as much as the walk itself.
   */
  static double[] ofPositive(DDSketch s, long count, double[] qs) {
    SketchQuantiles w = new SketchQuantiles(s, count, qs);
    s.getPositiveValueStore().forEach(w);
    double top = w.mapping.value(s.getPositiveValueStore().getMaxIndex());
    while (w.next < qs.length) w.out[w.order[w.next++]] = top;
    return w.out;
  }

  /** The values at quantiles {@code qs} (each in [0, 1]) of a non-empty sketch. */
  static double[] of(DDSketch s, double[] qs) {
    SketchQuantiles w = new SketchQuantiles(s, s.getCount(), qs);
    Store neg = s.getNegativeValueStore();
    Store pos = s.getPositiveValueStore();
    if (!neg.isEmpty()) { // most negative first: the negative store's indexes descending
      int lo = neg.getMinIndex();
      double[] counts = new double[neg.getMaxIndex() - lo + 1];
      neg.forEach((i, c) -> counts[i - lo] += c);
      w.negative = true;
      for (int i = counts.length - 1; i >= 0 && w.next < qs.length; i--) w.accept(i + lo, counts[i]);
      w.negative = false;
    }
    double zeros = s.getCount() - neg.getTotalCount() - pos.getTotalCount();
    w.seen += zeros;
    while (w.next < qs.length && w.seen > w.ranks[w.order[w.next]]) w.out[w.order[w.next++]] = 0;
    if (w.next < qs.length) pos.forEach(w);
    // Rounding can leave the top rank unreached: DDSketch answers the highest bin then.
    double top = !pos.isEmpty() ? w.mapping.value(pos.getMaxIndex()) : 0;
    while (w.next < qs.length) w.out[w.order[w.next++]] = top;
    return w.out;
  }

  @Override
  public void accept(int index, double count) {
    if (next == ranks.length || count == 0) return;
    seen += count;
    while (next < ranks.length && seen > ranks[order[next]]) {
      out[order[next++]] = negative ? -mapping.value(index) : mapping.value(index);
    }
  }
}
