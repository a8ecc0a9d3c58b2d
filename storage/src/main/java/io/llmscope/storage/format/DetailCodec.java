package io.llmscope.storage.format;

import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.model.SpanLink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The binary form of a span's {@link SpanDetail}, shared by the WAL batch (each span's detail,
 * length-prefixed) and the blocks of a segment's {@code detail.bin}: sealing copies these bytes
 * from the WAL into the segment as they are.
 *
 * <pre>
 * detail  := map(attributes) map(resource) str(scopeName) str(scopeVersion) str(traceState)
 *            str(statusMessage) count:stopbit event* count:stopbit link* [dropped]
 * dropped := attributes:stopbit events:stopbit links:stopbit   (only when one is non-zero)
 * event   := time:i64 str(name) map(attributes)
 * link    := traceHi:i64 traceLo:i64 spanId:i64 str(traceState) map(attributes)
 * map     := count:stopbit (code:stopbit [str(key) if code = 0] value)*   code: {@link KnownKeys}
 * value   := tag:u8 payload   (tags below: null, str, i64, f64, true, false, bytes, list, map)
 * str     := length:stopbit (-1 for null) UTF-8 bytes
 * </pre>
 *
 * The encoding has no version of its own: it is versioned by the files that embed it (the WAL
 * batch version, detail.bin's version). Tags and {@link KnownKeys} codes only ever grow. Both
 * embedders delimit each detail, so an optional trailer such as {@code dropped} is read when bytes
 * remain after the links: details written before it existed read as nothing dropped, and builds
 * before it stop at the links.
 */
public final class DetailCodec {
  private static final byte TAG_NULL = 0;
  private static final byte TAG_STRING = 1;
  private static final byte TAG_LONG = 2;
  private static final byte TAG_DOUBLE = 3;
  private static final byte TAG_TRUE = 4;
  private static final byte TAG_FALSE = 5;
  private static final byte TAG_BYTES = 6;
  private static final byte TAG_LIST = 7;
  private static final byte TAG_MAP = 8;

  private DetailCodec() {}

  /**
   * Appends the encoded detail whose length prefix sits {@code offset} bytes into
   * {@code document} (from its read position, e.g. a WAL batch) to {@code out}, without decoding.
   */
  public static void copyAt(Bytes<?> document, int offset, SegmentBytes.Out out) {
    long at = document.readPosition() + offset;
    int length = document.readInt(at);
    if (length < 0 || at + 4 + length > document.readLimit()) {
      throw new IllegalStateException("bad detail length " + length + " at " + offset);
    }
    out.ensure(length);
    document.readPosition(at + 4);
    document.read(out.buf, out.pos, length);
    out.pos += length;
  }

  /** Reads the detail whose offset in {@code document} a writer reported (the offset of its length prefix). */
  public static SpanDetail readDetailAt(byte[] document, int offset) {
    Bytes<byte[]> in = Bytes.wrapForRead(document);
    int length = in.readInt(offset);
    in.readPositionRemaining(offset + 4L, length);
    return readDetail(in);
  }

  public static void writeDetail(SegmentBytes.Out out, SpanDetail d) {
    writeMap(out, d.attributes());
    writeMap(out, d.resource());
    out.stopBitUtf8(d.scopeName());
    out.stopBitUtf8(d.scopeVersion());
    out.stopBitUtf8(d.traceState());
    out.stopBitUtf8(d.statusMessage());
    out.stopBit(d.events().size());
    for (SpanEvent e : d.events()) {
      out.i64(e.timeNanos());
      out.stopBitUtf8(e.name());
      writeMap(out, e.attributes());
    }
    out.stopBit(d.links().size());
    for (SpanLink l : d.links()) {
      out.i64(l.traceIdHi());
      out.i64(l.traceIdLo());
      out.i64(l.spanId());
      out.stopBitUtf8(l.traceState());
      writeMap(out, l.attributes());
    }
    if (d.droppedAny()) {
      out.stopBit(d.droppedAttributes());
      out.stopBit(d.droppedEvents());
      out.stopBit(d.droppedLinks());
    }
  }

  public static SpanDetail readDetail(Bytes<?> in) {
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
    if (in.readRemaining() == 0) {
      return new SpanDetail(attributes, resource, scopeName, scopeVersion, traceState, statusMessage, events, links);
    }
    return new SpanDetail(attributes, resource, scopeName, scopeVersion, traceState, statusMessage, events, links,
        (int) in.readStopBit(), (int) in.readStopBit(), (int) in.readStopBit());
  }

  public static String readString(Bytes<?> in) {
    long n = in.readStopBit();
    if (n < 0) return null;
    byte[] b = new byte[Math.toIntExact(n)];
    in.read(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void writeMap(SegmentBytes.Out out, Map<String, Object> map) {
    out.stopBit(map.size());
    for (Map.Entry<String, Object> e : map.entrySet()) {
      int code = KnownKeys.code(e.getKey());
      out.stopBit(code);
      if (code == 0) out.stopBitUtf8(e.getKey());
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
  private static void writeValue(SegmentBytes.Out out, Object v) {
    if (v == null) {
      out.u8(TAG_NULL);
    } else if (v instanceof String s) {
      out.u8(TAG_STRING).stopBitUtf8(s);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      out.u8(TAG_LONG).i64(((Number) v).longValue());
    } else if (v instanceof Number n) {
      out.u8(TAG_DOUBLE).f64(n.doubleValue());
    } else if (v instanceof Boolean b) {
      out.u8(b ? TAG_TRUE : TAG_FALSE);
    } else if (v instanceof byte[] b) {
      out.u8(TAG_BYTES).stopBit(b.length).bytes(b, 0, b.length);
    } else if (v instanceof List<?> list) {
      out.u8(TAG_LIST).stopBit(list.size());
      for (Object o : list) writeValue(out, o);
    } else if (v instanceof Map<?, ?> map) {
      out.u8(TAG_MAP);
      writeMap(out, (Map<String, Object>) map);
    } else {
      out.u8(TAG_STRING).stopBitUtf8(v.toString());
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
      default: throw new IllegalStateException("corrupt detail value tag " + tag);
    }
  }
}
