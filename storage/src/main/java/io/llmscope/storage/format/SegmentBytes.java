package io.llmscope.storage.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Little-endian byte encoding for the segment's own files ({@code index.bin}, {@code detail.bin})
 * and the WAL's records: a growable output buffer and a bounds-checked input cursor. Varints are
 * unsigned LEB128; {@link Out#stopBit} is Chronicle's signed variant, which WAL replay reads.
 */
public final class SegmentBytes {
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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
      INT.set(buf, pos, v);
      pos += 4;
      return this;
    }

    /** Overwrites the four bytes at {@code at} (a length or checksum reserved earlier). */
    public void i32At(int at, int v) {
      INT.set(buf, at, v);
    }

    public Out i64(long v) {
      ensure(8);
      LONG.set(buf, pos, v);
      pos += 8;
      return this;
    }

    public Out f64(double v) {
      return i64(Double.doubleToRawLongBits(v));
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

    /**
     * Chronicle's stop-bit encoding, which its {@code readStopBit} reads (the WAL records): as
     * {@link #varint} for n >= 0; for n < 0, ~n in 7-bit groups that all carry the stop bit, then
     * a 0 byte (-1 is 0x80 0x00).
     */
    public Out stopBit(long n) {
      ensure(10);
      long v = n < 0 ? ~n : n;
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      if (n < 0) {
        buf[pos++] = (byte) (v | 0x80);
        buf[pos++] = 0;
      } else {
        buf[pos++] = (byte) v;
      }
      return this;
    }

    /**
     * A string as the WAL writes it: stop-bit length (-1 for null) and UTF-8. ASCII, nearly every
     * key and value, is copied without an intermediate array.
     */
    public Out stopBitUtf8(String s) {
      if (s == null) return stopBit(-1);
      int n = s.length();
      int start = pos;
      stopBit(n);
      ensure(n);
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          pos = start;
          byte[] b = s.getBytes(StandardCharsets.UTF_8);
          stopBit(b.length);
          return bytes(b, 0, b.length);
        }
        buf[pos + i] = (byte) c;
      }
      pos += n;
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
      int v = (int) INT.get(buf, pos);
      pos += 4;
      return v;
    }

    public long i64() {
      need(8);
      long v = (long) LONG.get(buf, pos);
      pos += 8;
      return v;
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
