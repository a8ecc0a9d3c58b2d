package io.llmscope.storage.segment;

import io.llmscope.storage.format.Framing;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.rollup.Rollup;
import io.llmscope.storage.rollup.RollupFile;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import io.llmscope.storage.scan.MeasureRange;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.roaringbitmap.RoaringBitmap;

/**
 * An open sealed segment ({@link SegmentFormat}). {@link #open} reads and verifies only
 * {@code index.bin} ({@link IndexFile}) and keeps its meta: stats, file checksums, the
 * dictionaries of dimensions with postings, the trace index. Everything else is read on demand
 * through {@link CheckedFiles}: each {@link #batch()} view ({@link SegmentView}) loads a column on
 * first use, postings sections and trace batches come from the files the index vouches for, and
 * a detail read decompresses one block of {@link DetailFile}. The reader holds no open files and
 * no Arrow memory between calls.
 *
 * <p>Thread-safe. Besides the index it keeps, softly, what queries would otherwise decode again
 * (dictionaries of high-cardinality columns, decoded postings) and its rollups. Views are for one
 * thread at a time; their accessors throw {@link UncheckedIOException} (cause: a corruption
 * exception or the I/O error) when a file cannot be read or fails its checks, and
 * {@link IllegalStateException} once the reader is closed.
 */
public final class SegmentReader implements Closeable {
  private final Path dir;
  private final IndexFile.Parsed index;
  private final CheckedFiles files;
  private final DetailFile details;
  /** Column-file dictionaries of dims without postings (users, sessions: costly to decode per query). */
  @SuppressWarnings("unchecked")
  private final SoftReference<SegmentDictionary>[] fileDictionaries = new SoftReference[Dim.COUNT];
  /** Decoded postings by (dim, id): dashboards repeat the same filters, and decoding is most of a filtered query. */
  private final Map<Long, SoftReference<RoaringBitmap>> decodedPostings = new ConcurrentHashMap<>();
  private List<Rollup> rollups;
  /** Values derived from the whole segment ({@link SegmentView#memo}), softly, with the version each was computed at. */
  private final Map<Object, SoftReference<Memo>> memos = new ConcurrentHashMap<>();

  private record Memo(long version, Object value) {}
  private volatile StartBlocks startBlocks;

  private final ColumnCache columnCache;

  private SegmentReader(Path dir, IndexFile.Parsed index, ColumnCache columnCache) {
    this.dir = dir;
    this.columnCache = columnCache;
    this.index = index;
    this.files = new CheckedFiles(dir, index.files());
    this.details = new DetailFile(files, index.detail(), index.info().rows());
  }

  /** Reads and verifies {@code index.bin}; the column files are not touched. */
  public static SegmentReader open(Path dir) throws IOException {
    return open(dir, ColumnCache.NONE);
  }

  /** As {@link #open(Path)}, keeping whole decoded columns in {@code cache}. */
  public static SegmentReader open(Path dir, ColumnCache cache) throws IOException {
    return new SegmentReader(dir, IndexFile.read(dir), cache);
  }

  ColumnCache columnCache() {
    return columnCache;
  }

  public SegmentInfo info() {
    return index.info();
  }

  Path dir() {
    return dir;
  }

  long bytesOnDisk() {
    return index.info().bytesOnDisk();
  }

  CheckedFiles files() {
    return files;
  }

  DetailFile details() {
    return details;
  }

  TraceIndex trace() {
    return index.trace();
  }

  IndexFile.DimMeta dim(Dim d) {
    return index.dims()[d.ordinal()];
  }

  /** Statistics of a column by file name stem (e.g. "span_id", "model", "cost_usd"), or null. */
  SegmentColumns.ColumnStats stats(String column) {
    return index.stats().get(column);
  }

  /** The written range of a measure; for a duration derived from start and end, that of duration_ns. */
  MeasureRange range(Measure m) {
    SegmentColumns.ColumnStats s = stats(m.fieldName());
    double scale = 1;
    if (s == null && m == Measure.DURATION_MS) {
      s = stats(SegmentFormat.DURATION_NS);
      scale = 1e-6;
    }
    if (s == null) return null;
    int present = info().rows() - s.nullCount();
    if (present <= 0) return new MeasureRange(0, Double.NaN, Double.NaN);
    return switch (s.kind()) {
      case SegmentColumns.KIND_LONG -> new MeasureRange(present, s.min() * scale, s.max() * scale);
      case SegmentColumns.KIND_DOUBLE -> new MeasureRange(present, Double.longBitsToDouble(s.min()), Double.longBitsToDouble(s.max()));
      default -> null;
    };
  }

  /** True when this segment keeps postings (and its dictionary in memory) for {@code dim}. */
  boolean hasPostings(Dim dim) {
    return dim(dim).hasPostings();
  }

  /** The dimension's dictionary size (including the absent id 0). */
  int dictionarySize(Dim dim) {
    return dim(dim).dictSize();
  }

  int traceCount() {
    return index.trace().traceCount();
  }

  /** A stored dim's dictionary if already at hand (the index's, or one kept softly); else null. */
  SegmentDictionary fileDictionary(Dim d) {
    if (dim(d).hasPostings()) return dim(d).dictionary(); // same ids as the file's
    SoftReference<SegmentDictionary> ref = fileDictionaries[d.ordinal()];
    return ref == null ? null : ref.get();
  }

  void keepFileDictionary(Dim d, Dictionary dict) {
    if (dict instanceof SegmentDictionary sd) fileDictionaries[d.ordinal()] = new SoftReference<>(sd);
  }

  RoaringBitmap decodedPostings(Dim d, int id) {
    SoftReference<RoaringBitmap> ref = decodedPostings.get(((long) d.ordinal() << 32) | id);
    return ref == null ? null : ref.get();
  }

  void keepPostings(Dim d, int id, RoaringBitmap rows) {
    decodedPostings.put(((long) d.ordinal() << 32) | id, new SoftReference<>(rows));
  }

  @SuppressWarnings("unchecked")
  <T> T memo(Object key, long version, Supplier<T> compute) {
    SoftReference<Memo> ref = memos.get(key);
    Memo m = ref == null ? null : ref.get();
    if (m != null && m.version() == version) return (T) m.value();
    T value = compute.get();
    memos.put(key, new SoftReference<>(new Memo(version, value)));
    return value;
  }

  /** The segment's rollups, decoded once and kept while the segment is open; empty for older segments. */
  synchronized List<Rollup> rollups() throws IOException {
    if (rollups == null) {
      rollups = files.has(RollupFile.NAME) ? RollupFile.decode(files.path(RollupFile.NAME), files.whole(RollupFile.NAME)) : List.of();
    }
    return rollups;
  }

  /** The segment's start-time runs, built from {@code start} (its whole start column) on first use. */
  StartBlocks startBlocks(Supplier<long[]> start) {
    StartBlocks s = startBlocks;
    if (s == null) startBlocks = s = StartBlocks.of(start.get(), info().rows());
    return s;
  }

  /** A fresh lazy view for one query (see class javadoc). */
  public ColumnBatch batch() {
    files.ensureOpen();
    return new SegmentView(this, null);
  }

  /** False when no span of the trace is in this segment; true when one may be (Bloom filters). */
  public boolean mayContainTrace(long hi, long lo) {
    return index.trace().mayContain(hi, lo);
  }

  /**
   * Exact, sorted row numbers of the trace; empty if none. Reads (and checks) only the record
   * batches of trace_id.arrow whose Bloom filter admits the id; throws {@link
   * UncheckedIOException} if one cannot be read or fails its checksum.
   */
  public int[] rowsOfTrace(long hi, long lo) {
    try {
      return index.trace().rowsOf(hi, lo, this::traceBatch);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Record batch k of trace_id.arrow, from the column cache (a point-read batch, as {@link
   * SegmentView} keeps them) or read, checked and kept there: the next lookup of a trace in the
   * same batch, and the span reads of this one, need it again.
   */
  SegmentColumns.TraceIds traceBatch(int k) throws IOException {
    String key = SegmentFormat.TRACE_ID + '#' + k;
    SegmentColumns.TraceIds ids = columnCache.get(this, key);
    if (ids != null) return ids;
    ids = index.trace().readBatch(k, files, info().rows());
    columnCache.putBlock(this, key, ids, 16L * ids.size());
    return ids;
  }

  /** Reads every file of the segment whole and checks every checksum (for offline checks). */
  void verifyAll() throws IOException {
    for (String name : files.names()) {
      byte[] b = files.whole(name);
      if (name.equals(DetailFile.NAME)) DetailFile.verify(files.path(name), b);
    }
    Path indexFile = dir.resolve(IndexFile.NAME);
    Framing.checkFooter(indexFile, Files.readAllBytes(indexFile));
  }

  /** Idempotent. The reader holds no files or Arrow memory between calls; later reads fail. */
  @Override
  public void close() {
    files.close();
    columnCache.evict(this);
  }
}
