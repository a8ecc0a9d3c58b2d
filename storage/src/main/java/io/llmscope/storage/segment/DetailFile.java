package io.llmscope.storage.segment;

import com.github.luben.zstd.Zstd;
import io.llmscope.storage.format.CheckedRead;
import io.llmscope.storage.format.CorruptSegmentException;
import io.llmscope.storage.format.DetailCodec;
import io.llmscope.storage.format.Framing;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.SpanDetail;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import net.openhft.chronicle.bytes.Bytes;

/**
 * {@code detail.bin}: every row's {@link SpanDetail} in {@link DetailCodec} form, in ZSTD blocks
 * of {@value SegmentFormat#DETAIL_BLOCK_ROWS} rows. Framed ({@link Framing}) with format
 * {@value #FORMAT}, versions {@value #VERSION_START} to {@value #VERSION_CURRENT}.
 *
 * <pre>
 * detail.bin := header block* table tableOffset:i64 tableLength:i32 footer
 * block (raw) := count:i32 length:varint * count payload   (v2)
 *                count:i32 offset:i32 * (count + 1) payload (v1; offsets relative to the payload)
 *     payload := each row's DetailCodec bytes, row order
 * table       := blockCount:i32 rowsPerBlock:i32 (offset:i64 compressedLength:i32 rawLength:i32 crc32:i64)*
 * </pre>
 *
 * {@code index.bin} holds the table's position, its CRC and the footer's checksum ({@link Location}),
 * so the first read checks header, table, tail and footer without reading the whole file; each
 * block is checked by its own CRC when read.
 */
final class DetailFile {
  static final String NAME = "detail.bin";
  static final String FORMAT = "llmscope.segment.detail";
  static final int VERSION_START = 1;
  /**
   * Version 2: details may hold references to the row's canonical fields ({@link DetailCodec}),
   * and a block gives each row's length as a varint instead of its offset as an i32 (the offsets
   * were a quarter of the compressed file).
   */
  static final int VERSION_CURRENT = 2;
  private static final int VERSION_LENGTHS = 2;
  static final int ZSTD_LEVEL = 6;

  /** Where index.bin says the block table is, with the checksums that vouch for it. */
  record Location(long tableOffset, int tableLength, long tableCrc, long footerChecksum) {}

  /** Appends the encoded detail of output row {@code row}. */
  interface Source {
    void append(int row, SegmentBytes.Out out);
  }

  private record Table(int version, int rowsPerBlock, long[] offset, int[] length, int[] rawLength, long[] crc) {}

  /**
   * One decompressed block: rows [firstRow, firstRow + count); row k's encoded detail lies in
   * {@code raw[bounds[k], bounds[k + 1])}.
   */
  record Block(int index, int firstRow, int count, byte[] raw, int[] bounds) {
    private static final int HEADER = 4;

    /** Reads the block's row bounds, from varint lengths (v2) or i32 offsets (v1). */
    static Block of(Path file, int index, int firstRow, byte[] raw, int version, int maxRows) throws CorruptSegmentException {
      try {
        SegmentBytes.In in = new SegmentBytes.In(raw);
        int count = in.i32();
        if (count < 0 || count > maxRows) throw new CorruptSegmentException(file, "block " + index + " has " + count + " rows");
        int[] bounds = new int[count + 1];
        if (version >= VERSION_LENGTHS) {
          for (int k = 0; k < count; k++) bounds[k + 1] = bounds[k] + in.varint32();
          for (int k = 0; k <= count; k++) bounds[k] += in.pos;
        } else {
          int payload = HEADER + 4 * (count + 1);
          for (int k = 0; k <= count; k++) bounds[k] = payload + in.i32();
        }
        for (int k = 0; k < count; k++) {
          if (bounds[k] < HEADER || bounds[k + 1] < bounds[k] || bounds[k + 1] > raw.length) {
            throw new CorruptSegmentException(file, "bad detail bounds in block " + index);
          }
        }
        return new Block(index, firstRow, count, raw, bounds);
      } catch (IndexOutOfBoundsException e) {
        throw new CorruptSegmentException(file, "bad detail bounds in block " + index, e);
      }
    }

    /** Where in {@link #raw} a row's encoded detail lies: [from, to). */
    private record Slice(int from, int to) {}

    private Slice slice(Path file, int row) throws CorruptSegmentException {
      int k = row - firstRow;
      if (k < 0 || k >= count) throw new CorruptSegmentException(file, "block " + index + " has " + count + " rows");
      return new Slice(bounds[k], bounds[k + 1]);
    }

    /** The row's detail; {@code canonical} gives the row's canonical fields, which its references name. */
    SpanDetail detail(Path file, int row, Supplier<LlmSpan> canonical) throws CorruptSegmentException {
      Slice s = slice(file, row);
      Bytes<byte[]> bytes = Bytes.wrapForRead(raw);
      try {
        bytes.readPositionRemaining(s.from(), s.to() - s.from());
        return DetailCodec.readDetail(bytes, canonical);
      } catch (RuntimeException e) {
        throw new CorruptSegmentException(file, "undecodable detail of row " + row, e);
      } finally {
        bytes.releaseLast();
      }
    }

    void copy(Path file, int row, SegmentBytes.Out out) throws CorruptSegmentException {
      Slice s = slice(file, row);
      out.bytes(raw, s.from(), s.to() - s.from());
    }
  }

  private final CheckedFiles files;
  private final Location location;
  private final int rows;
  private volatile Table table;

  DetailFile(CheckedFiles files, Location location, int rows) {
    this.files = files;
    this.location = location;
    this.rows = rows;
  }

  /** Writes detail.bin for {@code n} rows; adds it to {@code written} and returns what index.bin must record. */
  static Location write(Path dir, int n, Source source, List<SegmentColumns.FileEntry> written) throws IOException {
    Framing.Output out = Framing.Output.framed(dir.resolve(NAME), FORMAT, VERSION_CURRENT);
    boolean ok = false;
    try {
      int rowsPerBlock = SegmentFormat.DETAIL_BLOCK_ROWS;
      int blocks = (n + rowsPerBlock - 1) / rowsPerBlock;
      SegmentBytes.Out table = new SegmentBytes.Out(8 + blocks * 24);
      table.i32(blocks).i32(rowsPerBlock);
      SegmentBytes.Out payload = new SegmentBytes.Out(1 << 16);
      SegmentBytes.Out raw = new SegmentBytes.Out(1 << 16);
      int[] lengths = new int[rowsPerBlock];
      CRC32 crc = new CRC32();
      for (int blk = 0; blk < blocks; blk++) {
        int from = blk * rowsPerBlock;
        int count = Math.min(rowsPerBlock, n - from);
        payload.pos = 0;
        raw.pos = 0;
        raw.i32(count);
        for (int i = 0; i < count; i++) {
          int at = payload.size();
          source.append(from + i, payload);
          lengths[i] = payload.size() - at;
        }
        for (int i = 0; i < count; i++) raw.varint(lengths[i]);
        raw.bytes(payload.buf, 0, payload.size());
        byte[] z = Zstd.compress(raw.toArray(), ZSTD_LEVEL);
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
      written.add(new SegmentColumns.FileEntry(NAME, out.length(), fileCrc, List.of()));
      return new Location(tableOffset, table.size(), tableCrc, footerChecksum);
    } finally {
      if (!ok) out.abort();
    }
  }

  Path path() {
    return files.path(NAME);
  }

  /** The decompressed, CRC-checked block holding {@code row}. */
  Block blockOf(int row) throws IOException {
    if (row < 0 || row >= rows) throw new IndexOutOfBoundsException("row " + row + " of " + rows);
    Table t = table();
    int b = row / t.rowsPerBlock();
    byte[] z = files.region(NAME, t.offset()[b], t.length()[b], t.crc()[b]);
    int first = b * t.rowsPerBlock();
    byte[] raw = CheckedRead.decompress(path(), z, t.rawLength()[b]);
    return Block.of(path(), b, first, raw, t.version(), t.rowsPerBlock());
  }

  /** True when {@code block} holds {@code row}. */
  boolean holds(Block block, int row) {
    return block != null && row >= block.firstRow() && row < block.firstRow() + block.count();
  }

  /**
   * Loads the block table, checking the header, the table (CRC from the index), the tail and the
   * footer (its stored checksum must equal the one the index recorded).
   */
  private Table table() throws IOException {
    Table t = table;
    if (t != null) return t;
    Path file = path();
    long size = files.stored(NAME).length();
    int headerLength = Framing.headerLength(FORMAT);
    long restLength = size - location.tableOffset();
    if (location.tableOffset() < headerLength || restLength != location.tableLength() + 12L + Framing.FOOTER_LENGTH) {
      throw new CorruptSegmentException(file, "size " + size + " does not match the index");
    }
    byte[][] r = files.regions(NAME, new long[] {0, location.tableOffset()}, new int[] {headerLength, (int) restLength});
    byte[] rest = r[1];
    int version = Framing.checkHeader(file, new SegmentBytes.In(r[0]), FORMAT, VERSION_START, VERSION_CURRENT);
    CRC32 c = new CRC32();
    c.update(rest, 0, location.tableLength());
    if (c.getValue() != location.tableCrc()) throw new CorruptSegmentException(file, "block table checksum mismatch");
    SegmentBytes.In tail = new SegmentBytes.In(rest, location.tableLength(), rest.length - location.tableLength());
    if (tail.i64() != location.tableOffset() || tail.i32() != location.tableLength() || tail.i32() != Framing.FOOTER_MAGIC
        || tail.i32() != 0 || tail.i64() != location.footerChecksum()) {
      throw new CorruptSegmentException(file, "bad tail or footer");
    }
    try {
      SegmentBytes.In in = new SegmentBytes.In(rest, 0, location.tableLength());
      int blocks = in.i32();
      int rowsPerBlock = in.i32();
      if (rowsPerBlock <= 0 || blocks != (rows + rowsPerBlock - 1) / rowsPerBlock) {
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
      t = new Table(version, rowsPerBlock, off, len, raw, crc);
    } catch (IndexOutOfBoundsException e) {
      throw new CorruptSegmentException(file, "bad block table", e);
    }
    table = t;
    return t;
  }

  /** Checks header and footer of the whole file held in memory (for offline checks). */
  static void verify(Path file, byte[] whole) throws CorruptSegmentException {
    Framing.checkHeader(file, new SegmentBytes.In(whole), FORMAT, VERSION_START, VERSION_CURRENT);
    Framing.checkFooter(file, whole);
  }
}
