package io.llmscope.storage.wal;

import io.llmscope.storage.format.DetailCodec;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The WAL batch format: a batch of spans as written into one write-ahead-log document. This
 * class owns its versions; {@link #readBatch} reads every version from {@link #VERSION_START} to
 * {@link #VERSION_CURRENT}, so documents an older build wrote replay after an upgrade.
 *
 * <pre>
 * batch   := version:u8 crc:i32 tenant:str count:stopbit span*   (v3, v4; v2 had no crc)
 * span    := flags:u8 (SpanFlags) traceHi:i64 traceLo:i64 spanId:i64 parent:i64 start:i64 end:i64
 *            dimMask:stopbit str* (one per set bit, Dim order)
 *            measureMask:stopbit f64* (one per set bit, Measure order)
 *            detailLength:i32 detail   (DetailCodec; from v4 its values may refer to this span's
 *            dims and measures)
 * </pre>
 *
 * Strings ({@code str}) are a stop-bit length (-1 for null) and UTF-8 bytes; integers are
 * little-endian; stop-bit is Chronicle's encoding ({@link SegmentBytes.Out#stopBit}), written into
 * a plain array and read back by replay with Chronicle's {@code readStopBit}. The detail is
 * length-prefixed so replay can skip it: the head keeps
 * only its position in the log ({@link #writeBatch} reports each span's detail offset) and reads
 * it back, or sealing copies it into the segment, on demand. The CRC-32C covers every byte after
 * it, so replay tells a damaged record from an intact one ({@link DamagedRecordException}) instead
 * of reading flipped bits as token counts. Version 1 predates this project's first release and is
 * not read.
 */
public final class SpanCodec {
  public static final int VERSION_START = 2;
  public static final int VERSION_CURRENT = 4;
  private static final int VERSION_CRC = 3;

  private SpanCodec() {}

  /**
   * Writes a batch from the buffer's current position; {@code detailOffsets[i]} receives where
   * span i's detail starts, relative to that position.
   */
  public static void writeBatch(SegmentBytes.Out out, String tenant, List<LlmSpan> spans, int[] detailOffsets) {
    int base = out.pos;
    out.u8(VERSION_CURRENT).i32(0).stopBitUtf8(tenant).stopBit(spans.size());
    for (int i = 0; i < spans.size(); i++) detailOffsets[i] = writeSpan(out, spans.get(i)) - base;
    out.i32At(base + 1, crc(out.buf, base + 5, out.pos));
  }

  /** The CRC-32C of bytes [from, to) of an array. */
  public static int crc(byte[] bytes, int from, int to) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, from, to - from);
    return (int) crc.getValue();
  }

  /** The CRC-32C of bytes [from, to) of a buffer, as the WAL formats store it (ScoreCodec too). */
  public static int crc(Bytes<?> bytes, long from, long to) {
    if (bytes.bytesStore().underlyingObject() instanceof byte[] array) {
      return crc(array, Math.toIntExact(from), Math.toIntExact(to));
    }
    CRC32C crc = new CRC32C();
    byte[] chunk = new byte[(int) Math.min(8192, Math.max(0, to - from))];
    for (long p = from; p < to; ) {
      int n = (int) Math.min(chunk.length, to - p);
      bytes.read(p, chunk, 0, n);
      crc.update(chunk, 0, n);
      p += n;
    }
    return (int) crc.getValue();
  }

  /**
   * Reads a batch without its details (they stay in the log); the visitor gets the tenant, the
   * spans (fresh instances, {@code detail} null) and each detail's offset from the batch start.
   */
  public static void readBatch(Bytes<?> in, BatchVisitor visitor) {
    long base = in.readPosition();
    int version = in.readUnsignedByte();
    if (version < VERSION_START || version > VERSION_CURRENT) {
      throw new DamagedRecordException("unknown WAL batch version " + version + " (this build reads " + VERSION_START
          + " to " + VERSION_CURRENT + ")");
    }
    if (version >= VERSION_CRC) {
      int stored = in.readInt();
      int actual = crc(in, base + 5, in.readLimit());
      if (stored != actual) {
        throw new DamagedRecordException("WAL batch checksum mismatch: stored " + Integer.toHexString(stored)
            + ", computed " + Integer.toHexString(actual));
      }
    }
    try {
      readSpans(in, base, visitor);
    } catch (RuntimeException e) {
      // Only a version-2 record (no checksum) or a bug gets here.
      throw new DamagedRecordException("undecodable WAL batch: " + e, e);
    }
  }

  private static void readSpans(Bytes<?> in, long base, BatchVisitor visitor) {
    String tenant = DetailCodec.readString(in);
    int n = (int) in.readStopBit();
    if (n < 0 || n > in.readRemaining()) throw new IllegalStateException("bad span count " + n);
    List<LlmSpan> spans = new ArrayList<>(n);
    int[] offsets = new int[n];
    for (int i = 0; i < n; i++) {
      LlmSpan s = readSpanHeader(in);
      offsets[i] = (int) (in.readPosition() - base);
      in.readSkip(in.readInt());
      s.detail = null;
      spans.add(s);
    }
    visitor.batch(tenant, spans, offsets);
  }

  /** A record that is not an intact batch: replay sets it aside and goes on. */
  public static final class DamagedRecordException extends RuntimeException {
    public DamagedRecordException(String message) {
      super(message);
    }

    public DamagedRecordException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public interface BatchVisitor {
    void batch(String tenant, List<LlmSpan> spans, int[] detailOffsets);
  }

  /** Writes one span; returns the position in {@code out} where its detail starts. */
  private static int writeSpan(SegmentBytes.Out out, LlmSpan s) {
    out.u8(SpanFlags.of(s)).i64(s.traceIdHi).i64(s.traceIdLo).i64(s.spanId).i64(s.parentSpanId)
        .i64(s.startNanos).i64(s.endNanos);
    long dimMask = 0;
    for (int i = 0; i < Dim.COUNT; i++) if (s.dims[i] != null) dimMask |= 1L << i;
    out.stopBit(dimMask);
    for (int i = 0; i < Dim.COUNT; i++) if (s.dims[i] != null) out.stopBitUtf8(s.dims[i]);
    long mMask = 0;
    for (int i = 0; i < Measure.COUNT; i++) if (!Double.isNaN(s.measures[i])) mMask |= 1L << i;
    out.stopBit(mMask);
    for (int i = 0; i < Measure.COUNT; i++) if (!Double.isNaN(s.measures[i])) out.f64(s.measures[i]);
    int detailAt = out.pos;
    out.i32(0);
    DetailCodec.writeDetail(out, s.detail == null ? SpanDetail.EMPTY : s.detail, s);
    out.i32At(detailAt, out.pos - detailAt - 4);
    return detailAt;
  }

  private static LlmSpan readSpanHeader(Bytes<?> in) {
    LlmSpan s = new LlmSpan();
    int flags = in.readUnsignedByte();
    SpanFlags.apply(flags, s);
    s.traceIdHi = in.readLong();
    s.traceIdLo = in.readLong();
    s.spanId = in.readLong();
    s.parentSpanId = in.readLong();
    s.startNanos = in.readLong();
    s.endNanos = in.readLong();
    long dimMask = in.readStopBit();
    for (int i = 0; i < Dim.COUNT; i++) if ((dimMask & (1L << i)) != 0) s.dims[i] = DetailCodec.readString(in);
    long mMask = in.readStopBit();
    for (int i = 0; i < Measure.COUNT; i++) if ((mMask & (1L << i)) != 0) s.measures[i] = in.readDouble();
    return s;
  }
}
