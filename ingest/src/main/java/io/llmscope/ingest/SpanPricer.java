package io.llmscope.ingest;

import io.llmscope.ingest.pricing.Cost;
import io.llmscope.ingest.pricing.ModelPrice;
import io.llmscope.ingest.pricing.PriceTable;
import io.llmscope.ingest.pricing.Usage;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Prices each model call at ingest (DESIGN.md point 3), before the WAL append, so the cost and
 * its parts are stored with the span and a query sums them like tokens. A cost the span reports
 * itself wins and has no parts. A model the table does not know gets no cost at all (absent,
 * never 0) and is counted, so {@code cost_usd exists false} with {@code llmOnly} finds what to price.
 * Each tenant's calls are priced with its own table ({@link TenantPrices}); repricing stored spans
 * uses the same {@link #apply}.
 */
final class SpanPricer {
  /** Where instrumentations put the service tier a call ran on (OpenAI's flex / priority / batch). */
  private static final String[] SERVICE_TIER_KEYS = {
      "gen_ai.openai.response.service_tier", "openai.response.service_tier", "gen_ai.openai.request.service_tier",
      "gen_ai.request.service_tier", "gen_ai.response.service_tier"};

  private final Function<String, PriceTable> prices;
  private final IngestMetrics metrics;

  SpanPricer(Function<String, PriceTable> prices, IngestMetrics metrics) {
    this.prices = prices;
    this.metrics = metrics;
  }

  void price(String tenant, LlmSpan s) {
    if (!s.llm || s.costReported) return;
    if (!apply(prices.apply(tenant), s, () -> s.detail)) metrics.spansUnpriced.increment();
  }

  /**
   * Sets the span's cost and parts from the table; false (the costs left as they are) when no entry
   * prices it. {@code detail} is read only for a price with service tiers.
   */
  static boolean apply(PriceTable prices, LlmSpan s, Supplier<SpanDetail> detail) {
    String model = s.dim(Dim.MODEL);
    ModelPrice p = model == null ? null : prices.find(s.dim(Dim.PROVIDER), model, Math.floorDiv(s.startNanos, 1_000_000L));
    if (p == null) return false;
    Cost c = p.cost(usage(s, p.serviceTiers().isEmpty() ? null : serviceTier(detail.get())));
    s.measure(Measure.COST_USD, c.total());
    s.measure(Measure.COST_INPUT_USD, c.input());
    s.measure(Measure.COST_CACHE_READ_USD, c.cacheRead());
    s.measure(Measure.COST_CACHE_WRITE_USD, c.cacheWrite());
    s.measure(Measure.COST_OUTPUT_USD, c.output());
    s.measure(Measure.COST_REASONING_USD, c.reasoning());
    return true;
  }

  private static Usage usage(LlmSpan s, String serviceTier) {
    return new Usage(s.measure(Measure.INPUT_TOKENS), s.measure(Measure.CACHE_READ_TOKENS),
        s.measure(Measure.CACHE_WRITE_TOKENS), Double.NaN, s.measure(Measure.OUTPUT_TOKENS),
        s.measure(Measure.REASONING_TOKENS), serviceTier, s.measure(Measure.DURATION_MS));
  }

  private static String serviceTier(SpanDetail detail) {
    if (detail == null) return null;
    Map<String, Object> attributes = detail.attributes();
    for (String key : SERVICE_TIER_KEYS) {
      if (attributes.get(key) instanceof String tier && !tier.isEmpty()) return tier;
    }
    return null;
  }
}
