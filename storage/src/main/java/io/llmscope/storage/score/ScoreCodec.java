package io.llmscope.storage.score;

import io.llmscope.storage.format.DetailCodec;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.model.Score;
import io.llmscope.storage.wal.SpanCodec;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The score WAL batch format, owner of its versions.
 *
 * <pre>
 * batch  := version:u8 (1) crc:i32 tenant:str count:stopbit score*
 * score  := traceHi:i64 traceLo:i64 spanId:i64 timestampMs:i64 value:f64
 *           name:str label:str comment:str source:str id:str      (str as in DetailCodec, -1 length for null)
 * </pre>
 *
 * The CRC-32C covers every byte after it, so replay tells a damaged record from an intact one.
 */
public final class ScoreCodec {
  static final int VERSION = 1;

  private ScoreCodec() {}

  public static void writeBatch(SegmentBytes.Out out, String tenant, List<Score> scores) {
    int base = out.pos;
    out.u8(VERSION).i32(0).stopBitUtf8(tenant).stopBit(scores.size());
    for (Score s : scores) {
      out.i64(s.traceIdHi()).i64(s.traceIdLo()).i64(s.spanId()).i64(s.timestampMs()).f64(s.value())
          .stopBitUtf8(s.name()).stopBitUtf8(s.label()).stopBitUtf8(s.comment()).stopBitUtf8(s.source())
          .stopBitUtf8(s.id());
    }
    out.i32At(base + 1, SpanCodec.crc(out.buf, base + 5, out.pos));
  }

  /** A decoded batch. */
  public record Batch(String tenant, List<Score> scores) {}

  /** Reads one batch; throws {@link SpanCodec.DamagedRecordException} when it is not intact. */
  public static Batch readBatch(Bytes<?> in) {
    long base = in.readPosition();
    int version = in.readUnsignedByte();
    if (version != VERSION) throw new SpanCodec.DamagedRecordException("unknown score batch version " + version);
    int stored = in.readInt();
    int actual = SpanCodec.crc(in, base + 5, in.readLimit());
    if (stored != actual) throw new SpanCodec.DamagedRecordException("score batch checksum mismatch");
    try {
      String tenant = DetailCodec.readString(in);
      int n = (int) in.readStopBit();
      if (n < 0 || n > in.readRemaining()) throw new IllegalStateException("bad score count " + n);
      List<Score> scores = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long hi = in.readLong();
        long lo = in.readLong();
        long span = in.readLong();
        long ts = in.readLong();
        double value = in.readDouble();
        scores.add(new Score(hi, lo, span, DetailCodec.readString(in), value, DetailCodec.readString(in),
            DetailCodec.readString(in), DetailCodec.readString(in), ts, DetailCodec.readString(in)));
      }
      return new Batch(tenant, scores);
    } catch (RuntimeException e) { // a bug: the checksum held
      throw new SpanCodec.DamagedRecordException("undecodable score batch: " + e, e);
    }
  }
}
