package io.llmscope.storage.format;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Reads of stored files that check what they read, in one place (Lucene's checksummed inputs):
 * a missing file, a size that differs from the one recorded, a region out of bounds and a CRC32
 * mismatch all become a {@link CorruptSegmentException} naming the file.
 */
public final class CheckedRead {
  private CheckedRead() {}

  /** A whole file, whose length and CRC32 must be the recorded ones. */
  public static byte[] whole(Path file, long length, long crc) throws IOException {
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CorruptSegmentException(file, "missing", e);
    }
    if (b.length != length) throw new CorruptSegmentException(file, b.length + " bytes, expected " + length);
    checkCrc(file, b, crc, "file");
    return b;
  }

  /** One region of a file, whose CRC32 must be {@code crc}. */
  public static byte[] region(Path file, long offset, int length, long crc) throws IOException {
    byte[] b = regions(file, -1, new long[] {offset}, new int[] {length})[0];
    checkCrc(file, b, crc, "region at " + offset);
    return b;
  }

  /**
   * Several regions of one file, read through one channel; when {@code expectedSize} is not -1
   * the file must have that size. The caller checks each region's CRC.
   */
  public static byte[][] regions(Path file, long expectedSize, long[] offsets, int[] lengths) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (expectedSize >= 0 && size != expectedSize) {
        throw new CorruptSegmentException(file, "size " + size + ", expected " + expectedSize);
      }
      byte[][] out = new byte[offsets.length][];
      for (int i = 0; i < offsets.length; i++) {
        if (offsets[i] < 0 || lengths[i] < 0 || offsets[i] + lengths[i] > size) {
          throw new CorruptSegmentException(file, "region out of bounds at " + offsets[i]);
        }
        out[i] = readFully(ch, offsets[i], lengths[i], file);
      }
      return out;
    } catch (NoSuchFileException e) {
      throw new CorruptSegmentException(file, "missing", e);
    }
  }

  public static byte[] readFully(FileChannel ch, long pos, int len, Path file) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len);
    while (b.hasRemaining()) {
      int r = ch.read(b, pos + b.position());
      if (r < 0) throw new CorruptSegmentException(file, "truncated");
    }
    return b.array();
  }

  /** The CRC32 of bytes [0, end) of an open file, streamed (the file may be large). */
  public static long crcOf(FileChannel ch, long end, Path file) throws IOException {
    CRC32 crc = new CRC32();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    long pos = 0;
    while (pos < end) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), end - pos));
      int r = ch.read(buf, pos);
      if (r < 0) throw new CorruptSegmentException(file, "truncated");
      crc.update(buf.array(), 0, r);
      pos += r;
    }
    return crc.getValue();
  }

  public static void checkCrc(Path file, byte[] b, long expected, String what) throws CorruptSegmentException {
    CRC32 c = new CRC32();
    c.update(b);
    if (c.getValue() != expected) throw new CorruptSegmentException(file, "checksum mismatch in " + what);
  }

  /** ZSTD-decompresses a block that must expand to exactly {@code rawLength} bytes. */
  public static byte[] decompress(Path file, byte[] z, int rawLength) throws CorruptSegmentException {
    try {
      byte[] raw = Zstd.decompress(z, rawLength);
      if (raw.length != rawLength) throw new CorruptSegmentException(file, "decompressed " + raw.length + " bytes, expected " + rawLength);
      return raw;
    } catch (RuntimeException e) {
      throw new CorruptSegmentException(file, "bad ZSTD block: " + e.getMessage(), e);
    }
  }
}
