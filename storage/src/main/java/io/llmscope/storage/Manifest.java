package io.llmscope.storage;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
 * <p>File {@code manifest-N} (N = generation, the highest valid one wins):
 * <pre>
 * magic:i32 "LSMF" version:i32 generation:i64 walCovered:i64 count:i32
 *   (name:utf tenant:utf rows:i32 minStart:i64 maxStart:i64 bytes:i64)*
 * crc32:i64 of everything before it
 * </pre>
 * A commit writes {@code manifest-N.pending}, fsyncs it, renames it to {@code manifest-N} and
 * fsyncs the directory; older generations are deleted afterwards. A torn or corrupt file fails
 * its checksum and the next lower generation is used.
 */
final class Manifest {
  private static final Logger LOG = Logger.getLogger(Manifest.class.getName());
  private static final int MAGIC = 0x4C534D46; // "LSMF"
  private static final int VERSION = 1;
  static final String PREFIX = "manifest-";
  /** No WAL document is covered yet. */
  static final long NOTHING_COVERED = io.llmscope.storage.wal.WriteAheadLog.NO_INDEX;

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
    fsyncDirectory(dir);
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
        return decode(Files.readAllBytes(f));
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

  static byte[] encode(Contents c) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(c.generation());
    out.writeLong(c.walCovered());
    out.writeInt(c.segments().size());
    for (Entry e : c.segments()) {
      out.writeUTF(e.name());
      out.writeUTF(e.tenant());
      out.writeInt(e.rows());
      out.writeLong(e.minStart());
      out.writeLong(e.maxStart());
      out.writeLong(e.bytes());
    }
    out.flush();
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    out.writeLong(crc.getValue());
    out.flush();
    return bytes.toByteArray();
  }

  static Contents decode(byte[] data) throws IOException {
    if (data.length < 8) throw new IOException("manifest too short");
    CRC32 crc = new CRC32();
    crc.update(data, 0, data.length - 8);
    long stored = ByteBuffer.wrap(data, data.length - 8, 8).getLong();
    if (stored != crc.getValue()) throw new IOException("manifest checksum mismatch");
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data, 0, data.length - 8));
    if (in.readInt() != MAGIC) throw new IOException("not a manifest");
    int version = in.readInt();
    if (version != VERSION) throw new IOException("unknown manifest version " + version);
    long gen = in.readLong();
    long covered = in.readLong();
    int n = in.readInt();
    List<Entry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(new Entry(in.readUTF(), in.readUTF(), in.readInt(), in.readLong(), in.readLong(), in.readLong()));
    }
    return new Contents(gen, covered, List.copyOf(entries));
  }

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
