package io.llmscope.storage;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.model.SpanFlags;
import io.llmscope.storage.scan.ColumnBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Deterministic spans and order-independent checksums over every stored column. */
public final class TestSpans {
  private TestSpans() {}

  public static final String[] MODELS = {"gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "gemini-2.5-pro"};

  /** {@code traces} traces of 1-5 spans starting near {@code startMs}, spread over {@code spreadMs}. */
  public static List<LlmSpan> traces(Random rnd, int traces, long startMs, long spreadMs) {
    List<LlmSpan> out = new ArrayList<>();
    for (int t = 0; t < traces; t++) {
      long hi = rnd.nextLong() | 1;
      long lo = rnd.nextLong();
      long root = rnd.nextLong() | 1;
      int n = 1 + rnd.nextInt(5);
      long t0 = (startMs + (long) (rnd.nextDouble() * spreadMs)) * 1_000_000L;
      for (int i = 0; i < n; i++) {
        LlmSpan s = new LlmSpan();
        s.traceIdHi = hi;
        s.traceIdLo = lo;
        s.spanId = i == 0 ? root : rnd.nextLong() | 1;
        s.parentSpanId = i == 0 ? 0 : root;
        s.startNanos = t0 + i * 1_000_000L;
        s.endNanos = s.startNanos + 1_000_000L * (50 + rnd.nextInt(5000));
        s.llm = i > 0;
        s.dim(Dim.SERVICE, "svc-" + rnd.nextInt(5)).dim(Dim.STATUS, rnd.nextInt(50) == 0 ? "error" : "ok")
            .dim(Dim.SPAN_NAME, i == 0 ? "POST /chat" : "chat").dim(Dim.SPAN_KIND, i == 0 ? "server" : "client");
        s.measure(Measure.DURATION_MS, (s.endNanos - s.startNanos) / 1e6);
        if (s.llm) {
          s.dim(Dim.MODEL, MODELS[rnd.nextInt(MODELS.length)]).dim(Dim.USER, "user-" + rnd.nextInt(1000));
          if (rnd.nextBoolean()) s.dim(Dim.FINISH_REASON, "stop");
          s.measure(Measure.INPUT_TOKENS, 1 + rnd.nextInt(4000)).measure(Measure.OUTPUT_TOKENS, 1 + rnd.nextInt(800));
          if (rnd.nextInt(5) == 0) s.measure(Measure.CACHE_READ_TOKENS, rnd.nextInt(500));
          if (rnd.nextInt(3) == 0) s.measure(Measure.COST_USD, rnd.nextInt(10_000) / 1e5);
          s.measure(Measure.TEMPERATURE, rnd.nextInt(3) / 2.0);
          s.measure(Measure.TTFT_MS, 1 + rnd.nextInt(3000));
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("gen_ai.request.model", s.dim(Dim.MODEL));
        if (s.llm) {
          // Copies of canonical fields, as instrumentations send them (stored as references).
          attrs.put("user.id", s.dim(Dim.USER));
          attrs.put("gen_ai.usage.input_tokens", (long) s.measure(Measure.INPUT_TOKENS));
          attrs.put("gen_ai.request.temperature", s.measure(Measure.TEMPERATURE));
          attrs.put("gen_ai.response.time_to_first_chunk", s.measure(Measure.TTFT_MS) / 1000.0);
          if (s.dim(Dim.FINISH_REASON) != null) attrs.put("gen_ai.response.finish_reasons", List.of(s.dim(Dim.FINISH_REASON)));
        }
        attrs.put("custom.n", (long) rnd.nextInt(100));
        attrs.put("unicode", "héllo ✓ " + t);
        s.detail = new SpanDetail(attrs, Map.of("service.name", s.dim(Dim.SERVICE)), "scope", "1", "", "",
            List.of(new SpanEvent(s.startNanos, "ev", Map.of("k", 1.5))), List.of());
        out.add(s);
      }
    }
    return out;
  }

  /** (rows, sum of per-row hashes) over every column of every batch, independent of row order. */
  static long[] checksum(StoreSnapshot snap, boolean withDetail) {
    long rows = 0;
    long sum = 0;
    for (ColumnBatch b : snap.batches()) {
      for (int r = 0; r < b.size(); r++) {
        rows++;
        sum += rowHash(b, r, withDetail);
      }
    }
    return new long[] {rows, sum};
  }

  static long rowHash(ColumnBatch b, int r, boolean withDetail) {
    long h = 17;
    h = h * 31 + b.traceIdHi()[r];
    h = h * 31 + b.traceIdLo()[r];
    h = h * 31 + b.spanIds()[r];
    h = h * 31 + b.parentSpanIds()[r];
    h = h * 31 + b.startNanos()[r];
    h = h * 31 + b.endNanos()[r];
    h = h * 31 + b.flags()[r];
    for (Dim d : Dim.values()) {
      String v = b.dictionary(d).value(b.dimIds(d)[r]);
      h = h * 31 + (v == null ? 0 : v.hashCode());
    }
    for (Measure m : Measure.values()) {
      double v = b.measure(m)[r];
      h = h * 31 + (Double.isNaN(v) ? 7 : Double.doubleToLongBits(v));
    }
    if (withDetail) h = detailHash(h, b.detail(r));
    return mix(h);
  }

  private static long detailHash(long h, SpanDetail d) {
    h = h * 31 + d.attributes().toString().hashCode();
    h = h * 31 + d.resource().toString().hashCode();
    return h * 31 + d.events().size();
  }

  /** The same as {@link #checksum(StoreSnapshot, boolean)}, from the spans as appended. */
  static long[] checksum(List<LlmSpan> spans, boolean withDetail) {
    if (!withDetail) return checksum(spans);
    long sum = 0;
    for (LlmSpan s : spans) sum += mix(detailHash(unmixedSpanHash(s), s.detail));
    return new long[] {spans.size(), sum};
  }

  static long[] checksum(List<LlmSpan> spans) {
    long sum = 0;
    for (LlmSpan s : spans) sum += spanHash(s);
    return new long[] {spans.size(), sum};
  }

  /** The same hash as {@link #rowHash} without detail, from the span as appended. */
  static long spanHash(LlmSpan s) {
    return mix(unmixedSpanHash(s));
  }

  private static long unmixedSpanHash(LlmSpan s) {
    long h = 17;
    h = h * 31 + s.traceIdHi;
    h = h * 31 + s.traceIdLo;
    h = h * 31 + s.spanId;
    h = h * 31 + s.parentSpanId;
    h = h * 31 + s.startNanos;
    h = h * 31 + s.endNanos;
    h = h * 31 + SpanFlags.of(s);
    for (Dim d : Dim.values()) {
      String v = s.dim(d);
      h = h * 31 + (v == null ? 0 : v.hashCode());
    }
    for (Measure m : Measure.values()) {
      double v = s.measure(m);
      h = h * 31 + (Double.isNaN(v) ? 7 : Double.doubleToLongBits(v));
    }
    return h;
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
