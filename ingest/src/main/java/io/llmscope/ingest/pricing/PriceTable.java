package io.llmscope.ingest.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The model price table: the shipped one (resource {@code prices.json} beside this class, derived
 * from public price lists, see the README there) plus overrides from the config file or the API.
 * Immutable and thread-safe; {@link #cost} is called once per span at ingest.
 *
 * <h2>Which entry prices a call</h2>
 * The model string is looked up by each of its {@linkplain ModelNames#candidates names}, most specific
 * first (the name as sent, then without route/region/vendor prefixes, then without version and date
 * suffixes one at a time). First among the entries of the span's provider (and entries for any
 * provider), for each name in turn; then likewise for the provider the name's own form implies
 * ({@code bedrock/...} or {@code us.anthropic....} → {@code aws.bedrock}, {@code azure/...},
 * {@code vertex_ai/...} or {@code ...@20241022} → {@code gcp.vertex_ai}, {@code models/...} →
 * {@code gcp.gemini}); and if none matches, among every entry whatever its provider (in table order:
 * the shipped table lists first-party providers first). At the first of these provider steps where
 * anything matches:
 * <ul>
 *   <li>of the shipped entries, those of one model count: the first matching entry in table order (or
 *       an exact name of the same providers before it) for the first name any shipped entry matches;
 *   <li>of the overrides, every one that matches the first name any override matches, so an override
 *       of {@code gpt-4o} also prices {@code gpt-4o-2024-08-06} though a shipped entry names it;
 *   <li>of those, the one with the latest effective date at or before the call's start applies; on
 *       the same date an override wins over a shipped entry, and an exact name over a pattern. A call
 *       before every effective date gets the earliest entry.
 * </ul>
 * The outcome per (provider, model string) is cached, so the regex scan happens once per distinct
 * model string; the cache of a provider is cleared if it ever holds {@value #MAX_CACHED} names (and the whole
 * cache at {@value #MAX_CACHED_PROVIDERS} providers), so odd model strings cannot grow it without bound.
 */
public final class PriceTable {
  static final String RESOURCE = "prices.json";
  static final int MAX_CACHED = 100_000;
  static final int MAX_CACHED_PROVIDERS = 1_000;
  private static final double MILLION = 1_000_000.0;
  private static volatile PriceTable shipped;

  private final List<Entry> shippedEntries;
  private final List<Entry> overrides;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Entry[]>> cache = new ConcurrentHashMap<>();
  private static final Entry[] UNKNOWN = new Entry[0];

  /** A price entry with its compiled matcher and its place: overrides before shipped, then table order. */
  private record Entry(ModelPrice price, Pattern pattern, boolean override, int order) {
    boolean matches(String name) {
      return pattern == null ? price.model().equals(name) : pattern.matcher(name).matches();
    }

    boolean servesProvider(String provider) {
      return price.providers().isEmpty() || price.providers().contains(provider);
    }

    /** The shipped model an entry belongs to: its match and providers. */
    boolean sameModel(Entry o) {
      return price.matchText().equals(o.price.matchText()) && price.providers().equals(o.price.providers());
    }
  }

  private PriceTable(List<Entry> shippedEntries, List<Entry> overrides) {
    this.shippedEntries = shippedEntries;
    this.overrides = overrides;
  }

  /** The shipped table (a resource in the jar), read once. */
  public static PriceTable shipped() {
    PriceTable t = shipped;
    if (t == null) {
      synchronized (PriceTable.class) {
        t = shipped;
        if (t == null) shipped = t = of(readShipped(), List.of());
      }
    }
    return t;
  }

  /** A table of these entries only, no shipped ones (tests, or a user who wants none). */
  public static PriceTable of(List<ModelPrice> entries) {
    return of(entries, List.of());
  }

  private static PriceTable of(List<ModelPrice> base, List<ModelPrice> overrides) {
    return new PriceTable(entries(base, false), entries(overrides, true));
  }

  private static List<Entry> entries(List<ModelPrice> prices, boolean override) {
    List<Entry> out = new ArrayList<>(prices.size());
    for (ModelPrice p : prices) {
      Pattern pattern = p.pattern() == null ? null : Pattern.compile(p.pattern(), Pattern.CASE_INSENSITIVE);
      out.add(new Entry(p, pattern, override, out.size()));
    }
    return List.copyOf(out);
  }

  /**
   * This table with {@code overrides} added; they win over shipped entries for the same model and
   * date, and over this table's own overrides (later lists win).
   */
  public PriceTable withOverrides(List<ModelPrice> overrides) {
    List<ModelPrice> all = new ArrayList<>(overrides);
    for (Entry e : this.overrides) all.add(e.price());
    List<ModelPrice> base = new ArrayList<>();
    for (Entry e : shippedEntries) base.add(e.price());
    return of(base, all);
  }

  /** Every entry: overrides first, then the shipped ones, each in table order. */
  public List<ModelPrice> entries() {
    List<ModelPrice> out = new ArrayList<>(overrides.size() + shippedEntries.size());
    for (Entry e : overrides) out.add(e.price());
    for (Entry e : shippedEntries) out.add(e.price());
    return List.copyOf(out);
  }

  /**
   * Reads price entries in the config's {@code prices:} / {@code PUT /api/v1/prices} form (see README):
   * a list of mappings. Each problem is added to {@code problems} naming the key by its path under
   * {@code at} (e.g. {@code prices[0].input}), and its entry is left out.
   */
  public static List<ModelPrice> read(JsonNode list, String at, List<String> problems) {
    List<ModelPrice> read = PriceJson.read(list, at, problems);
    // Two entries of one model, providers and date: which one applies would be an accident of order.
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    List<ModelPrice> out = new ArrayList<>();
    for (ModelPrice p : read) {
      String key = p.identity();
      Integer before = seen.putIfAbsent(key, out.size());
      if (before != null) {
        problems.add("config key '" + at + "' lists " + p.matchText() + (p.providers().isEmpty() ? "" : " " + p.providers())
            + (p.effectiveFromMs() == ModelPrice.ALWAYS ? "" : " from " + PriceJson.iso(p.effectiveFromMs()))
            + " twice: keep one");
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /** Epoch ms of an {@code effectiveFrom} as an entry may give it: ISO date (UTC midnight), instant, or epoch ms. */
  public static long parseEffectiveFrom(String text) {
    String t = text.trim();
    if (t.matches("-?\\d{1,18}")) return Long.parseLong(t);
    return PriceJson.parseDate(t);
  }

  /** Entries in the form {@link #read} reads (the config's {@code prices:} list, with {@code source}). */
  public static ArrayNode toJson(List<ModelPrice> entries) {
    return PriceJson.write(entries);
  }

  /**
   * Every entry that may price a call of {@code model} by {@code provider} (null: unknown), by
   * ascending effective date, the one preferred on a date last: {@link #find} picks among these by
   * the call's start.
   */
  public List<ModelPrice> candidates(String provider, String model) {
    if (model == null || model.isEmpty()) return List.of();
    List<ModelPrice> out = new ArrayList<>();
    for (Entry e : resolve(provider == null ? "" : provider, model)) out.add(e.price());
    return out;
  }

  /**
   * The cost of one call, or null when the model is unknown (never 0 for an unknown model).
   *
   * @param provider GenAI semconv provider name, null if unknown
   * @param startEpochMs the call's start, which picks among dated entries
   */
  public Cost cost(String provider, String model, long startEpochMs, Usage usage) {
    ModelPrice p = find(provider, model, startEpochMs);
    return p == null ? null : Pricing.cost(p, usage);
  }

  /** The entry that prices a call of this model at this time, null if none. */
  public ModelPrice find(String provider, String model, long startEpochMs) {
    if (model == null || model.isEmpty()) return null;
    Entry[] candidates = resolve(provider == null ? "" : provider, model);
    if (candidates.length == 0) return null;
    // Sorted by effective date, the preferred entry of a date last: the last one in force wins.
    Entry pick = candidates[0];
    for (Entry e : candidates) {
      if (e.price().effectiveFromMs() <= startEpochMs) pick = e;
      else break;
    }
    if (pick.price().effectiveFromMs() > startEpochMs) {
      // Before every date: the best entry of the earliest date.
      long first = candidates[0].price().effectiveFromMs();
      for (Entry e : candidates) {
        if (e.price().effectiveFromMs() == first) pick = e;
      }
    }
    return pick.price();
  }

  private Entry[] resolve(String provider, String model) {
    ConcurrentHashMap<String, Entry[]> byModel = cache.get(provider);
    if (byModel == null) {
      if (cache.size() >= MAX_CACHED_PROVIDERS) cache.clear();
      byModel = cache.computeIfAbsent(provider, k -> new ConcurrentHashMap<>());
    }
    Entry[] hit = byModel.get(model);
    if (hit != null) return hit;
    Entry[] found = lookUp(provider.toLowerCase(Locale.ROOT), model);
    if (byModel.size() >= MAX_CACHED) byModel.clear();
    byModel.put(model, found);
    return found;
  }

  private Entry[] lookUp(String provider, String model) {
    List<String> names = ModelNames.candidates(model);
    List<String> providers = new ArrayList<>(3);
    if (!provider.isEmpty()) providers.add(provider);
    String implied = ModelNames.impliedProvider(model);
    if (implied != null && !providers.contains(implied)) providers.add(implied);
    providers.add(null); // any provider
    for (String p : providers) {
      List<Entry> matched = new ArrayList<>();
      // Overrides: every one that matches the first name any override matches.
      for (String name : names) {
        for (Entry e : overrides) {
          if ((p == null || e.servesProvider(p)) && e.matches(name)) matched.add(e);
        }
        if (!matched.isEmpty()) break;
      }
      // Shipped: the model of the first matching entry (exact names first) for the first name any matches.
      Entry first = null;
      for (String name : names) {
        for (Entry e : shippedEntries) {
          if ((p == null || e.servesProvider(p)) && e.matches(name)) {
            if (first == null || (first.pattern() != null && e.pattern() == null
                && e.price().providers().equals(first.price().providers()))) {
              first = e;
            }
          }
        }
        if (first != null) break;
      }
      if (first != null) {
        for (Entry e : shippedEntries) {
          if (e.sameModel(first)) matched.add(e);
        }
      }
      if (!matched.isEmpty()) {
        // Ascending date; on one date the preferred last: override, exact name, table order (earlier last).
        matched.sort(Comparator.<Entry>comparingLong(e -> e.price().effectiveFromMs())
            .thenComparing(e -> e.override())
            .thenComparing(e -> e.pattern() == null)
            .thenComparing(Comparator.comparingInt(Entry::order).reversed()));
        return matched.toArray(new Entry[0]);
      }
    }
    return UNKNOWN;
  }

  private static List<ModelPrice> readShipped() {
    try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("the shipped price table " + RESOURCE + " is missing from the jar");
      JsonNode root = new ObjectMapper().readTree(in);
      List<String> problems = new ArrayList<>();
      List<ModelPrice> prices = PriceJson.read(root.get("prices"), "prices", problems);
      if (!problems.isEmpty()) throw new IllegalStateException("the shipped price table is broken: " + problems);
      return prices;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the shipped price table", e);
    }
  }
}
