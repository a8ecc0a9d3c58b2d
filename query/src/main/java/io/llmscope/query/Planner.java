package io.llmscope.query;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Nanos;
import io.llmscope.storage.rollup.Rollup;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import io.llmscope.storage.scan.MeasureRange;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.roaringbitmap.RoaringBitmap;

/**
 * Decides, per batch, how a query reads it, cheapest first:
 * <ol>
 *   <li>PRUNED (time) when no row starts in [from, to);
 *   <li>PRUNED (range) when a measure filter cannot hold for any value in the batch's per-column
 *       range ({@link ColumnBatch#range}): no value at all, or all outside the filter's bounds;
 *   <li>ROLLUP when a rollup's cells answer the query exactly (see {@link #rollupFor});
 *   <li>PRUNED (dictionary) when a dimension filter accepts no value of the batch's dictionary;
 *   <li>POSTINGS when every accepted value of one or more dimension filters has postings (at
 *       most {@value #MAX_POSTINGS_PER_FILTER} per filter): their rows are the candidates, PRUNED
 *       (postings) when none; sparse when fewer than 1/{@value #SPARSE_FRACTION} of the rows, so
 *       only the record batches holding them decode;
 *   <li>SCAN otherwise: every row is read, or in a batch straddling the range's edge only the
 *       runs of rows that may start inside it ({@link ColumnBatch#rowsMayStartIn}).
 * </ol>
 * In a straddling batch the postings' candidates are narrowed to those runs too.
 * A pruning decision never changes an answer: it only drops batches in which no row can pass.
 * Thread-safe: scan workers share one planner.
 */
final class Planner {
  /** Candidate rows below size / this make a batch decode only the column parts holding them. */
  static final int SPARSE_FRACTION = 4;

  /** Most dictionary ids whose postings a filter may OR together before a scan is cheaper. */
  static final int MAX_POSTINGS_PER_FILTER = 64;

  /** Range bounds are widened by this many ulps: a bound derived from another unit may be a rounding off. */
  private static final int RANGE_SLACK_ULPS = 4;

  private final Query q;
  private final long fromNanos;
  private final long toNanos;
  private final boolean useRollups;
  private final boolean explain;

  Planner(Query q, boolean useRollups) {
    this.q = q;
    this.fromNanos = Nanos.fromMillis(q.fromMs());
    this.toNanos = Nanos.fromMillis(q.toMs());
    this.useRollups = useRollups;
    this.explain = q.explain();
  }

  BatchPlan plan(ColumnBatch b) {
    int n = b.size();
    boolean sealed = b.sealed();
    if (n == 0) return pruned(b, n, sealed, BatchPlan.PruneReason.EMPTY, "no rows");
    if (b.maxStartNanos() < fromNanos || b.minStartNanos() >= toNanos) {
      return pruned(b, n, sealed, BatchPlan.PruneReason.TIME, explain
          ? "rows start in [" + ms(b.minStartNanos()) + ", " + ms(b.maxStartNanos()) + "], outside [" + q.fromMs() + ", " + q.toMs() + ")"
          : null);
    }

    List<Filter> filters = q.filters();
    int nf = filters.size();
    for (Filter f : filters) {
      if (f.field().kind() != FieldRef.Kind.MEASURE) continue;
      MeasureRange r = b.range(f.field().measure());
      if (r == null) continue;
      if (r.present() == 0) {
        if (f.op() == Filter.Op.EXISTS && !f.wantsPresent()) continue; // every row is absent: all match
        return pruned(b, n, sealed, BatchPlan.PruneReason.RANGE, explain ? f.field().name() + ": no row has a value" : null);
      }
      if (Double.isNaN(r.min()) || Double.isNaN(r.max())) continue;
      if (f.excludesRange(below(r.min()), above(r.max()))) {
        return pruned(b, n, sealed, BatchPlan.PruneReason.RANGE, explain
            ? "'" + f + "' holds for no value in [" + r.min() + ", " + r.max() + "]" : null);
      }
    }

    boolean inRange = b.minStartNanos() >= fromNanos && b.maxStartNanos() < toNanos;
    if (useRollups && inRange) {
      for (Rollup r : b.rollups()) {
        if (answers(r)) {
          BatchPlan p = new BatchPlan(BatchPlan.Decision.ROLLUP, b, n, sealed);
          p.rollup = r;
          if (explain) {
            p.reason = "wholly inside the range; rollup " + describe(r) + " keys every group and filter field"
                + (q.stepMs() > 0 ? ", divides the step" : "") + " and keeps every metric";
          }
          return p;
        }
      }
    }

    // Dimension filters: the accepted ids of each batch dictionary, then their postings.
    boolean[][] accept = new boolean[nf][];
    boolean[] posted = new boolean[nf];
    RoaringBitmap candidates = null;
    List<String> postedNames = explain ? new ArrayList<>() : null;
    List<String> notPosted = explain ? new ArrayList<>() : null;
    for (int f = 0; f < nf; f++) {
      Filter filter = filters.get(f);
      if (filter.field().kind() != FieldRef.Kind.DIM || filter.op() == Filter.Op.EXISTS) continue;
      Dim dim = filter.field().dim();
      Dictionary d = b.dictionary(dim);
      boolean[] acc = new boolean[d.size()];
      int accepted = 0;
      for (int id = 1; id < acc.length; id++) if (acc[id] = filter.matches(d.value(id))) accepted++;
      if (accepted == 0) {
        return pruned(b, n, sealed, BatchPlan.PruneReason.DICTIONARY, explain
            ? "'" + filter + "': no value of the batch's " + dim.fieldName() + " dictionary (" + (acc.length - 1) + " values) matches"
            : null);
      }
      accept[f] = acc;
      RoaringBitmap rows = accepted > MAX_POSTINGS_PER_FILTER ? null : postings(b, dim, acc);
      if (rows == null) {
        if (explain) {
          notPosted.add(dim.fieldName() + (accepted > MAX_POSTINGS_PER_FILTER
              ? " (" + accepted + " values accepted, more than " + MAX_POSTINGS_PER_FILTER + ")" : " (no postings)"));
        }
        continue;
      }
      candidates = candidates == null ? rows : RoaringBitmap.and(candidates, rows);
      posted[f] = true;
      if (explain) postedNames.add(dim.fieldName() + " (" + accepted + (accepted == 1 ? " value)" : " values)"));
    }
    boolean readStart = !(inRange && q.stepMs() == 0);
    // A batch straddling the range's edge: only the runs of rows that may start inside it are read.
    RoaringBitmap inTime = inRange ? null : b.rowsMayStartIn(fromNanos, toNanos);
    if (inTime != null && inTime.isEmpty()) {
      return pruned(b, n, sealed, BatchPlan.PruneReason.TIME, explain ? "no run of rows starts in [" + q.fromMs() + ", " + q.toMs() + ")" : null);
    }
    if (inTime != null && inTime.getCardinality() == n) inTime = null;
    String timeReason = inTime == null || !explain ? "" : "; start times narrow the batch to " + inTime.getCardinality() + " of " + n + " rows";
    BatchPlan p;
    if (candidates != null && inTime != null) candidates = RoaringBitmap.and(candidates, inTime);
    if (candidates != null) {
      if (candidates.isEmpty()) {
        return pruned(b, n, sealed, BatchPlan.PruneReason.POSTINGS, explain
            ? "no row is in the postings of every filter: " + String.join(", ", postedNames) + timeReason : null);
      }
      p = onRows(BatchPlan.Decision.POSTINGS, b, candidates, n, sealed);
      if (explain) {
        p.reason = "postings of " + String.join(", ", postedNames) + " name " + candidates.getCardinality() + " of " + n + " rows; "
            + (p.sparse ? "sparse: only the record batches holding them decode" : "dense: columns decode whole")
            + (notPosted.isEmpty() ? "" : "; scanned filters: " + String.join(", ", notPosted))
            + timeReason + (readStart ? "" : "; start times not read (wholly inside the range)");
      }
    } else if (inTime != null) {
      p = onRows(BatchPlan.Decision.SCAN, b, inTime, n, sealed);
      if (explain) p.reason = scanReason(b, inRange, notPosted) + timeReason;
    } else {
      p = new BatchPlan(BatchPlan.Decision.SCAN, b, n, sealed);
      if (explain) p.reason = scanReason(b, inRange, notPosted) + (readStart ? "" : "; start times not read (wholly inside the range)");
    }
    p.accept = accept;
    p.posted = posted;
    p.readStart = readStart;
    return p;
  }

  /**
   * A plan that reads only {@code rows}: sparse when they are fewer than 1/{@value #SPARSE_FRACTION}
   * of the batch, so only the record batches holding them decode, and then gathered into a batch
   * of their own where the batch can ({@link ColumnBatch#gather}).
   */
  private static BatchPlan onRows(BatchPlan.Decision decision, ColumnBatch b, RoaringBitmap rows, int n, boolean sealed) {
    boolean sparse = rows.getCardinality() < n / SPARSE_FRACTION;
    ColumnBatch gathered = sparse ? b.gather(rows) : null;
    BatchPlan p = new BatchPlan(decision, gathered != null ? gathered : sparse ? b.only(rows) : b, n, sealed);
    p.candidates = rows;
    p.sparse = sparse;
    p.gathered = gathered != null;
    return p;
  }

  private BatchPlan pruned(ColumnBatch b, int n, boolean sealed, BatchPlan.PruneReason why, String reason) {
    BatchPlan p = new BatchPlan(BatchPlan.Decision.PRUNED, b, n, sealed);
    p.pruneReason = why;
    p.reason = explain ? why.name().toLowerCase(java.util.Locale.ROOT) + ": " + reason : null;
    return p;
  }

  /**
   * True when the rollup's cells answer this query exactly: the step is a multiple of its time
   * slot, every group and filter field is a key of the rollup, and every metric is kept per cell
   * (quantiles only for sketched measures). The batch must lie wholly in the time range.
   */
  private boolean answers(Rollup r) {
    return rollupMiss(r) == null;
  }

  /** Why the rollup cannot answer this query, or null when it can. */
  private String rollupMiss(Rollup r) {
    if (q.stepMs() % r.cellMs() != 0) return "step " + q.stepMs() + " ms is not a multiple of its " + r.cellMs() + " ms cells";
    for (FieldRef g : q.groupBy()) {
      if (g.kind() != FieldRef.Kind.DIM || !r.keys().contains(g.dim())) return "groupBy " + g.name() + " is not a key";
    }
    for (Filter f : q.filters()) {
      if (f.field().kind() != FieldRef.Kind.DIM || !r.keys().contains(f.field().dim())) return "filter on " + f.field().name() + " is not a key";
    }
    for (Metric m : q.metrics()) {
      if (m.field() != null && m.field().kind() == FieldRef.Kind.SCORE) return m.label() + ": scores are not kept in rollups";
      switch (m.kind()) {
        case COUNT, ERROR_COUNT, ERROR_RATE, SUM, AVG, MIN, MAX, COUNT_VALUES -> { }
        case QUANTILE -> {
          if (!r.sketched(m.field().measure())) return m.label() + ": " + m.field().name() + " is not sketched";
        }
        case COUNT_DISTINCT, SAMPLE, CONTENT_SAMPLE -> {
          return m.label() + " is not kept per cell";
        }
      }
    }
    return null;
  }

  private String scanReason(ColumnBatch b, boolean inRange, List<String> notPosted) {
    StringBuilder sb = new StringBuilder();
    if (notPosted.isEmpty()) sb.append("no dimension filter to answer from postings");
    else sb.append("not answered by postings: ").append(String.join(", ", notPosted));
    if (b.sealed()) {
      List<Rollup> rollups = b.rollups();
      if (!useRollups) sb.append("; rollups switched off");
      else if (rollups.isEmpty()) sb.append("; no rollups");
      else if (!inRange) sb.append("; no rollup: the batch straddles the range's edge");
      else sb.append("; no rollup: ").append(rollups.stream().map(r -> describe(r) + ": " + rollupMiss(r)).collect(Collectors.joining("; ")));
    }
    return sb.toString();
  }

  private static String describe(Rollup r) {
    return r.keys().stream().map(Dim::fieldName).collect(Collectors.joining(",", "[", "]")) + "/" + r.cellMs() + "ms";
  }

  /**
   * The rows whose dimension holds an accepted id, from the batch's postings; null when the batch
   * keeps none for the dimension (the caller scans instead).
   */
  private static RoaringBitmap postings(ColumnBatch b, Dim dim, boolean[] accept) {
    RoaringBitmap rows = new RoaringBitmap();
    for (int id = 1; id < accept.length; id++) {
      if (!accept[id]) continue;
      RoaringBitmap p = b.postings(dim, id);
      if (p == null) return null;
      rows.or(p);
    }
    return rows;
  }

  private static double below(double v) {
    return Double.isInfinite(v) ? v : v - RANGE_SLACK_ULPS * Math.ulp(v);
  }

  private static double above(double v) {
    return Double.isInfinite(v) ? v : v + RANGE_SLACK_ULPS * Math.ulp(v);
  }

  private static long ms(long nanos) {
    return Math.floorDiv(nanos, 1_000_000L);
  }
}
