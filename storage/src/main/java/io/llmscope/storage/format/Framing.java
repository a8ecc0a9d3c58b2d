package io.llmscope.storage.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The framing every LLMScope file of its own shares, in the Lucene manner ({@code CodecUtil}):
 * a header naming the format and its version, and a checksummed footer. Used by a segment's
 * {@code index.bin}, {@code detail.bin} and {@code rollup.bin} and by the manifest; each format's
 * owner class names its format string and its versions, and tells {@link #checkHeader} which
 * versions it reads.
 *
 * <pre>
 * header := magic:i32 (0x47534C4C, "LLSG") nameLength:u8 name:ascii version:i32
 * footer := footerMagic:i32 (~magic) algorithm:i32 (0 = CRC32) checksum:i64
 * </pre>
 *
 * The checksum is the CRC32 of every byte of the file before the checksum field (so it covers
 * the footer magic and algorithm too). All integers are little-endian. Arrow column files are
 * standard Arrow IPC files and carry no extra framing: their length and whole-file CRC32 are
 * recorded in {@code index.bin} and checked when a column is read ({@link CheckedRead}).
 */
public final class Framing {
  public static final int MAGIC = 0x47534C4C;
  public static final int FOOTER_MAGIC = ~MAGIC;
  public static final int FOOTER_LENGTH = 16;

  private Framing() {}

  public static int headerLength(String name) {
    return 4 + 1 + name.length() + 4;
  }

  public static void writeHeader(SegmentBytes.Out out, String name, int version) {
    out.i32(MAGIC).u8(name.length());
    byte[] b = name.getBytes(StandardCharsets.US_ASCII);
    out.bytes(b, 0, b.length).i32(version);
  }

  /**
   * Checks the header at the cursor, leaves the cursor after it, and returns the file's version,
   * which must lie in [{@code minVersion}, {@code maxVersion}] (the versions its reader knows).
   */
  public static int checkHeader(Path file, SegmentBytes.In in, String name, int minVersion, int maxVersion)
      throws CorruptSegmentException {
    try {
      int magic = in.i32();
      if (magic != MAGIC) throw new CorruptSegmentException(file, "bad magic " + Integer.toHexString(magic));
      int n = in.u8();
      String actual = new String(in.buf, in.pos, Math.min(n, in.end - in.pos), StandardCharsets.US_ASCII);
      in.pos += n;
      if (!actual.equals(name)) throw new CorruptSegmentException(file, "format '" + actual + "', expected '" + name + "'");
      int version = in.i32();
      if (version < minVersion || version > maxVersion) {
        throw new CorruptSegmentException(file, "unsupported " + name + " version " + version + " (this build reads "
            + (minVersion == maxVersion ? "version " + minVersion : "versions " + minVersion + " to " + maxVersion) + ")");
      }
      return version;
    } catch (IndexOutOfBoundsException e) {
      throw new CorruptSegmentException(file, "truncated header", e);
    }
  }

  /** Appends the footer to a file built whole in memory (the checksum covers all before it). */
  public static void writeFooter(SegmentBytes.Out out) {
    out.i32(FOOTER_MAGIC).i32(0);
    CRC32 crc = new CRC32();
    crc.update(out.buf, 0, out.size());
    out.i64(crc.getValue());
  }

  /** Checks footer magic and checksum of a file held whole in memory. */
  public static void checkFooter(Path file, byte[] whole) throws CorruptSegmentException {
    if (whole.length < FOOTER_LENGTH) throw new CorruptSegmentException(file, "too short for a footer");
    SegmentBytes.In in = new SegmentBytes.In(whole, whole.length - FOOTER_LENGTH, FOOTER_LENGTH);
    int magic = in.i32();
    int algorithm = in.i32();
    long expected = in.i64();
    if (magic != FOOTER_MAGIC || algorithm != 0) throw new CorruptSegmentException(file, "bad footer");
    CRC32 crc = new CRC32();
    crc.update(whole, 0, whole.length - 8);
    if (crc.getValue() != expected) {
      throw new CorruptSegmentException(file, "checksum mismatch: stored " + Long.toHexString(expected)
          + ", computed " + Long.toHexString(crc.getValue()));
    }
  }

  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * A new file written sequentially through a buffer, counting its bytes and their CRC32. Also a
   * {@link WritableByteChannel} so Arrow's writer can write through it ({@code close()} of the
   * channel view is a no-op; {@link #finish} syncs and closes).
   */
  public static final class Output implements WritableByteChannel {
    private final Path path;
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    private final CRC32 crc = new CRC32();
    private long length;

    public Output(Path path) throws IOException {
      this.path = path;
      this.ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** A new framed file, its header (format {@code name}, {@code version}) already written. */
    public static Output framed(Path path, String name, int version) throws IOException {
      Output out = new Output(path);
      SegmentBytes.Out header = new SegmentBytes.Out(headerLength(name));
      writeHeader(header, name, version);
      try {
        out.write(header);
      } catch (IOException | RuntimeException e) {
        out.abort();
        throw e;
      }
      return out;
    }

    public Path path() {
      return path;
    }

    public long position() {
      return length;
    }

    public void write(byte[] b, int off, int len) throws IOException {
      crc.update(b, off, len);
      length += len;
      while (len > 0) {
        int n = Math.min(len, buf.remaining());
        buf.put(b, off, n);
        off += n;
        len -= n;
        if (!buf.hasRemaining()) flush();
      }
    }

    public void write(SegmentBytes.Out out) throws IOException {
      write(out.buf, 0, out.pos);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int n = src.remaining();
      if (src.hasArray()) {
        write(src.array(), src.arrayOffset() + src.position(), n);
        src.position(src.limit());
      } else {
        byte[] tmp = new byte[Math.min(n, 1 << 16)];
        while (src.hasRemaining()) {
          int k = Math.min(tmp.length, src.remaining());
          src.get(tmp, 0, k);
          write(tmp, 0, k);
        }
      }
      return n;
    }

    private void flush() throws IOException {
      buf.flip();
      while (buf.hasRemaining()) ch.write(buf);
      buf.clear();
    }

    /** Appends the checksummed footer; returns the checksum it stores. */
    public long writeFooter() throws IOException {
      SegmentBytes.Out f = new SegmentBytes.Out(16);
      f.i32(FOOTER_MAGIC).i32(0);
      write(f);
      long sum = crc.getValue();
      f.pos = 0;
      f.i64(sum);
      write(f);
      return sum;
    }

    /** Flushes, fsyncs and closes; returns the whole-file CRC32. */
    public long finish() throws IOException {
      flush();
      ch.force(true);
      ch.close();
      return crc.getValue();
    }

    public long crc() {
      return crc.getValue();
    }

    public long length() {
      return length;
    }

    @Override
    public boolean isOpen() {
      return ch.isOpen();
    }

    @Override
    public void close() {
      // Arrow's writer closes its channel; the file is closed by finish() or abort().
    }

    public void abort() {
      try {
        ch.close();
      } catch (IOException ignored) {
        // the write already failed; the caller reports that
      }
    }
  }
}
