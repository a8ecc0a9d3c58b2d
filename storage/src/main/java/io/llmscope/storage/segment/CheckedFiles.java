package io.llmscope.storage.segment;

import io.llmscope.storage.format.CheckedRead;
import io.llmscope.storage.format.CorruptSegmentException;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * The files of one open segment as {@code index.bin} lists them (length and whole-file CRC32),
 * read only through checks: a whole file against its length and CRC, a region against the CRC
 * the index recorded for it, a column's record batch after the column was checked whole once
 * (Lucene's check-on-open, per file). Fails with {@link IllegalStateException} once closed.
 */
final class CheckedFiles {
  /** A listed file: its length and whole-file CRC32. */
  record Stored(long length, long crc) {}

  private final Path dir;
  private final Map<String, Stored> files;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Layouts of column files whose whole-file CRC this reader has checked. */
  private final Map<String, SegmentColumns.Layout> checked = new ConcurrentHashMap<>();

  CheckedFiles(Path dir, Map<String, Stored> files) {
    this.dir = dir;
    this.files = Map.copyOf(files);
  }

  Path dir() {
    return dir;
  }

  Path path(String name) {
    return dir.resolve(name);
  }

  boolean has(String name) {
    return files.containsKey(name);
  }

  Set<String> names() {
    return files.keySet();
  }

  /** The listed entry of a file; a file the index does not list is corruption. */
  Stored stored(String name) throws CorruptSegmentException {
    Stored s = files.get(name);
    if (s == null) throw new CorruptSegmentException(path(name), "not listed in " + IndexFile.NAME);
    return s;
  }

  void ensureOpen() {
    if (closed.get()) throw new IllegalStateException("segment reader closed: " + dir);
  }

  void close() {
    closed.set(true);
  }

  /** A whole file's bytes after checking length and CRC32 against the index. */
  byte[] whole(String name) throws IOException {
    ensureOpen();
    Stored s = stored(name);
    return CheckedRead.whole(path(name), s.length(), s.crc());
  }

  /** A region of a file, checked against the CRC the index recorded for it. */
  byte[] region(String name, long offset, int length, long crc) throws IOException {
    ensureOpen();
    return CheckedRead.region(path(name), offset, length, crc);
  }

  /** Regions of a file whose size must be the listed one; the caller checks each region's CRC. */
  byte[][] regions(String name, long[] offsets, int[] lengths) throws IOException {
    ensureOpen();
    return CheckedRead.regions(path(name), stored(name).length(), offsets, lengths);
  }

  /**
   * Record batch {@code block} of a column file as a channel for Arrow. The first time, the file
   * is read whole and its CRC checked; after that only its head, tail and that batch are read.
   */
  SeekableByteChannel block(String name, int block) throws IOException {
    SegmentColumns.Layout l = checked.get(name);
    if (l == null) {
      byte[] whole = whole(name);
      checked.put(name, SegmentColumns.layout(path(name), whole));
      return SegmentColumns.whole(whole);
    }
    if (block >= l.blocks().size()) throw new CorruptSegmentException(path(name), "no record batch " + block);
    ArrowBlock b = l.blocks().get(block);
    byte[][] r = regions(name, new long[] {0, b.getOffset(), l.tailStart()},
        new int[] {(int) l.headEnd(), (int) (b.getMetadataLength() + b.getBodyLength()), (int) (l.length() - l.tailStart())});
    return SegmentColumns.blockRegions(l, block, r[0], r[1], r[2]);
  }
}
