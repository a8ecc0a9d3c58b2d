package io.llmscope.query;

import io.llmscope.storage.rollup.Rollup;
import io.llmscope.storage.scan.ColumnBatch;
import org.roaringbitmap.RoaringBitmap;

/**
 * What the {@link Planner} decided for one batch (a sealed segment or a slice of the head), and
 * what {@link Aggregation} needs to carry it out. Made per batch, read by one scan worker.
 */
final class BatchPlan {
  /** How a batch answers: not at all, from its rollup cells, from rows its postings name, or from all rows. */
  enum Decision { PRUNED, ROLLUP, POSTINGS, SCAN }

  /** Why a batch holds no matching row. */
  enum PruneReason {
    /** The batch has no rows. */
    EMPTY,
    /** Its rows start outside [from, to). */
    TIME,
    /** A measure filter no value in the batch's per-column range can satisfy. */
    RANGE,
    /** A dimension filter matches no value of the batch's dictionary. */
    DICTIONARY,
    /** The rows the filters' postings name do not intersect. */
    POSTINGS
  }

  final Decision decision;
  /** The batch to read: for sparse postings a view decoding only the record batches holding the candidates. */
  final ColumnBatch batch;
  /** Rows of the batch (all of them, also when only candidates are read). */
  final int rows;
  final boolean sealed;
  PruneReason pruneReason;
  Rollup rollup;
  /**
   * The only rows to read: those passing every postings-answered filter ({@link Decision#POSTINGS}),
   * within the runs that may start in the range when the batch straddles its edge; null: every row.
   */
  RoaringBitmap candidates;
  boolean sparse;
  /** True when {@link #batch} holds the candidates alone (row i is the i-th candidate). */
  boolean gathered;
  /** Per filter: true when the postings answered it (its column is not read). */
  boolean[] posted;
  /** Per filter: the accepted dictionary ids of a dimension filter, when the planner read the dictionary. */
  boolean[][] accept;
  /** False when the batch lies wholly in the range and the query has no step: start times are not read. */
  boolean readStart = true;
  /** Why, for EXPLAIN; null unless the query asked for it. */
  String reason;

  BatchPlan(Decision decision, ColumnBatch batch, int rows, boolean sealed) {
    this.decision = decision;
    this.batch = batch;
    this.rows = rows;
    this.sealed = sealed;
  }
}
