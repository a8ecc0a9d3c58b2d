package io.llmscope.ingest.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Derives the shipped price table ({@code ingest/src/main/resources/io/llmscope/ingest/pricing/prices.json})
 * from the public price data in {@code /work/shared/pricing} (see SOURCES.md there). Data only: no code
 * of those projects is used. Re-run it after updating the source files:
 *
 * <pre>
 * java -cp ingest/target/test-classes:ingest/target/classes:JACKSON_JARS \
 *     io.llmscope.ingest.pricing.DerivePrices [SOURCE_DIR] [OUTPUT_FILE]
 * </pre>
 * or {@code mvn -o -q verify -pl ingest -am -Dtest=DerivePricesTest -Dllmscope.derivePrices=write
 * -Dsurefire.failIfNoSpecifiedTests=false}. {@code DerivePricesTest} checks that the committed file is
 * what this program makes of the source files.
 *
 * <p>How:
 * <ol>
 *   <li>genai-prices v2 (pydantic, MIT) is the base: for the providers in {@link #PROVIDERS}, every model
 *       becomes one entry per price period ({@code start_date} constraints become effective dates). Its
 *       {@code match} clause becomes an exact name (a single {@code equals}) or an anchored regex. Prices
 *       are per 1M tokens already; a price with {@code tiers} (a cliff on total input tokens) becomes a
 *       long-context tier of the whole call. Audio, image, video, per-request and web-search prices are
 *       left out (spans do not report those units). DeepSeek's time-of-day windows: the standard-hours
 *       price is kept, the off-peak discount is not modelled. A model with no price at all is free.
 *   <li>LiteLLM (BerriAI, MIT) adds what genai-prices lacks, to entries whose standard input price it
 *       agrees with (the newest period only): service tiers ({@code _flex}, {@code _priority},
 *       {@code _batches} → {@code flex}, {@code priority}, {@code batch}), long-context tiers
 *       ({@code _above_200k_tokens} ...), the 1-hour cache write ({@code cache_creation_input_token_cost_above_1hr})
 *       and a separate reasoning price; and the Azure OpenAI deployments ({@code azure/...}) that no
 *       genai-prices Azure entry matches.
 * </ol>
 */
public final class DerivePrices {
  static final String GENAI = "genai-prices-v2-data.json";
  static final String LITELLM = "litellm-model-prices.json";

  /** genai-prices provider id → GenAI semconv provider names, in table order (first-party providers first). */
  static final Map<String, List<String>> PROVIDERS = new LinkedHashMap<>();

  static {
    PROVIDERS.put("openai", List.of("openai"));
    PROVIDERS.put("anthropic", List.of("anthropic"));
    PROVIDERS.put("google", List.of("gcp.gemini", "gcp.vertex_ai", "gcp.gen_ai"));
    PROVIDERS.put("mistral", List.of("mistral_ai"));
    PROVIDERS.put("deepseek", List.of("deepseek"));
    PROVIDERS.put("cohere", List.of("cohere"));
    PROVIDERS.put("x-ai", List.of("x_ai"));
    PROVIDERS.put("aws", List.of("aws.bedrock"));
    PROVIDERS.put("azure", List.of("azure.ai.openai", "azure.ai.inference"));
    PROVIDERS.put("groq", List.of("groq"));
  }

  private static final List<String> AZURE = PROVIDERS.get("azure");
  /** Claude on Google is Vertex only. */
  private static final List<String> VERTEX = List.of("gcp.vertex_ai");

  private DerivePrices() {}

  public static void main(String[] args) throws IOException {
    Path sources = Path.of(args.length > 0 ? args[0] : "/work/shared/pricing");
    Path out = Path.of(args.length > 1 ? args[1] : "ingest/src/main/resources/io/llmscope/ingest/pricing/prices.json");
    String json = derive(sources);
    Files.writeString(out, json);
    System.out.println("wrote " + out + ": " + json.lines().count() + " lines");
  }

  /** The resource text for the source files in {@code dir}. */
  static String derive(Path dir) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    byte[] genaiBytes = Files.readAllBytes(dir.resolve(GENAI));
    byte[] litellmBytes = Files.readAllBytes(dir.resolve(LITELLM));
    JsonNode genai = mapper.readTree(genaiBytes);
    JsonNode litellm = mapper.readTree(litellmBytes);

    List<ModelPrice> prices = new ArrayList<>();
    Map<String, JsonNode> byProvider = new LinkedHashMap<>();
    for (JsonNode p : genai) byProvider.put(p.get("id").asText(), p);
    List<Pattern> azureMatches = new ArrayList<>();
    for (Map.Entry<String, List<String>> provider : PROVIDERS.entrySet()) {
      JsonNode p = byProvider.get(provider.getKey());
      if (p == null) throw new IllegalStateException("no provider " + provider.getKey() + " in " + GENAI);
      for (JsonNode m : p.get("models")) {
        List<ModelPrice> periods = model(provider.getKey(), provider.getValue(), m, litellm);
        prices.addAll(periods);
        if (provider.getKey().equals("azure")) {
          for (ModelPrice mp : periods) azureMatches.add(Pattern.compile(mp.pattern() != null ? mp.pattern() : Pattern.quote(mp.model())));
        }
      }
    }
    prices.addAll(azureFromLitellm(litellm, azureMatches));

    StringBuilder s = new StringBuilder();
    s.append("{\n  \"about\": ").append(mapper.writeValueAsString(
        "LLMScope's shipped model prices, USD per 1M tokens. Derived by DerivePrices (ingest test sources) from public data;"
            + " see README.md beside this file for the sources, their sha256 and licences. Do not edit by hand."));
    s.append(",\n  \"sources\": [\n    ");
    s.append(mapper.writeValueAsString(source(GENAI, sha256(genaiBytes),
        "MIT, Copyright (c) Pydantic Services Inc. 2025 to present (github.com/pydantic/genai-prices)")));
    s.append(",\n    ");
    s.append(mapper.writeValueAsString(source(LITELLM, sha256(litellmBytes),
        "MIT, Copyright (c) 2023 Berri AI (github.com/BerriAI/litellm)")));
    s.append("\n  ],\n  \"prices\": [\n");
    ArrayNode entries = PriceJson.write(prices);
    for (int i = 0; i < entries.size(); i++) {
      s.append("    ").append(mapper.writeValueAsString(entries.get(i))).append(i + 1 < entries.size() ? ",\n" : "\n");
    }
    s.append("  ]\n}\n");
    return s.toString();
  }

  private static Map<String, String> source(String file, String sha256, String licence) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("file", file);
    m.put("sha256", sha256);
    m.put("licence", licence);
    return m;
  }

  private static List<ModelPrice> model(String providerId, List<String> providers, JsonNode m, JsonNode litellm) {
    String id = m.get("id").asText();
    List<String> semconv = providerId.equals("google") && id.startsWith("claude") ? VERTEX : providers;
    JsonNode pricesNode = m.get("prices");
    List<JsonNode> periods = new ArrayList<>();
    List<Long> dates = new ArrayList<>();
    String note = "";
    if (pricesNode.isArray()) {
      JsonNode timeWindow = null;
      for (JsonNode item : pricesNode) {
        JsonNode c = item.get("constraint");
        if (c != null && c.has("start_time")) timeWindow = item;
      }
      for (JsonNode item : pricesNode) {
        JsonNode c = item.get("constraint");
        if (timeWindow != null) {
          if (item == timeWindow) {
            periods.add(item.get("prices"));
            dates.add(ModelPrice.ALWAYS);
            note = " (standard hours " + c.get("start_time").asText() + "-" + c.get("end_time").asText()
                + "; the off-peak price is not modelled)";
          }
          continue;
        }
        periods.add(item.get("prices"));
        dates.add(c == null ? ModelPrice.ALWAYS : PriceJson.parseDate(c.get("start_date").asText()));
      }
    } else {
      periods.add(pricesNode);
      dates.add(ModelPrice.ALWAYS);
    }
    Match match = match(m.get("match"));
    List<ModelPrice> out = new ArrayList<>();
    for (int i = 0; i < periods.size(); i++) {
      JsonNode pr = periods.get(i);
      Map<Long, double[]> byStart = new java.util.TreeMap<>();
      double[] base = nan();
      boolean anyToken = false;
      boolean anyPrice = pr.size() > 0;
      for (int k = 0; k < KEYS.length; k++) {
        JsonNode v = pr.get(KEYS[k]);
        if (v == null) continue;
        anyToken = true;
        if (v.isNumber()) {
          base[k] = v.doubleValue();
        } else {
          base[k] = v.get("base").doubleValue();
          for (JsonNode t : v.get("tiers")) byStart.computeIfAbsent(t.get("start").asLong(), x -> nan())[k] = t.get("price").doubleValue();
        }
      }
      if (!anyToken && anyPrice) continue; // priced per request, image ... only
      if (!anyToken) {
        base[0] = 0; // listed without any price: free
        base[4] = 0;
      }
      ModelPrice.Builder b = ModelPrice.builder().providers(semconv).effectiveFromMs(dates.get(i))
          .source("genai-prices:" + providerId + "/" + id + note);
      if (match.exact != null) b.model(match.exact);
      else b.pattern(match.regex);
      b.rates(rates(base));
      // Cliff tiers: at each start, every price's tier at or below it.
      double[] carried = nan();
      for (Map.Entry<Long, double[]> t : byStart.entrySet()) {
        for (int k = 0; k < KEYS.length; k++) if (!Double.isNaN(t.getValue()[k])) carried[k] = t.getValue()[k];
        b.tier(t.getKey(), rates(carried));
      }
      if (i == periods.size() - 1) fromLitellm(b, base, byStart.isEmpty(), providerId, id, match, litellm);
      out.add(b.build());
    }
    return out;
  }

  /** genai-prices price keys in {@link ModelPrice.Rates} order. */
  private static final String[] KEYS = {"input_mtok", "cache_read_mtok", "cache_write_mtok", "cache_write_1h_mtok",
      "output_mtok", "output_reasoning_mtok"};

  private static double[] nan() {
    return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
  }

  private static ModelPrice.Rates rates(double[] v) {
    return new ModelPrice.Rates(v[0], v[1], v[2], v[3], v[4], v[5]);
  }

  /** Service tiers, long-context tiers, the 1h cache write and a reasoning price, from LiteLLM's entry of the model. */
  private static void fromLitellm(ModelPrice.Builder b, double[] base, boolean noTiers, String providerId, String id,
      Match match, JsonNode litellm) {
    String prefix = switch (providerId) {
      case "google" -> id.startsWith("claude") ? "vertex_ai/" : "gemini/";
      case "azure" -> "azure/";
      case "x-ai" -> "xai/";
      case "mistral" -> "mistral/";
      case "deepseek" -> "deepseek/";
      case "groq" -> "groq/";
      default -> "";
    };
    // The names the entry lists, then every LiteLLM name of the provider its pattern matches, in file order.
    List<String> keys = new ArrayList<>();
    for (String name : match.names(id)) keys.add(prefix + name);
    if (match.regex != null) {
      Pattern p = Pattern.compile(match.regex);
      for (Iterator<String> it = litellm.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!key.startsWith(prefix)) continue;
        String name = key.substring(prefix.length());
        if (!name.contains("/") && p.matcher(name.toLowerCase(java.util.Locale.ROOT)).matches()) keys.add(key);
      }
    }
    JsonNode l = null;
    for (String key : keys) {
      JsonNode candidate = litellm.get(key);
      if (candidate != null && candidate.has("input_cost_per_token")
          && same(mtok(candidate.get("input_cost_per_token")), base[0])) {
        l = candidate;
        break;
      }
    }
    if (l == null) return;
    if (Double.isNaN(base[3]) && l.has("cache_creation_input_token_cost_above_1hr")) {
      base[3] = mtok(l.get("cache_creation_input_token_cost_above_1hr"));
    }
    if (Double.isNaN(base[5]) && l.has("output_cost_per_reasoning_token")
        && !same(mtok(l.get("output_cost_per_reasoning_token")), base[4])) {
      base[5] = mtok(l.get("output_cost_per_reasoning_token"));
    }
    b.rates(rates(base));
    fromLitellmTiers(b, l, noTiers);
  }

  private static final Pattern ABOVE = Pattern.compile("^input_cost_per_token_above_(\\d+)k_tokens(.*)$");

  private static Set<Long> litellmTierStarts(JsonNode l, String suffix) {
    Set<Long> starts = new TreeSet<>();
    for (Iterator<String> it = l.fieldNames(); it.hasNext(); ) {
      var m = ABOVE.matcher(it.next());
      if (m.matches() && m.group(2).equals(suffix)) starts.add(Long.parseLong(m.group(1)) * 1000);
    }
    return starts;
  }

  private static ModelPrice.Rates litellmRates(JsonNode l, String suffix) {
    return new ModelPrice.Rates(mtok(l.get("input_cost_per_token" + suffix)),
        mtok(l.get("cache_read_input_token_cost" + suffix)), mtok(l.get("cache_creation_input_token_cost" + suffix)),
        Double.NaN, mtok(l.get("output_cost_per_token" + suffix)), Double.NaN);
  }

  /** Azure OpenAI deployments LiteLLM lists ({@code azure/NAME}) that no genai-prices Azure entry matches. */
  private static List<ModelPrice> azureFromLitellm(JsonNode litellm, List<Pattern> covered) {
    List<ModelPrice> out = new ArrayList<>();
    Set<String> modes = Set.of("chat", "responses", "completion", "embedding");
    for (Iterator<Map.Entry<String, JsonNode>> it = litellm.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode v = e.getValue();
      if (!key.startsWith("azure/") || !v.isObject()) continue;
      String name = key.substring("azure/".length()).toLowerCase(java.util.Locale.ROOT);
      if (name.contains("/") || !v.has("input_cost_per_token") || !"azure".equals(v.path("litellm_provider").asText())) continue;
      if (!modes.contains(v.path("mode").asText())) continue;
      if (covered.stream().anyMatch(p -> p.matcher(name).matches())) continue;
      ModelPrice.Builder b = ModelPrice.builder().model(name).providers(AZURE).source("litellm:" + key);
      double[] base = {mtok(v.get("input_cost_per_token")), mtok(v.get("cache_read_input_token_cost")),
          mtok(v.get("cache_creation_input_token_cost")), mtok(v.get("cache_creation_input_token_cost_above_1hr")),
          mtok(v.get("output_cost_per_token")), Double.NaN};
      if (Double.isNaN(base[4]) && v.path("mode").asText().equals("embedding")) base[4] = 0;
      b.rates(rates(base));
      fromLitellmTiers(b, v, true);
      out.add(b.build());
    }
    return out;
  }

  /** LiteLLM's long-context tiers (when {@code longContext}) and service tiers of an entry. */
  private static void fromLitellmTiers(ModelPrice.Builder b, JsonNode l, boolean longContext) {
    if (longContext) {
      for (long above : litellmTierStarts(l, "")) b.tier(above, litellmRates(l, "_above_" + above / 1000 + "k_tokens"));
    }
    for (String[] st : new String[][] {{"flex", "_flex"}, {"priority", "_priority"}, {"batch", "_batches"}}) {
      if (!l.has("input_cost_per_token" + st[1]) && !l.has("output_cost_per_token" + st[1])) continue;
      List<ModelPrice.Tier> tiers = new ArrayList<>();
      for (long above : litellmTierStarts(l, st[1])) {
        tiers.add(new ModelPrice.Tier(above, litellmRates(l, "_above_" + above / 1000 + "k_tokens" + st[1])));
      }
      b.serviceTier(st[0], new ModelPrice.ServiceTier(litellmRates(l, st[1]), tiers));
    }
  }

  /** Per token → per 1M tokens, to 1e-9 (LiteLLM's per-token floats such as 2.4999999999999998e-06). */
  private static double mtok(JsonNode perToken) {
    if (perToken == null || !perToken.isNumber()) return Double.NaN;
    return Math.round(perToken.doubleValue() * 1e6 * 1e9) / 1e9;
  }

  private static boolean same(double a, double b) {
    return Math.abs(a - b) < 1e-9;
  }

  /** A genai-prices match clause as an exact name or a whole-name regex, and the exact names it lists. */
  record Match(String exact, String regex, List<String> equals) {
    /** Names to look the model up by in LiteLLM: the id, then every {@code equals}. */
    List<String> names(String id) {
      Set<String> n = new LinkedHashSet<>();
      n.add(id);
      n.addAll(equals);
      return new ArrayList<>(n);
    }
  }

  static Match match(JsonNode clause) {
    List<String> equals = new ArrayList<>();
    collectEquals(clause, equals);
    if (clause.has("equals")) return new Match(clause.get("equals").asText().toLowerCase(java.util.Locale.ROOT), null, equals);
    return new Match(null, regex(clause), equals);
  }

  private static void collectEquals(JsonNode clause, List<String> out) {
    if (clause.has("equals")) out.add(clause.get("equals").asText());
    for (String k : new String[] {"or", "and"}) {
      if (clause.has(k)) for (JsonNode c : clause.get(k)) collectEquals(c, out);
    }
  }

  /** A regex the whole (lower-case) name must match. */
  static String regex(JsonNode c) {
    if (c.has("equals")) return quote(c.get("equals").asText());
    if (c.has("starts_with")) return quote(c.get("starts_with").asText()) + ".*";
    if (c.has("ends_with")) return ".*" + quote(c.get("ends_with").asText());
    if (c.has("contains")) return ".*" + quote(c.get("contains").asText()) + ".*";
    if (c.has("regex")) return ".*(?:" + c.get("regex").asText() + ").*";
    if (c.has("or")) {
      List<String> parts = new ArrayList<>();
      for (JsonNode x : c.get("or")) parts.add(regex(x));
      return "(?:" + String.join("|", parts) + ")";
    }
    if (c.has("and")) {
      StringBuilder s = new StringBuilder();
      for (JsonNode x : c.get("and")) s.append("(?=(?:").append(regex(x)).append(")$)");
      return s + ".*";
    }
    throw new IllegalArgumentException("unknown match clause " + c);
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder();
    for (char ch : s.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
      if ("\\^$.|?*+()[]{}".indexOf(ch) >= 0) out.append('\\');
      out.append(ch);
    }
    return out.toString();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String text(Path p) throws IOException {
    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }
}
