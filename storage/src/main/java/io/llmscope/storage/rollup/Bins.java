package io.llmscope.storage.rollup;

import com.datadoghq.sketch.ddsketch.store.Store;
import io.llmscope.storage.format.SegmentBytes;

/**
 * Sketch bins of every cell of one measure, packed as varints: cell c owns bytes
 * [offset[c], offset[c + 1]) of {@code data}, holding its bins in ascending index order as
 * {@code zigzag(lastIndex) lastWeight:varint (indexDelta:varint weight:varint)*} where the deltas
 * run from the first bin (delta from 0 is the zigzag of its index). The last bin is first so that
 * {@link #addTo} sizes a sketch's store once, rather than growing it bin by bin. Held as ints and
 * longs the bins were 12 bytes each, nine tenths of a decoded rollup, and a 10M-span store kept
 * 250 MB of them; packed they take 2-3 bytes.
 */
final class Bins {
  private final int[] offset;
  private final byte[] data;
  private final long[] zeros;

  private Bins(int[] offset, byte[] data, long[] zeros) {
    this.offset = offset;
    this.data = data;
    this.zeros = zeros;
  }

  /** What {@link #forEach} hands each bin to. */
  interface BinConsumer {
    void accept(int index, long weight);
  }

  /** Values of the cell too small for a positive bin (zero durations). */
  long zeros(int cell) {
    return zeros[cell];
  }

  int cells() {
    return zeros.length;
  }

  long[] zeros() {
    return zeros;
  }

  /** Number of bins of the cell. */
  int binCount(int cell) {
    int[] n = {0};
    forEach(cell, (i, w) -> n[0]++);
    return n[0];
  }

  /** The cell's bins in ascending index order. */
  void forEach(int cell, BinConsumer to) {
    int at = offset[cell];
    int end = offset[cell + 1];
    if (at == end) return;
    long[] v = new long[1];
    at = read(at, v);
    int last = (int) unzigzag(v[0]);
    at = read(at, v);
    long lastWeight = v[0];
    int index = 0;
    boolean first = true;
    while (at < end) {
      at = read(at, v);
      index = first ? (int) unzigzag(v[0]) : index + (int) v[0];
      first = false;
      at = read(at, v);
      to.accept(index, v[0]);
    }
    to.accept(last, lastWeight);
  }

  /**
   * Adds the cell's bins to a sketch store, the highest first. Its own loop, not {@link #forEach}
   * with {@code store::add}: that call site sees every consumer and stops inlining, and a rollup
   * query (AggregationBenchmark.rollupP95ByModelPerMinute) took 62 ms instead of 51.
   */
  void addTo(Store store, int cell) {
    int at = offset[cell];
    int end = offset[cell + 1];
    if (at == end) return;
    long[] v = new long[1];
    at = read(at, v);
    int last = (int) unzigzag(v[0]);
    at = read(at, v);
    store.add(last, v[0]);
    int index = 0;
    boolean first = true;
    while (at < end) {
      at = read(at, v);
      index = first ? (int) unzigzag(v[0]) : index + (int) v[0];
      first = false;
      at = read(at, v);
      store.add(index, v[0]);
    }
  }

  /** Reads a varint at {@code at} into v[0]; returns the position after it. */
  private int read(int at, long[] v) {
    long x = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = data[at++];
      x |= (long) (b & 0x7f) << shift;
      if (b >= 0) break;
      if (shift > 56) throw new IllegalStateException("varint too long");
    }
    v[0] = x;
    return at;
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  /** Packs cells in order: {@link #cell} for each, then {@link #build}. */
  static final class Writer {
    private final int[] offset;
    private final SegmentBytes.Out out = new SegmentBytes.Out(1 << 12);
    private int cells;

    Writer(int cells) {
      offset = new int[cells + 1];
    }

    /** The next cell's bins: {@code index[from, to)} ascending, with their weights (all positive). */
    Writer cell(int[] index, long[] weight, int from, int to) {
      if (to > from) {
        int last = to - 1;
        out.varint(zigzag(index[last])).varint(weight[last]);
        for (int k = from; k < last; k++) {
          if (k > from && index[k] <= index[k - 1]) throw new IllegalArgumentException("bins out of order");
          out.varint(k == from ? zigzag(index[k]) : index[k] - index[k - 1]).varint(weight[k]);
        }
      }
      offset[++cells] = out.size();
      return this;
    }

    Bins build(long[] zeros) {
      if (cells != zeros.length || cells != offset.length - 1) throw new IllegalStateException("cells missing");
      return new Bins(offset, out.toArray(), zeros);
    }
  }
}
