package io.llmscope.storage.segment;

import org.roaringbitmap.RoaringBitmap;

/**
 * The smallest and largest start time of each run of {@value #ROWS} rows of a segment. Rows are
 * in start order within each (service, environment) ({@link SegmentFormat}, "Row order"), so a
 * window of minutes in a segment of hours falls in a few runs per resource: a query reads those
 * rows instead of the whole segment. Built from the start column on first use and kept while the
 * segment is open (16 bytes per {@value #ROWS} rows).
 */
final class StartBlocks {
  static final int ROWS = 1024;

  private final long[] min;
  private final long[] max;
  private final int rows;

  private StartBlocks(long[] min, long[] max, int rows) {
    this.min = min;
    this.max = max;
    this.rows = rows;
  }

  static StartBlocks of(long[] start, int rows) {
    int blocks = (rows + ROWS - 1) / ROWS;
    long[] min = new long[blocks];
    long[] max = new long[blocks];
    for (int b = 0; b < blocks; b++) {
      long lo = Long.MAX_VALUE;
      long hi = Long.MIN_VALUE;
      for (int r = b * ROWS, end = Math.min(rows, r + ROWS); r < end; r++) {
        lo = Math.min(lo, start[r]);
        hi = Math.max(hi, start[r]);
      }
      min[b] = lo;
      max[b] = hi;
    }
    return new StartBlocks(min, max, rows);
  }

  /** The rows of every run holding a start in [from, to): a superset of the rows starting there. */
  RoaringBitmap rowsMayStartIn(long from, long to) {
    RoaringBitmap out = new RoaringBitmap();
    int runFrom = -1;
    for (int b = 0; b <= min.length; b++) {
      boolean hit = b < min.length && max[b] >= from && min[b] < to;
      if (hit && runFrom < 0) runFrom = b;
      if (!hit && runFrom >= 0) {
        out.add((long) runFrom * ROWS, Math.min(rows, (long) b * ROWS));
        runFrom = -1;
      }
    }
    return out;
  }
}
