package io.llmscope.storage.format;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.model.SpanLink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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
 * value   := tag:u8 payload   (tags below: null, str, i64, f64, true, false, bytes, list, map,
 *            stop-bit long, and the references)
 * str     := length:stopbit (-1 for null) UTF-8 bytes
 * </pre>
 *
 * <p>A value of the span's own attributes or resource that one of the span's canonical fields
 * already holds is written as a reference to it (a tag and the field's ordinal): a dimension
 * (as itself, or as a one-element list such as {@code gen_ai.response.finish_reasons}), a
 * measure (as a long, a double, or milliseconds written as seconds, such as
 * {@code gen_ai.response.time_to_first_chunk}). Most of an LLM span's attributes are such copies
 * (model, tokens, user, session, prompt), and they were most of detail.bin. The writer makes a
 * reference only when resolving it gives back the very value (same type, same bits), and never to
 * a cost (repricing rewrites costs), so a decoded detail equals the one written. References
 * resolve against the row's canonical fields: the span in the same WAL record, or the same row
 * of the segment, which sealing and compaction always carry along with the detail bytes.
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
  private static final byte TAG_STOP_BIT_LONG = 9;
  private static final byte TAG_DIM = 10;
  private static final byte TAG_DIM_LIST = 11;
  private static final byte TAG_MEASURE_LONG = 12;
  private static final byte TAG_MEASURE_DOUBLE = 13;
  private static final byte TAG_MEASURE_MS_AS_SECONDS = 14;

  /** Measures a value may refer to: not the costs, which repricing rewrites, nor the duration, which segments derive. */
  private static final Measure[] REFERABLE = java.util.Arrays.stream(Measure.values())
      .filter(m -> !m.fieldName().startsWith("cost_") && m != Measure.DURATION_MS).toArray(Measure[]::new);

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

  /**
   * Reads the detail whose offset in {@code document} a writer reported (the offset of its length
   * prefix); {@code canonical} gives the span whose fields its references name (asked only when
   * there is one).
   */
  public static SpanDetail readDetailAt(byte[] document, int offset, Supplier<LlmSpan> canonical) {
    Bytes<byte[]> in = Bytes.wrapForRead(document);
    int length = in.readInt(offset);
    in.readPositionRemaining(offset + 4L, length);
    return readDetail(in, canonical);
  }

  /**
   * Writes {@code d}; values of its attributes and resource that a canonical field of
   * {@code canonical} holds become references to it (none when {@code canonical} is null).
   */
  public static void writeDetail(SegmentBytes.Out out, SpanDetail d, LlmSpan canonical) {
    writeMap(out, d.attributes(), canonical);
    writeMap(out, d.resource(), canonical);
    out.stopBitUtf8(d.scopeName());
    out.stopBitUtf8(d.scopeVersion());
    out.stopBitUtf8(d.traceState());
    out.stopBitUtf8(d.statusMessage());
    out.stopBit(d.events().size());
    for (SpanEvent e : d.events()) {
      out.i64(e.timeNanos());
      out.stopBitUtf8(e.name());
      writeMap(out, e.attributes(), null);
    }
    out.stopBit(d.links().size());
    for (SpanLink l : d.links()) {
      out.i64(l.traceIdHi());
      out.i64(l.traceIdLo());
      out.i64(l.spanId());
      out.stopBitUtf8(l.traceState());
      writeMap(out, l.attributes(), null);
    }
    if (d.droppedAny()) {
      out.stopBit(d.droppedAttributes());
      out.stopBit(d.droppedEvents());
      out.stopBit(d.droppedLinks());
    }
  }

  /** Reads a detail; {@code canonical} is asked (at most once) for the span its references name. */
  public static SpanDetail readDetail(Bytes<?> in, Supplier<LlmSpan> canonical) {
    Resolver refs = new Resolver(canonical);
    Map<String, Object> attributes = readMap(in, refs);
    Map<String, Object> resource = readMap(in, refs);
    String scopeName = readString(in);
    String scopeVersion = readString(in);
    String traceState = readString(in);
    String statusMessage = readString(in);
    int ne = (int) in.readStopBit();
    List<SpanEvent> events = ne == 0 ? List.of() : new ArrayList<>(ne);
    for (int i = 0; i < ne; i++) events.add(new SpanEvent(in.readLong(), readString(in), readMap(in, null)));
    int nl = (int) in.readStopBit();
    List<SpanLink> links = nl == 0 ? List.of() : new ArrayList<>(nl);
    for (int i = 0; i < nl; i++) {
      links.add(new SpanLink(in.readLong(), in.readLong(), in.readLong(), readString(in), readMap(in, null)));
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

  private static void writeMap(SegmentBytes.Out out, Map<String, Object> map, LlmSpan canonical) {
    out.stopBit(map.size());
    for (Map.Entry<String, Object> e : map.entrySet()) {
      int code = KnownKeys.code(e.getKey());
      out.stopBit(code);
      if (code == 0) out.stopBitUtf8(e.getKey());
      if (canonical == null || !writeReference(out, e.getValue(), canonical)) writeValue(out, e.getValue());
    }
  }

  /** Writes {@code v} as a reference to a canonical field of {@code s} that gives it back exactly, if there is one. */
  private static boolean writeReference(SegmentBytes.Out out, Object v, LlmSpan s) {
    if (v instanceof String str) {
      return writeDimReference(out, TAG_DIM, str, s);
    } else if (v instanceof List<?> list) {
      return list.size() == 1 && list.get(0) instanceof String str && writeDimReference(out, TAG_DIM_LIST, str, s);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      long x = ((Number) v).longValue();
      if ((long) (double) x != x) return false;
      for (Measure m : REFERABLE) {
        if (s.measures[m.ordinal()] == (double) x) {
          out.u8(TAG_MEASURE_LONG).u8(m.ordinal());
          return true;
        }
      }
    } else if (v instanceof Double || v instanceof Float) {
      long bits = Double.doubleToRawLongBits(((Number) v).doubleValue());
      // -0.0 and NaN are left as values: a column may not keep their bits.
      if (bits == Double.doubleToRawLongBits(-0.0) || Double.isNaN(((Number) v).doubleValue())) return false;
      for (Measure m : REFERABLE) {
        double mv = s.measures[m.ordinal()];
        if (Double.doubleToRawLongBits(mv) == bits) {
          out.u8(TAG_MEASURE_DOUBLE).u8(m.ordinal());
          return true;
        }
        if (Double.doubleToRawLongBits(mv / 1000.0) == bits) {
          out.u8(TAG_MEASURE_MS_AS_SECONDS).u8(m.ordinal());
          return true;
        }
      }
    }
    return false;
  }

  private static boolean writeDimReference(SegmentBytes.Out out, byte tag, String v, LlmSpan s) {
    for (int i = 0; i < Dim.COUNT; i++) {
      if (v.equals(s.dims[i])) {
        out.u8(tag).u8(i);
        return true;
      }
    }
    return false;
  }

  /** The span a detail's references name, asked for once and only when one is read; null where none may appear. */
  private static final class Resolver {
    private final Supplier<LlmSpan> source;
    private LlmSpan span;

    Resolver(Supplier<LlmSpan> source) {
      this.source = source;
    }

    String dim(int ordinal) {
      if (ordinal >= Dim.COUNT) throw new IllegalStateException("corrupt detail: reference to dimension " + ordinal);
      String v = span().dims[ordinal];
      if (v == null) throw new IllegalStateException("corrupt detail: reference to absent " + Dim.of(ordinal).fieldName());
      return v;
    }

    double measure(int ordinal) {
      if (ordinal >= Measure.COUNT) throw new IllegalStateException("corrupt detail: reference to measure " + ordinal);
      double v = span().measures[ordinal];
      if (Double.isNaN(v)) {
        throw new IllegalStateException("corrupt detail: reference to absent " + Measure.values()[ordinal].fieldName());
      }
      return v;
    }

    private LlmSpan span() {
      if (span == null) span = source.get();
      return span;
    }
  }

  private static Map<String, Object> readMap(Bytes<?> in, Resolver refs) {
    int n = (int) in.readStopBit();
    if (n == 0) return Collections.emptyMap();
    Map<String, Object> m = new LinkedHashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      int code = (int) in.readStopBit();
      m.put(code == 0 ? readString(in) : KnownKeys.key(code), readValue(in, refs));
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
      out.u8(TAG_STOP_BIT_LONG).stopBit(((Number) v).longValue());
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
      writeMap(out, (Map<String, Object>) map, null);
    } else {
      out.u8(TAG_STRING).stopBitUtf8(v.toString());
    }
  }

  /** {@code refs} is null inside nested values, events and links, where no reference is written. */
  private static Object readValue(Bytes<?> in, Resolver refs) {
    byte tag = in.readByte();
    if (tag >= TAG_DIM && refs == null) throw new IllegalStateException("corrupt detail: reference tag " + tag + " out of place");
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
        for (int i = 0; i < n; i++) list.add(readValue(in, null));
        return list;
      }
      case TAG_MAP: return readMap(in, null);
      case TAG_STOP_BIT_LONG: return in.readStopBit();
      case TAG_DIM: return refs.dim(in.readUnsignedByte());
      case TAG_DIM_LIST: {
        List<Object> list = new ArrayList<>(1);
        list.add(refs.dim(in.readUnsignedByte()));
        return list;
      }
      case TAG_MEASURE_LONG: return (long) refs.measure(in.readUnsignedByte());
      case TAG_MEASURE_DOUBLE: return refs.measure(in.readUnsignedByte());
      case TAG_MEASURE_MS_AS_SECONDS: return refs.measure(in.readUnsignedByte()) / 1000.0;
      default: throw new IllegalStateException("corrupt detail value tag " + tag);
    }
  }
}
