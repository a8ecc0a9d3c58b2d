package io.llmscope.ingest;

import io.llmscope.ingest.pricing.Cost;
import io.llmscope.ingest.pricing.PriceTable;
import io.llmscope.ingest.pricing.Usage;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import java.util.Map;

/**
 * Prices each model call at ingest (DESIGN.md point 3), before the WAL append, so the cost and
 * its parts are stored with the span and a query sums them like tokens. A cost the span reports
 * itself wins and has no parts. A model the table does not know gets no cost at all (absent,
 * never 0) and is counted, so {@code cost_usd exists false} with {@code llmOnly} finds what to price.
 * So does a call that reports no token count at all (e.g. OpenLLMetry's streamed OpenAI spans): its
 * cost is unknown, not $0.
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

  private final PriceTable prices;
  private final IngestMetrics metrics;

  SpanPricer(PriceTable prices, IngestMetrics metrics) {
    this.prices = prices;
    this.metrics = metrics;
  }

  void price(LlmSpan s) {
    if (!s.llm || s.costReported) return;
    String model = s.dim(Dim.MODEL);
    Cost c = model == null ? null : prices.cost(s.dim(Dim.PROVIDER), model, Math.floorDiv(s.startNanos, 1_000_000L), usage(s));
    if (c == null || (c.total() == 0 && noTokenCounts(s))) {
      metrics.spansUnpriced.increment();
      return;
    }
    s.measure(Measure.COST_USD, c.total());
    s.measure(Measure.COST_INPUT_USD, c.input());
    s.measure(Measure.COST_CACHE_READ_USD, c.cacheRead());
    s.measure(Measure.COST_CACHE_WRITE_USD, c.cacheWrite());
    s.measure(Measure.COST_OUTPUT_USD, c.output());
    s.measure(Measure.COST_REASONING_USD, c.reasoning());
  }

  /** No count at all was reported; a model priced per second still gets its cost from the duration. */
  private static boolean noTokenCounts(LlmSpan s) {
    return Double.isNaN(s.measure(Measure.INPUT_TOKENS)) && Double.isNaN(s.measure(Measure.OUTPUT_TOKENS))
        && Double.isNaN(s.measure(Measure.CACHE_READ_TOKENS)) && Double.isNaN(s.measure(Measure.CACHE_WRITE_TOKENS))
        && Double.isNaN(s.measure(Measure.REASONING_TOKENS));
  }

  private static Usage usage(LlmSpan s) {
    double write = s.measure(Measure.CACHE_WRITE_TOKENS);
    double write1h = Double.NaN;
    if (!Double.isNaN(write) && s.detail != null) {
      Double oneHour = AttributeMapping.number(s.detail.attributes().get(CACHE_WRITE_1H_KEY));
      if (oneHour != null && oneHour > 0) {
        write1h = Math.min(oneHour, write);
        write -= write1h;
      }
    }
    return new Usage(s.measure(Measure.INPUT_TOKENS), s.measure(Measure.CACHE_READ_TOKENS),
        write, write1h, s.measure(Measure.OUTPUT_TOKENS),
        s.measure(Measure.REASONING_TOKENS), serviceTier(s), s.measure(Measure.DURATION_MS));
  }

  private static String serviceTier(LlmSpan s) {
    if (s.detail == null) return null;
    Map<String, Object> attributes = s.detail.attributes();
    for (String key : SERVICE_TIER_KEYS) {
      if (attributes.get(key) instanceof String tier && !tier.isEmpty()) return tier;
    }
    return null;
  }
}
