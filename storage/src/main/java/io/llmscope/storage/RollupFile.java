package io.llmscope.storage;

import com.github.luben.zstd.Zstd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rollup.bin}: a segment's {@link Rollup}s, ZSTD-compressed; its length and CRC32 are in
 * {@code index.bin} like every column file's. Segments written before rollups have none.
 *
 * <pre>
 * file    := rawLength:i32 zstd(payload)
 * payload := header("llmscope.segment.rollup") count:varint rollup*
 * rollup  := keys:u8 dim:u8* (values:varint utf8*)*  cells:varint baseMinute:i64
 *            minute:varint* llm:u8* (id:varint*)* count:varint* errors:varint*
 *            measureMask:varint (per measure in the mask: n:varint* then sum,min,max:f64 for cells with n &gt; 0)
 *            binsMask:varint (per measure in it: zeros:varint* bins:varint* (firstIndex:zigzag (delta:varint)* count:varint*)*)
 * </pre>
 */
final class RollupFile {
  static final String NAME = "rollup.bin";
  private static final String FORMAT = "llmscope.segment.rollup";
  private static final int ZSTD_LEVEL = 9;

  private RollupFile() {}

  static byte[] encode(List<Rollup> rollups) {
    SegmentBytes.Out out = new SegmentBytes.Out(1 << 16);
    SegmentFiles.writeHeader(out, FORMAT);
    out.varint(rollups.size());
    for (Rollup r : rollups) {
      out.u8(r.keys.size());
      for (Dim d : r.keys) out.u8(d.ordinal());
      for (String[] vs : r.values) {
        out.varint(vs.length - 1);
        for (int id = 1; id < vs.length; id++) out.utf8(vs[id]);
      }
      int cells = r.cells;
      out.varint(cells);
      long base = Long.MAX_VALUE;
      for (long m : r.minuteMs) base = Math.min(base, m / 60_000L);
      out.i64(base);
      for (long m : r.minuteMs) out.varint(m / 60_000L - base);
      for (boolean b : r.llm) out.u8(b ? 1 : 0);
      for (int[] ids : r.keyIds) for (int id : ids) out.varint(id);
      for (long c : r.count) out.varint(c);
      for (long e : r.errors) out.varint(e);
      out.varint(mask(r.valueCount));
      for (int m = 0; m < Measure.COUNT; m++) {
        long[] n = r.valueCount[m];
        if (n == null) continue;
        for (long v : n) out.varint(v);
        for (int c = 0; c < cells; c++) {
          if (n[c] == 0) continue;
          out.i64(Double.doubleToRawLongBits(r.sum[m][c]));
          out.i64(Double.doubleToRawLongBits(r.min[m][c]));
          out.i64(Double.doubleToRawLongBits(r.max[m][c]));
        }
      }
      out.varint(mask(r.bins));
      for (Rollup.Bins b : r.bins) {
        if (b == null) continue;
        for (long z : b.zeros()) out.varint(z);
        for (int c = 0; c < cells; c++) out.varint(b.start()[c + 1] - b.start()[c]);
        for (int c = 0; c < cells; c++) {
          for (int k = b.start()[c]; k < b.start()[c + 1]; k++) {
            int idx = b.index()[k];
            out.varint(k == b.start()[c] ? ((long) idx << 1) ^ (idx >> 31) : idx - b.index()[k - 1]); // zigzag, then deltas
          }
          for (int k = b.start()[c]; k < b.start()[c + 1]; k++) out.varint(b.count()[k]);
        }
      }
    }
    byte[] raw = out.toArray();
    byte[] z = Zstd.compress(raw, ZSTD_LEVEL);
    SegmentBytes.Out file = new SegmentBytes.Out(z.length + 4);
    file.i32(raw.length);
    file.bytes(z, 0, z.length);
    return file.toArray();
  }

  static List<Rollup> decode(Path file, byte[] bytes) throws CorruptSegmentException {
    try {
      SegmentBytes.In head = new SegmentBytes.In(bytes);
      int rawLength = head.i32();
      byte[] raw = Zstd.decompress(java.util.Arrays.copyOfRange(bytes, 4, bytes.length), rawLength);
      SegmentBytes.In in = new SegmentBytes.In(raw);
      SegmentFiles.checkHeader(file, in, FORMAT);
      int count = in.varint32();
      List<Rollup> rollups = new ArrayList<>(count);
      for (int r = 0; r < count; r++) rollups.add(decodeOne(file, in));
      if (!in.atEnd()) throw new CorruptSegmentException(file, "trailing bytes");
      return rollups;
    } catch (RuntimeException e) {
      throw new CorruptSegmentException(file, "unreadable rollup: " + e.getMessage(), e);
    }
  }

  private static Rollup decodeOne(Path file, SegmentBytes.In in) throws CorruptSegmentException {
    int nk = in.u8();
    List<Dim> keys = new ArrayList<>(nk);
    for (int k = 0; k < nk; k++) keys.add(Dim.of(in.u8()));
    String[][] values = new String[nk][];
    for (int k = 0; k < nk; k++) {
      values[k] = new String[in.varint32() + 1];
      for (int id = 1; id < values[k].length; id++) values[k][id] = in.utf8();
    }
    int cells = in.varint32();
    long base = in.i64();
    long[] minuteMs = new long[cells];
    for (int c = 0; c < cells; c++) minuteMs[c] = (base + in.varint()) * 60_000L;
    boolean[] llm = new boolean[cells];
    for (int c = 0; c < cells; c++) llm[c] = in.u8() != 0;
    int[][] keyIds = new int[nk][cells];
    for (int k = 0; k < nk; k++) {
      for (int c = 0; c < cells; c++) {
        int id = in.varint32();
        if (id >= values[k].length) throw new CorruptSegmentException(file, "key id out of range");
        keyIds[k][c] = id;
      }
    }
    long[] count = longs(in, cells);
    long[] errors = longs(in, cells);
    long[][] n = new long[Measure.COUNT][];
    double[][] sum = new double[Measure.COUNT][];
    double[][] min = new double[Measure.COUNT][];
    double[][] max = new double[Measure.COUNT][];
    long measures = in.varint();
    for (int m = 0; m < Measure.COUNT; m++) {
      if ((measures & (1L << m)) == 0) continue;
      n[m] = longs(in, cells);
      sum[m] = new double[cells];
      min[m] = new double[cells];
      max[m] = new double[cells];
      for (int c = 0; c < cells; c++) {
        if (n[m][c] == 0) continue;
        sum[m][c] = Double.longBitsToDouble(in.i64());
        min[m][c] = Double.longBitsToDouble(in.i64());
        max[m][c] = Double.longBitsToDouble(in.i64());
      }
    }
    Rollup.Bins[] bins = new Rollup.Bins[Measure.COUNT];
    long sketched = in.varint();
    for (int m = 0; m < Measure.COUNT; m++) {
      if ((sketched & (1L << m)) == 0) continue;
      long[] zeros = longs(in, cells);
      int[] start = new int[cells + 1];
      for (int c = 0; c < cells; c++) start[c + 1] = start[c] + in.varint32();
      int[] index = new int[start[cells]];
      long[] binCount = new long[start[cells]];
      for (int c = 0; c < cells; c++) {
        for (int k = start[c]; k < start[c + 1]; k++) {
          int v = in.varint32();
          index[k] = k == start[c] ? (v >>> 1) ^ -(v & 1) : index[k - 1] + v;
        }
        for (int k = start[c]; k < start[c + 1]; k++) binCount[k] = in.varint();
      }
      bins[m] = new Rollup.Bins(start, index, binCount, zeros);
    }
    return new Rollup(keys, values, cells, minuteMs, llm, keyIds, count, errors, n, sum, min, max, bins);
  }

  private static long[] longs(SegmentBytes.In in, int cells) {
    long[] v = new long[cells];
    for (int c = 0; c < cells; c++) v[c] = in.varint();
    return v;
  }

  private static long mask(Object[] perMeasure) {
    long mask = 0;
    for (int m = 0; m < perMeasure.length; m++) if (perMeasure[m] != null) mask |= 1L << m;
    return mask;
  }
}
