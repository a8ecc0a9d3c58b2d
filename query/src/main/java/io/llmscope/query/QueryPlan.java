package io.llmscope.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the planner decided for a query ({@code "explain": true}): per decision how many batches
 * (sealed segments and head slices) took it with their rows and cells, and per batch what was
 * decided and why. The counts cover every batch; the per-batch list stops after
 * {@value #MAX_BATCHES} entries ({@link #batchesOmitted} says how many more there were).
 *
 * <p>The counts agree with {@link QueryResult.Stats}: {@code segmentsPruned} is the pruned
 * segments, {@code segmentsScanned} the rollup, postings and scan segments, {@code rollupCells}
 * the rollup cells, {@code rowsScanned} the postings and scan rows.
 *
 * @param decisions one entry per decision, in the order pruned, rollup, postings, scan
 * @param batches the first {@value #MAX_BATCHES} batches' decisions, in snapshot order (segments oldest first, then the head)
 */
public record QueryPlan(List<Decision> decisions, List<Batch> batches, int batchesOmitted) {
  /** Most per-batch entries a plan lists. */
  public static final int MAX_BATCHES = 100;

  /**
   * One decision's totals.
   *
   * @param name {@code pruned}, {@code rollup}, {@code postings} or {@code scan}
   * @param batches batches that took it, sealed segments and head slices
   * @param segments the sealed segments among them
   * @param rows their rows: skipped when pruned, answered by cells for rollup, read otherwise
   * @param cells rollup cells read (rollup only)
   * @param candidates rows the postings named (postings only)
   * @param sparse batches that decoded only the record batches holding candidates (postings only)
   * @param reasons for pruned: how many batches each reason pruned ({@code time}, {@code range},
   *     {@code dictionary}, {@code postings}, {@code empty}); empty otherwise
   */
  public record Decision(String name, int batches, int segments, long rows, long cells, long candidates, int sparse,
      Map<String, Integer> reasons) {}

  /**
   * One batch's decision.
   *
   * @param batch the batch's name: a segment ({@code seg-12}) or {@code head}
   * @param decision as in {@link Decision#name}
   * @param prunedBy for pruned batches the reason's name, else null
   * @param rollup for rollup: its keys and cell width (e.g. {@code [model,provider,operation]/60000ms}), else null
   * @param cells for rollup: cells read
   * @param candidates for postings: rows the postings named
   * @param sparse for postings: true when only the record batches holding candidates decoded
   * @param reason why, in words
   */
  public record Batch(String batch, long rows, String decision, String prunedBy, String rollup, long cells,
      long candidates, boolean sparse, String reason) {}

  public QueryPlan {
    decisions = List.copyOf(decisions);
    batches = List.copyOf(batches);
  }

  /** The decision named {@code name}. */
  public Decision decision(String name) {
    for (Decision d : decisions) if (d.name().equals(name)) return d;
    throw new IllegalArgumentException("no decision '" + name + "'");
  }

  /** The plan as the HTTP API answers it (plain maps and lists); docs/query.md shows the shape. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    int batchCount = 0;
    int segmentCount = 0;
    for (Decision d : decisions) {
      batchCount += d.batches();
      segmentCount += d.segments();
    }
    out.put("batches", batchCount);
    out.put("segments", segmentCount);
    for (Decision d : decisions) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("batches", d.batches());
      m.put("segments", d.segments());
      m.put("rows", d.rows());
      switch (d.name()) {
        case "pruned" -> m.put("reasons", d.reasons());
        case "rollup" -> m.put("cells", d.cells());
        case "postings" -> {
          m.put("candidates", d.candidates());
          m.put("sparse", d.sparse());
        }
        default -> { }
      }
      out.put(d.name(), m);
    }
    List<Map<String, Object>> list = new ArrayList<>();
    for (Batch b : batches) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("batch", b.batch());
      m.put("rows", b.rows());
      m.put("decision", b.decision());
      if (b.prunedBy() != null) m.put("prunedBy", b.prunedBy());
      if (b.rollup() != null) {
        m.put("rollup", b.rollup());
        m.put("cells", b.cells());
      }
      if (b.decision().equals("postings")) {
        m.put("candidates", b.candidates());
        m.put("sparse", b.sparse());
      }
      m.put("reason", b.reason());
      list.add(m);
    }
    out.put("perBatch", list);
    out.put("perBatchOmitted", batchesOmitted);
    return out;
  }

  /** Per scan worker: the decisions it carried out; merged into one plan when the scan ends. */
  static final class Tally {
    private static final BatchPlan.Decision[] DECISIONS = BatchPlan.Decision.values();
    private static final BatchPlan.PruneReason[] REASONS = BatchPlan.PruneReason.values();
    private final int[] batches = new int[DECISIONS.length];
    private final int[] segments = new int[DECISIONS.length];
    private final long[] rows = new long[DECISIONS.length];
    private final int[] reasons = new int[REASONS.length];
    private long cells;
    private long candidates;
    private int sparse;

    void add(BatchPlan p) {
      int d = p.decision.ordinal();
      batches[d]++;
      if (p.sealed) segments[d]++;
      rows[d] += p.rows;
      switch (p.decision) {
        case PRUNED -> reasons[p.pruneReason.ordinal()]++;
        case ROLLUP -> cells += p.rollup.cells();
        case POSTINGS -> {
          candidates += p.candidates.getCardinality();
          if (p.sparse) sparse++;
        }
        case SCAN -> { }
      }
    }

    void merge(Tally o) {
      for (int i = 0; i < DECISIONS.length; i++) {
        batches[i] += o.batches[i];
        segments[i] += o.segments[i];
        rows[i] += o.rows[i];
      }
      for (int i = 0; i < REASONS.length; i++) reasons[i] += o.reasons[i];
      cells += o.cells;
      candidates += o.candidates;
      sparse += o.sparse;
    }

    int segments(BatchPlan.Decision d) {
      return segments[d.ordinal()];
    }

    /** Sealed segments read in any way (rollup, postings or scan). */
    int segmentsRead() {
      return segments[BatchPlan.Decision.ROLLUP.ordinal()] + segments[BatchPlan.Decision.POSTINGS.ordinal()]
          + segments[BatchPlan.Decision.SCAN.ordinal()];
    }

    QueryPlan plan(List<Batch> list, int omitted) {
      List<Decision> out = new ArrayList<>();
      for (BatchPlan.Decision d : DECISIONS) {
        int i = d.ordinal();
        Map<String, Integer> why = new LinkedHashMap<>();
        if (d == BatchPlan.Decision.PRUNED) {
          for (BatchPlan.PruneReason r : REASONS) if (reasons[r.ordinal()] > 0) why.put(name(r), reasons[r.ordinal()]);
        }
        out.add(new Decision(name(d), batches[i], segments[i], rows[i], d == BatchPlan.Decision.ROLLUP ? cells : 0,
            d == BatchPlan.Decision.POSTINGS ? candidates : 0, d == BatchPlan.Decision.POSTINGS ? sparse : 0, why));
      }
      return new QueryPlan(out, list, omitted);
    }
  }

  /** A batch's entry; {@code reason} comes from the planner. */
  static Batch entry(String name, BatchPlan p) {
    return new Batch(name, p.rows, name(p.decision), p.pruneReason == null ? null : name(p.pruneReason),
        p.rollup == null ? null : p.rollup.keys().stream().map(io.llmscope.storage.model.Dim::fieldName)
            .collect(java.util.stream.Collectors.joining(",", "[", "]")) + "/" + p.rollup.cellMs() + "ms",
        p.rollup == null ? 0 : p.rollup.cells(), p.candidates == null ? 0 : p.candidates.getCardinality(), p.sparse, p.reason);
  }

  static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
