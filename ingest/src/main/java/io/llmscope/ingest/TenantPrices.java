package io.llmscope.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmscope.ingest.pricing.ModelPrice;
import io.llmscope.ingest.pricing.PriceTable;
import io.llmscope.storage.Repricing;
import io.llmscope.storage.TenantSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each tenant's price table: the shipped entries plus the config's {@code prices:} overrides (the
 * base, shared), plus the tenant's own overrides from {@code PUT /api/v1/prices}, which win over
 * both on the same model and date. A tenant's overrides never reach another tenant's table.
 *
 * <p>Overrides are kept per tenant in the data directory ({@link TenantSettings}, setting
 * {@value #SETTING}: the entries as JSON, in the config's form), replaced whole and crash-safe, and
 * are read back at start. A change applies to the next span ingested. Changes are serialised; reads
 * ({@link #table}, once per span) take no lock.
 *
 * <p>{@link #put} merges: an entry replaces the tenant's override of the same model (or pattern),
 * providers and effective date, or is added; the others stay. {@link #remove} drops overrides.
 */
public final class TenantPrices {
  private static final Logger LOG = Logger.getLogger(TenantPrices.class.getName());
  static final String SETTING = "prices";
  /** The {@code source} of every entry added through the API. */
  public static final String API_SOURCE = "api";
  /** The config key of {@link IngestConfig#maxPriceOverrides}, named in refusals. */
  public static final String MAX_OVERRIDES_KEY = "ingest.maxPriceOverrides";
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Tenant(List<ModelPrice> overrides, PriceTable table) {}

  private final PriceTable base;
  private final TenantSettings store;
  private final int maxOverrides;
  private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();

  private TenantPrices(PriceTable base, TenantSettings store, int maxOverrides) {
    this.base = base;
    this.store = store;
    this.maxOverrides = maxOverrides;
  }

  /**
   * The tables over {@code base} with every tenant's stored overrides. A stored entry this build
   * cannot read is logged and left out.
   */
  public static TenantPrices open(PriceTable base, TenantSettings store, int maxOverrides) throws IOException {
    TenantPrices t = new TenantPrices(base, store, maxOverrides);
    for (Map.Entry<String, byte[]> e : store.readAll(SETTING).entrySet()) {
      List<String> problems = new ArrayList<>();
      List<ModelPrice> read = PriceTable.read(JSON.readTree(e.getValue()), SETTING, problems);
      if (!problems.isEmpty()) LOG.warning("tenant '" + e.getKey() + "': stored price overrides left out: " + problems);
      if (!read.isEmpty()) t.tenants.put(e.getKey(), new Tenant(read, base.withOverrides(read)));
    }
    return t;
  }

  /** The table that prices the tenant's calls now. */
  public PriceTable table(String tenant) {
    Tenant t = tenants.get(tenant);
    return t == null ? base : t.table;
  }

  /** The tenant's own overrides, the most recently put first. */
  public List<ModelPrice> overrides(String tenant) {
    Tenant t = tenants.get(tenant);
    return t == null ? List.of() : t.overrides;
  }

  /** Prices a stored span as ingest would now, with the tenant's table as it is at this call. */
  public Repricing.CostFunction costs(String tenant) {
    PriceTable t = table(tenant);
    return (span, detail) -> SpanPricer.apply(t, span, detail);
  }

  /** A body or request the API refuses; each problem names the field by its path, e.g. {@code prices[2].input}. */
  public static final class InvalidPrices extends IllegalArgumentException {
    private final List<String> problems;

    InvalidPrices(List<String> problems) {
      super(String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /** What a {@link #put} did. */
  public record PutResult(int added, int replaced, List<ModelPrice> overrides) {}

  /**
   * Adds or replaces the tenant's overrides with the entries of {@code body}: a JSON array of
   * entries in the config's {@code prices:} form, or {@code {"prices": [...]}}. Durable when it
   * returns; nothing changes when it throws.
   *
   * @throws InvalidPrices for a malformed body or entry, or past {@code ingest.maxPriceOverrides}
   */
  public synchronized PutResult put(String tenant, JsonNode body) throws IOException {
    List<ModelPrice> given = parse(body);
    Map<String, ModelPrice> merged = new LinkedHashMap<>();
    int replaced = 0;
    for (ModelPrice p : given) merged.put(p.identity(), p.withSource(API_SOURCE));
    for (ModelPrice p : overrides(tenant)) {
      if (merged.containsKey(p.identity())) replaced++;
      else merged.put(p.identity(), p);
    }
    // The entries just put first: among overrides of one model and date the first wins (see PriceTable).
    List<ModelPrice> next = List.copyOf(merged.values());
    if (next.size() > maxOverrides) {
      throw new InvalidPrices(List.of("prices: the tenant would have " + next.size() + " price overrides, more than "
          + MAX_OVERRIDES_KEY + " (" + maxOverrides + "); remove some with DELETE /api/v1/prices?model="));
    }
    save(tenant, next);
    return new PutResult(given.size() - replaced, replaced, next);
  }

  /**
   * Removes the tenant's overrides of {@code model} (its exact name, or a pattern's text), only
   * those for {@code provider} and from {@code effectiveFrom} when given. Returns those removed.
   *
   * @throws InvalidPrices when {@code effectiveFrom} is not a date
   */
  public synchronized List<ModelPrice> remove(String tenant, String model, String provider, String effectiveFrom)
      throws IOException {
    Long from = null;
    if (effectiveFrom != null) {
      try {
        from = PriceTable.parseEffectiveFrom(effectiveFrom);
      } catch (IllegalArgumentException e) {
        throw new InvalidPrices(List.of("effectiveFrom: " + e.getMessage()));
      }
    }
    String name = model.trim();
    List<ModelPrice> keep = new ArrayList<>();
    List<ModelPrice> removed = new ArrayList<>();
    for (ModelPrice p : overrides(tenant)) {
      boolean matches = (p.model() != null ? p.model().equals(name.toLowerCase(Locale.ROOT)) : p.pattern().equals(name))
          && (provider == null || p.providers().contains(provider.trim().toLowerCase(Locale.ROOT)))
          && (from == null || p.effectiveFromMs() == from);
      (matches ? removed : keep).add(p);
    }
    if (!removed.isEmpty()) save(tenant, keep);
    return removed;
  }

  /**
   * The tenant's effective table as {@code {"prices": [...]}}, each entry in the config's form with
   * its {@code source} ({@value #API_SOURCE}, {@code config}, or the shipped list it came from).
   * With {@code model}: only the entries that may price a call of it (by {@code provider}, if given),
   * by effective date, the one that applies to a call starting now marked {@code "applies": true}.
   * {@code source} keeps the entries of one source (or of one shipped list, e.g. {@code genai-prices}).
   */
  public ObjectNode list(String tenant, String model, String provider, String source) {
    PriceTable t = table(tenant);
    List<ModelPrice> entries = model == null ? t.entries() : t.candidates(provider, model);
    if (source != null) {
      entries = entries.stream().filter(p -> p.source() != null
          && (p.source().equals(source) || p.source().startsWith(source + ":"))).toList();
    }
    ArrayNode json = PriceTable.toJson(entries);
    ObjectNode out = JSON.createObjectNode();
    if (model != null) {
      out.put("model", model);
      if (provider != null) out.put("provider", provider);
      ModelPrice now = t.find(provider, model, System.currentTimeMillis());
      int at = now == null ? -1 : entries.indexOf(now);
      if (at >= 0) ((ObjectNode) json.get(at)).put("applies", true);
    }
    out.put("count", entries.size());
    out.set("prices", json);
    return out;
  }

  private void save(String tenant, List<ModelPrice> overrides) throws IOException {
    if (overrides.isEmpty()) {
      store.delete(SETTING, tenant);
      tenants.remove(tenant);
      return;
    }
    store.write(SETTING, tenant, JSON.writeValueAsBytes(PriceTable.toJson(overrides)));
    tenants.put(tenant, new Tenant(overrides, base.withOverrides(overrides)));
  }

  private static List<ModelPrice> parse(JsonNode body) {
    JsonNode list = body;
    if (body != null && body.isObject()) {
      for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("prices")) {
          throw new InvalidPrices(List.of("unknown field '" + f + "': the body is a list of prices or {\"prices\": [...]}"));
        }
      }
      list = body.get("prices");
      if (list == null || list.isNull()) throw new InvalidPrices(List.of("prices: missing (a list of price entries)"));
    } else if (body == null || !body.isArray()) {
      throw new InvalidPrices(List.of("the body must be a JSON list of price entries or {\"prices\": [...]}"));
    }
    List<String> problems = new ArrayList<>();
    List<ModelPrice> read = PriceTable.read(list, "prices", problems);
    if (!problems.isEmpty()) throw new InvalidPrices(problems.stream().map(TenantPrices::apiMessage).toList());
    return read;
  }

  private static final Pattern UNKNOWN = Pattern.compile("unknown config key '([^']*)'\\s*(.*)", Pattern.DOTALL);
  private static final Pattern TWO = Pattern.compile("config keys '([^']*)' and '([^']*)' (.*)", Pattern.DOTALL);
  private static final Pattern NAMED = Pattern.compile("config key '([^']*)' \\(([^)]*)\\): (.*)", Pattern.DOTALL);
  private static final Pattern ONE = Pattern.compile("config key '([^']*)':? (.*)", Pattern.DOTALL);

  /**
   * A problem the config reader words for a file ("config key 'prices[2].input' must be ...") as
   * the API says it: the field's path first ("prices[2].input: must be ...").
   */
  static String apiMessage(String problem) {
    Matcher m = UNKNOWN.matcher(problem);
    if (m.matches()) return m.group(1) + ": unknown field" + (m.group(2).isEmpty() ? "" : " " + m.group(2));
    m = TWO.matcher(problem);
    if (m.matches()) return m.group(1) + ", " + m.group(2) + ": " + m.group(3);
    m = NAMED.matcher(problem);
    if (m.matches()) return m.group(1) + " (" + m.group(2) + "): " + m.group(3);
    m = ONE.matcher(problem);
    if (m.matches()) return m.group(1) + ": " + m.group(2);
    return problem;
  }
}
