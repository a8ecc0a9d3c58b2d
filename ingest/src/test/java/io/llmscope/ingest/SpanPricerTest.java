package io.llmscope.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.ingest.pricing.PriceTable;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cost at ingest of spans exactly as real instrumentation libraries write them (InstrumentationsIT). */
class SpanPricerTest {
  private final SpanNormaliser normaliser = new SpanNormaliser(System::currentTimeMillis,
      IngestConfig.DEFAULT_MAX_FUTURE_SKEW_MS, SpanNormaliser.SpanLimits.NONE);
  private final IngestMetrics metrics = new IngestMetrics();
  private final SpanPricer pricer = new SpanPricer(tenant -> PriceTable.shipped(), metrics);

  private LlmSpan priced(Map<String, ?> attributes) {
    NormalisedBatch b = normaliser.normalise(Fixtures.wrap(attributes));
    assertEquals(1, b.spans().size());
    LlmSpan s = b.spans().get(0);
    pricer.price("t", s);
    return s;
  }

  /**
   * @traceloop/instrumentation-openai 0.27.0, chat.completions.create streamed with
   * stream_options.include_usage: the instrumentation ignores the usage chunk and writes no token
   * count at all. The call's cost is unknown, not $0: absent, and counted as unpriced.
   */
  @Test
  void aModelCallWithoutAnyTokenCountHasNoCost() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("gen_ai.provider.name", "openai");
    a.put("gen_ai.operation.name", "chat");
    a.put("gen_ai.request.model", "gpt-5-mini");
    a.put("gen_ai.response.model", "gpt-5-mini-2025-08-07");
    a.put("gen_ai.response.id", "chatcmpl-1a23470d3e20000000a");
    a.put("gen_ai.response.finish_reasons", List.of("stop"));
    LlmSpan s = priced(a);
    assertTrue(s.llm);
    assertTrue(Double.isNaN(s.measure(Measure.COST_USD)), "no cost, not 0: " + s.measure(Measure.COST_USD));
    assertTrue(Double.isNaN(s.measure(Measure.COST_INPUT_USD)));
    assertEquals(1, metrics.spansUnpriced());
  }

  /**
   * @anthropic-ai/sdk 1.15.0's own span for a call that wrote 100 tokens to the 5-minute cache and
   * 200 to the 1-hour one: claude-sonnet-4-5 at $3 input, $0.30 cache read, $3.75 5-minute write,
   * $6 1-hour write, $15 output per 1M = 900 × 3 + 700 × 0.30 + 100 × 3.75 + 200 × 6 + 400 × 15
   * = $0.0027 + $0.00021 + $0.000375 + $0.0012 + $0.006 = $0.010485.
   */
  @Test
  void anthropicOneHourCacheWritesArePricedAtTheirRate() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("gen_ai.provider.name", "anthropic");
    a.put("gen_ai.operation.name", "chat");
    a.put("gen_ai.request.model", "claude-sonnet-4-5");
    a.put("gen_ai.usage.input_tokens", 1900);
    a.put("gen_ai.response.model", "claude-sonnet-4-5-20250929");
    a.put("gen_ai.usage.cache_write.input_tokens", 300);
    a.put("gen_ai.usage.cache_read.input_tokens", 700);
    a.put("anthropic.usage.cache_creation.ephemeral_5m_input_tokens", 100);
    a.put("anthropic.usage.cache_creation.ephemeral_1h_input_tokens", 200);
    a.put("gen_ai.usage.output_tokens", 400);
    a.put("gen_ai.usage.reasoning.output_tokens", 250);
    LlmSpan s = priced(a);
    assertEquals(0.010485, s.measure(Measure.COST_USD), 1e-12);
    assertEquals(0.001575, s.measure(Measure.COST_CACHE_WRITE_USD), 1e-12);

    // No 1-hour writes: every write at the 5-minute rate, 300 × 3.75 = $0.001125.
    a.put("anthropic.usage.cache_creation.ephemeral_5m_input_tokens", 300);
    a.put("anthropic.usage.cache_creation.ephemeral_1h_input_tokens", 0);
    assertEquals(0.001125, priced(a).measure(Measure.COST_CACHE_WRITE_USD), 1e-12);
  }

  /** The same library's plain call reports its counts: priced (1900 in × $0.25/1M + 500 out × $2/1M). */
  @Test
  void theSameCallWithItsCountsIsPriced() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("gen_ai.provider.name", "openai");
    a.put("gen_ai.operation.name", "chat");
    a.put("gen_ai.request.model", "gpt-5-mini");
    a.put("gen_ai.response.model", "gpt-5-mini-2025-08-07");
    a.put("gen_ai.usage.total_tokens", 2400);
    a.put("gen_ai.usage.output_tokens", 500);
    a.put("gen_ai.usage.input_tokens", 1900);
    LlmSpan s = priced(a);
    assertEquals(0.001475, s.measure(Measure.COST_USD), 1e-12);
    assertEquals(0, metrics.spansUnpriced());

    // Counts reported as 0 are known counts: the call cost $0.
    a.put("gen_ai.usage.total_tokens", 0);
    a.put("gen_ai.usage.output_tokens", 0);
    a.put("gen_ai.usage.input_tokens", 0);
    assertEquals(0.0, priced(a).measure(Measure.COST_USD));
    assertEquals(0, metrics.spansUnpriced());
  }
}
