package io.llmscope.storage;

import io.llmscope.storage.model.SpanFlags;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.SpanLink;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.LlmSpan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Binary form of a batch of spans, as written into one write-ahead-log document.
 *
 * <pre>
 * batch   := version:u8 tenant:utf8 count:stopbit span*
 * span    := flags:u8 traceHi:i64 traceLo:i64 spanId:i64 parent:i64 start:i64 end:i64
 *            dimMask:stopbit utf8* (one per set bit, Dim order)
 *            measureMask:stopbit f64* (one per set bit, Measure order)
 *            detailLength:i32 detail
 * detail  := map(attributes) map(resource) utf8 scopeName utf8 scopeVersion utf8 traceState
 *            utf8 statusMessage events links
 * value   := tag:u8 payload  (see TAG_*)
 * </pre>
 *
 * Strings are a stop-bit length (-1 for null) and UTF-8 bytes; map keys are a stop-bit
 * {@link KnownKeys} code, or 0 followed by the key as a string. A new version byte changes the layout.
 * The detail is length-prefixed so replay can skip it: the head keeps only its position in the
 * log ({@link #writeBatch} reports each span's detail offset) and reads it back on demand.
 */
final class SpanCodec {
  static final int VERSION = 2;

  private static final byte TAG_NULL = 0;
  private static final byte TAG_STRING = 1;
  private static final byte TAG_LONG = 2;
  private static final byte TAG_DOUBLE = 3;
  private static final byte TAG_TRUE = 4;
  private static final byte TAG_FALSE = 5;
  private static final byte TAG_BYTES = 6;
  private static final byte TAG_LIST = 7;
  private static final byte TAG_MAP = 8;

  private SpanCodec() {}

  /**
   * Writes a batch from the buffer's current position; {@code detailOffsets[i]} receives where
   * span i's detail starts, relative to that position.
   */
  static void writeBatch(Bytes<?> out, String tenant, List<LlmSpan> spans, int[] detailOffsets) {
    long base = out.writePosition();
    out.writeUnsignedByte(VERSION);
    writeString(out, tenant);
    out.writeStopBit(spans.size());
    for (int i = 0; i < spans.size(); i++) detailOffsets[i] = (int) (writeSpan(out, spans.get(i)) - base);
  }

  /**
   * Reads a batch without its details (they stay in the log); the visitor gets the tenant, the
   * spans (fresh instances, {@code detail} null) and each detail's offset from the batch start.
   */
  static void readBatch(Bytes<?> in, BatchVisitor visitor) {
    long base = in.readPosition();
    int version = in.readUnsignedByte();
    if (version != VERSION) throw new IllegalStateException("unknown WAL batch version " + version);
    String tenant = readString(in);
    int n = (int) in.readStopBit();
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

  interface BatchVisitor {
    void batch(String tenant, List<LlmSpan> spans, int[] detailOffsets);
  }

  /** Reads the detail whose offset in {@code document} {@link #writeBatch} reported. */
  static SpanDetail readDetailAt(byte[] document, int offset) {
    Bytes<byte[]> in = Bytes.wrapForRead(document);
    in.readPosition(offset + 4L); // skip the length
    return readDetail(in);
  }

  /** Writes one span; returns the absolute position where its detail starts. */
  static long writeSpan(Bytes<?> out, LlmSpan s) {
    out.writeUnsignedByte(SpanFlags.of(s));
    out.writeLong(s.traceIdHi);
    out.writeLong(s.traceIdLo);
    out.writeLong(s.spanId);
    out.writeLong(s.parentSpanId);
    out.writeLong(s.startNanos);
    out.writeLong(s.endNanos);
    long dimMask = 0;
    for (int i = 0; i < Dim.COUNT; i++) if (s.dims[i] != null) dimMask |= 1L << i;
    out.writeStopBit(dimMask);
    for (int i = 0; i < Dim.COUNT; i++) if (s.dims[i] != null) writeString(out, s.dims[i]);
    long mMask = 0;
    for (int i = 0; i < Measure.COUNT; i++) if (!Double.isNaN(s.measures[i])) mMask |= 1L << i;
    out.writeStopBit(mMask);
    for (int i = 0; i < Measure.COUNT; i++) if (!Double.isNaN(s.measures[i])) out.writeDouble(s.measures[i]);
    long detailAt = out.writePosition();
    out.writeInt(0);
    writeDetail(out, s.detail == null ? SpanDetail.EMPTY : s.detail);
    out.writeInt(detailAt, (int) (out.writePosition() - detailAt - 4));
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
    for (int i = 0; i < Dim.COUNT; i++) if ((dimMask & (1L << i)) != 0) s.dims[i] = readString(in);
    long mMask = in.readStopBit();
    for (int i = 0; i < Measure.COUNT; i++) if ((mMask & (1L << i)) != 0) s.measures[i] = in.readDouble();
    return s;
  }

  static void writeDetail(Bytes<?> out, SpanDetail d) {
    writeMap(out, d.attributes());
    writeMap(out, d.resource());
    writeString(out, d.scopeName());
    writeString(out, d.scopeVersion());
    writeString(out, d.traceState());
    writeString(out, d.statusMessage());
    out.writeStopBit(d.events().size());
    for (SpanEvent e : d.events()) {
      out.writeLong(e.timeNanos());
      writeString(out, e.name());
      writeMap(out, e.attributes());
    }
    out.writeStopBit(d.links().size());
    for (SpanLink l : d.links()) {
      out.writeLong(l.traceIdHi());
      out.writeLong(l.traceIdLo());
      out.writeLong(l.spanId());
      writeString(out, l.traceState());
      writeMap(out, l.attributes());
    }
  }

  static SpanDetail readDetail(Bytes<?> in) {
    Map<String, Object> attributes = readMap(in);
    Map<String, Object> resource = readMap(in);
    String scopeName = readString(in);
    String scopeVersion = readString(in);
    String traceState = readString(in);
    String statusMessage = readString(in);
    int ne = (int) in.readStopBit();
    List<SpanEvent> events = ne == 0 ? List.of() : new ArrayList<>(ne);
    for (int i = 0; i < ne; i++) events.add(new SpanEvent(in.readLong(), readString(in), readMap(in)));
    int nl = (int) in.readStopBit();
    List<SpanLink> links = nl == 0 ? List.of() : new ArrayList<>(nl);
    for (int i = 0; i < nl; i++) {
      links.add(new SpanLink(in.readLong(), in.readLong(), in.readLong(), readString(in), readMap(in)));
    }
    return new SpanDetail(attributes, resource, scopeName, scopeVersion, traceState, statusMessage, events, links);
  }

  // Chronicle's writeUtf8 inspects each String reflectively; the JDK's encoder is much faster.
  private static void writeString(Bytes<?> out, String s) {
    if (s == null) {
      out.writeStopBit(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeStopBit(b.length);
    out.write(b);
  }

  private static String readString(Bytes<?> in) {
    long n = in.readStopBit();
    if (n < 0) return null;
    byte[] b = new byte[Math.toIntExact(n)];
    in.read(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void writeMap(Bytes<?> out, Map<String, Object> map) {
    out.writeStopBit(map.size());
    for (Map.Entry<String, Object> e : map.entrySet()) {
      int code = KnownKeys.code(e.getKey());
      out.writeStopBit(code);
      if (code == 0) writeString(out, e.getKey());
      writeValue(out, e.getValue());
    }
  }

  private static Map<String, Object> readMap(Bytes<?> in) {
    int n = (int) in.readStopBit();
    if (n == 0) return Collections.emptyMap();
    Map<String, Object> m = new LinkedHashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      int code = (int) in.readStopBit();
      m.put(code == 0 ? readString(in) : KnownKeys.key(code), readValue(in));
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private static void writeValue(Bytes<?> out, Object v) {
    if (v == null) {
      out.writeByte(TAG_NULL);
    } else if (v instanceof String s) {
      out.writeByte(TAG_STRING);
      writeString(out, s);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      out.writeByte(TAG_LONG);
      out.writeLong(((Number) v).longValue());
    } else if (v instanceof Number n) {
      out.writeByte(TAG_DOUBLE);
      out.writeDouble(n.doubleValue());
    } else if (v instanceof Boolean b) {
      out.writeByte(b ? TAG_TRUE : TAG_FALSE);
    } else if (v instanceof byte[] b) {
      out.writeByte(TAG_BYTES);
      out.writeStopBit(b.length);
      out.write(b);
    } else if (v instanceof List<?> list) {
      out.writeByte(TAG_LIST);
      out.writeStopBit(list.size());
      for (Object o : list) writeValue(out, o);
    } else if (v instanceof Map<?, ?> map) {
      out.writeByte(TAG_MAP);
      writeMap(out, (Map<String, Object>) map);
    } else {
      out.writeByte(TAG_STRING);
      writeString(out, v.toString());
    }
  }

  private static Object readValue(Bytes<?> in) {
    byte tag = in.readByte();
    switch (tag) {
      case TAG_NULL: return null;
      case TAG_STRING: return readString(in);
      case TAG_LONG: return in.readLong();
      case TAG_DOUBLE: return in.readDouble();
      case TAG_TRUE: return Boolean.TRUE;
      case TAG_FALSE: return Boolean.FALSE;
      case TAG_BYTES: {
        byte[] b = new byte[(int) in.readStopBit()];
        in.read(b);
        return b;
      }
      case TAG_LIST: {
        int n = (int) in.readStopBit();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) list.add(readValue(in));
        return list;
      }
      case TAG_MAP: return readMap(in);
      default: throw new IllegalStateException("corrupt WAL value tag " + tag);
    }
  }
}
