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
  private final SpanPricer pricer = new SpanPricer(PriceTable.shipped(), metrics);

  private LlmSpan priced(Map<String, ?> attributes) {
    NormalisedBatch b = normaliser.normalise(Fixtures.wrap(attributes));
    assertEquals(1, b.spans().size());
    LlmSpan s = b.spans().get(0);
    pricer.price(s);
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
