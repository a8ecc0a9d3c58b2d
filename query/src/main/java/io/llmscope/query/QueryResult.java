package io.llmscope.query;

import java.util.List;

/**
 * The answer to a query: named columns and rows of values (String, Long, Double or null), what
 * reading it took, and for an explained query ({@link Query#explain()}) the plan, else null.
 */
public record QueryResult(List<String> columns, List<List<Object>> rows, Stats stats, QueryPlan plan) {
  /**
   * @param rowsScanned rows read from the head and segments
   * @param rollupCells pre-aggregated cells read in place of rows (see storage's Rollup)
   * @param segmentsScanned sealed segments read (from rows or rollup cells)
   * @param segmentsPruned sealed segments skipped: no row in them could match
   * @param totalRows result rows before {@code limit}: more than {@code rows().size()} when cut
   */
  public record Stats(long rowsScanned, long rollupCells, int segmentsScanned, int segmentsPruned, long totalRows,
      long tookMs) {}
}
