package io.llmscope.query;

import io.llmscope.storage.model.Score;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.ScoreView;
import java.util.Arrays;

/**
 * The scores of one name on the rows of one batch: per row, those linked to its span (naming it,
 * or naming no span when the row is its trace's root), found by trace. A span may have several
 * (feedback from many users): metrics count each, filters ask whether any matches.
 *
 * <p>Held sparsely, for the scored rows alone (ascending), with a cursor: scans ask row after row
 * in ascending order, so finding a row is a step forward, not a search. A sealed segment keeps the
 * column of its whole rows while the scores stay as they are ({@link ColumnBatch#memo}): joining
 * by trace reads four id columns of every row, and on a large store that was most of a score query.
 */
final class ScoreColumn {
  private static final ScoreColumn EMPTY = new ScoreColumn(new int[0], new int[] {0}, new double[0], new String[0], new long[0]);

  /** Scored rows, ascending; row rows[i] has scores [start[i], start[i + 1]). */
  private final int[] rows;
  private final int[] start;
  private final double[] values;
  private final String[] labels;
  private final long[] times;
  /** Index into {@link #rows} of the last row asked for (or where it would be). */
  private int cursor;

  private ScoreColumn(int[] rows, int[] start, double[] values, String[] labels, long[] times) {
    this.rows = rows;
    this.start = start;
    this.values = values;
    this.labels = labels;
    this.times = times;
  }

  /** Another reader of the same scores (its own cursor). */
  private ScoreColumn copy() {
    return this == EMPTY ? EMPTY : new ScoreColumn(rows, start, values, labels, times);
  }

  /** The column for {@code rows} of the batch (all rows when null). */
  static ScoreColumn of(ColumnBatch b, ScoreView view, String name, int[] rows) {
    if (!view.hasName(name)) return EMPTY;
    long version = view.version(); // before reading: a score added meanwhile makes the kept column stale, never wrong
    if (version >= 0) {
      ScoreColumn whole = b.memo(new MemoKey(name, view), version, () -> collect(b, view, name, null));
      if (whole != null) return whole.copy();
    }
    return collect(b, view, name, rows);
  }

  /** Keys a segment's kept column: the score name, and the tenant's scores by identity. */
  private record MemoKey(String name, ScoreView view) {
    @Override
    public boolean equals(Object o) {
      return o instanceof MemoKey k && k.name.equals(name) && k.view == view;
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + System.identityHashCode(view);
    }
  }

  private static ScoreColumn collect(ColumnBatch b, ScoreView view, String name, int[] rows) {
    int n = b.size();
    long[] hi = b.traceIdHi();
    long[] lo = b.traceIdLo();
    long[] span = b.spanIds();
    long[] parent = b.parentSpanIds();
    Collector c = new Collector(name);
    int m = rows == null ? n : rows.length;
    for (int i = 0; i < m; i++) {
      int r = rows == null ? i : rows[i];
      c.row = r;
      c.spanId = span[r];
      c.parentSpanId = parent[r];
      view.forEachOfTrace(hi[r], lo[r], c);
    }
    return c.count == 0 ? EMPTY : c.build();
  }

  /** Appends the scores of one name that link to the current row's span. */
  private static final class Collector implements ScoreView.ScoreConsumer {
    final String name;
    int row;
    long spanId;
    long parentSpanId;
    int count;
    int scoredRows;
    int[] rows = new int[16];
    int[] start = new int[17];
    double[] values = new double[16];
    String[] labels = new String[16];
    long[] times = new long[16];

    Collector(String name) {
      this.name = name;
    }

    @Override
    public void accept(long scoreSpanId, String scoreName, double value, String label, long timestampMs) {
      if (!scoreName.equals(name) || !Score.linksTo(scoreSpanId, spanId, parentSpanId)) return;
      if (scoredRows == 0 || rows[scoredRows - 1] != row) {
        if (scoredRows == rows.length) {
          rows = Arrays.copyOf(rows, scoredRows * 2);
          start = Arrays.copyOf(start, scoredRows * 2 + 1);
        }
        rows[scoredRows] = row;
        start[scoredRows++] = count;
      }
      if (count == values.length) {
        values = Arrays.copyOf(values, count * 2);
        labels = Arrays.copyOf(labels, count * 2);
        times = Arrays.copyOf(times, count * 2);
      }
      values[count] = value;
      labels[count] = label;
      times[count++] = timestampMs;
    }

    ScoreColumn build() {
      start[scoredRows] = count;
      return new ScoreColumn(Arrays.copyOf(rows, scoredRows), Arrays.copyOf(start, scoredRows + 1),
          Arrays.copyOf(values, count), Arrays.copyOf(labels, count), Arrays.copyOf(times, count));
    }
  }

  /** Index of {@code row} in {@link #rows}, or -1 when the row has no score. */
  private int indexOf(int row) {
    int at = cursor;
    int n = rows.length;
    if (at < n && rows[at] < row) { // forward: the next scored row or two, else a search
      at++;
      if (at < n && rows[at] < row) at = search(row, at + 1, n);
    } else if (at > 0 && rows[at - 1] >= row) { // backward
      at = search(row, 0, at);
    }
    cursor = at;
    return at < n && rows[at] == row ? at : -1;
  }

  /** The first index in [from, to) whose row is at least {@code row}, else {@code to}. */
  private int search(int row, int from, int to) {
    int k = Arrays.binarySearch(rows, from, to, row);
    return k >= 0 ? k : -k - 1;
  }

  int from(int row) {
    int k = indexOf(row);
    return k < 0 ? 0 : start[k];
  }

  int to(int row) {
    int k = indexOf(row);
    return k < 0 ? 0 : start[k + 1];
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
