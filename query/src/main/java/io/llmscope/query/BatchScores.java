package io.llmscope.query;

import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.ScoreView;
import java.util.HashMap;
import java.util.Map;

/** The score columns one batch's scan asks for, each built once, for the rows the scan visits. */
final class BatchScores {
  private final ColumnBatch batch;
  private final ScoreView view;
  private final int[] rows;
  private final Map<String, ScoreColumn> byName = new HashMap<>(4);

  /** {@code rows}: the rows the scan visits, null for all. */
  BatchScores(ColumnBatch batch, ScoreView view, int[] rows) {
    this.batch = batch;
    this.view = view;
    this.rows = rows;
  }

  ScoreColumn of(String name) {
    return byName.computeIfAbsent(name, n -> ScoreColumn.of(batch, view, n, rows));
  }
}
