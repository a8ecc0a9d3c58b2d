package io.llmscope.storage;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.model.SpanLink;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One line of text per span holding every stored field, in a form that must never change: the
 * format fixtures ({@code src/test/resources/format-fixtures}) keep the lines of the spans they
 * hold, and {@link FormatFixtureTest} compares what today's code reads against them.
 */
final class FixtureDump {
  private FixtureDump() {}

  static String line(String tenant, LlmSpan s) {
    StringBuilder sb = new StringBuilder(tenant).append(' ').append(s.traceIdHex()).append(' ').append(s.spanIdHex())
        .append(" parent=").append(Long.toHexString(s.parentSpanId)).append(" start=").append(s.startNanos)
        .append(" end=").append(s.endNanos).append(" llm=").append(s.llm).append(" costReported=").append(s.costReported);
    for (Dim d : Dim.values()) {
      if (s.dim(d) != null) sb.append(' ').append(d.fieldName()).append('=').append(quote(s.dim(d)));
    }
    for (Measure m : Measure.values()) {
      if (!Double.isNaN(s.measure(m))) sb.append(' ').append(m.fieldName()).append('=').append(s.measure(m));
    }
    SpanDetail d = s.detail;
    sb.append(" | attrs=").append(value(d.attributes())).append(" resource=").append(value(d.resource()))
        .append(" scope=").append(quote(d.scopeName())).append('/').append(quote(d.scopeVersion()))
        .append(" traceState=").append(quote(d.traceState())).append(" status=").append(quote(d.statusMessage()))
        .append(" events=[");
    for (SpanEvent e : d.events()) sb.append(e.timeNanos()).append(':').append(quote(e.name())).append(value(e.attributes())).append(';');
    sb.append("] links=[");
    for (SpanLink l : d.links()) {
      sb.append(Long.toHexString(l.traceIdHi())).append('-').append(Long.toHexString(l.traceIdLo())).append('-')
          .append(Long.toHexString(l.spanId())).append(':').append(quote(l.traceState())).append(value(l.attributes())).append(';');
    }
    return sb.append(']').toString();
  }

  /** Values with their types, maps in their stored order. */
  private static String value(Object v) {
    if (v == null) return "null";
    if (v instanceof String s) return quote(s);
    if (v instanceof Long l) return l + "L";
    if (v instanceof Double x) return x + "D";
    if (v instanceof Boolean b) return b.toString();
    if (v instanceof byte[] b) return "0x" + HexFormat.of().formatHex(b);
    if (v instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : list) sb.append(value(o)).append(',');
      return sb.append(']').toString();
    }
    if (v instanceof Map<?, ?> map) {
      StringBuilder sb = new StringBuilder("{");
      map.forEach((k, o) -> sb.append(quote((String) k)).append(':').append(value(o)).append(','));
      return sb.append('}').toString();
    }
    throw new IllegalArgumentException("unexpected value type " + v.getClass());
  }

  private static String quote(String s) {
    if (s == null) return "null";
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }
}
