package io.llmscope.storage;

/** Materialises one row of a {@link ColumnBatch} as an {@link LlmSpan} (for trace views). */
final class Rows {
  private Rows() {}

  static LlmSpan span(ColumnBatch b, int row) {
    LlmSpan s = new LlmSpan();
    s.traceIdHi = b.traceIdHi()[row];
    s.traceIdLo = b.traceIdLo()[row];
    s.spanId = b.spanIds()[row];
    s.parentSpanId = b.parentSpanIds()[row];
    s.startNanos = b.startNanos()[row];
    s.endNanos = b.endNanos()[row];
    for (Dim d : Dim.values()) s.dims[d.ordinal()] = b.dictionary(d).value(b.dimIds(d)[row]);
    for (Measure m : Measure.values()) s.measures[m.ordinal()] = b.measure(m)[row];
    int flags = b.flags()[row];
    s.llm = (flags & ColumnBatch.FLAG_LLM) != 0;
    s.costReported = (flags & ColumnBatch.FLAG_COST_REPORTED) != 0;
    s.detail = b.detail(row);
    return s;
  }
}
