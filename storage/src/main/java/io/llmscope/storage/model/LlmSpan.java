package io.llmscope.storage.model;

import java.util.Arrays;

/**
 * One span in canonical form: the unit the write path appends and the head stores.
 *
 * <p>Mutable on purpose so that decoders can fill and reuse one instance per span; fields are
 * public because this is a plain data carrier between ingest, storage and tests. Trace ids are
 * 128 bits as two longs (big-endian halves), span ids 64 bits; 0 means absent. Times are Unix
 * epoch nanoseconds. Absent dimensions are null, absent measures NaN.
 */
public final class LlmSpan {
  public long traceIdHi;
  public long traceIdLo;
  public long spanId;
  public long parentSpanId;
  public long startNanos;
  public long endNanos;
  public final String[] dims = new String[Dim.COUNT];
  public final double[] measures = new double[Measure.COUNT];
  /** True for model calls (inference or embedding); see API.md {@code llmOnly}. */
  public boolean llm;
  /** True when {@link Measure#COST_USD} was reported by the span itself rather than priced. */
  public boolean costReported;
  public SpanDetail detail = SpanDetail.EMPTY;

  public LlmSpan() {
    Arrays.fill(measures, Double.NaN);
  }

  public String dim(Dim d) {
    return dims[d.ordinal()];
  }

  public LlmSpan dim(Dim d, String value) {
    dims[d.ordinal()] = value;
    return this;
  }

  public double measure(Measure m) {
    return measures[m.ordinal()];
  }

  public LlmSpan measure(Measure m, double value) {
    measures[m.ordinal()] = value;
    return this;
  }

  /** Lower-case hex of the 128-bit trace id. */
  public String traceIdHex() {
    return Ids.traceHex(traceIdHi, traceIdLo);
  }

  public String spanIdHex() {
    return Ids.spanHex(spanId);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("LlmSpan{trace=").append(traceIdHex()).append(", span=")
        .append(spanIdHex()).append(", llm=").append(llm);
    for (Dim d : Dim.values()) {
      if (dims[d.ordinal()] != null) sb.append(", ").append(d.fieldName()).append('=').append(dims[d.ordinal()]);
    }
    for (Measure m : Measure.values()) {
      if (!Double.isNaN(measures[m.ordinal()])) sb.append(", ").append(m.fieldName()).append('=').append(measures[m.ordinal()]);
    }
    return sb.append('}').toString();
  }
}
