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
 * So does a call that reports no token count at all (e.g. OpenLLMetry's streamed OpenAI spans): its
 * cost is unknown, not $0.
 * Each tenant's calls are priced with its own table ({@link TenantPrices}); repricing stored spans
 * uses the same {@link #apply}.
 */
final class SpanPricer {
  /** Where instrumentations put the service tier a call ran on (OpenAI's flex / priority / batch). */
  private static final String[] SERVICE_TIER_KEYS = {
      "gen_ai.openai.response.service_tier", "openai.response.service_tier", "gen_ai.openai.request.service_tier",
      "gen_ai.request.service_tier", "gen_ai.response.service_tier"};

  /**
   * Anthropic's 1-hour cache writes, priced above the 5-minute ones; the Anthropic SDK's own tracing
   * reports them beside the total cache write. Other writes are taken as 5-minute ones.
   */
  static final String CACHE_WRITE_1H_KEY = "anthropic.usage.cache_creation.ephemeral_1h_input_tokens";

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
    double write = s.measure(Measure.CACHE_WRITE_TOKENS);
    // The detail is read only when a price or the cache split needs it: repricing reads it from a segment.
    SpanDetail d = !p.serviceTiers().isEmpty() || write > 0 ? detail.get() : null;
    Cost c = p.cost(usage(s, d, p.serviceTiers().isEmpty() ? null : serviceTier(d)));
    if (c.total() == 0 && noTokenCounts(s)) return false;
    s.measure(Measure.COST_USD, c.total());
    s.measure(Measure.COST_INPUT_USD, c.input());
    s.measure(Measure.COST_CACHE_READ_USD, c.cacheRead());
    s.measure(Measure.COST_CACHE_WRITE_USD, c.cacheWrite());
    s.measure(Measure.COST_OUTPUT_USD, c.output());
    s.measure(Measure.COST_REASONING_USD, c.reasoning());
    return true;
  }

  /** No count at all was reported; a model priced per second still gets its cost from the duration. */
  private static boolean noTokenCounts(LlmSpan s) {
    return Double.isNaN(s.measure(Measure.INPUT_TOKENS)) && Double.isNaN(s.measure(Measure.OUTPUT_TOKENS))
        && Double.isNaN(s.measure(Measure.CACHE_READ_TOKENS)) && Double.isNaN(s.measure(Measure.CACHE_WRITE_TOKENS))
        && Double.isNaN(s.measure(Measure.REASONING_TOKENS));
  }

  private static Usage usage(LlmSpan s, SpanDetail detail, String serviceTier) {
    double write = s.measure(Measure.CACHE_WRITE_TOKENS);
    double write1h = Double.NaN;
    if (!Double.isNaN(write) && detail != null) {
      Double oneHour = AttributeMapping.number(detail.attributes().get(CACHE_WRITE_1H_KEY));
      if (oneHour != null && oneHour > 0) {
        write1h = Math.min(oneHour, write);
        write -= write1h;
      }
    }
    return new Usage(s.measure(Measure.INPUT_TOKENS), s.measure(Measure.CACHE_READ_TOKENS),
        write, write1h, s.measure(Measure.OUTPUT_TOKENS),
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
