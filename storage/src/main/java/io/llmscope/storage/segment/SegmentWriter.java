package io.llmscope.storage.segment;

import com.carrotsearch.hppc.LongHashSet;
import com.carrotsearch.hppc.LongIntHashMap;
import com.github.luben.zstd.Zstd;
import io.llmscope.storage.format.DetailCodec;
import io.llmscope.storage.format.EncodedDetails;
import io.llmscope.storage.format.Framing;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.rollup.Rollup;
import io.llmscope.storage.rollup.RollupBuilder;
import io.llmscope.storage.rollup.RollupFile;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Seals rows into a new segment directory in the current {@link SegmentFormat} (the layout is
 * described there). A segment is immutable once written; the caller publishes it (manifest) and
 * deletes it. Every file is written whole and fsynced, then the directory is fsynced.
 */
public final class SegmentWriter {
  static final int INDEX_ZSTD_LEVEL = 9;

  private final Path dir;
  private final String tenant;
  private final ColumnBatch[] batches;
  private final int n;
  private final int[] batchOf;
  private final int[] rowOf;
  /** Output row i holds input row order[i] (global input numbering). */
  private int[] order;
  /** The trace runs of the output rows. */
  private SegmentSort.RowOrder rowOrder;
  private final List<SegmentColumns.FileEntry> files = new ArrayList<>();
  private final List<SegmentColumns.ColumnStats> stats = new ArrayList<>();
  private SegmentBytes.Out traceMeta;
  /** Each written dim's ids and values, to find a later dim identical to an earlier one. */
  private final int[][] dimColumns = new int[Dim.COUNT][];
  private final String[][] dimValues = new String[Dim.COUNT][];
  private long minStart = Long.MAX_VALUE;
  private long maxStart = Long.MIN_VALUE;

  private SegmentWriter(Path dir, String tenant, List<ColumnBatch> batches) {
    this.dir = dir;
    this.tenant = tenant;
    this.batches = batches.toArray(new ColumnBatch[0]);
    long total = 0;
    for (ColumnBatch b : batches) total += b.size();
    if (total == 0) throw new IllegalArgumentException("a segment needs at least one row");
    if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("too many rows for one segment: " + total);
    this.n = (int) total;
    batchOf = new int[n];
    rowOf = new int[n];
    int g = 0;
    for (int b = 0; b < this.batches.length; b++) {
      for (int r = 0; r < this.batches[b].size(); r++) {
        batchOf[g] = b;
        rowOf[g++] = r;
      }
    }
  }

  /** Seals the rows of the given batches (head batches, or another segment's batches for compaction) into a new segment directory. */
  public static SegmentInfo write(Path dir, String tenant, List<ColumnBatch> batches) throws IOException {
    SegmentWriter w = new SegmentWriter(dir, tenant, batches);
    Files.createDirectory(dir);
    return w.run();
  }

  private SegmentInfo run() throws IOException {
    long[] hi = gatherLongs(ColumnBatch::traceIdHi);
    long[] lo = gatherLongs(ColumnBatch::traceIdLo);
    long[] start = gatherLongs(ColumnBatch::startNanos);
    long[] span = gatherLongs(ColumnBatch::spanIds);
    rowOrder = SegmentSort.traceOrder(hi, lo, start, span, this::resourceKey);
    order = rowOrder.order();
    hi = permute(hi);
    lo = permute(lo);
    start = permute(start);
    span = permute(span);
    for (long s : start) {
      if (s < minStart) minStart = s;
      if (s > maxStart) maxStart = s;
    }

    SegmentColumns.FileEntry traceFile = SegmentColumns.writeTraceIds(dir, SegmentFormat.TRACE_ID, hi, lo, SegmentFormat.TRACE_BATCH_ROWS, stats);
    traceFile.addTo(files);
    traceMeta = IndexFile.traceMeta(dir, traceFile, hi, lo, rowOrder.runs());
    hi = null;
    lo = null;
    SegmentColumns.writeLongs(dir, SegmentFormat.SPAN_ID, span, null, Map.of(), SegmentColumns.ZSTD_LEVEL_RANDOM, stats).addTo(files);
    writeParents(span, permute(gatherLongs(ColumnBatch::parentSpanIds)));
    span = null;
    long[] end = permute(gatherLongs(ColumnBatch::endNanos));
    double[] derivedDuration = new double[n];
    long[] tmp = new long[n];
    for (int i = 0; i < n; i++) {
      tmp[i] = end[i] - start[i];
      derivedDuration[i] = SegmentFormat.derivedDurationMs(start[i], end[i]);
    }
    SegmentColumns.writeLongs(dir, SegmentFormat.DURATION_NS, tmp, null, Map.of(), SegmentColumns.ZSTD_LEVEL_RANDOM, stats).addTo(files);
    for (int i = 0; i < n; i++) tmp[i] = start[i] - minStart;
    SegmentColumns.writeLongs(dir, SegmentFormat.START_OFFSET_NS, tmp, null, Map.of(SegmentFormat.META_BASE, Long.toString(minStart)),
        SegmentColumns.ZSTD_LEVEL_RANDOM, stats).addTo(files);
    end = null;
    byte[][] flagsB = new byte[batches.length][];
    for (int b = 0; b < batches.length; b++) flagsB[b] = batches[b].flags();
    for (int i = 0; i < n; i++) tmp[i] = flagsB[batchOf[order[i]]][rowOf[order[i]]];
    SegmentColumns.writeLongs(dir, SegmentFormat.FLAGS, tmp, null, Map.of(), stats).addTo(files);

    IndexFile.DimSection[] dims = new IndexFile.DimSection[Dim.COUNT];
    for (Dim d : Dim.values()) dims[d.ordinal()] = writeDim(d);
    RollupBuilder rollups = rollupKeys(start, tmp, dims);
    start = null;
    tmp = null;

    double[] input = null;
    double[] output = null;
    for (Measure m : Measure.values()) {
      double[] v = permute(gatherDoubles(m));
      rollups.measure(m, v);
      if (m == Measure.DURATION_MS) {
        boolean same = true;
        for (int i = 0; i < n && same; i++) same = Double.compare(v[i], derivedDuration[i]) == 0;
        if (!same) SegmentColumns.writeDoubles(dir, m.fieldName(), v, stats).addTo(files);
        continue;
      }
      if (m == Measure.TOTAL_TOKENS) {
        boolean same = true;
        for (int i = 0; i < n && same; i++) same = Double.compare(v[i], SegmentFormat.derivedTotalTokens(input[i], output[i])) == 0;
        if (!same) writeMeasure(m.fieldName(), v);
        continue;
      }
      if (m == Measure.INPUT_TOKENS) input = v;
      if (m == Measure.OUTPUT_TOKENS) output = v;
      writeMeasure(m.fieldName(), v);
    }
    derivedDuration = null;
    Arrays.fill(dimColumns, null);
    writeRollups(rollups.build());

    DetailFile.Location detail = DetailFile.write(dir, n, this::appendDetail, files);
    SegmentInfo info = new SegmentInfo(tenant, n, minStart, maxStart, 0);
    IndexFile.write(dir, new IndexFile.Contents(info, files, detail, stats, dims, traceMeta));
    Framing.fsyncDirectory(dir);
    long bytes = 0;
    try (var list = Files.list(dir)) {
      for (Path p : (Iterable<Path>) list::iterator) bytes += Files.size(p);
    }
    return new SegmentInfo(tenant, n, minStart, maxStart, bytes);
  }

  /** A rollup builder over the written rows, keyed by each of the default key sets. */
  private RollupBuilder rollupKeys(long[] start, long[] flags, IndexFile.DimSection[] dims) {
    int[] status = idsOf(Dim.STATUS, dims);
    int errorId = Arrays.binarySearch(valuesOf(Dim.STATUS, dims), 1, valuesOf(Dim.STATUS, dims).length, "error");
    boolean[] error = new boolean[n];
    if (errorId > 0) for (int i = 0; i < n; i++) error[i] = status[i] == errorId;
    RollupBuilder b = new RollupBuilder(start, flags, error);
    for (RollupBuilder.Spec spec : RollupBuilder.DEFAULTS) {
      List<Dim> keys = spec.keys();
      int[][] ids = new int[keys.size()][];
      String[][] values = new String[keys.size()][];
      for (int k = 0; k < keys.size(); k++) {
        ids[k] = idsOf(keys.get(k), dims);
        values[k] = valuesOf(keys.get(k), dims);
      }
      b.key(spec, ids, values);
    }
    return b;
  }

  /** Row ids of a written dim (following an alias to the column it shares). */
  private int[] idsOf(Dim d, IndexFile.DimSection[] dims) {
    int alias = dims[d.ordinal()].aliasOf();
    return dimColumns[alias >= 0 ? alias : d.ordinal()];
  }

  /** Values of a written dim by id, with id 0 (absent) as null. */
  private String[] valuesOf(Dim d, IndexFile.DimSection[] dims) {
    int alias = dims[d.ordinal()].aliasOf();
    String[] v = dimValues[alias >= 0 ? alias : d.ordinal()];
    String[] out = new String[v.length + 1];
    System.arraycopy(v, 0, out, 1, v.length);
    return out;
  }

  private void writeRollups(List<Rollup> rollups) throws IOException {
    if (rollups.isEmpty()) return;
    byte[] bytes = RollupFile.encode(rollups);
    Framing.Output out = new Framing.Output(dir.resolve(RollupFile.NAME));
    boolean ok = false;
    try {
      out.write(bytes, 0, bytes.length);
      long crc = out.finish();
      ok = true;
      files.add(new SegmentColumns.FileEntry(RollupFile.NAME, bytes.length, crc, List.of()));
    } finally {
      if (!ok) out.abort();
    }
  }

  // ------------------------------------------------------------------------------------------

  private interface LongColumn {
    long[] get(ColumnBatch b);
  }

  private long[] gatherLongs(LongColumn col) {
    long[] out = new long[n];
    int g = 0;
    for (ColumnBatch b : batches) {
      int size = b.size();
      System.arraycopy(col.get(b), 0, out, g, size);
      g += size;
    }
    return out;
  }

  private double[] gatherDoubles(Measure m) {
    double[] out = new double[n];
    int g = 0;
    for (ColumnBatch b : batches) {
      int size = b.size();
      System.arraycopy(b.measure(m), 0, out, g, size);
      g += size;
    }
    return out;
  }

  private long[] permute(long[] in) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) out[i] = in[order[i]];
    return out;
  }

  private double[] permute(double[] in) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = in[order[i]];
    return out;
  }

  /** A row's (service, environment), the first key of the row order (see {@link SegmentSort#traceOrder}). */
  private String resourceKey(int inputRow) {
    ColumnBatch b = batches[batchOf[inputRow]];
    int r = rowOf[inputRow];
    String service = b.dictionary(Dim.SERVICE).value(b.dimIds(Dim.SERVICE)[r]);
    String env = b.dictionary(Dim.ENVIRONMENT).value(b.dimIds(Dim.ENVIRONMENT)[r]);
    return (service == null ? "" : "\u0001" + service) + '\u0000' + (env == null ? "" : env);
  }

  /**
   * parent_row_delta: row - (row of the parent) when the parent is another row of the same trace
   * run, else 0; parent_span_id: the parent's id where the delta is 0, null elsewhere.
   */
  private void writeParents(long[] span, long[] parent) throws IOException {
    long[] delta = new long[n];
    boolean[] present = new boolean[n];
    LongIntHashMap rowOfSpan = new LongIntHashMap();
    for (int k = 0; k < rowOrder.runs(); k++) {
      int f = rowOrder.runFirst()[k];
      int end = f + rowOrder.runCount()[k];
      boolean big = rowOrder.runCount()[k] > 32;
      if (big) {
        rowOfSpan.clear();
        for (int j = f; j < end; j++) rowOfSpan.putIfAbsent(span[j], j);
      }
      for (int i = f; i < end; i++) {
        int p = -1;
        if (big) {
          int j = rowOfSpan.getOrDefault(parent[i], -1);
          if (j >= 0 && j != i) p = j;
        } else {
          for (int j = f; j < end; j++) {
            if (j != i && span[j] == parent[i]) {
              p = j;
              break;
            }
          }
        }
        if (p >= 0) delta[i] = i - p;
        else present[i] = true;
      }
    }
    SegmentColumns.writeLongs(dir, SegmentFormat.PARENT_ROW_DELTA, delta, null, Map.of(), stats).addTo(files);
    SegmentColumns.writeLongs(dir, SegmentFormat.PARENT_SPAN_ID, parent, present, Map.of(), stats).addTo(files);
  }

  private void writeMeasure(String column, double[] v) throws IOException {
    // Few distinct values (temperature, max_tokens): a dictionary-encoded column, as Parquet would.
    LongHashSet distinct = new LongHashSet();
    for (int i = 0; i < n && distinct.size() <= SegmentFormat.MEASURE_DICTIONARY_MAX; i++) {
      if (!Double.isNaN(v[i])) distinct.add(Double.doubleToRawLongBits(v[i]));
    }
    if (distinct.size() <= SegmentFormat.MEASURE_DICTIONARY_MAX && n >= 16L * distinct.size() && !distinct.isEmpty()) {
      long[] bits = distinct.toArray();
      Arrays.sort(bits); // by raw bits, as the format has always ordered these dictionaries
      double[] values = new double[bits.length];
      for (int k = 0; k < bits.length; k++) values[k] = Double.longBitsToDouble(bits[k]);
      SegmentColumns.writeDictDoubles(dir, column, v, values, 1000L + column.hashCode(), stats).addTo(files);
      return;
    }
    boolean integral = true;
    for (int i = 0; i < n && integral; i++) {
      double d = v[i];
      if (Double.isNaN(d)) continue;
      integral = d == Math.rint(d) && Math.abs(d) <= SegmentFormat.INTEGER_LIMIT && !(d == 0 && Double.doubleToRawLongBits(d) != 0);
    }
    if (!integral) {
      int decimals = SegmentFormat.decimalsOf(v);
      if (decimals > 0) SegmentColumns.writeDecimals(dir, column, v, decimals, stats).addTo(files);
      else SegmentColumns.writeDoubles(dir, column, v, stats).addTo(files);
      return;
    }
    long[] l = new long[n];
    boolean[] present = new boolean[n];
    for (int i = 0; i < n; i++) {
      if (!Double.isNaN(v[i])) {
        l[i] = (long) v[i];
        present[i] = true;
      }
    }
    SegmentColumns.writeLongs(dir, column, l, present, Map.of(), stats).addTo(files);
  }


  private IndexFile.DimSection writeDim(Dim dim) throws IOException {
    int nb = batches.length;
    int[][] ids = new int[nb][];
    Dictionary[] dicts = new Dictionary[nb];
    boolean[][] used = new boolean[nb][];
    Set<String> distinct = new HashSet<>();
    for (int b = 0; b < nb; b++) {
      ids[b] = batches[b].dimIds(dim);
      dicts[b] = batches[b].dictionary(dim);
      int size = batches[b].size();
      int maxId = 0;
      for (int r = 0; r < size; r++) maxId = Math.max(maxId, ids[b][r]);
      used[b] = new boolean[maxId + 1];
      for (int r = 0; r < size; r++) used[b][ids[b][r]] = true;
      for (int id = 1; id <= maxId; id++) if (used[b][id]) distinct.add(dicts[b].value(id));
    }
    String[] values = distinct.toArray(new String[0]);
    Arrays.sort(values);
    int[][] remap = new int[nb][];
    for (int b = 0; b < nb; b++) {
      remap[b] = new int[used[b].length];
      for (int id = 1; id < used[b].length; id++) {
        if (used[b][id]) remap[b][id] = Arrays.binarySearch(values, dicts[b].value(id)) + 1;
      }
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int g = order[i];
      out[i] = remap[batchOf[g]][ids[batchOf[g]][rowOf[g]]];
    }
    int alias = -1;
    for (int e = 0; e < dim.ordinal() && alias < 0; e++) {
      if (dimColumns[e] != null && Arrays.equals(dimValues[e], values) && Arrays.equals(dimColumns[e], out)) alias = e;
    }
    if (alias >= 0) { // identical to an earlier dim (e.g. request_model = model): stored once
      SegmentColumns.ColumnStats a = statsOf(Dim.of(alias).fieldName());
      stats.add(new SegmentColumns.ColumnStats(dim.fieldName(), a.kind(), a.nullCount(), a.min(), a.max()));
    } else {
      SegmentColumns.writeDict(dir, dim.fieldName(), out, values, dim.ordinal(), stats).addTo(files);
      dimColumns[dim.ordinal()] = out;
      dimValues[dim.ordinal()] = values;
    }
    if (values.length > Math.max(SegmentFormat.POSTINGS_MIN_LIMIT, n / SegmentFormat.POSTINGS_ROWS_PER_VALUE) || !SegmentFormat.INDEXED.contains(dim)) {
      return new IndexFile.DimSection(null, null, 0, alias);
    }
    // Postings: counting sort of rows by id, rows ascending within an id.
    int v = values.length;
    int[] start = new int[v + 2];
    for (int id : out) start[id + 1]++;
    for (int id = 1; id <= v + 1; id++) start[id] += start[id - 1];
    int[] rows = new int[n];
    int[] fill = Arrays.copyOf(start, v + 1);
    for (int i = 0; i < n; i++) rows[fill[out[i]]++] = i;
    SegmentBytes.Out data = new SegmentBytes.Out(n + 16);
    SegmentBytes.Out raw = new SegmentBytes.Out(4 * (v + 1) + n);
    for (int id = 1; id <= v; id++) {
      raw.i32(data.size());
      data.varint(start[id + 1] - start[id]);
      int prev = -1;
      for (int k = start[id]; k < start[id + 1]; k++) {
        data.varint(rows[k] - prev - 1);
        prev = rows[k];
      }
    }
    raw.i32(data.size());
    raw.bytes(data.buf, 0, data.size());
    return new IndexFile.DimSection(values, Zstd.compress(raw.toArray(), INDEX_ZSTD_LEVEL), raw.size(), alias);
  }

  /**
   * The encoded detail of output row {@code i}: copied as stored when its batch keeps details
   * encoded (head and segment batches do), else encoded from the decoded detail against the
   * row's canonical fields, which this segment stores beside it.
   */
  private void appendDetail(int i, SegmentBytes.Out out) {
    int g = order[i];
    ColumnBatch b = batches[batchOf[g]];
    if (b instanceof EncodedDetails e) {
      e.copyDetail(rowOf[g], out);
      return;
    }
    SpanDetail d = b.detail(rowOf[g]);
    DetailCodec.writeDetail(out, d == null ? SpanDetail.EMPTY : d, b.span(rowOf[g]));
  }

  private SegmentColumns.ColumnStats statsOf(String column) {
    return IndexFile.statsOf(stats, column);
  }
}
