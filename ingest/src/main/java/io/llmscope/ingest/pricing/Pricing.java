package io.llmscope.ingest.pricing;

import java.util.List;
import java.util.Locale;

/** The arithmetic of one call's cost under one {@link ModelPrice}. */
final class Pricing {
  private static final double PER_TOKEN = 1e-6;
  private static final double ROUND = 1e12;

  private Pricing() {}

  static Cost cost(ModelPrice p, Usage u) {
    double input = count(u.input());
    double cacheRead = count(u.cacheRead());
    double write5m = count(u.cacheWrite5m());
    double write1h = count(u.cacheWrite1h());
    double output = count(u.output());
    double reasoning = count(u.reasoning());
    // Input counts cache reads and writes; a span that reports only the cache parts still has them.
    double allInput = Math.max(input, cacheRead + write5m + write1h);
    double uncached = Math.max(0, input - cacheRead - write5m - write1h);
    double plainOutput = Math.max(0, output - reasoning);

    ModelPrice.Rates r = rates(p, serviceTier(p, u.serviceTier()), allInput);
    double in = price(r.input(), 0);
    double read = price(r.cacheRead(), in);
    double w5 = price(r.cacheWrite5m(), in);
    double w1 = price(r.cacheWrite1h(), w5);
    double out = price(r.output(), 0);
    double reason = price(r.reasoning(), out);

    double cInput = uncached * in * PER_TOKEN;
    double cRead = cacheRead * read * PER_TOKEN;
    double cWrite = write5m * w5 * PER_TOKEN + write1h * w1 * PER_TOKEN;
    double cOutput = plainOutput * out * PER_TOKEN;
    double cReasoning = reasoning * reason * PER_TOKEN;
    double cTime = Double.isNaN(p.perSecond()) ? 0 : count(u.durationMs()) / 1000.0 * p.perSecond();
    double total = cInput + cRead + cWrite + cOutput + cReasoning + cTime;
    return new Cost(round(cInput), round(cRead), round(cWrite), round(cOutput), round(cReasoning), round(total));
  }

  /** The standard rates, or the service tier's over them, at the long-context tier the input reaches. */
  private static ModelPrice.Rates rates(ModelPrice p, ModelPrice.ServiceTier service, double allInput) {
    ModelPrice.Rates base = tierRates(p.rates(), p.tiers(), allInput);
    if (service == null) return base;
    return tierRates(service.rates(), service.tiers(), allInput).or(base);
  }

  private static ModelPrice.Rates tierRates(ModelPrice.Rates rates, List<ModelPrice.Tier> tiers, double allInput) {
    ModelPrice.Tier reached = null;
    for (ModelPrice.Tier t : tiers) {
      if (allInput > t.aboveInputTokens()) reached = t;
      else break;
    }
    return reached == null ? rates : reached.rates().or(rates);
  }

  private static ModelPrice.ServiceTier serviceTier(ModelPrice p, String name) {
    if (name == null || p.serviceTiers().isEmpty()) return null;
    String n = name.trim().toLowerCase(Locale.ROOT);
    ModelPrice.ServiceTier t = p.serviceTiers().get(n);
    if (t == null && n.equals("batches")) t = p.serviceTiers().get("batch");
    if (t == null && n.equals("fast")) t = p.serviceTiers().get("priority");
    return t; // "default", "auto", "standard", "on_demand" and unknown names: the standard price
  }

  private static double count(double v) {
    return Double.isNaN(v) || v < 0 ? 0 : v;
  }

  private static double price(double v, double fallback) {
    return Double.isNaN(v) ? fallback : v;
  }

  /** To the nearest 1e-12 USD: removes the float noise of summed per-token prices. */
  static double round(double usd) {
    return Math.rint(usd * ROUND) / ROUND;
  }
}
