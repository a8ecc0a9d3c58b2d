package io.llmscope.ingest.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Price entries as JSON (the shipped resource) or YAML (the config's {@code prices:} list): one reader
 * for both, whose messages name the key by its path, e.g. {@code prices[2].tiers[0].input}.
 *
 * <pre>
 * - model: gpt-4o              # or pattern: '(?:gpt-4o|gpt-4o-2024-.*)'
 *   provider: openai           # or providers: [openai, azure.ai.openai]; none: any provider
 *   effectiveFrom: 2025-06-10  # ISO date (UTC) or instant, or epoch ms; none: since always
 *   input: 2.5                 # USD per 1M tokens: input, cacheRead, cacheWrite5m, cacheWrite1h, output, reasoning
 *   cacheRead: 1.25
 *   output: 10
 *   tiers: [{aboveInputTokens: 200000, input: 5, output: 15}]
 *   serviceTiers: {flex: {input: 1.25, output: 5}, priority: {input: 4.25, output: 17}}
 *   perSecond: 0.0005          # USD per second of duration
 * </pre>
 */
final class PriceJson {
  static final List<String> RATE_KEYS = List.of("input", "cacheRead", "cacheWrite5m", "cacheWrite1h", "output", "reasoning");
  private static final Set<String> ENTRY_KEYS = Set.of("model", "pattern", "provider", "providers", "effectiveFrom",
      "input", "cacheRead", "cacheWrite5m", "cacheWrite1h", "output", "reasoning", "tiers", "serviceTiers", "perSecond",
      "source");
  private static final Set<String> TIER_KEYS = Set.of("aboveInputTokens", "input", "cacheRead", "cacheWrite5m",
      "cacheWrite1h", "output", "reasoning");
  private static final Set<String> SERVICE_TIER_KEYS = Set.of("input", "cacheRead", "cacheWrite5m", "cacheWrite1h",
      "output", "reasoning", "tiers");

  private PriceJson() {}

  /** Epoch ms of an ISO date (UTC midnight), offset date-time or instant. */
  static long parseDate(String text) {
    String s = text.trim();
    try {
      if (s.length() == 10) return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      if (s.endsWith("Z")) return Instant.parse(s).toEpochMilli();
      return OffsetDateTime.parse(s).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not an ISO date (2025-06-10) or instant (2025-06-10T00:00:00Z)");
    }
  }

  /**
   * Reads a list of entries; each problem, named by path under {@code at}, goes to {@code problems} and
   * its entry is left out.
   */
  static List<ModelPrice> read(JsonNode list, String at, List<String> problems) {
    List<ModelPrice> out = new ArrayList<>();
    if (list == null || list.isNull() || list.isMissingNode()) return out;
    if (!list.isArray()) {
      problems.add("config key '" + at + "' must be a list of model prices, not " + describe(list));
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      String path = at + "[" + i + "]";
      int before = problems.size();
      ModelPrice p = entry(list.get(i), path, problems);
      if (p != null && problems.size() == before) out.add(p);
    }
    return out;
  }

  private static ModelPrice entry(JsonNode e, String path, List<String> problems) {
    if (!e.isObject()) {
      problems.add("config key '" + path + "' must be a mapping (model or pattern, prices), not " + describe(e));
      return null;
    }
    unknownKeys(e, path, ENTRY_KEYS, problems);
    ModelPrice.Builder b = ModelPrice.builder();
    String model = text(e, "model", path, problems);
    String pattern = text(e, "pattern", path, problems);
    if ((model == null) == (pattern == null)) {
      problems.add("config key '" + path + "' needs exactly one of 'model' (an exact name) and 'pattern' (a regular expression)");
      return null;
    }
    b.model(model).pattern(pattern);
    if (e.has("provider") && e.has("providers")) {
      problems.add("config keys '" + path + ".provider' and '" + path + ".providers' set the same thing: keep one");
    } else if (e.has("provider")) {
      String p = text(e, "provider", path, problems);
      if (p != null) b.providers(p);
    } else if (e.has("providers")) {
      JsonNode ps = e.get("providers");
      List<String> names = new ArrayList<>();
      if (!ps.isArray()) {
        problems.add("config key '" + path + ".providers' must be a list of provider names, not " + describe(ps));
      } else {
        for (int i = 0; i < ps.size(); i++) {
          if (!ps.get(i).isTextual() || ps.get(i).asText().isBlank()) {
            problems.add("config key '" + path + ".providers[" + i + "]' must be a provider name, not " + describe(ps.get(i)));
          } else {
            names.add(ps.get(i).asText());
          }
        }
      }
      b.providers(names);
    }
    JsonNode from = e.get("effectiveFrom");
    if (from != null && !from.isNull()) {
      if (from.isIntegralNumber() && from.canConvertToLong()) {
        b.effectiveFromMs(from.longValue());
      } else if (from.isTextual()) {
        try {
          b.effectiveFromMs(parseDate(from.asText()));
        } catch (IllegalArgumentException ex) {
          problems.add("config key '" + path + ".effectiveFrom': " + ex.getMessage());
        }
      } else {
        problems.add("config key '" + path + ".effectiveFrom' must be an ISO date or epoch ms, not " + describe(from));
      }
    }
    b.rates(rates(e, path, problems));
    for (ModelPrice.Tier t : tiers(e.get("tiers"), path + ".tiers", problems)) b.tier(t.aboveInputTokens(), t.rates());
    JsonNode st = e.get("serviceTiers");
    if (st != null && !st.isNull()) {
      if (!st.isObject()) {
        problems.add("config key '" + path + ".serviceTiers' must be a mapping of tier name to prices, not " + describe(st));
      } else {
        st.fields().forEachRemaining(f -> {
          String tp = path + ".serviceTiers." + f.getKey();
          if (!f.getValue().isObject()) {
            problems.add("config key '" + tp + "' must be a mapping of prices, not " + describe(f.getValue()));
            return;
          }
          unknownKeys(f.getValue(), tp, SERVICE_TIER_KEYS, problems);
          b.serviceTier(f.getKey(), new ModelPrice.ServiceTier(rates(f.getValue(), tp, problems),
              tiers(f.getValue().get("tiers"), tp + ".tiers", problems)));
        });
      }
    }
    b.perSecond(number(e, "perSecond", path, problems));
    String source = text(e, "source", path, problems);
    if (source != null) b.source(source);
    try {
      return b.build();
    } catch (IllegalArgumentException ex) {
      problems.add("config key '" + path + "' (" + (model != null ? model : pattern) + "): " + ex.getMessage());
      return null;
    }
  }

  private static List<ModelPrice.Tier> tiers(JsonNode list, String at, List<String> problems) {
    List<ModelPrice.Tier> out = new ArrayList<>();
    if (list == null || list.isNull()) return out;
    if (!list.isArray()) {
      problems.add("config key '" + at + "' must be a list of {aboveInputTokens, prices}, not " + describe(list));
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      String path = at + "[" + i + "]";
      JsonNode t = list.get(i);
      if (!t.isObject()) {
        problems.add("config key '" + path + "' must be a mapping {aboveInputTokens, prices}, not " + describe(t));
        continue;
      }
      unknownKeys(t, path, TIER_KEYS, problems);
      JsonNode above = t.get("aboveInputTokens");
      if (above == null || above.isNull()) {
        problems.add("config key '" + path + ".aboveInputTokens' is missing");
        continue;
      }
      if (!above.isIntegralNumber() || !above.canConvertToLong() || above.longValue() < 0) {
        problems.add("config key '" + path + ".aboveInputTokens' must be a token count >= 0, not " + describe(above));
        continue;
      }
      ModelPrice.Rates r = rates(t, path, problems);
      if (r.isEmpty()) {
        problems.add("config key '" + path + "' needs at least one price (" + String.join(", ", RATE_KEYS) + ")");
        continue;
      }
      out.add(new ModelPrice.Tier(above.longValue(), r));
    }
    return out;
  }

  private static ModelPrice.Rates rates(JsonNode n, String path, List<String> problems) {
    return new ModelPrice.Rates(number(n, "input", path, problems), number(n, "cacheRead", path, problems),
        number(n, "cacheWrite5m", path, problems), number(n, "cacheWrite1h", path, problems),
        number(n, "output", path, problems), number(n, "reasoning", path, problems));
  }

  private static double number(JsonNode n, String key, String path, List<String> problems) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) return Double.NaN;
    if (!v.isNumber() || !Double.isFinite(v.doubleValue()) || v.doubleValue() < 0) {
      problems.add("config key '" + path + "." + key + "' must be a price >= 0 in USD"
          + (key.equals("perSecond") ? " per second" : " per 1M tokens") + ", not " + describe(v));
      return Double.NaN;
    }
    return v.doubleValue();
  }

  private static String text(JsonNode n, String key, String path, List<String> problems) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual() || v.asText().isBlank()) {
      problems.add("config key '" + path + "." + key + "' must be a non-empty string, not " + describe(v));
      return null;
    }
    return v.asText();
  }

  private static void unknownKeys(JsonNode n, String path, Set<String> known, List<String> problems) {
    n.fieldNames().forEachRemaining(f -> {
      if (!known.contains(f)) {
        String near = known.stream().filter(k -> k.equalsIgnoreCase(f)).findFirst().orElse(null);
        problems.add("unknown config key '" + path + "." + f + "'" + (near == null ? " (known: " + String.join(", ",
            known.stream().sorted().toList()) + ")" : " (did you mean '" + path + "." + near + "'?)"));
      }
    });
  }

  private static String describe(JsonNode node) {
    if (node == null || node.isNull()) return "nothing";
    if (node.isTextual()) return "'" + node.asText() + "'";
    if (node.isObject()) return "a mapping";
    if (node.isArray()) return "a list";
    return node.toString();
  }

  /** The JSON form of entries, as {@link #read} reads it; absent prices are left out. */
  static ArrayNode write(List<ModelPrice> entries) {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    for (ModelPrice p : entries) {
      ObjectNode o = list.addObject();
      if (p.model() != null) o.put("model", p.model());
      else o.put("pattern", p.pattern());
      if (p.providers().size() == 1) o.put("provider", p.providers().get(0));
      else if (!p.providers().isEmpty()) p.providers().forEach(o.putArray("providers")::add);
      if (p.effectiveFromMs() != ModelPrice.ALWAYS) o.put("effectiveFrom", iso(p.effectiveFromMs()));
      putRates(o, p.rates());
      putTiers(o, p.tiers());
      if (!p.serviceTiers().isEmpty()) {
        ObjectNode st = o.putObject("serviceTiers");
        p.serviceTiers().forEach((name, t) -> {
          ObjectNode to = st.putObject(name);
          putRates(to, t.rates());
          putTiers(to, t.tiers());
        });
      }
      if (!Double.isNaN(p.perSecond())) o.put("perSecond", p.perSecond());
      if (p.source() != null) o.put("source", p.source());
    }
    return list;
  }

  /** ISO date when at UTC midnight, else instant. */
  static String iso(long epochMs) {
    Instant i = Instant.ofEpochMilli(epochMs);
    return epochMs % 86_400_000L == 0 ? LocalDate.ofInstant(i, ZoneOffset.UTC).toString() : i.toString();
  }

  private static void putTiers(ObjectNode o, List<ModelPrice.Tier> tiers) {
    if (tiers.isEmpty()) return;
    ArrayNode a = o.putArray("tiers");
    for (ModelPrice.Tier t : tiers) {
      ObjectNode to = a.addObject();
      to.put("aboveInputTokens", t.aboveInputTokens());
      putRates(to, t.rates());
    }
  }

  private static void putRates(ObjectNode o, ModelPrice.Rates r) {
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("input", r.input());
    v.put("cacheRead", r.cacheRead());
    v.put("cacheWrite5m", r.cacheWrite5m());
    v.put("cacheWrite1h", r.cacheWrite1h());
    v.put("output", r.output());
    v.put("reasoning", r.reasoning());
    v.forEach((k, d) -> {
      if (!Double.isNaN(d)) o.put(k, d);
    });
  }
}
