package io.llmscope.storage;

import io.llmscope.storage.format.Framing;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.wal.WriteAheadLog;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.zip.CRC32;

/**
 * The list of live segments and the WAL position they cover, committed atomically.
 *
 * <p>File {@code manifest-N} (N = generation, the highest valid one wins), version
 * {@value #VERSION_CURRENT}, framed like every file of ours ({@link Framing}):
 * <pre>
 * header("llmscope.manifest", version) generation:i64 walCovered:i64 count:i32
 *   (name:utf8 tenant:utf8 rows:i32 minStart:i64 maxStart:i64 bytes:i64)*  footer
 * </pre>
 * Version 1 (read, never written) had its own framing, big-endian:
 * {@code magic:i32 "LSMF" version:i32 generation:i64 walCovered:i64 count:i32
 * (name:utf tenant:utf rows:i32 minStart:i64 maxStart:i64 bytes:i64)* crc32:i64}.
 *
 * <p>A commit writes {@code manifest-N.pending}, fsyncs it, renames it to {@code manifest-N} and
 * fsyncs the directory; older generations are deleted afterwards. A torn or corrupt file fails
 * its checksum and the next lower generation is used.
 */
final class Manifest {
  private static final Logger LOG = Logger.getLogger(Manifest.class.getName());
  static final String FORMAT = "llmscope.manifest";
  /** Versions this build reads; it writes the current one. */
  static final int VERSION_START = 1;
  /** The first version in {@link Framing}. */
  static final int VERSION_FRAMED = 2;
  static final int VERSION_CURRENT = 2;
  /** Magic of version 1 ("LSMF", big-endian), which predates {@link Framing}. */
  private static final int V1_MAGIC = 0x4C534D46;
  static final String PREFIX = "manifest-";
  /** No WAL document is covered yet. */
  static final long NOTHING_COVERED = WriteAheadLog.NO_INDEX;

  record Entry(String name, String tenant, int rows, long minStart, long maxStart, long bytes) {}

  record Contents(long generation, long walCovered, List<Entry> segments) {
    static final Contents EMPTY = new Contents(0, NOTHING_COVERED, List.of());
  }

  private Manifest() {}

  /** Test hook: called between writing the pending file and renaming it. */
  interface CrashPoint {
    void reached(String where) throws IOException;
  }

  static void commit(Path dir, Contents c, CrashPoint crash) throws IOException {
    byte[] body = encode(c);
    Path pending = dir.resolve(PREFIX + c.generation() + ".pending");
    Path target = dir.resolve(PREFIX + c.generation());
    try (FileChannel ch = FileChannel.open(pending, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(body);
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(true);
    }
    crash.reached("manifest-pending-written");
    try {
      Files.move(pending, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(pending, target, StandardCopyOption.REPLACE_EXISTING);
    }
    Framing.fsyncDirectory(dir);
    crash.reached("manifest-renamed");
    // Older generations are history now.
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path f : files) {
        long gen = generationOf(f);
        if (gen >= 0 && gen < c.generation()) Files.deleteIfExists(f);
      }
    }
  }

  /** The newest valid manifest, or {@link Contents#EMPTY}; removes pending leftovers. */
  static Contents readLatest(Path dir) throws IOException {
    List<Long> gens = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path f : files) {
        if (f.getFileName().toString().endsWith(".pending")) {
          Files.deleteIfExists(f); // an interrupted commit: never became visible
          continue;
        }
        long gen = generationOf(f);
        if (gen >= 0) gens.add(gen);
      }
    }
    gens.sort((a, b) -> Long.compare(b, a));
    for (long gen : gens) {
      Path f = dir.resolve(PREFIX + gen);
      try {
        return decode(f, Files.readAllBytes(f));
      } catch (IOException e) {
        LOG.warning("skipping unreadable " + f + ": " + e.getMessage());
      }
    }
    return Contents.EMPTY;
  }

  private static long generationOf(Path f) {
    String n = f.getFileName().toString();
    if (!n.startsWith(PREFIX) || n.endsWith(".pending")) return -1;
    try {
      return Long.parseLong(n.substring(PREFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static byte[] encode(Contents c) {
    SegmentBytes.Out out = new SegmentBytes.Out(256 + 64 * c.segments().size());
    Framing.writeHeader(out, FORMAT, VERSION_CURRENT);
    out.i64(c.generation()).i64(c.walCovered()).i32(c.segments().size());
    for (Entry e : c.segments()) {
      out.utf8(e.name()).utf8(e.tenant()).i32(e.rows()).i64(e.minStart()).i64(e.maxStart()).i64(e.bytes());
    }
    Framing.writeFooter(out);
    return out.toArray();
  }

  static Contents decode(Path file, byte[] data) throws IOException {
    if (data.length >= 4 && ByteBuffer.wrap(data, 0, 4).getInt() == V1_MAGIC) return decodeV1(data);
    Framing.checkFooter(file, data);
    SegmentBytes.In in = new SegmentBytes.In(data, 0, data.length - Framing.FOOTER_LENGTH);
    Framing.checkHeader(file, in, FORMAT, VERSION_FRAMED, VERSION_CURRENT);
    try {
      long gen = in.i64();
      long covered = in.i64();
      int n = in.i32();
      List<Entry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) entries.add(new Entry(in.utf8(), in.utf8(), in.i32(), in.i64(), in.i64(), in.i64()));
      if (!in.atEnd()) throw new IOException("trailing bytes in " + file);
      return new Contents(gen, covered, List.copyOf(entries));
    } catch (IndexOutOfBoundsException e) {
      throw new IOException("truncated " + file, e);
    }
  }

  /** Version 1: big-endian, its own magic and trailing CRC. */
  private static Contents decodeV1(byte[] data) throws IOException {
    if (data.length < 8) throw new IOException("manifest too short");
    CRC32 crc = new CRC32();
    crc.update(data, 0, data.length - 8);
    long stored = ByteBuffer.wrap(data, data.length - 8, 8).getLong();
    if (stored != crc.getValue()) throw new IOException("manifest checksum mismatch");
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 8));
    if (in.readInt() != V1_MAGIC) throw new IOException("not a manifest");
    int version = in.readInt();
    if (version != 1) throw new IOException("unknown manifest version " + version);
    long gen = in.readLong();
    long covered = in.readLong();
    int n = in.readInt();
    List<Entry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(new Entry(in.readUTF(), in.readUTF(), in.readInt(), in.readLong(), in.readLong(), in.readLong()));
    }
    return new Contents(gen, covered, List.copyOf(entries));
  }
}
