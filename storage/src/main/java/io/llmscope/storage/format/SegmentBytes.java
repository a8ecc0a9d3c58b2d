package io.llmscope.storage.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Little-endian byte encoding for the segment's own files ({@code index.bin}, {@code detail.bin}):
 * a growable output buffer and a bounds-checked input cursor. Varints are unsigned LEB128.
 */
public final class SegmentBytes {
  private SegmentBytes() {}

  /** A growable little-endian output buffer. */
  public static final class Out {
    public byte[] buf;
    public int pos;

    public Out(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    public void ensure(int n) {
      if (pos + n > buf.length) buf = Arrays.copyOf(buf, Math.max(pos + n, buf.length * 2));
    }

    public Out u8(int v) {
      ensure(1);
      buf[pos++] = (byte) v;
      return this;
    }

    public Out i32(int v) {
      ensure(4);
      buf[pos] = (byte) v;
      buf[pos + 1] = (byte) (v >>> 8);
      buf[pos + 2] = (byte) (v >>> 16);
      buf[pos + 3] = (byte) (v >>> 24);
      pos += 4;
      return this;
    }

    public Out i64(long v) {
      i32((int) v);
      return i32((int) (v >>> 32));
    }

    public Out varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
      return this;
    }

    public Out bytes(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, pos, len);
      pos += len;
      return this;
    }

    /** A string as varint length + UTF-8; null as length 0 is not distinguished, so never null. */
    public Out utf8(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length);
      return bytes(b, 0, b.length);
    }

    public int size() {
      return pos;
    }

    public byte[] toArray() {
      return Arrays.copyOf(buf, pos);
    }
  }

  /** A bounds-checked little-endian cursor; a read past the end throws {@link IndexOutOfBoundsException}. */
  public static final class In {
    public final byte[] buf;
    public int pos;
    public final int end;

    public In(byte[] buf) {
      this(buf, 0, buf.length);
    }

    public In(byte[] buf, int off, int len) {
      this.buf = buf;
      this.pos = off;
      this.end = off + len;
    }

    private void need(int n) {
      if (n < 0 || pos + n > end) throw new IndexOutOfBoundsException("read past end at " + pos);
    }

    public int u8() {
      need(1);
      return buf[pos++] & 0xFF;
    }

    public int i32() {
      need(4);
      int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
      pos += 4;
      return v;
    }

    public long i64() {
      long lo = i32() & 0xFFFFFFFFL;
      return lo | ((long) i32() << 32);
    }

    public long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = u8();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) return v;
      }
      throw new IndexOutOfBoundsException("varint too long at " + pos);
    }

    public int varint32() {
      long v = varint();
      if (v < 0 || v > Integer.MAX_VALUE) throw new IndexOutOfBoundsException("varint out of int range at " + pos);
      return (int) v;
    }

    public String utf8() {
      int n = varint32();
      need(n);
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    public boolean atEnd() {
      return pos == end;
    }
  }
}
