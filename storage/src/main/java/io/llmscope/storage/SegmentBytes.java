package io.llmscope.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Little-endian byte encoding for the segment's own files ({@code index.bin}, {@code detail.bin}):
 * a growable output buffer and a bounds-checked input cursor. Varints are unsigned LEB128.
 */
final class SegmentBytes {
  private SegmentBytes() {}

  /** A growable little-endian output buffer. */
  static final class Out {
    byte[] buf;
    int pos;

    Out(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    void ensure(int n) {
      if (pos + n > buf.length) buf = Arrays.copyOf(buf, Math.max(pos + n, buf.length * 2));
    }

    Out u8(int v) {
      ensure(1);
      buf[pos++] = (byte) v;
      return this;
    }

    Out i32(int v) {
      ensure(4);
      buf[pos] = (byte) v;
      buf[pos + 1] = (byte) (v >>> 8);
      buf[pos + 2] = (byte) (v >>> 16);
      buf[pos + 3] = (byte) (v >>> 24);
      pos += 4;
      return this;
    }

    Out i64(long v) {
      i32((int) v);
      return i32((int) (v >>> 32));
    }

    Out varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
      return this;
    }

    Out bytes(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, pos, len);
      pos += len;
      return this;
    }

    /** A string as varint length + UTF-8; null as length 0 is not distinguished, so never null. */
    Out utf8(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length);
      return bytes(b, 0, b.length);
    }

    int size() {
      return pos;
    }

    byte[] toArray() {
      return Arrays.copyOf(buf, pos);
    }
  }

  /** A bounds-checked little-endian cursor; a read past the end throws {@link IndexOutOfBoundsException}. */
  static final class In {
    final byte[] buf;
    int pos;
    final int end;

    In(byte[] buf) {
      this(buf, 0, buf.length);
    }

    In(byte[] buf, int off, int len) {
      this.buf = buf;
      this.pos = off;
      this.end = off + len;
    }

    private void need(int n) {
      if (n < 0 || pos + n > end) throw new IndexOutOfBoundsException("read past end at " + pos);
    }

    int u8() {
      need(1);
      return buf[pos++] & 0xFF;
    }

    int i32() {
      need(4);
      int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
      pos += 4;
      return v;
    }

    long i64() {
      long lo = i32() & 0xFFFFFFFFL;
      return lo | ((long) i32() << 32);
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = u8();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) return v;
      }
      throw new IndexOutOfBoundsException("varint too long at " + pos);
    }

    int varint32() {
      long v = varint();
      if (v < 0 || v > Integer.MAX_VALUE) throw new IndexOutOfBoundsException("varint out of int range at " + pos);
      return (int) v;
    }

    String utf8() {
      int n = varint32();
      need(n);
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    boolean atEnd() {
      return pos == end;
    }
  }
}
