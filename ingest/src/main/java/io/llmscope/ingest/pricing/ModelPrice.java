package io.llmscope.ingest.pricing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The price of one model from one date on. Prices are USD per 1M tokens; an absent price is NaN.
 *
 * <p>Which model: {@code model}, an exact name, or {@code pattern}, a regular expression over the
 * whole name (both case-insensitive; exactly one is set), tried against the span's model name and its
 * shorter forms (see {@link PriceTable}). {@code providers} are GenAI semantic-convention provider names
 * ({@code openai}, {@code aws.bedrock} ...); an empty list means any provider.
 *
 * <p>What applies: from {@code effectiveFromMs} (epoch ms, {@link #ALWAYS} for "since always") until
 * the next entry of the same model. The {@code rates} are the standard price; the first of {@code tiers}
 * (ascending) whose {@code aboveInputTokens} the call's input (cache included) exceeds replaces them for
 * the <em>whole call</em> (long-context pricing); a span's service tier picks one of {@code serviceTiers}
 * (names lower case), whose rates and tiers replace the standard ones where they are set.
 * {@code perSecond} (NaN when absent) prices the call's duration, for self-hosted models.
 *
 * <p>Where a price is absent: cache read, cache write 5m → input; cache write 1h → cache write 5m →
 * input; reasoning → output; input, output → 0. A tier's or service tier's absent price is the standard
 * one.
 *
 * @param source where the entry comes from, e.g. {@code genai-prices:openai/gpt-4o} or {@code config}
 */
public record ModelPrice(String model, String pattern, List<String> providers, long effectiveFromMs, Rates rates,
    List<Tier> tiers, Map<String, ServiceTier> serviceTiers, double perSecond, String source) {
  /** The effective date of an entry that has always applied. */
  public static final long ALWAYS = Long.MIN_VALUE;

  /**
   * Prices per 1M tokens, NaN when absent.
   *
   * @param input uncached input
   * @param reasoning reasoning output, when priced apart from output
   */
  public record Rates(double input, double cacheRead, double cacheWrite5m, double cacheWrite1h, double output,
      double reasoning) {
    public static final Rates NONE = new Rates(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public Rates {
      check("input", input);
      check("cacheRead", cacheRead);
      check("cacheWrite5m", cacheWrite5m);
      check("cacheWrite1h", cacheWrite1h);
      check("output", output);
      check("reasoning", reasoning);
    }

    /** Input and output only. */
    public static Rates of(double input, double output) {
      return new Rates(input, Double.NaN, Double.NaN, Double.NaN, output, Double.NaN);
    }

    /** Each price of this, else {@code fallback}'s. */
    Rates or(Rates fallback) {
      return new Rates(pick(input, fallback.input), pick(cacheRead, fallback.cacheRead),
          pick(cacheWrite5m, fallback.cacheWrite5m), pick(cacheWrite1h, fallback.cacheWrite1h),
          pick(output, fallback.output), pick(reasoning, fallback.reasoning));
    }

    boolean isEmpty() {
      return Double.isNaN(input) && Double.isNaN(cacheRead) && Double.isNaN(cacheWrite5m) && Double.isNaN(cacheWrite1h)
          && Double.isNaN(output) && Double.isNaN(reasoning);
    }

    private static double pick(double a, double b) {
      return Double.isNaN(a) ? b : a;
    }

    private static void check(String name, double v) {
      if (v < 0 || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be a price >= 0, got " + v);
    }
  }

  /** Long-context pricing: when the call's input tokens (cache included) exceed {@code aboveInputTokens}. */
  public record Tier(long aboveInputTokens, Rates rates) {
    public Tier {
      if (aboveInputTokens < 0) throw new IllegalArgumentException("aboveInputTokens must be >= 0, got " + aboveInputTokens);
      if (rates == null || rates.isEmpty()) throw new IllegalArgumentException("a tier needs at least one price");
    }
  }

  /** The prices of a service tier ({@code flex}, {@code priority}, {@code batch} ...). */
  public record ServiceTier(Rates rates, List<Tier> tiers) {
    public ServiceTier {
      rates = rates == null ? Rates.NONE : rates;
      tiers = sortedTiers(tiers);
    }
  }

  public ModelPrice {
    boolean hasModel = model != null && !model.isBlank();
    boolean hasPattern = pattern != null && !pattern.isBlank();
    if (hasModel == hasPattern) throw new IllegalArgumentException("set exactly one of model and pattern");
    model = hasModel ? model.trim().toLowerCase(Locale.ROOT) : null;
    if (hasPattern) {
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("pattern is not a valid regular expression: " + e.getDescription());
      }
    } else {
      pattern = null;
    }
    List<String> p = new ArrayList<>();
    if (providers != null) {
      for (String s : providers) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("a provider must be a non-empty name");
        p.add(s.trim().toLowerCase(Locale.ROOT));
      }
    }
    providers = List.copyOf(p);
    rates = rates == null ? Rates.NONE : rates;
    tiers = sortedTiers(tiers);
    Map<String, ServiceTier> st = new LinkedHashMap<>();
    if (serviceTiers != null) {
      serviceTiers.forEach((k, v) -> {
        if (k == null || k.isBlank() || v == null) throw new IllegalArgumentException("a service tier needs a name and prices");
        st.put(k.trim().toLowerCase(Locale.ROOT), v);
      });
    }
    serviceTiers = java.util.Collections.unmodifiableMap(st);
    if (perSecond < 0 || Double.isInfinite(perSecond)) throw new IllegalArgumentException("perSecond must be a price >= 0, got " + perSecond);
    if (Double.isNaN(rates.input()) && Double.isNaN(rates.output()) && Double.isNaN(perSecond)) {
      throw new IllegalArgumentException("set at least one of input, output and perSecond");
    }
  }

  /** An entry by exact model name with input and output prices only. */
  public static ModelPrice of(String model, double input, double output) {
    return builder().model(model).rates(Rates.of(input, output)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This entry with another {@code source}. */
  public ModelPrice withSource(String newSource) {
    return new ModelPrice(model, pattern, providers, effectiveFromMs, rates, tiers, serviceTiers, perSecond, newSource);
  }

  /** The cost of one call at this price. */
  public Cost cost(Usage usage) {
    return Pricing.cost(this, usage);
  }

  /**
   * What makes two entries the same price point: match, providers and effective date. A table may
   * not list two entries of one identity ({@link PriceTable#read}); a later one replaces an earlier.
   */
  public String identity() {
    return (model != null ? "model " + model : "pattern " + pattern) + " " + providers + " " + effectiveFromMs;
  }

  /** The name or pattern this entry matches, for messages and listings. */
  public String matchText() {
    return model != null ? model : pattern;
  }

  private static List<Tier> sortedTiers(List<Tier> tiers) {
    if (tiers == null || tiers.isEmpty()) return List.of();
    List<Tier> sorted = new ArrayList<>(tiers);
    sorted.sort(Comparator.comparingLong(Tier::aboveInputTokens));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).aboveInputTokens() == sorted.get(i - 1).aboveInputTokens()) {
        throw new IllegalArgumentException("two tiers above " + sorted.get(i).aboveInputTokens() + " input tokens");
      }
    }
    return List.copyOf(sorted);
  }

  /** Builds a {@link ModelPrice}; unset fields are absent. */
  public static final class Builder {
    private String model;
    private String pattern;
    private List<String> providers = List.of();
    private long effectiveFromMs = ALWAYS;
    private Rates rates = Rates.NONE;
    private final List<Tier> tiers = new ArrayList<>();
    private final Map<String, ServiceTier> serviceTiers = new LinkedHashMap<>();
    private double perSecond = Double.NaN;
    private String source = "config";

    private Builder() {}

    public Builder model(String v) { model = v; return this; }
    public Builder pattern(String v) { pattern = v; return this; }
    public Builder providers(String... v) { providers = List.of(v); return this; }
    public Builder providers(List<String> v) { providers = v; return this; }
    public Builder effectiveFromMs(long v) { effectiveFromMs = v; return this; }
    /** An ISO date ({@code 2025-06-10}, UTC midnight) or instant. */
    public Builder effectiveFrom(String iso) { effectiveFromMs = PriceJson.parseDate(iso); return this; }
    public Builder rates(Rates v) { rates = v; return this; }
    public Builder tier(long aboveInputTokens, Rates r) { tiers.add(new Tier(aboveInputTokens, r)); return this; }
    public Builder serviceTier(String name, Rates r) { serviceTiers.put(name, new ServiceTier(r, List.of())); return this; }
    public Builder serviceTier(String name, ServiceTier t) { serviceTiers.put(name, t); return this; }
    public Builder perSecond(double v) { perSecond = v; return this; }
    public Builder source(String v) { source = v; return this; }

    public ModelPrice build() {
      return new ModelPrice(model, pattern, providers, effectiveFromMs, rates, tiers, serviceTiers, perSecond, source);
    }
  }
}
