package io.llmscope.storage.segment;

import io.llmscope.storage.format.DetailCodec;
import io.llmscope.storage.format.SegmentFiles;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.rollup.RollupFile;
import io.llmscope.storage.rollup.RollupBuilder;
import io.llmscope.storage.rollup.Rollup;
import io.llmscope.storage.scan.Dictionary;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.SpanDetail;
import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Seals rows into a new segment directory. A segment is immutable once written; the caller
 * publishes it (manifest) and deletes it. Every file is written whole and fsynced, then the
 * directory is fsynced.
 *
 * <h2>Directory layout (format {@value SegmentFiles#VERSION})</h2>
 *
 * <pre>
 * &lt;column&gt;.arrow    one standard Arrow IPC file per column (see {@link SegmentColumns}), ZSTD buffers:
 *   trace_id          FixedSizeBinary(16), big-endian hi then lo; record batches of {@value #TRACE_BATCH_ROWS} rows
 *   span_id           int64
 *   parent_row_delta  int: row - (row of the parent span) when the parent is another row of the same
 *                     trace in this segment, else 0
 *   parent_span_id    int64, nullable: the parent id where parent_row_delta = 0 (0 = root), null elsewhere
 *                     (parent = coalesce(parent_span_id, span_id at row - parent_row_delta))
 *   start_offset_ns   int: start_ns - llmscope.base (schema metadata: the segment's min start_ns)
 *   duration_ns       int: end_ns - start_ns (two's complement, so any pair of longs round-trips)
 *   flags             int8, ColumnBatch.FLAG_* bits
 *   &lt;dim&gt;             one per {@link Dim} by field name: dictionary-encoded Utf8 (sorted dictionary,
 *                     index = id - 1, absent = null). A dim whose ids and dictionary equal an earlier
 *                     dim's (e.g. request_model = model) has no file; the index records the alias.
 *   &lt;measure&gt;         one per {@link Measure} but duration_ms, by field name, nullable (null = NaN):
 *                     at most {@value #MEASURE_DICTIONARY_MAX} distinct values: int8 indices into a
 *                     Float64 dictionary; else integers of magnitude ≤ 2^53 (no -0.0): an int column;
 *                     else float64
 *   duration_ms       only when some row differs from the ingest rule (end - start) / 1e6 (NaN unless
 *                     start &gt; 0 and end ≥ start); otherwise derived on read
 *   total_tokens      likewise only when some row differs from input + output (else whichever is known)
 *   integer widths are the narrowest of 8/16/32/64 bits holding the segment's values
 * detail.bin          header, ZSTD blocks of {@value #DETAIL_BLOCK_ROWS} rows' details, block table, footer
 *   block (raw)    := count:i32 offset:i32 * (count + 1) (relative to the payload) payload
 *                     (each row's {@code DetailCodec.writeDetail} bytes, row order)
 *   table          := blockCount:i32 rowsPerBlock:i32 (offset:i64 compressedLength:i32 rawLength:i32 crc32:i64)*
 *   then tableOffset:i64 tableLength:i32 and the footer. index.bin holds the table's position, its CRC
 *   and the footer's checksum, so the first detail read checks header, table, tail and footer without
 *   reading the whole file; each block is checked by its own CRC when read
 * index.bin           header, postings sections, meta, metaOffset:i64, footer (CRC of the whole file,
 *                     verified on open)
 *   meta := tenant:utf8 rows:i32 minStart:i64 maxStart:i64
 *           fileCount:i32 (name:utf8 length:i64 crc32:i64)*          every other file (whole-file CRC32)
 *           detailTableOffset:i64 detailTableLength:i32 detailTableCrc:i64 detailFooterChecksum:i64
 *           columnCount:i32 (name:utf8 kind:u8 nullCount:i32 min:i64 max:i64)*   (SegmentColumns.ColumnStats)
 *           dimCount:i32 (name:utf8 dictSize:i32 aliasOf:i32 hasPostings:u8
 *                         [value:utf8 * (dictSize - 1) offset:i64 length:i32 rawLength:i32 crc32:i64])*
 *           traceCount:i32 traceBatchRows:i32 bloomHashes:i32
 *           headLength:i32 headCrc:i64 tailOffset:i64 tailLength:i32 tailCrc:i64    (of trace_id.arrow)
 *           bloomWords:i32 word:i64*                                 all trace ids, {@value #BLOOM_BITS_PER_TRACE} bits each,
 *                                                                    at least {@value #BLOOM_MIN_BITS} bits
 *           batchCount:i32 (offset:i64 metadataLength:i32 bodyLength:i64 crc32:i64 bloomWords:i32 word:i64*)*
 *                                                                    per trace_id record batch, {@value #BATCH_BLOOM_BITS_PER_TRACE} bits per trace
 *   postings section (raw, ZSTD-compressed) for a dim with dictSize = V + 1:
 *           offset:i32 * (V + 1) (relative to the lists), then per id 1..V: count:varint rowDelta:varint*
 *           (first delta = row, then row - previous - 1). Identical sections are stored once.
 * </pre>
 *
 * Strings are varint length + UTF-8; integers little-endian. Postings exist for a dimension in
 * {@link #INDEXED} whose segment dictionary has at most max({@value #POSTINGS_MIN_LIMIT},
 * rows / {@value #POSTINGS_ROWS_PER_VALUE}) values: all the low-cardinality dimensions, and user
 * and session only in segments where each value covers 32+ rows on average (below that the
 * postings would cost a byte or more per span). Their dictionaries are also kept in the meta so a query can resolve
 * a filter value without reading the column file.
 *
 * <p>Trace lookup: the global Bloom filter prunes the segment; the per-batch filters pick the
 * record batches of trace_id.arrow to read; only those batches (with the file's head and tail, each
 * CRC-checked) are read and scanned. There is no separate sorted trace table: it would repeat the
 * 16 random bytes per trace that trace_id.arrow already holds (measured: 5.3 B/span).
 *
 * <h2>Row order</h2>
 * Rows are grouped by trace; traces are ordered by the (service, environment) of their earliest
 * span, then by that span's start, then trace id; rows within a trace by (start, span id). Trace ids
 * repeat in runs, parents are mostly rows of the same run, service/environment columns and postings
 * collapse to a few runs, and start times are nearly monotonic within each (service, environment).
 */
public final class SegmentWriter {
  static final int DETAIL_BLOCK_ROWS = 256;
  static final int DETAIL_ZSTD_LEVEL = 3;
  static final int INDEX_ZSTD_LEVEL = 9;
  static final int TRACE_BATCH_ROWS = 1 << 14;
  static final int BLOOM_BITS_PER_TRACE = 10;
  static final int BATCH_BLOOM_BITS_PER_TRACE = 8;
  /** Floor of the segment's trace filter: 1 KiB makes small segments' false positives negligible. */
  static final int BLOOM_MIN_BITS = 8192;
  static final int BLOOM_HASHES = 7;
  static final int POSTINGS_MIN_LIMIT = 64;
  /**
   * Dims that may keep postings. Span names are left out: they repeat the operation and model
   * ("chat gpt-4o") at two-thirds of a byte per row, and are searched with contains, which scans.
   */
  static final java.util.EnumSet<Dim> INDEXED = java.util.EnumSet.complementOf(java.util.EnumSet.of(Dim.SPAN_NAME));
  /**
   * A dim whose values average fewer rows than this keeps no postings: for near-unique values
   * (users, sessions) they would cost about a byte per row in index.bin, so filters on those scan
   * the dictionary ids instead.
   */
  static final int POSTINGS_ROWS_PER_VALUE = 32;
  private static final long INTEGER_LIMIT = 1L << 53;
  static final int MEASURE_DICTIONARY_MAX = 127;

  private final Path dir;
  private final String tenant;
  private final ColumnBatch[] batches;
  private final int n;
  private final int[] batchOf;
  private final int[] rowOf;
  /** Output row i holds input row order[i] (global input numbering). */
  private int[] order;
  private final List<SegmentColumns.FileEntry> files = new ArrayList<>();
  private final List<SegmentColumns.ColumnStats> stats = new ArrayList<>();
  // Trace runs in output order.
  private int[] runFirst;
  private int[] runCount;
  private int runs;
  private SegmentBytes.Out traceMeta;
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
    sortRows(hi, lo, start, span);
    hi = permute(hi);
    lo = permute(lo);
    start = permute(start);
    span = permute(span);
    for (long s : start) {
      if (s < minStart) minStart = s;
      if (s > maxStart) maxStart = s;
    }

    SegmentColumns.FileEntry traceFile = SegmentColumns.writeTraceIds(dir, "trace_id", hi, lo, TRACE_BATCH_ROWS, stats);
    traceFile.addTo(files);
    traceMeta = traceIndex(traceFile, hi, lo);
    hi = null;
    lo = null;
    SegmentColumns.writeLongs(dir, "span_id", span, null, Map.of(), SegmentColumns.ZSTD_LEVEL_RANDOM, stats).addTo(files);
    writeParents(span, permute(gatherLongs(ColumnBatch::parentSpanIds)));
    span = null;
    long[] end = permute(gatherLongs(ColumnBatch::endNanos));
    double[] derivedDuration = new double[n];
    long[] tmp = new long[n];
    for (int i = 0; i < n; i++) {
      tmp[i] = end[i] - start[i];
      derivedDuration[i] = derivedDurationMs(start[i], end[i]);
    }
    SegmentColumns.writeLongs(dir, "duration_ns", tmp, null, Map.of(), SegmentColumns.ZSTD_LEVEL_RANDOM, stats).addTo(files);
    for (int i = 0; i < n; i++) tmp[i] = start[i] - minStart;
    SegmentColumns.writeLongs(dir, "start_offset_ns", tmp, null, Map.of("llmscope.base", Long.toString(minStart)),
        SegmentColumns.ZSTD_LEVEL_RANDOM, stats).addTo(files);
    end = null;
    byte[][] flagsB = new byte[batches.length][];
    for (int b = 0; b < batches.length; b++) flagsB[b] = batches[b].flags();
    for (int i = 0; i < n; i++) tmp[i] = flagsB[batchOf[order[i]]][rowOf[order[i]]];
    SegmentColumns.writeLongs(dir, "flags", tmp, null, Map.of(), stats).addTo(files);

    DimIndex[] dims = new DimIndex[Dim.COUNT];
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
        for (int i = 0; i < n && same; i++) same = Double.compare(v[i], derivedTotalTokens(input[i], output[i])) == 0;
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

    long[] detailTable = writeDetail();
    writeIndex(dims, detailTable);
    SegmentFiles.fsyncDirectory(dir);
    long bytes = 0;
    try (var list = Files.list(dir)) {
      for (Path p : (Iterable<Path>) list::iterator) bytes += Files.size(p);
    }
    return new SegmentInfo(tenant, n, minStart, maxStart, bytes);
  }

  /** A rollup builder over the written rows, keyed by each of the default key sets. */
  private RollupBuilder rollupKeys(long[] start, long[] flags, DimIndex[] dims) {
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
  private int[] idsOf(Dim d, DimIndex[] dims) {
    int alias = dims[d.ordinal()].aliasOf();
    return dimColumns[alias >= 0 ? alias : d.ordinal()];
  }

  /** Values of a written dim by id, with id 0 (absent) as null. */
  private String[] valuesOf(Dim d, DimIndex[] dims) {
    int alias = dims[d.ordinal()].aliasOf();
    String[] v = dimValues[alias >= 0 ? alias : d.ordinal()];
    String[] out = new String[v.length + 1];
    System.arraycopy(v, 0, out, 1, v.length);
    return out;
  }

  private void writeRollups(List<Rollup> rollups) throws IOException {
    if (rollups.isEmpty()) return;
    byte[] bytes = RollupFile.encode(rollups);
    SegmentFiles.Output out = new SegmentFiles.Output(dir.resolve(RollupFile.NAME));
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

  /** The ingest rule for duration_ms (SpanNormaliser): (end - start) / 1e6 when start &gt; 0 and end ≥ start. */
  static double derivedDurationMs(long start, long end) {
    return start > 0 && end >= start ? (end - start) / 1e6 : Double.NaN;
  }

  /** The ingest rule for total_tokens (DerivedRules): input + output, else whichever is known. */
  static double derivedTotalTokens(double input, double output) {
    if (Double.isNaN(input)) return output;
    if (Double.isNaN(output)) return input;
    return input + output;
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

  private void sortRows(long[] hi, long[] lo, long[] start, long[] span) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    SegmentSort.sort(idx, (a, b) -> {
      int c = Long.compare(hi[a], hi[b]);
      if (c != 0) return c;
      c = Long.compare(lo[a], lo[b]);
      if (c != 0) return c;
      c = Long.compare(start[a], start[b]);
      if (c != 0) return c;
      c = Long.compare(span[a], span[b]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    // Trace groups in idx; each group's first row has its earliest start.
    int[] groupStart = new int[n + 1];
    int groups = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || hi[idx[i]] != hi[idx[i - 1]] || lo[idx[i]] != lo[idx[i - 1]]) groupStart[groups++] = i;
    }
    groupStart[groups] = n;
    int[] g = new int[groups];
    for (int i = 0; i < groups; i++) g[i] = i;
    int[] resource = resourceRanks(idx, groupStart, groups);
    SegmentSort.sort(g, (a, b) -> {
      int c = Integer.compare(resource[a], resource[b]);
      if (c != 0) return c;
      int ra = idx[groupStart[a]];
      int rb = idx[groupStart[b]];
      c = Long.compare(start[ra], start[rb]);
      return c != 0 ? c : Integer.compare(a, b); // groups are in (hi, lo) order already
    });
    order = new int[n];
    runs = groups;
    runFirst = new int[groups];
    runCount = new int[groups];
    int o = 0;
    for (int k = 0; k < groups; k++) {
      int grp = g[k];
      int first = idx[groupStart[grp]];
      runFirst[k] = o;
      runCount[k] = groupStart[grp + 1] - groupStart[grp];
      for (int i = groupStart[grp]; i < groupStart[grp + 1]; i++) order[o++] = idx[i];
    }
  }

  /** Per trace group, the rank of its first row's (service, environment) among all groups'. */
  private int[] resourceRanks(int[] idx, int[] groupStart, int groups) {
    String[] keys = new String[groups];
    java.util.TreeMap<String, Integer> rank = new java.util.TreeMap<>();
    for (int k = 0; k < groups; k++) {
      int gi = idx[groupStart[k]];
      ColumnBatch b = batches[batchOf[gi]];
      String service = b.dictionary(Dim.SERVICE).value(b.dimIds(Dim.SERVICE)[rowOf[gi]]);
      String env = b.dictionary(Dim.ENVIRONMENT).value(b.dimIds(Dim.ENVIRONMENT)[rowOf[gi]]);
      keys[k] = (service == null ? "" : "\u0001" + service) + '\u0000' + (env == null ? "" : env);
      rank.put(keys[k], 0);
    }
    int r = 0;
    for (Map.Entry<String, Integer> e : rank.entrySet()) e.setValue(r++);
    int[] out = new int[groups];
    for (int k = 0; k < groups; k++) out[k] = rank.get(keys[k]);
    return out;
  }

  /**
   * parent_row_delta: row - (row of the parent) when the parent is another row of the same trace
   * run, else 0; parent_span_id: the parent's id where the delta is 0, null elsewhere.
   */
  private void writeParents(long[] span, long[] parent) throws IOException {
    long[] delta = new long[n];
    boolean[] present = new boolean[n];
    Map<Long, Integer> rowOfSpan = new java.util.HashMap<>();
    for (int k = 0; k < runs; k++) {
      int f = runFirst[k];
      int end = f + runCount[k];
      boolean big = runCount[k] > 32;
      if (big) {
        rowOfSpan.clear();
        for (int j = f; j < end; j++) rowOfSpan.putIfAbsent(span[j], j);
      }
      for (int i = f; i < end; i++) {
        int p = -1;
        if (big) {
          Integer j = rowOfSpan.get(parent[i]);
          if (j != null && j != i) p = j;
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
    SegmentColumns.writeLongs(dir, "parent_row_delta", delta, null, Map.of(), stats).addTo(files);
    SegmentColumns.writeLongs(dir, "parent_span_id", parent, present, Map.of(), stats).addTo(files);
  }

  /**
   * The trace lookup meta: CRCs of trace_id.arrow's head, tail and each record batch (so one
   * batch can be read and checked alone) and a Bloom filter per batch of the trace ids in it.
   */
  private SegmentBytes.Out traceIndex(SegmentColumns.FileEntry file, long[] hi, long[] lo) throws IOException {
    byte[] b = Files.readAllBytes(dir.resolve(file.name()));
    List<org.apache.arrow.vector.ipc.message.ArrowBlock> blocks = file.blocks();
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    SegmentBytes.Out m = new SegmentBytes.Out(1 << 12);
    int headLength = (int) blocks.get(0).getOffset();
    var last = blocks.get(blocks.size() - 1);
    long tailOffset = last.getOffset() + last.getMetadataLength() + last.getBodyLength();
    crc.update(b, 0, headLength);
    m.i32(runs).i32(TRACE_BATCH_ROWS).i32(BLOOM_HASHES).i32(headLength).i64(crc.getValue());
    crc.reset();
    crc.update(b, (int) tailOffset, (int) (b.length - tailOffset));
    m.i64(tailOffset).i32((int) (b.length - tailOffset)).i64(crc.getValue());
    long[] global = new long[(int) Math.max(BLOOM_MIN_BITS / 64, ((long) runs * BLOOM_BITS_PER_TRACE + 63) / 64)];
    for (int i = 0; i < n; i++) {
      if (i == 0 || hi[i] != hi[i - 1] || lo[i] != lo[i - 1]) SegmentBloom.add(global, BLOOM_HASHES, hi[i], lo[i]);
    }
    m.i32(global.length);
    for (long w : global) m.i64(w);
    m.i32(blocks.size());
    for (int k = 0; k < blocks.size(); k++) {
      var blk = blocks.get(k);
      int len = (int) (blk.getMetadataLength() + blk.getBodyLength());
      crc.reset();
      crc.update(b, (int) blk.getOffset(), len);
      m.i64(blk.getOffset()).i32(blk.getMetadataLength()).i64(blk.getBodyLength()).i64(crc.getValue());
      int from = k * TRACE_BATCH_ROWS;
      int to = Math.min(n, from + TRACE_BATCH_ROWS);
      int distinct = 0;
      for (int i = from; i < to; i++) if (i == from || hi[i] != hi[i - 1] || lo[i] != lo[i - 1]) distinct++;
      long[] bloom = new long[(int) Math.max(1, ((long) distinct * BATCH_BLOOM_BITS_PER_TRACE + 63) / 64)];
      for (int i = from; i < to; i++) {
        if (i == from || hi[i] != hi[i - 1] || lo[i] != lo[i - 1]) SegmentBloom.add(bloom, BLOOM_HASHES, hi[i], lo[i]);
      }
      m.i32(bloom.length);
      for (long w : bloom) m.i64(w);
    }
    return m;
  }

  private void writeMeasure(String column, double[] v) throws IOException {
    // Few distinct values (temperature, max_tokens): a dictionary-encoded column, as Parquet would.
    java.util.TreeSet<Long> distinct = new java.util.TreeSet<>();
    for (int i = 0; i < n && distinct.size() <= MEASURE_DICTIONARY_MAX; i++) {
      if (!Double.isNaN(v[i])) distinct.add(Double.doubleToRawLongBits(v[i]));
    }
    if (distinct.size() <= MEASURE_DICTIONARY_MAX && n >= 16L * distinct.size() && !distinct.isEmpty()) {
      double[] values = new double[distinct.size()];
      int k = 0;
      for (long bits : distinct) values[k++] = Double.longBitsToDouble(bits);
      SegmentColumns.writeDictDoubles(dir, column, v, values, 1000L + column.hashCode(), stats).addTo(files);
      return;
    }
    boolean integral = true;
    for (int i = 0; i < n && integral; i++) {
      double d = v[i];
      if (Double.isNaN(d)) continue;
      integral = d == Math.rint(d) && Math.abs(d) <= INTEGER_LIMIT && !(d == 0 && Double.doubleToRawLongBits(d) != 0);
    }
    if (!integral) {
      SegmentColumns.writeDoubles(dir, column, v, stats).addTo(files);
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

  /** What the index keeps of a dimension. */
  private record DimIndex(String[] values, byte[] postings, int rawLength, int aliasOf) {}

  /** Each written dim's ids and values, to find a later dim identical to an earlier one. */
  private final int[][] dimColumns = new int[Dim.COUNT][];
  private final String[][] dimValues = new String[Dim.COUNT][];

  private DimIndex writeDim(Dim dim) throws IOException {
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
    if (values.length > Math.max(POSTINGS_MIN_LIMIT, n / POSTINGS_ROWS_PER_VALUE) || !INDEXED.contains(dim)) {
      return new DimIndex(null, null, 0, alias);
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
    return new DimIndex(values, Zstd.compress(raw.toArray(), INDEX_ZSTD_LEVEL), raw.size(), alias);
  }

  /** Writes detail.bin; returns {tableOffset, tableLength, tableCrc, footerChecksum}. */
  private long[] writeDetail() throws IOException {
    SegmentFiles.Output out = new SegmentFiles.Output(dir.resolve(SegmentFiles.DETAIL_FILE));
    boolean ok = false;
    Bytes<?> buf = Bytes.allocateElasticOnHeap(4096);
    try {
      SegmentBytes.Out header = new SegmentBytes.Out(64);
      SegmentFiles.writeHeader(header, SegmentFiles.DETAIL_NAME);
      out.write(header);
      int blocks = (n + DETAIL_BLOCK_ROWS - 1) / DETAIL_BLOCK_ROWS;
      SegmentBytes.Out table = new SegmentBytes.Out(8 + blocks * 24);
      table.i32(blocks).i32(DETAIL_BLOCK_ROWS);
      SegmentBytes.Out payload = new SegmentBytes.Out(1 << 16);
      SegmentBytes.Out raw = new SegmentBytes.Out(1 << 16);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      for (int blk = 0; blk < blocks; blk++) {
        int from = blk * DETAIL_BLOCK_ROWS;
        int count = Math.min(DETAIL_BLOCK_ROWS, n - from);
        payload.pos = 0;
        raw.pos = 0;
        raw.i32(count);
        for (int i = from; i < from + count; i++) {
          raw.i32(payload.size());
          int g = order[i];
          SpanDetail d = batches[batchOf[g]].detail(rowOf[g]);
          buf.clear();
          DetailCodec.writeDetail(buf, d == null ? SpanDetail.EMPTY : d);
          int len = (int) buf.readRemaining();
          payload.ensure(len);
          buf.read(payload.buf, payload.pos, len);
          payload.pos += len;
        }
        raw.i32(payload.size());
        raw.bytes(payload.buf, 0, payload.size());
        byte[] z = Zstd.compress(raw.toArray(), DETAIL_ZSTD_LEVEL);
        crc.reset();
        crc.update(z);
        table.i64(out.position()).i32(z.length).i32(raw.size()).i64(crc.getValue());
        out.write(z, 0, z.length);
      }
      long tableOffset = out.position();
      crc.reset();
      crc.update(table.buf, 0, table.size());
      long tableCrc = crc.getValue();
      out.write(table);
      SegmentBytes.Out tail = new SegmentBytes.Out(16);
      tail.i64(tableOffset).i32(table.size());
      out.write(tail);
      long footerChecksum = out.writeFooter();
      long fileCrc = out.finish();
      ok = true;
      files.add(new SegmentColumns.FileEntry(SegmentFiles.DETAIL_FILE, out.length(), fileCrc, List.of()));
      return new long[] {tableOffset, table.size(), tableCrc, footerChecksum};
    } finally {
      buf.releaseLast();
      if (!ok) out.abort();
    }
  }

  private void writeIndex(DimIndex[] dims, long[] detailTable) throws IOException {
    SegmentFiles.Output out = new SegmentFiles.Output(dir.resolve(SegmentFiles.INDEX_FILE));
    boolean ok = false;
    try {
      SegmentBytes.Out header = new SegmentBytes.Out(64);
      SegmentFiles.writeHeader(header, SegmentFiles.INDEX_NAME);
      out.write(header);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      long[] postingsOffset = new long[Dim.COUNT];
      long[] postingsCrc = new long[Dim.COUNT];
      for (int d = 0; d < Dim.COUNT; d++) {
        if (dims[d].postings() == null) continue;
        int same = -1;
        for (int e = 0; e < d && same < 0; e++) {
          if (dims[e].postings() != null && Arrays.equals(dims[e].postings(), dims[d].postings())
              && Arrays.equals(dims[e].values(), dims[d].values())) {
            same = e;
          }
        }
        if (same >= 0) { // an identical column (e.g. request_model = model): share the section
          postingsOffset[d] = postingsOffset[same];
          postingsCrc[d] = postingsCrc[same];
          continue;
        }
        postingsOffset[d] = out.position();
        crc.reset();
        crc.update(dims[d].postings());
        postingsCrc[d] = crc.getValue();
        out.write(dims[d].postings(), 0, dims[d].postings().length);
      }
      long metaOffset = out.position();
      SegmentBytes.Out meta = new SegmentBytes.Out(1 << 16);
      meta.utf8(tenant).i32(n).i64(minStart).i64(maxStart);
      meta.i32(files.size());
      for (SegmentColumns.FileEntry f : files) meta.utf8(f.name()).i64(f.length()).i64(f.crc());
      meta.i64(detailTable[0]).i32((int) detailTable[1]).i64(detailTable[2]).i64(detailTable[3]);
      meta.i32(stats.size());
      for (SegmentColumns.ColumnStats s : stats) {
        meta.utf8(s.name()).u8(s.kind()).i32(s.nullCount()).i64(s.min()).i64(s.max());
      }
      meta.i32(Dim.COUNT);
      for (Dim dim : Dim.values()) {
        DimIndex di = dims[dim.ordinal()];
        SegmentColumns.ColumnStats s = statsOf(dim.fieldName());
        meta.utf8(dim.fieldName()).i32((int) s.max() + 1).i32(di.aliasOf()).u8(di.postings() == null ? 0 : 1);
        if (di.postings() == null) continue;
        for (String v : di.values()) meta.utf8(v);
        meta.i64(postingsOffset[dim.ordinal()]).i32(di.postings().length).i32(di.rawLength())
            .i64(postingsCrc[dim.ordinal()]);
      }
      meta.bytes(traceMeta.buf, 0, traceMeta.size());
      out.write(meta);
      SegmentBytes.Out tail = new SegmentBytes.Out(8);
      tail.i64(metaOffset);
      out.write(tail);
      out.writeFooter();
      out.finish();
      ok = true;
    } finally {
      if (!ok) out.abort();
    }
  }

  private SegmentColumns.ColumnStats statsOf(String column) {
    for (SegmentColumns.ColumnStats s : stats) if (s.name().equals(column)) return s;
    throw new IllegalStateException("no stats for " + column);
  }
}
