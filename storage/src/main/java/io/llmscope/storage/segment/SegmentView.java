package io.llmscope.storage.segment;

import io.llmscope.storage.format.CheckedRead;
import io.llmscope.storage.format.CorruptSegmentException;
import io.llmscope.storage.format.EncodedDetails;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanFlags;
import io.llmscope.storage.rollup.Rollup;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import io.llmscope.storage.scan.MeasureRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.roaringbitmap.RoaringBitmap;

/**
 * One query's view of a segment: columns load on first use and stay until the view is dropped.
 * A view made by {@link #only} decodes just the record batches that hold the rows it was given;
 * {@link #span} reads one row through the record batch holding it, kept per column and batch.
 * For one thread at a time.
 */
final class SegmentView implements ColumnBatch, EncodedDetails {
  private static final int BATCH = SegmentColumns.BATCH_ROWS;
  /** The largest record-batch part kept in the column cache (see {@link #column}). */
  private static final long PART_BYTES = 256 << 10;

  private final SegmentReader seg;
  private final CheckedFiles files;
  private final int rows;
  /** Record batches whose rows a restricted view needs; null: every batch. */
  private final boolean[] needed;
  /**
   * Segment rows of a gathered view ({@link #gather}), ascending: its row i is segment row
   * picked[i], and its columns hold those rows alone. Null: the view's rows are the segment's.
   */
  private final int[] picked;
  /** Rows of this view: the segment's, or the picked ones. */
  private final int size;
  /** A whole view for a gathered one's point reads ({@link #span}), made on first use. */
  private SegmentView pointView;
  /** Set by {@link #kept}: {@link #only} answers this view, whose decoded columns then serve every reader. */
  private boolean keepWhole;
  /** The measures this segment stores no column for (read once, not per point read). */
  private final boolean derivedTotalTokens;
  private final boolean derivedDuration;

  // Whole columns, decoded on first use.
  private long[] start;
  private long[] end;
  private long[] hi;
  private long[] lo;
  private long[] span;
  private long[] parent;
  private byte[] flags;
  private final int[][] dimIds = new int[Dim.COUNT][];
  private final Dictionary[] dicts = new Dictionary[Dim.COUNT];
  private final double[][] measures = new double[Measure.COUNT][];
  private final byte[][] postingsRaw = new byte[Dim.COUNT][];
  @SuppressWarnings("unchecked")
  private final Map<Integer, RoaringBitmap>[] postings = new Map[Dim.COUNT];

  // Single record batches read by span(row), per column and batch number.
  private final Map<String, PointBatch[]> pointBatches = new HashMap<>();
  private SegmentColumns.TraceIds[] traceBlocks;
  private DetailFile.Block detailBlock;

  SegmentView(SegmentReader seg, boolean[] needed) {
    this(seg, needed, null);
  }

  private SegmentView(SegmentReader seg, boolean[] needed, int[] picked) {
    this.seg = seg;
    this.files = seg.files();
    this.rows = seg.info().rows();
    this.needed = needed;
    this.picked = picked;
    this.size = picked == null ? rows : picked.length;
    this.derivedTotalTokens = !files.has(SegmentFormat.fileName(Measure.TOTAL_TOKENS.fieldName()));
    this.derivedDuration = !files.has(SegmentFormat.fileName(Measure.DURATION_MS.fieldName()));
  }

  private int blocks() {
    return (rows + BATCH - 1) / BATCH;
  }

  @Override
  public String name() {
    return seg.dir().getFileName().toString();
  }

  @Override
  public MeasureRange range(Measure m) {
    return seg.range(m);
  }

  @Override
  public ColumnBatch only(RoaringBitmap wanted) {
    if (keepWhole || picked != null) return this;
    boolean[] blocks = neededBlocks(wanted);
    int count = 0;
    for (boolean b : blocks) if (b) count++;
    return count == blocks.length ? this : new SegmentView(seg, blocks);
  }

  /**
   * The rows {@code wanted} alone: their columns are copied out of the record batches holding
   * them (from the column cache, or decoded and kept there), and no column of the segment's
   * length is made. A filtered query over a large store reads a few rows of every segment, and
   * full-length partial columns were most of what it allocated.
   */
  @Override
  public ColumnBatch gather(RoaringBitmap wanted) {
    if (keepWhole || picked != null || wanted.isEmpty()) return null;
    return new SegmentView(seg, neededBlocks(wanted), wanted.toArray());
  }

  private boolean[] neededBlocks(RoaringBitmap wanted) {
    boolean[] blocks = new boolean[blocks()];
    int count = 0;
    for (int b = 0; b < blocks.length; b++) {
      long from = (long) b * BATCH;
      if (wanted.rangeCardinality(from, Math.min(rows, from + BATCH)) > 0) {
        blocks[b] = true;
        count++;
      }
    }
    if (count == 0) blocks[0] = true; // a column still needs its dictionary from some batch
    return blocks;
  }

  @Override
  public RoaringBitmap rowsMayStartIn(long fromNanos, long toNanos) {
    if (picked != null) return null;
    // A restricted view's start column is partial: the blocks come from a whole one.
    return seg.startBlocks(needed == null ? this::startNanos : () -> new SegmentView(seg, null).startNanos())
        .rowsMayStartIn(fromNanos, toNanos);
  }

  @Override
  public ColumnBatch kept() {
    keepWhole = true;
    return this;
  }

  private interface BlockReader<T> {
    T read(SeekableByteChannel ch, int rowCapacity, int block) throws IOException;
  }

  /** Copies values [from, from + length) of one record batch to {@code out} at {@code at}. */
  private interface CopyBlock<T> {
    void copy(T block, int from, T out, int at, int length);
  }

  /**
   * A whole column, or in a restricted view a full-length one filled only in the needed record
   * batches. {@code copy} moves one batch's values (from index 0) into the result at an offset.
   * A restricted view's batches come from the store's {@link ColumnCache} (key
   * {@code column@batch}), or are decoded and kept there: a filtered query reads the same few
   * batches of each segment run after run, and decoding them was most of its time.
   */
  private <T> T column(String column, BlockReader<T> reader, IntFunction<T> alloc, CopyBlock<T> copy,
      ToLongFunction<T> bytes) throws IOException {
    return column(column, column, reader, alloc, copy, bytes);
  }

  /** {@link #column} of a value {@code reader} derives from the file of {@code column}, cached as {@code key}. */
  private <T> T column(String column, String key, BlockReader<T> reader, IntFunction<T> alloc, CopyBlock<T> copy,
      ToLongFunction<T> bytes) throws IOException {
    String name = SegmentFormat.fileName(column);
    if (needed == null) return reader.read(SegmentColumns.whole(files.whole(name)), rows, -1);
    T out = alloc.apply(size);
    // Cached parts stay at most PART_BYTES: a larger array is humongous to G1 (over half a region,
    // 512 KiB at a 1 GB heap) and takes whole regions of its own, so 8-byte record batches
    // (512 KiB and a header) held twice their size, and the cache's budget was half the truth.
    int partRows = bytes.applyAsLong(alloc.apply(1)) * BATCH > PART_BYTES ? BATCH / 2 : BATCH;
    int p = 0; // next picked row
    for (int b = 0; b < needed.length; b++) {
      if (!needed[b]) continue;
      int first = b * BATCH;
      int end = first + Math.min(BATCH, rows - first);
      for (int from = first; from < end; from += partRows) {
        int to = Math.min(end, from + partRows);
        if (picked != null && (p == picked.length || picked[p] >= to)) continue; // no picked row here
        T part = part(name, key, b, (from - first) / partRows, partRows, reader, alloc, copy, bytes);
        if (picked == null) {
          copy.copy(part, 0, out, from, to - from);
          continue;
        }
        while (p < picked.length && picked[p] < to) { // runs of consecutive rows
          int q = p + 1;
          while (q < picked.length && picked[q] == picked[q - 1] + 1 && picked[q] < to) q++;
          copy.copy(part, picked[p] - from, out, p, q - p);
          p = q;
        }
      }
    }
    return out;
  }

  /**
   * Part {@code k} ({@code partRows} rows) of record batch {@code b} of a column, from the store's
   * column cache, else decoded with the batch's other parts, which are kept there too.
   */
  private <T> T part(String name, String key, int b, int k, int partRows, BlockReader<T> reader, IntFunction<T> alloc,
      CopyBlock<T> copy, ToLongFunction<T> bytes) throws IOException {
    ColumnCache cache = seg.columnCache();
    String prefix = key + '@' + b;
    T part = cache.get(seg, partRows == BATCH ? prefix : prefix + '/' + k);
    if (part != null) return part;
    T block = reader.read(files.block(name, b), BATCH, b);
    if (partRows == BATCH) {
      cache.putBlock(seg, prefix, block, bytes.applyAsLong(block));
      return block;
    }
    int length = Math.min(BATCH, rows - b * BATCH);
    for (int j = 0; j * partRows < length; j++) {
      int n = Math.min(partRows, length - j * partRows);
      T piece = alloc.apply(n);
      copy.copy(block, j * partRows, piece, 0, n);
      cache.putBlock(seg, prefix + '/' + j, piece, bytes.applyAsLong(piece));
      if (j == k) part = piece;
    }
    return part;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public long minStartNanos() {
    return seg.info().minStartNanos();
  }

  @Override
  public long maxStartNanos() {
    return seg.info().maxStartNanos();
  }

  private Path file(String column) {
    return files.path(SegmentFormat.fileName(column));
  }

  private long[] longs(String column) {
    try {
      return column(column, (ch, cap, b) -> SegmentColumns.readLongs(file(column), ch, cap, 0, b), long[]::new,
          (v, from, out, at, n) -> System.arraycopy(v, from, out, at, n), v -> 8L * v.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A whole column from the store's {@link ColumnCache}, else loaded, and kept there when this
   * view decodes whole columns (a restricted view's are partial). {@code key} names the column
   * as this view derives it, e.g. {@code end} from start and duration.
   */
  private <T> T cached(String key, Supplier<T> load, ToLongFunction<T> bytes) {
    if (picked != null) return load.get(); // a cached whole column is the segment's length
    ColumnCache cache = seg.columnCache();
    T v = cache.get(seg, key);
    if (v != null) return v;
    v = load.get();
    if (needed == null) cache.put(seg, key, v, bytes.applyAsLong(v));
    return v;
  }

  private long[] cachedLongs(String key, Supplier<long[]> load) {
    return cached(key, load, v -> 8L * v.length);
  }

  @Override
  public long[] startNanos() {
    if (start == null) start = cachedLongs(SegmentFormat.START_OFFSET_NS, () -> longs(SegmentFormat.START_OFFSET_NS));
    return start;
  }

  @Override
  public long[] endNanos() {
    if (end == null) {
      end = cachedLongs("end", () -> {
        long[] s = startNanos();
        long[] d = longs(SegmentFormat.DURATION_NS);
        for (int i = 0; i < size; i++) d[i] += s[i];
        return d;
      });
    }
    return end;
  }

  private void loadTrace() {
    if (hi != null) return;
    if (picked != null) { // from the trace id batches point reads use
      hi = new long[size];
      lo = new long[size];
      for (int i = 0; i < size; i++) {
        SegmentColumns.TraceIds t = traceBlock(picked[i]);
        int at = picked[i] % seg.trace().batchRows();
        hi[i] = t.hi()[at];
        lo[i] = t.lo()[at];
      }
      return;
    }
    SegmentColumns.TraceIds t = cached(SegmentFormat.TRACE_ID, () -> {
      try {
        String name = SegmentFormat.fileName(SegmentFormat.TRACE_ID);
        return SegmentColumns.readTraceIds(files.path(name), files.whole(name), rows);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, v -> 16L * v.size());
    hi = t.hi();
    lo = t.lo();
  }

  @Override
  public long[] traceIdHi() {
    loadTrace();
    return hi;
  }

  @Override
  public long[] traceIdLo() {
    loadTrace();
    return lo;
  }

  @Override
  public long[] spanIds() {
    if (span == null) span = cachedLongs(SegmentFormat.SPAN_ID, () -> longs(SegmentFormat.SPAN_ID));
    return span;
  }

  @Override
  public long[] parentSpanIds() {
    if (parent == null) {
      parent = cachedLongs("parent", () -> {
        long[] delta = longs(SegmentFormat.PARENT_ROW_DELTA);
        long[] ids = longs(SegmentFormat.PARENT_SPAN_ID);
        if (picked != null) { // the parent's row need not be picked: read its span id on its own
          for (int i = 0; i < size; i++) {
            if (delta[i] != 0) ids[i] = pointLong(SegmentFormat.SPAN_ID, null, checkedRow(picked[i] - delta[i]));
          }
          return ids;
        }
        long[] spans = spanIds();
        for (int i = 0; i < rows; i++) {
          if (delta[i] != 0) ids[i] = spans[checkedRow(i - delta[i])];
        }
        return ids;
      });
    }
    return parent;
  }

  private void loadDim(Dim dim) {
    int d = dim.ordinal();
    if (dimIds[d] != null) return;
    IndexFile.DimMeta meta = seg.dim(dim);
    int alias = meta.aliasOf();
    if (alias >= 0) { // stored once, under the earlier dim
      loadDim(Dim.of(alias));
      dimIds[d] = dimIds[alias];
      if (dicts[d] == null) dicts[d] = meta.hasPostings() ? meta.dictionary() : dicts[alias];
      return;
    }
    // The index keeps the dictionaries of dims with postings; others' count here (a rough 48 B a value).
    SegmentColumns.DictColumn c = cached(dim.fieldName(), () -> readDim(dim, meta),
        v -> 4L * v.ids().length + (meta.hasPostings() ? 0 : 48L * v.dictionary().size()));
    dimIds[d] = c.ids();
    if (dicts[d] == null) dicts[d] = meta.hasPostings() ? meta.dictionary() : c.dictionary();
  }

  private SegmentColumns.DictColumn readDim(Dim dim, IndexFile.DimMeta meta) {
    try {
      String column = dim.fieldName();
      SegmentColumns.DictColumn[] read = new SegmentColumns.DictColumn[1]; // every batch carries the file's dictionary
      SegmentDictionary known = seg.fileDictionary(dim);
      SegmentColumns.DictColumn c = column(column, (ch, cap, b) -> SegmentColumns.readDict(file(column), ch, cap, b, known),
          n -> new SegmentColumns.DictColumn(new int[n], null),
          (v, from, out, at, n) -> {
            read[0] = v;
            System.arraycopy(v.ids(), from, out.ids(), at, n);
          }, v -> 4L * v.ids().length);
      if (c.dictionary() == null) c = new SegmentColumns.DictColumn(c.ids(), read[0].dictionary());
      if (c.dictionary().size() != meta.dictSize()) {
        throw new CorruptSegmentException(file(column), "dictionary size " + c.dictionary().size()
            + ", index says " + meta.dictSize());
      }
      if (known == null) seg.keepFileDictionary(dim, c.dictionary());
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public int[] dimIds(Dim dim) {
    loadDim(dim);
    return dimIds[dim.ordinal()];
  }

  @Override
  public Dictionary dictionary(Dim dim) {
    int d = dim.ordinal();
    if (dicts[d] == null) {
      if (seg.dim(dim).hasPostings()) dicts[d] = seg.dim(dim).dictionary();
      else loadDim(dim);
    }
    return dicts[d];
  }

  /** True for a measure this segment has no column of and cannot derive: written before it existed. */
  private boolean absent(Measure m) {
    return !derived(m) && !files.has(SegmentFormat.fileName(m.fieldName()));
  }

  /** True when the measure has no column and is derived on read (see {@link SegmentFormat}). */
  private boolean derived(Measure m) {
    return m == Measure.TOTAL_TOKENS ? derivedTotalTokens : m == Measure.DURATION_MS && derivedDuration;
  }

  /**
   * True when the ingest rule for duration_ms, (end - start) / 1e6 for start > 0 and end ≥ start,
   * is duration_ns / 1e6 for every row with duration_ns ≥ 0: every start is positive and no start
   * plus duration overflows. Then a query need not read start and end to get durations.
   */
  private boolean durationAloneDerives() {
    SegmentColumns.ColumnStats d = seg.stats(SegmentFormat.DURATION_NS);
    long maxStart = seg.info().maxStartNanos();
    return d != null && seg.info().minStartNanos() > 0 && d.max() <= Long.MAX_VALUE - maxStart;
  }

  /** The ingest rule for duration_ms where {@link #durationAloneDerives}. */
  private static double[] durationsMs(long[] ns) {
    double[] ms = new double[ns.length];
    for (int i = 0; i < ns.length; i++) ms[i] = ns[i] >= 0 ? ns[i] / 1e6 : Double.NaN;
    return ms;
  }

  @Override
  public double[] measure(Measure m) {
    int k = m.ordinal();
    if (measures[k] == null) measures[k] = cached(m.fieldName(), () -> loadMeasure(m), v -> 8L * v.length);
    return measures[k];
  }

  private double[] loadMeasure(Measure m) {
    double[] v;
    if (derived(m) && m == Measure.TOTAL_TOKENS) {
      double[] in = measure(Measure.INPUT_TOKENS);
      double[] out = measure(Measure.OUTPUT_TOKENS);
      v = new double[size];
      for (int i = 0; i < size; i++) v[i] = SegmentFormat.derivedTotalTokens(in[i], out[i]);
    } else if (derived(m) && durationAloneDerives()) {
      String ns = SegmentFormat.DURATION_NS;
      try {
        v = column(ns, m.fieldName(), (ch, cap, b) -> durationsMs(SegmentColumns.readLongs(file(ns), ch, cap, 0, b)),
            double[]::new, (x, from, out, at, n) -> System.arraycopy(x, from, out, at, n), x -> 8L * x.length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else if (derived(m)) {
      long[] s = startNanos();
      long[] e = endNanos();
      v = new double[size];
      for (int i = 0; i < size; i++) v[i] = SegmentFormat.derivedDurationMs(s[i], e[i]);
    } else if (absent(m)) {
      v = new double[size];
      Arrays.fill(v, Double.NaN);
    } else {
      try {
        v = column(m.fieldName(), (ch, cap, b) -> SegmentColumns.readDoubles(file(m.fieldName()), ch, cap, b),
            double[]::new, (x, from, out, at, n) -> System.arraycopy(x, from, out, at, n), x -> 8L * x.length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return v;
  }

  @Override
  public byte[] flags() {
    if (flags == null) {
      flags = cached(SegmentFormat.FLAGS, () -> {
        try {
          return column(SegmentFormat.FLAGS, (ch, cap, b) -> SegmentColumns.readBytes(file(SegmentFormat.FLAGS), ch, cap, b),
              byte[]::new, (v, from, out, at, n) -> System.arraycopy(v, from, out, at, n), v -> v.length);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, v -> v.length);
    }
    return flags;
  }

  /**
   * One row's canonical fields. Unless this view already decoded a column whole, it decodes
   * just the record batch holding the row (kept for the next rows), so a trace lookup or a
   * span list costs a few batches per column rather than the whole segment.
   */
  @Override
  public LlmSpan span(int row) {
    if (picked != null) return pointView().span(picked[Objects.checkIndex(row, size)]);
    Objects.checkIndex(row, rows);
    LlmSpan s = new LlmSpan();
    if (hi != null) {
      s.traceIdHi = hi[row];
      s.traceIdLo = lo[row];
    } else {
      SegmentColumns.TraceIds t = traceBlock(row);
      int at = row % seg.trace().batchRows();
      s.traceIdHi = t.hi()[at];
      s.traceIdLo = t.lo()[at];
    }
    s.spanId = pointLong(SegmentFormat.SPAN_ID, span, row);
    long delta = pointLong(SegmentFormat.PARENT_ROW_DELTA, null, row);
    s.parentSpanId = parent != null ? parent[row]
        : delta == 0 ? pointLong(SegmentFormat.PARENT_SPAN_ID, null, row) : pointLong(SegmentFormat.SPAN_ID, span, checkedRow(row - delta));
    s.startNanos = pointLong(SegmentFormat.START_OFFSET_NS, start, row);
    s.endNanos = end != null ? end[row] : s.startNanos + pointLong(SegmentFormat.DURATION_NS, null, row);
    for (Dim d : Dim.values()) s.dims[d.ordinal()] = pointDim(d, row);
    for (Measure m : Measure.values()) s.measures[m.ordinal()] = pointMeasure(m, row, s);
    SpanFlags.apply(flags != null ? flags[row] : (int) pointLong(SegmentFormat.FLAGS, null, row), s);
    return s;
  }

  private SegmentView pointView() {
    if (pointView == null) pointView = new SegmentView(seg, null);
    return pointView;
  }

  private SegmentColumns.TraceIds traceBlock(int row) {
    int k = row / seg.trace().batchRows();
    if (traceBlocks == null) traceBlocks = new SegmentColumns.TraceIds[seg.trace().batches().length];
    if (traceBlocks[k] == null) {
      try {
        traceBlocks[k] = seg.traceBatch(k);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return traceBlocks[k];
  }

  private interface BlockLoad<T> {
    T load() throws IOException;
  }

  /**
   * One record batch of a column for {@link #span}, from the store's {@link ColumnCache} or
   * decoded and kept there. A trace's rows lie in many batches (segments are sorted by service,
   * model and start, not by trace), each point read would decode a whole batch of every column,
   * and a trace view or span list reads rows of the same recent batches request after request.
   */
  private <T> T pointBlock(String column, int block, BlockLoad<T> load, ToLongFunction<T> bytes) {
    ColumnCache cache = seg.columnCache();
    String key = column + '#' + block; // whole columns are cached under their bare name
    T v = cache.get(seg, key);
    if (v != null) return v;
    try {
      v = load.load();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cache.putBlock(seg, key, v, bytes.applyAsLong(v));
    return v;
  }

  private int checkedRow(long r) {
    if (r < 0 || r >= rows) {
      throw new UncheckedIOException(new CorruptSegmentException(file(SegmentFormat.PARENT_ROW_DELTA), "parent row out of range"));
    }
    return (int) r;
  }

  /** The record batch holding {@code row} of a numeric or dictionary column, as stored. */
  private PointBatch pointBatch(String column, int row, SegmentDictionary known) {
    int block = row / BATCH;
    PointBatch[] byBlock = pointBatches.computeIfAbsent(column, c -> new PointBatch[blocks()]);
    if (byBlock[block] == null) {
      byBlock[block] = pointBlock(column, block, () -> SegmentColumns.readPoint(file(column),
          files.block(SegmentFormat.fileName(column), block), BATCH, block, known), PointBatch::bytes);
    }
    return byBlock[block];
  }

  private long pointLong(String column, long[] whole, int row) {
    if (whole != null) return whole[row];
    return pointBatch(column, row, null).longAt(row % BATCH, 0);
  }

  private String pointDim(Dim dim, int row) {
    int d = dim.ordinal();
    if (dimIds[d] != null) return dictionary(dim).value(dimIds[d][row]);
    int alias = seg.dim(dim).aliasOf();
    Dim stored = alias >= 0 ? Dim.of(alias) : dim;
    PointBatch c = pointBatch(stored.fieldName(), row, seg.fileDictionary(stored));
    if (c.strings() == null) {
      throw new UncheckedIOException(new CorruptSegmentException(file(stored.fieldName()), "not a dictionary column"));
    }
    if (c.strings() != seg.fileDictionary(stored)) seg.keepFileDictionary(stored, c.strings());
    int id = c.idAt(row % BATCH, c.strings().size() - 1);
    // Same choice of dictionary as loadDim: the index's when the dim has postings.
    IndexFile.DimMeta meta = seg.dim(dim);
    Dictionary dict = meta.hasPostings() ? meta.dictionary()
        : alias >= 0 && seg.dim(stored).hasPostings() ? seg.dim(stored).dictionary() : c.strings();
    return dict.value(id);
  }

  private double pointMeasure(Measure m, int row, LlmSpan s) {
    if (measures[m.ordinal()] != null) return measures[m.ordinal()][row];
    if (absent(m)) return Double.NaN;
    if (derived(m) && m == Measure.DURATION_MS) return SegmentFormat.derivedDurationMs(s.startNanos, s.endNanos);
    if (derived(m)) {
      return SegmentFormat.derivedTotalTokens(s.measures[Measure.INPUT_TOKENS.ordinal()], s.measures[Measure.OUTPUT_TOKENS.ordinal()]);
    }
    return pointBatch(m.fieldName(), row, null).doubleAt(row % BATCH);
  }

  private DetailFile.Block detailBlockOf(int row) throws IOException {
    DetailFile details = seg.details();
    if (!details.holds(detailBlock, row)) detailBlock = details.blockOf(row);
    return detailBlock;
  }

  @Override
  public SpanDetail detail(int row) {
    if (picked != null) return pointView().detail(picked[row]);
    try {
      return detailBlockOf(row).detail(seg.details().path(), row, () -> span(row));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void copyDetail(int row, SegmentBytes.Out out) {
    if (picked != null) {
      pointView().copyDetail(picked[row], out);
      return;
    }
    try {
      detailBlockOf(row).copy(seg.details().path(), row, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public RoaringBitmap postings(Dim dim, int id) {
    if (picked != null) return null; // rows are renumbered: callers scan the column
    int d = dim.ordinal();
    IndexFile.DimMeta meta = seg.dim(dim);
    if (!meta.hasPostings() || id == Dictionary.ABSENT) return null;
    if (id < 0 || id >= meta.dictSize()) return new RoaringBitmap();
    if (postings[d] == null) postings[d] = new HashMap<>();
    RoaringBitmap cached = postings[d].get(id);
    if (cached == null) cached = seg.decodedPostings(dim, id);
    if (cached != null) {
      postings[d].put(id, cached);
      return cached;
    }
    Path file = files.path(IndexFile.NAME);
    try {
      if (postingsRaw[d] == null) {
        byte[] z = files.region(IndexFile.NAME, meta.offset(), meta.length(), meta.crc());
        postingsRaw[d] = CheckedRead.decompress(file, z, meta.rawLength());
      }
      RoaringBitmap bm = decodePostings(file, postingsRaw[d], meta.dictSize() - 1, id);
      postings[d].put(id, bm);
      seg.keepPostings(dim, id, bm);
      return bm;
    } catch (IndexOutOfBoundsException e) {
      throw new UncheckedIOException(new CorruptSegmentException(file, "bad postings of " + dim.fieldName(), e));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rows of value {@code id} from a dim's raw postings section (layout: {@link IndexFile}). */
  private RoaringBitmap decodePostings(Path file, byte[] raw, int values, int id) throws CorruptSegmentException {
    SegmentBytes.In in = new SegmentBytes.In(raw);
    in.pos = 4 * (id - 1);
    int from = in.i32();
    int to = in.i32();
    int base = 4 * (values + 1);
    if (from < 0 || to < from || base + to > raw.length) throw new CorruptSegmentException(file, "bad postings offsets");
    in = new SegmentBytes.In(raw, base + from, to - from);
    int count = in.varint32();
    if (count > rows) throw new CorruptSegmentException(file, "postings longer than the segment");
    int[] r = new int[count];
    int prev = -1;
    for (int i = 0; i < count; i++) {
      prev = prev + 1 + in.varint32();
      r[i] = prev;
    }
    if (count > 0 && (prev >= rows || prev < 0)) throw new CorruptSegmentException(file, "postings row out of range");
    RoaringBitmap bm = new RoaringBitmap();
    bm.addN(r, 0, count);
    bm.runOptimize();
    return bm;
  }

  @Override
  public List<Rollup> rollups() {
    try {
      return seg.rollups();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public <T> T memo(Object key, long version, Supplier<T> compute) {
    return needed == null ? seg.memo(key, version, compute) : null; // views of some rows have partial columns
  }

  @Override
  public boolean sealed() {
    return true;
  }
}
