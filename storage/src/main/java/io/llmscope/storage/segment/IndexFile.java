package io.llmscope.storage.segment;

import io.llmscope.storage.format.CheckedRead;
import io.llmscope.storage.format.CorruptSegmentException;
import io.llmscope.storage.format.Framing;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.model.Dim;
import java.io.IOException;
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
import java.util.zip.CRC32;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * {@code index.bin}, the one file a segment's reader verifies on open: the segment's meta and
 * its postings. Framed ({@link Framing}) with format {@value #FORMAT}, versions
 * {@value #VERSION_START} to {@value #VERSION_CURRENT}.
 *
 * <pre>
 * index.bin := header postingsSection* meta metaOffset:i64 footer   (CRC of the whole file, verified on open)
 * meta := tenant:utf8 rows:i32 minStart:i64 maxStart:i64
 *         fileCount:i32 (name:utf8 length:i64 crc32:i64)*          every other file (whole-file CRC32)
 *         detailTableOffset:i64 detailTableLength:i32 detailTableCrc:i64 detailFooterChecksum:i64   ({@link DetailFile})
 *         columnCount:i32 (name:utf8 kind:u8 nullCount:i32 min:i64 max:i64)*   (SegmentColumns.ColumnStats)
 *         dimCount:i32 (name:utf8 dictSize:i32 aliasOf:i32 hasPostings:u8
 *                       [value:utf8 * (dictSize - 1) offset:i64 length:i32 rawLength:i32 crc32:i64])*
 *         traceCount:i32 traceBatchRows:i32 bloomHashes:i32
 *         headLength:i32 headCrc:i64 tailOffset:i64 tailLength:i32 tailCrc:i64    (of trace_id.arrow)
 *         bloomWords:i32 word:i64*                                 all trace ids ({@link TraceIndex})
 *         batchCount:i32 (offset:i64 metadataLength:i32 bodyLength:i64 crc32:i64 bloomWords:i32 word:i64*)*
 * postingsSection (raw, ZSTD-compressed) for a dim with dictSize = V + 1:
 *         offset:i32 * (V + 1) (relative to the lists), then per id 1..V: count:varint rowDelta:varint*
 *         (first delta = row, then row - previous - 1). Identical sections are stored once.
 * </pre>
 *
 * Strings are varint length + UTF-8; integers little-endian.
 */
final class IndexFile {
  static final String NAME = "index.bin";
  static final String FORMAT = "llmscope.segment.index";
  static final int VERSION_START = 1;
  static final int VERSION_CURRENT = 1;

  private IndexFile() {}

  /** What the index keeps of a dimension, as the writer hands it over. */
  record DimSection(String[] values, byte[] postings, int rawLength, int aliasOf) {}

  /** What the index keeps of a dimension, as read: its dictionary and postings section when it has postings. */
  record DimMeta(int dictSize, int aliasOf, SegmentDictionary dictionary, long offset, int length, int rawLength, long crc) {
    boolean hasPostings() {
      return dictionary != null;
    }
  }

  /** Everything written into the meta. */
  record Contents(SegmentInfo info, List<SegmentColumns.FileEntry> files, DetailFile.Location detail,
      List<SegmentColumns.ColumnStats> stats, DimSection[] dims, SegmentBytes.Out trace) {}

  /** A verified index: the segment's meta, parsed. */
  record Parsed(SegmentInfo info, Map<String, CheckedFiles.Stored> files, DetailFile.Location detail,
      Map<String, SegmentColumns.ColumnStats> stats, DimMeta[] dims, TraceIndex trace) {}

  static void write(Path dir, Contents c) throws IOException {
    Framing.Output out = Framing.Output.framed(dir.resolve(NAME), FORMAT, VERSION_CURRENT);
    boolean ok = false;
    try {
      DimSection[] dims = c.dims();
      CRC32 crc = new CRC32();
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
      SegmentInfo info = c.info();
      SegmentBytes.Out meta = new SegmentBytes.Out(1 << 16);
      meta.utf8(info.tenant()).i32(info.rows()).i64(info.minStartNanos()).i64(info.maxStartNanos());
      meta.i32(c.files().size());
      for (SegmentColumns.FileEntry f : c.files()) meta.utf8(f.name()).i64(f.length()).i64(f.crc());
      DetailFile.Location dl = c.detail();
      meta.i64(dl.tableOffset()).i32(dl.tableLength()).i64(dl.tableCrc()).i64(dl.footerChecksum());
      meta.i32(c.stats().size());
      for (SegmentColumns.ColumnStats s : c.stats()) {
        meta.utf8(s.name()).u8(s.kind()).i32(s.nullCount()).i64(s.min()).i64(s.max());
      }
      meta.i32(Dim.COUNT);
      for (Dim dim : Dim.values()) {
        DimSection di = dims[dim.ordinal()];
        SegmentColumns.ColumnStats s = statsOf(c.stats(), dim.fieldName());
        meta.utf8(dim.fieldName()).i32((int) s.max() + 1).i32(di.aliasOf()).u8(di.postings() == null ? 0 : 1);
        if (di.postings() == null) continue;
        for (String v : di.values()) meta.utf8(v);
        meta.i64(postingsOffset[dim.ordinal()]).i32(di.postings().length).i32(di.rawLength())
            .i64(postingsCrc[dim.ordinal()]);
      }
      meta.bytes(c.trace().buf, 0, c.trace().size());
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

  static SegmentColumns.ColumnStats statsOf(List<SegmentColumns.ColumnStats> stats, String column) {
    for (SegmentColumns.ColumnStats s : stats) if (s.name().equals(column)) return s;
    throw new IllegalStateException("no stats for " + column);
  }

  /**
   * The trace part of the meta: CRCs of trace_id.arrow's head, tail and each record batch (so
   * one batch can be read and checked alone) and a Bloom filter per batch of the trace ids in it.
   * {@code hi}/{@code lo} are the ids in row order; {@code traces} the number of distinct ones.
   */
  static SegmentBytes.Out traceMeta(Path dir, SegmentColumns.FileEntry file, long[] hi, long[] lo, int traces)
      throws IOException {
    byte[] b = Files.readAllBytes(dir.resolve(file.name()));
    List<ArrowBlock> blocks = file.blocks();
    int n = hi.length;
    int batchRows = SegmentFormat.TRACE_BATCH_ROWS;
    int hashes = SegmentFormat.BLOOM_HASHES;
    CRC32 crc = new CRC32();
    SegmentBytes.Out m = new SegmentBytes.Out(1 << 12);
    int headLength = (int) blocks.get(0).getOffset();
    ArrowBlock last = blocks.get(blocks.size() - 1);
    long tailOffset = last.getOffset() + last.getMetadataLength() + last.getBodyLength();
    crc.update(b, 0, headLength);
    m.i32(traces).i32(batchRows).i32(hashes).i32(headLength).i64(crc.getValue());
    crc.reset();
    crc.update(b, (int) tailOffset, (int) (b.length - tailOffset));
    m.i64(tailOffset).i32((int) (b.length - tailOffset)).i64(crc.getValue());
    long[] global = new long[(int) Math.max(SegmentFormat.BLOOM_MIN_BITS / 64,
        ((long) traces * SegmentFormat.BLOOM_BITS_PER_TRACE + 63) / 64)];
    for (int i = 0; i < n; i++) {
      if (i == 0 || hi[i] != hi[i - 1] || lo[i] != lo[i - 1]) SegmentBloom.add(global, hashes, hi[i], lo[i]);
    }
    m.i32(global.length);
    for (long w : global) m.i64(w);
    m.i32(blocks.size());
    for (int k = 0; k < blocks.size(); k++) {
      ArrowBlock blk = blocks.get(k);
      int len = (int) (blk.getMetadataLength() + blk.getBodyLength());
      crc.reset();
      crc.update(b, (int) blk.getOffset(), len);
      m.i64(blk.getOffset()).i32(blk.getMetadataLength()).i64(blk.getBodyLength()).i64(crc.getValue());
      int from = k * batchRows;
      int to = Math.min(n, from + batchRows);
      int distinct = 0;
      for (int i = from; i < to; i++) if (i == from || hi[i] != hi[i - 1] || lo[i] != lo[i - 1]) distinct++;
      long[] bloom = new long[(int) Math.max(1, ((long) distinct * SegmentFormat.BATCH_BLOOM_BITS_PER_TRACE + 63) / 64)];
      for (int i = from; i < to; i++) {
        if (i == from || hi[i] != hi[i - 1] || lo[i] != lo[i - 1]) SegmentBloom.add(bloom, hashes, hi[i], lo[i]);
      }
      m.i32(bloom.length);
      for (long w : bloom) m.i64(w);
    }
    return m;
  }

  /** Reads and verifies {@code index.bin} of a segment directory (whole-file CRC, streamed). */
  static Parsed read(Path dir) throws IOException {
    Path file = dir.resolve(NAME);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      int headerLength = Framing.headerLength(FORMAT);
      if (size < headerLength + 8 + Framing.FOOTER_LENGTH) throw new CorruptSegmentException(file, "too short");
      long computed = CheckedRead.crcOf(ch, size - 8, file); // everything before the checksum field
      SegmentBytes.In t = new SegmentBytes.In(CheckedRead.readFully(ch, size - 8 - Framing.FOOTER_LENGTH, 8 + Framing.FOOTER_LENGTH, file));
      long metaOffset = t.i64();
      int footerMagic = t.i32();
      int algorithm = t.i32();
      long stored = t.i64();
      if (footerMagic != Framing.FOOTER_MAGIC || algorithm != 0) throw new CorruptSegmentException(file, "bad footer");
      if (stored != computed) {
        throw new CorruptSegmentException(file, "checksum mismatch: stored " + Long.toHexString(stored)
            + ", computed " + Long.toHexString(computed));
      }
      int version = Framing.checkHeader(file, new SegmentBytes.In(CheckedRead.readFully(ch, 0, headerLength, file)), FORMAT,
          VERSION_START, VERSION_CURRENT);
      long metaEnd = size - 8 - Framing.FOOTER_LENGTH;
      if (metaOffset < headerLength || metaOffset > metaEnd) throw new CorruptSegmentException(file, "bad meta offset");
      byte[] meta = CheckedRead.readFully(ch, metaOffset, (int) (metaEnd - metaOffset), file);
      return parseMeta(file, version, meta);
    } catch (NoSuchFileException e) {
      throw new CorruptSegmentException(file, "missing", e);
    }
  }

  private static Parsed parseMeta(Path file, int version, byte[] meta) throws CorruptSegmentException {
    try {
      SegmentBytes.In in = new SegmentBytes.In(meta);
      String tenant = in.utf8();
      int rows = in.i32();
      long minStart = in.i64();
      long maxStart = in.i64();
      int nf = in.i32();
      Map<String, CheckedFiles.Stored> files = new LinkedHashMap<>();
      long bytes = 0;
      for (int i = 0; i < nf; i++) {
        String name = in.utf8();
        CheckedFiles.Stored s = new CheckedFiles.Stored(in.i64(), in.i64());
        files.put(name, s);
        bytes += s.length();
      }
      DetailFile.Location detail = new DetailFile.Location(in.i64(), in.i32(), in.i64(), in.i64());
      int nc = in.i32();
      Map<String, SegmentColumns.ColumnStats> stats = new HashMap<>();
      for (int i = 0; i < nc; i++) {
        String name = in.utf8();
        stats.put(name, new SegmentColumns.ColumnStats(name, in.u8(), in.i32(), in.i64(), in.i64()));
      }
      DimMeta[] dims = new DimMeta[Dim.COUNT];
      int nd = in.i32();
      if (nd != Dim.COUNT) throw new CorruptSegmentException(file, nd + " dimensions, expected " + Dim.COUNT);
      for (int i = 0; i < nd; i++) {
        String name = in.utf8();
        Dim dim = Dim.byName(name);
        if (dim == null) throw new CorruptSegmentException(file, "unknown dimension " + name);
        int dictSize = in.i32();
        int aliasOf = in.i32();
        if (dictSize < 1 || aliasOf >= dim.ordinal() || aliasOf < -1) throw new CorruptSegmentException(file, "bad dimension " + name);
        if (in.u8() == 0) {
          dims[dim.ordinal()] = new DimMeta(dictSize, aliasOf, null, 0, 0, 0, 0);
          continue;
        }
        String[] values = new String[dictSize - 1];
        for (int v = 0; v < values.length; v++) values[v] = in.utf8();
        dims[dim.ordinal()] = new DimMeta(dictSize, aliasOf, new SegmentDictionary(values), in.i64(), in.i32(), in.i32(), in.i64());
      }
      for (int d = 0; d < Dim.COUNT; d++) {
        if (dims[d] == null) throw new CorruptSegmentException(file, "missing dimension " + Dim.of(d).fieldName());
      }
      TraceIndex trace = parseTrace(file, in, rows, meta.length);
      if (!in.atEnd()) throw new CorruptSegmentException(file, "trailing bytes in meta");
      long indexBytes = Files.size(file);
      return new Parsed(new SegmentInfo(tenant, rows, minStart, maxStart, bytes + indexBytes), files, detail, stats, dims, trace);
    } catch (IndexOutOfBoundsException | IllegalArgumentException | IOException e) {
      if (e instanceof CorruptSegmentException c) throw c;
      throw new CorruptSegmentException(file, "unreadable meta: " + e.getMessage(), e);
    }
  }

  private static TraceIndex parseTrace(Path file, SegmentBytes.In in, int rows, int metaLength) throws CorruptSegmentException {
    int traceCount = in.i32();
    int batchRows = in.i32();
    int hashes = in.i32();
    int headLength = in.i32();
    long headCrc = in.i64();
    long tailOffset = in.i64();
    int tailLength = in.i32();
    long tailCrc = in.i64();
    long[] bloom = words(file, in, metaLength);
    int nb = in.i32();
    if (batchRows <= 0 || nb != (rows + batchRows - 1) / batchRows || hashes < 1 || hashes > 32) {
      throw new CorruptSegmentException(file, "bad trace index");
    }
    TraceIndex.Batch[] batches = new TraceIndex.Batch[nb];
    for (int i = 0; i < nb; i++) {
      ArrowBlock block = new ArrowBlock(in.i64(), in.i32(), in.i64());
      long crc = in.i64();
      batches[i] = new TraceIndex.Batch(block, crc, words(file, in, metaLength));
    }
    return new TraceIndex(traceCount, batchRows, hashes, headLength, headCrc, tailOffset, tailLength, tailCrc, bloom, batches);
  }

  private static long[] words(Path file, SegmentBytes.In in, int metaLength) throws CorruptSegmentException {
    int n = in.i32();
    if (n < 1 || n > metaLength / 8) throw new CorruptSegmentException(file, "bad bloom size " + n);
    long[] w = new long[n];
    for (int i = 0; i < n; i++) w[i] = in.i64();
    return w;
  }
}
