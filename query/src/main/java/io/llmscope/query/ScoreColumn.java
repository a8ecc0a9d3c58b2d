package io.llmscope.query;

import io.llmscope.storage.model.Score;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.ScoreView;
import java.util.Arrays;

/**
 * The scores of one name on the rows of one batch: per row, those linked to its span (naming it,
 * or naming no span when the row is its trace's root), found by trace as the batch is read. A span
 * may have several (feedback from many users): metrics count each, filters ask whether any matches.
 */
final class ScoreColumn {
  private static final ScoreColumn EMPTY = new ScoreColumn(null, new double[0], new String[0], new long[0]);

  /** Row r's scores are [start[r], start[r + 1]); null when no row has one. */
  private final int[] start;
  private final double[] values;
  private final String[] labels;
  private final long[] times;

  private ScoreColumn(int[] start, double[] values, String[] labels, long[] times) {
    this.start = start;
    this.values = values;
    this.labels = labels;
    this.times = times;
  }

  /** The column for {@code rows} of the batch (all rows when null). */
  static ScoreColumn of(ColumnBatch b, ScoreView view, String name, int[] rows) {
    if (!view.hasName(name)) return EMPTY;
    int n = b.size();
    long[] hi = b.traceIdHi();
    long[] lo = b.traceIdLo();
    long[] span = b.spanIds();
    long[] parent = b.parentSpanIds();
    int[] start = new int[n + 1];
    Collector c = new Collector(name);
    int m = rows == null ? n : rows.length;
    int next = 0; // rows without a visit keep an empty range: start[r] = start[r + 1]
    for (int i = 0; i < m; i++) {
      int r = rows == null ? i : rows[i];
      for (; next <= r; next++) start[next] = c.count;
      c.spanId = span[r];
      c.parentSpanId = parent[r];
      view.forEachOfTrace(hi[r], lo[r], c);
    }
    for (; next <= n; next++) start[next] = c.count;
    return c.count == 0 ? EMPTY : new ScoreColumn(start, c.values, c.labels, c.times);
  }

  /** Appends the scores of one name that link to the current row's span. */
  private static final class Collector implements ScoreView.ScoreConsumer {
    final String name;
    long spanId;
    long parentSpanId;
    int count;
    double[] values = new double[16];
    String[] labels = new String[16];
    long[] times = new long[16];

    Collector(String name) {
      this.name = name;
    }

    @Override
    public void accept(long scoreSpanId, String scoreName, double value, String label, long timestampMs) {
      if (!scoreName.equals(name) || !Score.linksTo(scoreSpanId, spanId, parentSpanId)) return;
      if (count == values.length) {
        values = Arrays.copyOf(values, count * 2);
        labels = Arrays.copyOf(labels, count * 2);
        times = Arrays.copyOf(times, count * 2);
      }
      values[count] = value;
      labels[count] = label;
      times[count++] = timestampMs;
    }
  }

  int from(int row) {
    return start == null ? 0 : start[row];
  }

  int to(int row) {
    return start == null ? 0 : start[row + 1];
  }

  /** The k-th score's value, NaN for a label-only score. */
  double value(int k) {
    return values[k];
  }

  String label(int k) {
    return labels[k];
  }

  /** What a row groups under: the label of its latest score, else that score's value; null without one. */
  String latestText(int row) {
    int best = -1;
    for (int k = from(row); k < to(row); k++) if (best < 0 || times[k] >= times[best]) best = k;
    if (best < 0) return null;
    if (labels[best] != null) return labels[best];
    double v = values[best];
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
