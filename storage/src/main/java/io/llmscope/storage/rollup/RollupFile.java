package io.llmscope.storage.rollup;

import com.github.luben.zstd.Zstd;
import io.llmscope.storage.format.CorruptSegmentException;
import io.llmscope.storage.format.Framing;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code rollup.bin}: a segment's {@link Rollup}s, ZSTD-compressed; its length and CRC32 are in
 * {@code index.bin} like every column file's. Segments written before rollups have none.
 * Cell fields are stored column by column (it compresses better); a measure whose values are all
 * whole numbers stores its sums and extremes as zigzag varints rather than doubles.
 *
 * <pre>
 * file    := rawLength:i32 zstd(payload)
 * payload := header (Framing: "llmscope.segment.rollup", version) count:varint rollup*
 * rollup  := keys:u8 dim:u8* (valueCount:varint utf8*)* cellMinutes:varint cells:varint baseSlot:i64
 *            slot:varint* llm:u8* (id:varint*)* count:varint* errors:varint*
 *            measureMask:varint integralMask:varint
 *            (per measure in the mask: n:varint*, then for cells with n &gt; 0: sum*, min*, max*)
 *            binsMask:varint (per measure in it: zeros:varint* binCount:varint*
 *                             (firstIndex:zigzag delta:varint*)* binWeight:varint*)
 * </pre>
 */
public final class RollupFile {
  public static final String NAME = "rollup.bin";
  static final String FORMAT = "llmscope.segment.rollup";
  /** Versions this build reads; it writes the current one. */
  public static final int VERSION_START = 1;
  public static final int VERSION_CURRENT = 1;
  private static final int ZSTD_LEVEL = 9;
  private static final double INTEGER_LIMIT = 0x1p53;

  private RollupFile() {}

  public static byte[] encode(List<Rollup> rollups) {
    SegmentBytes.Out out = new SegmentBytes.Out(1 << 16);
    Framing.writeHeader(out, FORMAT, VERSION_CURRENT);
    out.varint(rollups.size());
    for (Rollup r : rollups) encodeOne(out, r);
    byte[] raw = out.toArray();
    byte[] z = Zstd.compress(raw, ZSTD_LEVEL);
    SegmentBytes.Out file = new SegmentBytes.Out(z.length + 4);
    file.i32(raw.length);
    file.bytes(z, 0, z.length);
    return file.toArray();
  }

  private static void encodeOne(SegmentBytes.Out out, Rollup r) {
    out.u8(r.keys.size());
    for (Dim d : r.keys) out.u8(d.ordinal());
    for (String[] vs : r.values) {
      out.varint(vs.length - 1);
      for (int id = 1; id < vs.length; id++) out.utf8(vs[id]);
    }
    int cells = r.cells;
    out.varint(r.cellMs / 60_000L);
    out.varint(cells);
    long base = Long.MAX_VALUE;
    for (long m : r.startMs) base = Math.min(base, m / r.cellMs);
    out.i64(base);
    for (long m : r.startMs) out.varint(m / r.cellMs - base);
    for (boolean b : r.llm) out.u8(b ? 1 : 0);
    for (int[] ids : r.keyIds) for (int id : ids) out.varint(id);
    for (long c : r.count) out.varint(c);
    for (long e : r.errors) out.varint(e);
    long integral = 0;
    for (int m = 0; m < Measure.COUNT; m++) {
      if (r.valueCount[m] != null && integral(r, m)) integral |= 1L << m;
    }
    out.varint(mask(r.valueCount));
    out.varint(integral);
    for (int m = 0; m < Measure.COUNT; m++) {
      long[] n = r.valueCount[m];
      if (n == null) continue;
      for (long v : n) out.varint(v);
      boolean whole = (integral & (1L << m)) != 0;
      for (double[] col : new double[][] {r.sum[m], r.min[m], r.max[m]}) {
        for (int c = 0; c < cells; c++) {
          if (n[c] == 0) continue;
          if (whole) out.varint(zigzag((long) col[c]));
          else out.i64(Double.doubleToRawLongBits(col[c]));
        }
      }
    }
    out.varint(mask(r.bins));
    for (Bins b : r.bins) {
      if (b == null) continue;
      for (long z : b.zeros()) out.varint(z);
      for (int c = 0; c < cells; c++) out.varint(b.binCount(c));
      for (int c = 0; c < cells; c++) {
        int[] previous = {0};
        boolean[] first = {true};
        b.forEach(c, (index, weight) -> {
          out.varint(first[0] ? zigzag(index) : index - previous[0]);
          first[0] = false;
          previous[0] = index;
        });
      }
      for (int c = 0; c < cells; c++) b.forEach(c, (index, weight) -> out.varint(weight));
    }
  }

  /** True when every sum and extreme of measure {@code m} is a whole number a long holds exactly. */
  private static boolean integral(Rollup r, int m) {
    for (int c = 0; c < r.cells; c++) {
      if (r.valueCount[m][c] == 0) continue;
      for (double v : new double[] {r.sum[m][c], r.min[m][c], r.max[m][c]}) {
        if (v != Math.rint(v) || Math.abs(v) >= INTEGER_LIMIT) return false;
      }
    }
    return true;
  }

  public static List<Rollup> decode(Path file, byte[] bytes) throws CorruptSegmentException {
    try {
      SegmentBytes.In head = new SegmentBytes.In(bytes);
      int rawLength = head.i32();
      byte[] raw = Zstd.decompress(Arrays.copyOfRange(bytes, 4, bytes.length), rawLength);
      SegmentBytes.In in = new SegmentBytes.In(raw);
      Framing.checkHeader(file, in, FORMAT, VERSION_START, VERSION_CURRENT);
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
    long cellMs = in.varint32() * 60_000L;
    if (cellMs <= 0) throw new CorruptSegmentException(file, "bad rollup slot");
    int cells = in.varint32();
    long base = in.i64();
    long[] startMs = new long[cells];
    for (int c = 0; c < cells; c++) startMs[c] = (base + in.varint()) * cellMs;
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
    long integral = in.varint();
    for (int m = 0; m < Measure.COUNT; m++) {
      if ((measures & (1L << m)) == 0) continue;
      n[m] = longs(in, cells);
      boolean whole = (integral & (1L << m)) != 0;
      sum[m] = new double[cells];
      min[m] = new double[cells];
      max[m] = new double[cells];
      for (double[] col : new double[][] {sum[m], min[m], max[m]}) {
        for (int c = 0; c < cells; c++) {
          if (n[m][c] == 0) continue;
          col[c] = whole ? unzigzag(in.varint()) : Double.longBitsToDouble(in.i64());
        }
      }
    }
    Bins[] bins = new Bins[Measure.COUNT];
    long sketched = in.varint();
    for (int m = 0; m < Measure.COUNT; m++) {
      if ((sketched & (1L << m)) == 0) continue;
      long[] zeros = longs(in, cells);
      int[] start = new int[cells + 1];
      for (int c = 0; c < cells; c++) start[c + 1] = Math.addExact(start[c], in.varint32());
      int[] index = new int[start[cells]];
      for (int c = 0; c < cells; c++) {
        for (int k = start[c]; k < start[c + 1]; k++) {
          long v = in.varint();
          index[k] = k == start[c] ? (int) unzigzag(v) : index[k - 1] + (int) v;
        }
      }
      long[] weight = longs(in, index.length);
      Bins.Writer packed = new Bins.Writer(cells);
      for (int c = 0; c < cells; c++) packed.cell(index, weight, start[c], start[c + 1]);
      bins[m] = packed.build(zeros);
    }
    return new Rollup(keys, cellMs, values, cells, startMs, llm, keyIds, count, errors, n, sum, min, max, bins);
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private static long[] longs(SegmentBytes.In in, int count) {
    long[] v = new long[count];
    for (int c = 0; c < count; c++) v[c] = in.varint();
    return v;
  }

  private static long mask(Object[] perMeasure) {
    long mask = 0;
    for (int m = 0; m < perMeasure.length; m++) if (perMeasure[m] != null) mask |= 1L << m;
    return mask;
  }
}
