package io.llmscope.storage.segment;

import io.llmscope.storage.format.DetailCodec;
import io.llmscope.storage.model.SpanFlags;
import io.llmscope.storage.format.CorruptSegmentException;
import io.llmscope.storage.format.SegmentFiles;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.rollup.RollupFile;
import io.llmscope.storage.rollup.Rollup;
import io.llmscope.storage.scan.Dictionary;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.MeasureRange;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.LlmSpan;
import com.github.luben.zstd.Zstd;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import net.openhft.chronicle.bytes.Bytes;
import org.roaringbitmap.RoaringBitmap;

/**
 * Opens a sealed segment written by {@link SegmentWriter} (the format is described there).
 *
 * <p>{@link #open} reads and verifies only {@code index.bin} (whole-file CRC, streamed) and keeps
 * its meta: stats, file checksums, the dictionaries of dimensions with postings, the trace Bloom
 * filter and block keys. Everything else is read on demand: each {@link #batch()} view loads a
 * column file on first use (checking its length and CRC32 against the index), postings sections
 * and trace blocks come from {@code index.bin}, and {@code detail(row)} reads one detail block.
 * The reader holds no open files and no Arrow memory between calls.
 *
 * <p>Thread-safe: the reader's state is immutable after {@code open}; each view is for one thread
 * at a time. Views' accessors throw {@link UncheckedIOException} (cause: {@link
 * CorruptSegmentException} or the I/O error) when a file cannot be read or fails its checks, and
 * {@link IllegalStateException} once the reader is closed.
 */
public final class SegmentReader implements Closeable {
  private final Path dir;
  private final SegmentInfo info;
  private final Map<String, long[]> files; // name -> {length, crc}
  private final long detailTableOffset;
  private final int detailTableLength;
  private final long detailTableCrc;
  private final long detailFooterChecksum;
  private final Map<String, SegmentColumns.ColumnStats> stats;
  private final DimMeta[] dims = new DimMeta[Dim.COUNT];
  private final int traceCount;
  private final int traceBatchRows;
  private final int bloomHashes;
  private final int traceHeadLength;
  private final long traceHeadCrc;
  private final long traceTailOffset;
  private final int traceTailLength;
  private final long traceTailCrc;
  private final long[] traceBloom;
  private final TraceBatch[] traceBatches;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile DetailTable detailTable;

  private record DimMeta(int dictSize, int aliasOf, SegmentDictionary dictionary, long offset, int length, int rawLength,
      long crc) {
    boolean hasPostings() {
      return dictionary != null;
    }
  }

  /** One record batch of trace_id.arrow: where it is, its CRC, and a Bloom filter of its trace ids. */
  private record TraceBatch(org.apache.arrow.vector.ipc.message.ArrowBlock block, long crc, long[] bloom) {}

  private record DetailTable(int rowsPerBlock, long[] offset, int[] length, int[] rawLength, long[] crc) {}

  private SegmentReader(Path dir, byte[] meta, Path indexFile) throws CorruptSegmentException {
    this.dir = dir;
    try {
      SegmentBytes.In in = new SegmentBytes.In(meta);
      String tenant = in.utf8();
      int rows = in.i32();
      long minStart = in.i64();
      long maxStart = in.i64();
      int nf = in.i32();
      files = new LinkedHashMap<>();
      long bytes = 0;
      for (int i = 0; i < nf; i++) {
        String name = in.utf8();
        long len = in.i64();
        long crc = in.i64();
        files.put(name, new long[] {len, crc});
        bytes += len;
      }
      detailTableOffset = in.i64();
      detailTableLength = in.i32();
      detailTableCrc = in.i64();
      detailFooterChecksum = in.i64();
      int nc = in.i32();
      stats = new HashMap<>();
      for (int i = 0; i < nc; i++) {
        String name = in.utf8();
        stats.put(name, new SegmentColumns.ColumnStats(name, in.u8(), in.i32(), in.i64(), in.i64()));
      }
      int nd = in.i32();
      if (nd != Dim.COUNT) throw new CorruptSegmentException(indexFile, nd + " dimensions, expected " + Dim.COUNT);
      for (int i = 0; i < nd; i++) {
        String name = in.utf8();
        Dim dim = Dim.byName(name);
        if (dim == null) throw new CorruptSegmentException(indexFile, "unknown dimension " + name);
        int dictSize = in.i32();
        int aliasOf = in.i32();
        if (dictSize < 1 || aliasOf >= dim.ordinal() || aliasOf < -1) throw new CorruptSegmentException(indexFile, "bad dimension " + name);
        if (in.u8() == 0) {
          dims[dim.ordinal()] = new DimMeta(dictSize, aliasOf, null, 0, 0, 0, 0);
          continue;
        }
        String[] values = new String[dictSize - 1];
        for (int v = 0; v < values.length; v++) values[v] = in.utf8();
        dims[dim.ordinal()] = new DimMeta(dictSize, aliasOf, new SegmentDictionary(values), in.i64(), in.i32(), in.i32(), in.i64());
      }
      for (int d = 0; d < Dim.COUNT; d++) {
        if (dims[d] == null) throw new CorruptSegmentException(indexFile, "missing dimension " + Dim.of(d).fieldName());
      }
      traceCount = in.i32();
      traceBatchRows = in.i32();
      bloomHashes = in.i32();
      traceHeadLength = in.i32();
      traceHeadCrc = in.i64();
      traceTailOffset = in.i64();
      traceTailLength = in.i32();
      traceTailCrc = in.i64();
      int gw = in.i32();
      if (gw < 1 || gw > meta.length / 8) throw new CorruptSegmentException(indexFile, "bad bloom size " + gw);
      traceBloom = new long[gw];
      for (int w = 0; w < gw; w++) traceBloom[w] = in.i64();
      int nb = in.i32();
      if (traceBatchRows <= 0 || nb != (rows + traceBatchRows - 1) / traceBatchRows || bloomHashes < 1 || bloomHashes > 32) {
        throw new CorruptSegmentException(indexFile, "bad trace index");
      }
      traceBatches = new TraceBatch[nb];
      for (int i = 0; i < nb; i++) {
        var block = new org.apache.arrow.vector.ipc.message.ArrowBlock(in.i64(), in.i32(), in.i64());
        long crc = in.i64();
        int words = in.i32();
        if (words < 1 || words > meta.length / 8) throw new CorruptSegmentException(indexFile, "bad bloom size " + words);
        long[] bloom = new long[words];
        for (int w = 0; w < words; w++) bloom[w] = in.i64();
        traceBatches[i] = new TraceBatch(block, crc, bloom);
      }
      if (!in.atEnd()) throw new CorruptSegmentException(indexFile, "trailing bytes in meta");
      long indexBytes = Files.size(indexFile);
      info = new SegmentInfo(tenant, rows, minStart, maxStart, bytes + indexBytes);
    } catch (IndexOutOfBoundsException | IllegalArgumentException | IOException e) {
      if (e instanceof CorruptSegmentException c) throw c;
      throw new CorruptSegmentException(indexFile, "unreadable meta: " + e.getMessage(), e);
    }
  }

  /** Reads and verifies {@code index.bin}; the column files are not touched. */
  public static SegmentReader open(Path dir) throws IOException {
    Path file = dir.resolve(SegmentFiles.INDEX_FILE);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      int headerLength = SegmentFiles.headerLength(SegmentFiles.INDEX_NAME);
      if (size < headerLength + 8 + SegmentFiles.FOOTER_LENGTH) throw new CorruptSegmentException(file, "too short");
      // Stream the checksum over everything before the checksum field.
      CRC32 crc = new CRC32();
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      long pos = 0;
      long end = size - 8;
      while (pos < end) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), end - pos));
        int r = ch.read(buf, pos);
        if (r < 0) throw new CorruptSegmentException(file, "truncated");
        crc.update(buf.array(), 0, r);
        pos += r;
      }
      byte[] tail = readFully(ch, size - 8 - SegmentFiles.FOOTER_LENGTH, 8 + SegmentFiles.FOOTER_LENGTH, file);
      SegmentBytes.In t = new SegmentBytes.In(tail);
      long metaOffset = t.i64();
      int footerMagic = t.i32();
      int algorithm = t.i32();
      long stored = t.i64();
      if (footerMagic != SegmentFiles.FOOTER_MAGIC || algorithm != 0) throw new CorruptSegmentException(file, "bad footer");
      if (stored != crc.getValue()) {
        throw new CorruptSegmentException(file, "checksum mismatch: stored " + Long.toHexString(stored)
            + ", computed " + Long.toHexString(crc.getValue()));
      }
      SegmentFiles.checkHeader(file, new SegmentBytes.In(readFully(ch, 0, headerLength, file)), SegmentFiles.INDEX_NAME);
      long metaEnd = size - 8 - SegmentFiles.FOOTER_LENGTH;
      if (metaOffset < headerLength || metaOffset > metaEnd) throw new CorruptSegmentException(file, "bad meta offset");
      byte[] meta = readFully(ch, metaOffset, (int) (metaEnd - metaOffset), file);
      return new SegmentReader(dir, meta, file);
    } catch (NoSuchFileException e) {
      throw new CorruptSegmentException(file, "missing", e);
    }
  }

  private static byte[] readFully(FileChannel ch, long pos, int len, Path file) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len);
    while (b.hasRemaining()) {
      int r = ch.read(b, pos + b.position());
      if (r < 0) throw new CorruptSegmentException(file, "truncated");
    }
    return b.array();
  }

  /** Reads a region of a segment file and checks its CRC32. */
  private byte[] readRegion(String name, long offset, int length, long crc) throws IOException {
    ensureOpen();
    Path file = dir.resolve(name);
    byte[] b;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (offset < 0 || length < 0 || offset + length > ch.size()) throw new CorruptSegmentException(file, "region out of bounds");
      b = readFully(ch, offset, length, file);
    } catch (NoSuchFileException e) {
      throw new CorruptSegmentException(file, "missing", e);
    }
    CRC32 c = new CRC32();
    c.update(b);
    if (c.getValue() != crc) throw new CorruptSegmentException(file, "checksum mismatch in region at " + offset);
    return b;
  }

  private static byte[] decompress(Path file, byte[] z, int rawLength) throws CorruptSegmentException {
    try {
      byte[] raw = Zstd.decompress(z, rawLength);
      if (raw.length != rawLength) throw new CorruptSegmentException(file, "decompressed " + raw.length + " bytes, expected " + rawLength);
      return raw;
    } catch (RuntimeException e) {
      throw new CorruptSegmentException(file, "bad ZSTD block: " + e.getMessage(), e);
    }
  }

  /** A whole column file's bytes after checking length and CRC32 against the index. */
  private byte[] readFile(String name) throws IOException {
    ensureOpen();
    Path file = dir.resolve(name);
    long[] expected = files.get(name);
    if (expected == null) throw new CorruptSegmentException(file, "not listed in " + SegmentFiles.INDEX_FILE);
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CorruptSegmentException(file, "missing", e);
    }
    if (b.length != expected[0]) throw new CorruptSegmentException(file, b.length + " bytes, expected " + expected[0]);
    CRC32 c = new CRC32();
    c.update(b);
    if (c.getValue() != expected[1]) throw new CorruptSegmentException(file, "checksum mismatch");
    return b;
  }

  /**
   * Column-file dictionaries of dimensions without postings (their index holds none), kept softly:
   * high-cardinality ones (users, sessions) are costly to decode and hash for every query, but
   * the heap may take them back.
   */
  @SuppressWarnings("unchecked")
  private final java.lang.ref.SoftReference<SegmentDictionary>[] fileDictionaries = new java.lang.ref.SoftReference[Dim.COUNT];

  /** A stored dim's dictionary if already at hand (the index's, or one kept softly); else null. */
  private SegmentDictionary fileDictionary(Dim d) {
    if (dims[d.ordinal()].hasPostings()) return dims[d.ordinal()].dictionary(); // same ids as the file's
    var ref = fileDictionaries[d.ordinal()];
    return ref == null ? null : ref.get();
  }

  private void keepFileDictionary(Dim d, Dictionary dict) {
    if (dict instanceof SegmentDictionary sd) fileDictionaries[d.ordinal()] = new java.lang.ref.SoftReference<>(sd);
  }

  /** Decoded postings, kept softly: dashboards repeat the same filters, and decoding them is most of a filtered query. */
  private final Map<Long, java.lang.ref.SoftReference<RoaringBitmap>> decodedPostings = new java.util.concurrent.ConcurrentHashMap<>();

  private RoaringBitmap decodedPostings(Dim d, int id) {
    var ref = decodedPostings.get(((long) d.ordinal() << 32) | id);
    return ref == null ? null : ref.get();
  }

  private void keepPostings(Dim d, int id, RoaringBitmap rows) {
    decodedPostings.put(((long) d.ordinal() << 32) | id, new java.lang.ref.SoftReference<>(rows));
  }

  /** Layouts of column files whose whole-file CRC this reader has checked (Lucene-style: once per open). */
  private final Map<String, SegmentColumns.Layout> checked = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Record batch {@code block} of a column file as a channel for Arrow. The first time, the file
   * is read whole and its CRC checked; after that only its head, tail and that batch are read.
   */
  private java.nio.channels.SeekableByteChannel blockOf(String name, int block) throws IOException {
    SegmentColumns.Layout l = checked.get(name);
    if (l == null) {
      byte[] whole = readFile(name);
      checked.put(name, SegmentColumns.layout(dir.resolve(name), whole));
      return SegmentColumns.whole(whole);
    }
    Path file = dir.resolve(name);
    if (block >= l.blocks().size()) throw new CorruptSegmentException(file, "no record batch " + block);
    var b = l.blocks().get(block);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() != l.length()) throw new CorruptSegmentException(file, "size changed since it was checked");
      byte[] head = readFully(ch, 0, (int) l.headEnd(), file);
      byte[] body = readFully(ch, b.getOffset(), (int) (b.getMetadataLength() + b.getBodyLength()), file);
      byte[] tail = readFully(ch, l.tailStart(), (int) (l.length() - l.tailStart()), file);
      return SegmentColumns.blockRegions(l, block, head, body, tail);
    } catch (NoSuchFileException e) {
      throw new CorruptSegmentException(file, "missing", e);
    }
  }

  private void ensureOpen() {
    if (closed.get()) throw new IllegalStateException("segment reader closed: " + dir);
  }

  public SegmentInfo info() {
    return info;
  }

  Path dir() {
    return dir;
  }

  long bytesOnDisk() {
    return info.bytesOnDisk();
  }

  /** Statistics of a column by file name stem (e.g. "span_id", "model", "cost_usd"), or null. */
  SegmentColumns.ColumnStats stats(String column) {
    return stats.get(column);
  }

  /** The written range of a measure; for a duration derived from start and end, that of duration_ns. */
  MeasureRange range(Measure m) {
    SegmentColumns.ColumnStats s = stats.get(m.fieldName());
    double scale = 1;
    if (s == null && m == Measure.DURATION_MS) {
      s = stats.get("duration_ns");
      scale = 1e-6;
    }
    if (s == null) return null;
    int present = info.rows() - s.nullCount();
    if (present <= 0) return new MeasureRange(0, Double.NaN, Double.NaN);
    return switch (s.kind()) {
      case SegmentColumns.KIND_LONG -> new MeasureRange(present, s.min() * scale, s.max() * scale);
      case SegmentColumns.KIND_DOUBLE -> new MeasureRange(present, Double.longBitsToDouble(s.min()), Double.longBitsToDouble(s.max()));
      default -> null;
    };
  }

  /** True when this segment keeps postings (and its dictionary in memory) for {@code dim}. */
  boolean hasPostings(Dim dim) {
    return dims[dim.ordinal()].hasPostings();
  }

  /** The dimension's dictionary size (including the absent id 0). */
  int dictionarySize(Dim dim) {
    return dims[dim.ordinal()].dictSize();
  }

  int traceCount() {
    return traceCount;
  }

  private List<Rollup> rollups;

  /** The segment's rollups, decoded once and kept while the segment is open; empty for older segments. */
  synchronized List<Rollup> rollups() throws IOException {
    if (rollups == null) {
      rollups = files.containsKey(RollupFile.NAME)
          ? RollupFile.decode(dir.resolve(RollupFile.NAME), readFile(RollupFile.NAME)) : List.of();
    }
    return rollups;
  }

  /** A fresh lazy view for one query (see class javadoc). */
  public ColumnBatch batch() {
    ensureOpen();
    return new View();
  }

  /** False when no span of the trace is in this segment; true when one may be (Bloom filters). */
  public boolean mayContainTrace(long hi, long lo) {
    return SegmentBloom.mayContain(traceBloom, bloomHashes, hi, lo);
  }

  /**
   * Exact, sorted row numbers of the trace; empty if none. Reads (and checks) only the record
   * batches of trace_id.arrow whose Bloom filter admits the id; throws {@link
   * UncheckedIOException} if one cannot be read or fails its checksum.
   */
  public int[] rowsOfTrace(long hi, long lo) {
    try {
      return findTrace(hi, lo);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int[] findTrace(long hi, long lo) throws IOException {
    int[] rows = new int[0];
    int count = 0;
    if (!mayContainTrace(hi, lo)) return rows;
    for (int k = 0; k < traceBatches.length; k++) {
      TraceBatch tb = traceBatches[k];
      if (!SegmentBloom.mayContain(tb.bloom(), bloomHashes, hi, lo)) continue;
      long[][] ids = readTraceBatch(k);
      int base = k * traceBatchRows;
      for (int i = 0; i < ids[0].length; i++) {
        if (ids[0][i] == hi && ids[1][i] == lo) {
          if (count == rows.length) rows = Arrays.copyOf(rows, Math.max(8, count * 2));
          rows[count++] = base + i;
        }
      }
    }
    return Arrays.copyOf(rows, count);
  }

  /** One record batch of trace_id.arrow, read with the file's head and tail, each region CRC-checked. */
  private long[][] readTraceBatch(int k) throws IOException {
    ensureOpen();
    String name = SegmentColumns.fileName("trace_id");
    Path file = dir.resolve(name);
    long[] expected = files.get(name);
    if (expected == null) throw new CorruptSegmentException(file, "not listed in " + SegmentFiles.INDEX_FILE);
    TraceBatch tb = traceBatches[k];
    var block = tb.block();
    long blockLength = block.getMetadataLength() + block.getBodyLength();
    byte[] head;
    byte[] tail;
    byte[] body;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() != expected[0] || traceTailOffset + traceTailLength != expected[0]
          || block.getOffset() < traceHeadLength || block.getOffset() + blockLength > traceTailOffset) {
        throw new CorruptSegmentException(file, "size or layout does not match the index");
      }
      head = readFully(ch, 0, traceHeadLength, file);
      tail = readFully(ch, traceTailOffset, traceTailLength, file);
      body = readFully(ch, block.getOffset(), (int) blockLength, file);
    } catch (NoSuchFileException e) {
      throw new CorruptSegmentException(file, "missing", e);
    }
    checkCrc(file, head, traceHeadCrc, "head");
    checkCrc(file, tail, traceTailCrc, "tail");
    checkCrc(file, body, tb.crc(), "record batch " + k);
    long[][] ids = SegmentColumns.readTraceBlock(file, expected[0], new long[] {0, traceTailOffset, block.getOffset()},
        new byte[][] {head, tail, body}, block);
    int want = Math.min(traceBatchRows, info.rows() - k * traceBatchRows);
    if (ids[0].length != want) throw new CorruptSegmentException(file, "record batch " + k + " has " + ids[0].length + " rows");
    return ids;
  }

  private static void checkCrc(Path file, byte[] b, long expected, String what) throws CorruptSegmentException {
    CRC32 c = new CRC32();
    c.update(b);
    if (c.getValue() != expected) throw new CorruptSegmentException(file, "checksum mismatch in " + what);
  }

  /** Reads every file of the segment whole and checks every checksum (for offline checks). */
  void verifyAll() throws IOException {
    for (String name : files.keySet()) {
      byte[] b = readFile(name);
      if (name.equals(SegmentFiles.DETAIL_FILE)) {
        Path file = dir.resolve(name);
        SegmentFiles.checkHeader(file, new SegmentBytes.In(b), SegmentFiles.DETAIL_NAME);
        SegmentFiles.checkFooter(file, b);
      }
    }
    SegmentFiles.checkFooter(dir.resolve(SegmentFiles.INDEX_FILE), Files.readAllBytes(dir.resolve(SegmentFiles.INDEX_FILE)));
  }

  /**
   * Loads detail.bin's block table, checking the header, the table (CRC from the index), the tail
   * and the footer (its stored checksum must equal the one the index recorded).
   */
  private DetailTable detailTable() throws IOException {
    DetailTable t = detailTable;
    if (t != null) return t;
    ensureOpen();
    Path file = dir.resolve(SegmentFiles.DETAIL_FILE);
    long[] expected = files.get(SegmentFiles.DETAIL_FILE);
    if (expected == null) throw new CorruptSegmentException(file, "not listed in " + SegmentFiles.INDEX_FILE);
    int headerLength = SegmentFiles.headerLength(SegmentFiles.DETAIL_NAME);
    byte[] header;
    byte[] rest;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      long restLength = size - detailTableOffset;
      if (size != expected[0] || detailTableOffset < headerLength
          || restLength != detailTableLength + 12L + SegmentFiles.FOOTER_LENGTH) {
        throw new CorruptSegmentException(file, "size " + size + " does not match the index");
      }
      header = readFully(ch, 0, headerLength, file);
      rest = readFully(ch, detailTableOffset, (int) restLength, file);
    } catch (NoSuchFileException e) {
      throw new CorruptSegmentException(file, "missing", e);
    }
    SegmentFiles.checkHeader(file, new SegmentBytes.In(header), SegmentFiles.DETAIL_NAME);
    CRC32 c = new CRC32();
    c.update(rest, 0, detailTableLength);
    if (c.getValue() != detailTableCrc) throw new CorruptSegmentException(file, "block table checksum mismatch");
    SegmentBytes.In tail = new SegmentBytes.In(rest, detailTableLength, rest.length - detailTableLength);
    if (tail.i64() != detailTableOffset || tail.i32() != detailTableLength || tail.i32() != SegmentFiles.FOOTER_MAGIC
        || tail.i32() != 0 || tail.i64() != detailFooterChecksum) {
      throw new CorruptSegmentException(file, "bad tail or footer");
    }
    try {
      SegmentBytes.In in = new SegmentBytes.In(rest, 0, detailTableLength);
      int blocks = in.i32();
      int rowsPerBlock = in.i32();
      if (rowsPerBlock <= 0 || blocks != (info.rows() + rowsPerBlock - 1) / rowsPerBlock) {
        throw new CorruptSegmentException(file, "bad block table");
      }
      long[] off = new long[blocks];
      int[] len = new int[blocks];
      int[] raw = new int[blocks];
      long[] crc = new long[blocks];
      for (int i = 0; i < blocks; i++) {
        off[i] = in.i64();
        len[i] = in.i32();
        raw[i] = in.i32();
        crc[i] = in.i64();
      }
      t = new DetailTable(rowsPerBlock, off, len, raw, crc);
    } catch (IndexOutOfBoundsException e) {
      throw new CorruptSegmentException(file, "bad block table", e);
    }
    detailTable = t;
    return t;
  }

  /** Idempotent. The reader holds no files or Arrow memory between calls; later reads fail. */
  @Override
  public void close() {
    closed.set(true);
  }

  // ------------------------------------------------------------------------------------------

  /**
   * One query's view: columns load on first use and stay until the view is dropped. A view made
   * by {@link #only} decodes just the record batches that hold the rows it was given.
   */
  private final class View implements ColumnBatch {
    private final int rows = info.rows();
    /** Record batches whose rows a restricted view needs; null: every batch. */
    private final boolean[] needed;

    View() {
      this(null);
    }

    private View(boolean[] needed) {
      this.needed = needed;
    }

    @Override
    public String name() {
      return dir.getFileName().toString();
    }

    @Override
    public MeasureRange range(Measure m) {
      return SegmentReader.this.range(m);
    }

    @Override
    public ColumnBatch only(RoaringBitmap wanted) {
      boolean[] blocks = new boolean[(rows + SegmentColumns.BATCH_ROWS - 1) / SegmentColumns.BATCH_ROWS];
      int count = 0;
      for (int b = 0; b < blocks.length; b++) {
        long from = (long) b * SegmentColumns.BATCH_ROWS;
        if (wanted.rangeCardinality(from, Math.min(rows, from + SegmentColumns.BATCH_ROWS)) > 0) {
          blocks[b] = true;
          count++;
        }
      }
      if (count == 0) blocks[0] = true; // a column still needs its dictionary from some batch
      return count == blocks.length ? this : new View(blocks);
    }

    private interface BlockReader<T> {
      T read(java.nio.channels.SeekableByteChannel ch, int rowCapacity, int block) throws IOException;
    }

    /**
     * A whole column, or in a restricted view a full-length one filled only in the needed record
     * batches. {@code copy} moves one batch's values (from index 0) into the result at an offset.
     */
    private <T> T column(String column, BlockReader<T> reader, java.util.function.IntFunction<T> alloc,
        CopyBlock<T> copy) throws IOException {
      String name = SegmentColumns.fileName(column);
      if (needed == null) return reader.read(SegmentColumns.whole(readFile(name)), rows, -1);
      T out = alloc.apply(rows);
      for (int b = 0; b < needed.length; b++) {
        if (!needed[b]) continue;
        int first = b * SegmentColumns.BATCH_ROWS;
        copy.copy(reader.read(blockOf(name, b), SegmentColumns.BATCH_ROWS, b), out, first, Math.min(SegmentColumns.BATCH_ROWS, rows - first));
      }
      return out;
    }

    private interface CopyBlock<T> {
      void copy(T block, T out, int at, int length);
    }
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
    private int blockIndex = -1;
    private byte[] block;

    @Override
    public int size() {
      return rows;
    }

    @Override
    public long minStartNanos() {
      return info.minStartNanos();
    }

    @Override
    public long maxStartNanos() {
      return info.maxStartNanos();
    }

    private Path file(String column) {
      return dir.resolve(SegmentColumns.fileName(column));
    }

    private long[] longs(String column) {
      try {
        return column(column, (ch, cap, b) -> SegmentColumns.readLongs(file(column), ch, cap, 0, b), long[]::new,
            (v, out, at, n) -> System.arraycopy(v, 0, out, at, n));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public long[] startNanos() {
      if (start == null) start = longs("start_offset_ns");
      return start;
    }

    @Override
    public long[] endNanos() {
      if (end == null) {
        long[] s = startNanos();
        long[] d = longs("duration_ns");
        for (int i = 0; i < rows; i++) d[i] += s[i];
        end = d;
      }
      return end;
    }

    private void loadTrace() {
      if (hi != null) return;
      try {
        long[][] t = SegmentColumns.readTraceIds(file("trace_id"), readFile(SegmentColumns.fileName("trace_id")), rows);
        hi = t[0];
        lo = t[1];
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
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
      if (span == null) span = longs("span_id");
      return span;
    }

    @Override
    public long[] parentSpanIds() {
      if (parent == null) {
        long[] delta = longs("parent_row_delta");
        long[] ids = longs("parent_span_id");
        long[] spans = spanIds();
        for (int i = 0; i < rows; i++) {
          if (delta[i] == 0) continue;
          long p = i - delta[i];
          if (p < 0 || p >= rows) {
            throw new UncheckedIOException(new CorruptSegmentException(file("parent_row_delta"), "parent row out of range at " + i));
          }
          ids[i] = spans[(int) p];
        }
        parent = ids;
      }
      return parent;
    }

    private void loadDim(Dim dim) {
      int d = dim.ordinal();
      if (dimIds[d] != null) return;
      int alias = dims[d].aliasOf();
      if (alias >= 0) { // stored once, under the earlier dim
        loadDim(Dim.of(alias));
        dimIds[d] = dimIds[alias];
        if (dicts[d] == null) dicts[d] = dims[d].hasPostings() ? dims[d].dictionary() : dicts[alias];
        return;
      }
      try {
        String column = dim.fieldName();
        SegmentColumns.DictColumn[] read = new SegmentColumns.DictColumn[1]; // every batch carries the file's dictionary
        SegmentDictionary known = fileDictionary(dim);
        SegmentColumns.DictColumn c = column(column, (ch, cap, b) -> read[0] = SegmentColumns.readDict(file(column), ch, cap, b, known),
            n -> new SegmentColumns.DictColumn(new int[n], null),
            (v, out, at, n) -> System.arraycopy(v.ids(), 0, out.ids(), at, n));
        if (c.dictionary() == null) c = new SegmentColumns.DictColumn(c.ids(), read[0].dictionary());
        if (c.dictionary().size() != dims[d].dictSize()) {
          throw new CorruptSegmentException(file(column), "dictionary size " + c.dictionary().size()
              + ", index says " + dims[d].dictSize());
        }
        dimIds[d] = c.ids();
        if (known == null) keepFileDictionary(dim, c.dictionary());
        if (dicts[d] == null) dicts[d] = dims[d].hasPostings() ? dims[d].dictionary() : c.dictionary();
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
        if (dims[d].hasPostings()) dicts[d] = dims[d].dictionary();
        else loadDim(dim);
      }
      return dicts[d];
    }

    @Override
    public double[] measure(Measure m) {
      int k = m.ordinal();
      if (measures[k] != null) return measures[k];
      try {
        String name = SegmentColumns.fileName(m.fieldName());
        if (m == Measure.TOTAL_TOKENS && !files.containsKey(name)) {
          double[] in = measure(Measure.INPUT_TOKENS);
          double[] out = measure(Measure.OUTPUT_TOKENS);
          double[] v = new double[rows];
          for (int i = 0; i < rows; i++) v[i] = SegmentWriter.derivedTotalTokens(in[i], out[i]);
          measures[k] = v;
        } else if (m == Measure.DURATION_MS && !files.containsKey(name)) {
          long[] s = startNanos();
          long[] e = endNanos();
          double[] v = new double[rows];
          for (int i = 0; i < rows; i++) v[i] = SegmentWriter.derivedDurationMs(s[i], e[i]);
          measures[k] = v;
        } else {
          measures[k] = column(m.fieldName(), (ch, cap, b) -> SegmentColumns.readDoubles(file(m.fieldName()), ch, cap, b),
              double[]::new, (v, out, at, n) -> System.arraycopy(v, 0, out, at, n));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return measures[k];
    }

    @Override
    public byte[] flags() {
      if (flags == null) {
        try {
          flags = column("flags", (ch, cap, b) -> SegmentColumns.readBytes(file("flags"), ch, cap, b), byte[]::new,
              (v, out, at, n) -> System.arraycopy(v, 0, out, at, n));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return flags;
    }

    /**
     * One row's canonical fields. Unless this view already decoded a column whole, it decodes
     * just the record batch holding the row (kept for the next row), so a trace lookup or a
     * span list costs a few batches per column rather than the whole segment.
     */
    @Override
    public LlmSpan span(int row) {
      java.util.Objects.checkIndex(row, rows);
      LlmSpan s = new LlmSpan();
      if (hi != null) {
        s.traceIdHi = hi[row];
        s.traceIdLo = lo[row];
      } else {
        long[][] t = (long[][]) point("trace_id", row / traceBatchRows, () -> readTraceBatch(row / traceBatchRows));
        s.traceIdHi = t[0][row % traceBatchRows];
        s.traceIdLo = t[1][row % traceBatchRows];
      }
      s.spanId = pointLong("span_id", span, row);
      long delta = pointLong("parent_row_delta", null, row);
      s.parentSpanId = parent != null ? parent[row]
          : delta == 0 ? pointLong("parent_span_id", null, row) : pointLong("span_id", span, checkedRow(row - delta));
      s.startNanos = pointLong("start_offset_ns", start, row);
      s.endNanos = end != null ? end[row] : s.startNanos + pointLong("duration_ns", null, row);
      for (Dim d : Dim.values()) s.dims[d.ordinal()] = pointDim(d, row);
      for (Measure m : Measure.values()) s.measures[m.ordinal()] = pointMeasure(m, row, s);
      int f = flags != null ? flags[row] : (int) pointLong("flags", null, row);
      SpanFlags.apply(f, s);
      return s;
    }

    private final Map<String, Object> pointBlocks = new HashMap<>();

    private interface BlockLoader {
      Object load() throws IOException;
    }

    /** The decoded record batch {@code block} of a column, loading it once per view. */
    private Object point(String column, int block, BlockLoader loader) {
      String key = column + '#' + block;
      Object v = pointBlocks.get(key);
      if (v == null) {
        try {
          v = loader.load();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        pointBlocks.put(key, v);
      }
      return v;
    }

    private int checkedRow(long r) {
      if (r < 0 || r >= rows) throw new UncheckedIOException(new CorruptSegmentException(file("parent_row_delta"), "parent row out of range"));
      return (int) r;
    }

    private long pointLong(String column, long[] whole, int row) {
      if (whole != null) return whole[row];
      int block = row / SegmentColumns.BATCH_ROWS;
      long[] v = (long[]) point(column, block, () -> SegmentColumns.readLongs(file(column),
          blockOf(SegmentColumns.fileName(column), block), SegmentColumns.BATCH_ROWS, 0, block));
      return v[row % SegmentColumns.BATCH_ROWS];
    }

    private String pointDim(Dim dim, int row) {
      int d = dim.ordinal();
      if (dimIds[d] != null) return dictionary(dim).value(dimIds[d][row]);
      int alias = dims[d].aliasOf();
      Dim stored = alias >= 0 ? Dim.of(alias) : dim;
      int block = row / SegmentColumns.BATCH_ROWS;
      SegmentColumns.DictColumn c = (SegmentColumns.DictColumn) point(stored.fieldName(), block, () ->
          SegmentColumns.readDict(file(stored.fieldName()), blockOf(SegmentColumns.fileName(stored.fieldName()), block),
              SegmentColumns.BATCH_ROWS, block, fileDictionary(stored)));
      if (c.dictionary() != fileDictionary(stored)) keepFileDictionary(stored, c.dictionary());
      int id = c.ids()[row % SegmentColumns.BATCH_ROWS];
      // Same choice of dictionary as loadDim: the index's when the dim has postings.
      Dictionary dict = dims[d].hasPostings() ? dims[d].dictionary()
          : alias >= 0 && dims[alias].hasPostings() ? dims[alias].dictionary() : c.dictionary();
      return dict.value(id);
    }

    private double pointMeasure(Measure m, int row, LlmSpan s) {
      if (measures[m.ordinal()] != null) return measures[m.ordinal()][row];
      String name = SegmentColumns.fileName(m.fieldName());
      if (!files.containsKey(name)) {
        if (m == Measure.DURATION_MS) return SegmentWriter.derivedDurationMs(s.startNanos, s.endNanos);
        if (m == Measure.TOTAL_TOKENS) {
          return SegmentWriter.derivedTotalTokens(s.measures[Measure.INPUT_TOKENS.ordinal()], s.measures[Measure.OUTPUT_TOKENS.ordinal()]);
        }
      }
      int block = row / SegmentColumns.BATCH_ROWS;
      double[] v = (double[]) point(m.fieldName(), block, () -> SegmentColumns.readDoubles(file(m.fieldName()),
          blockOf(name, block), SegmentColumns.BATCH_ROWS, block));
      return v[row % SegmentColumns.BATCH_ROWS];
    }

    @Override
    public SpanDetail detail(int row) {
      if (row < 0 || row >= rows) throw new IndexOutOfBoundsException("row " + row + " of " + rows);
      Path file = dir.resolve(SegmentFiles.DETAIL_FILE);
      try {
        DetailTable t = detailTable();
        int b = row / t.rowsPerBlock();
        if (b != blockIndex) {
          byte[] z = readRegion(SegmentFiles.DETAIL_FILE, t.offset()[b], t.length()[b], t.crc()[b]);
          block = decompress(file, z, t.rawLength()[b]);
          blockIndex = b;
        }
        SegmentBytes.In in = new SegmentBytes.In(block);
        int count = in.i32();
        int k = row - b * t.rowsPerBlock();
        if (k >= count) throw new CorruptSegmentException(file, "block " + b + " has " + count + " rows");
        int payload = 4 + 4 * (count + 1);
        in.pos = 4 + 4 * k;
        int from = in.i32();
        int to = in.i32();
        if (from < 0 || to < from || payload + to > block.length) throw new CorruptSegmentException(file, "bad detail offsets");
        Bytes<byte[]> bytes = Bytes.wrapForRead(block);
        try {
          bytes.readPositionRemaining(payload + from, to - from);
          return DetailCodec.readDetail(bytes);
        } catch (RuntimeException e) {
          throw new CorruptSegmentException(file, "undecodable detail of row " + row, e);
        } finally {
          bytes.releaseLast();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public RoaringBitmap postings(Dim dim, int id) {
      int d = dim.ordinal();
      DimMeta meta = dims[d];
      if (!meta.hasPostings() || id == Dictionary.ABSENT) return null;
      if (id < 0 || id >= meta.dictSize()) return new RoaringBitmap();
      if (postings[d] == null) postings[d] = new HashMap<>();
      RoaringBitmap cached = postings[d].get(id);
      if (cached == null) cached = decodedPostings(dim, id);
      if (cached != null) {
        postings[d].put(id, cached);
        return cached;
      }
      Path file = dir.resolve(SegmentFiles.INDEX_FILE);
      try {
        if (postingsRaw[d] == null) {
          byte[] z = readRegion(SegmentFiles.INDEX_FILE, meta.offset(), meta.length(), meta.crc());
          postingsRaw[d] = decompress(file, z, meta.rawLength());
        }
        byte[] raw = postingsRaw[d];
        int values = meta.dictSize() - 1;
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
        postings[d].put(id, bm);
        keepPostings(dim, id, bm);
        return bm;
      } catch (IndexOutOfBoundsException e) {
        throw new UncheckedIOException(new CorruptSegmentException(file, "bad postings of " + dim.fieldName(), e));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public List<Rollup> rollups() {
      try {
        return SegmentReader.this.rollups();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public boolean sealed() {
      return true;
    }
  }


}
