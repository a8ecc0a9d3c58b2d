package io.llmscope.storage.scan;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanFlags;
import io.llmscope.storage.rollup.Rollup;
import java.util.List;
import java.util.function.Supplier;
import org.roaringbitmap.RoaringBitmap;

/**
 * A read-only run of rows in columnar form: a slice of the head or (later) a sealed segment.
 *
 * <p>The arrays are the storage's own and may be longer than {@link #size()}: read only indexes
 * below {@code size()} and never write. Dimension columns hold ids into {@link #dictionary}.
 * Measure columns hold NaN where a span did not report the measure.
 */
public interface ColumnBatch {
  int size();

  long minStartNanos();

  long maxStartNanos();

  long[] startNanos();

  long[] endNanos();

  long[] traceIdHi();

  long[] traceIdLo();

  long[] spanIds();

  long[] parentSpanIds();

  int[] dimIds(Dim dim);

  Dictionary dictionary(Dim dim);

  double[] measure(Measure measure);

  /** Per-row bit set of {@link SpanFlags}. */
  byte[] flags();

  SpanDetail detail(int row);

  /**
   * Rows whose {@code dim} holds dictionary id {@code id}, or null when this batch keeps no
   * index for {@code dim} (the caller scans the column instead). Never modify the result.
   */
  default RoaringBitmap postings(Dim dim, int id) {
    return null;
  }

  /** One row's canonical fields as a span; its {@link LlmSpan#detail} is left empty (see {@link #detail}). */
  default LlmSpan span(int row) {
    LlmSpan s = new LlmSpan();
    s.traceIdHi = traceIdHi()[row];
    s.traceIdLo = traceIdLo()[row];
    s.spanId = spanIds()[row];
    s.parentSpanId = parentSpanIds()[row];
    s.startNanos = startNanos()[row];
    s.endNanos = endNanos()[row];
    for (Dim d : Dim.values()) s.dims[d.ordinal()] = dictionary(d).value(dimIds(d)[row]);
    for (Measure m : Measure.values()) s.measures[m.ordinal()] = measure(m)[row];
    int f = flags()[row];
    SpanFlags.apply(f, s);
    return s;
  }

  /**
   * A superset of the rows starting in [fromNanos, toNanos), cheaper to read than all rows; null
   * when the batch cannot tell (every row may). Never modify the result.
   */
  default RoaringBitmap rowsMayStartIn(long fromNanos, long toNanos) {
    return null;
  }

  /**
   * This batch, for a reader that will look only at {@code rows}: a segment may then decode just
   * the parts of each column that hold them. Values of other rows are undefined in the result.
   */
  default ColumnBatch only(RoaringBitmap rows) {
    return this;
  }

  /**
   * The rows {@code rows} of this batch alone, renumbered 0 to n - 1 in row order, as a batch of
   * their own (its {@link #postings} are null: scan its columns), or null when this batch cannot
   * make one more cheaply than {@link #only}. For readers of few rows: no column is made longer
   * than they are.
   */
  default ColumnBatch gather(RoaringBitmap rows) {
    return null;
  }

  /**
   * A value derived from this batch's whole rows and kept with it (a sealed segment's, softly):
   * the one kept under {@code key} when it was computed at {@code version}, else
   * {@code compute}'s, then kept in its place. Null when this batch keeps nothing (the head, views
   * of some rows): the caller computes for itself. {@code key} must not hold the batch.
   */
  default <T> T memo(Object key, long version, Supplier<T> compute) {
    return null;
  }

  /**
   * This batch for many readers in a row (a query session): {@link #only} answers the whole batch,
   * so the columns decoded once serve every later reader instead of each decoding its own parts.
   */
  default ColumnBatch kept() {
    return this;
  }

  /** Pre-aggregated cells of this batch's rows (sealed segments only); see {@link Rollup}. */
  default List<Rollup> rollups() {
    return List.of();
  }

  /**
   * The range of a measure's values over this batch's rows (as written, before any {@link #only}),
   * or null when the batch does not keep one: a planner may skip the batch when no value can match.
   */
  default MeasureRange range(Measure measure) {
    return null;
  }

  /** What the batch is, for plans and logs: a segment's name (e.g. {@code seg-12}) or {@code head}. */
  default String name() {
    return sealed() ? "segment" : "head";
  }

  /** True for a sealed segment, false for head rows. */
  default boolean sealed() {
    return false;
  }
}
