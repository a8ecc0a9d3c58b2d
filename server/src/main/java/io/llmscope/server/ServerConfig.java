package io.llmscope.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.llmscope.alerting.Alerting;
import io.llmscope.alerting.notify.NotifierConfig;
import io.llmscope.ingest.IngestConfig;
import io.llmscope.ingest.TenantPrices;
import io.llmscope.ingest.pricing.ModelPrice;
import io.llmscope.ingest.pricing.PriceTable;
import io.llmscope.query.QueryLimits;
import io.llmscope.query.TimeExpr;
import io.llmscope.storage.FsyncPolicy;
import io.llmscope.storage.StorageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code serve --config} YAML file, mapped onto the modules' own builders
 * ({@link StorageConfig.Builder}, {@link IngestConfig.Builder}, {@link QueryLimits.Builder}): every
 * default lives in those builders, and only the keys present in the file override them. An empty
 * file (or none) is valid. README.md's Configuration section lists every key.
 *
 * <pre>
 * host: 0.0.0.0
 * retention: 30d
 * shutdownGrace: 5s
 * storage: {fsync, fsyncInterval (fsyncIntervalMs), maxSpansPerWalDocument, sealRows, sealAge (sealAgeMs),
 *           maxHeadRows, compactBelowRows, compactMaxRows, maxWalRecordBytes, minFreeBytes, columnCacheBytes}
 * ingest:  {maxBodyBytes, maxInflightRequests, maxFutureSkew, maxAttributesPerSpan, maxEventsPerSpan, maxLinksPerSpan,
 *           pricing, maxPriceOverrides}
 * query:   {defaultLimit, maxLimit, maxBuckets, maxGroups, scanThreads, rollups, scanPoolThreads, scanQueue,
 *           maxQueryMemoryBytes, compareSampleValues, contentSampleTexts}
 * content: {capture, maxChars}
 * api:     {maxBodyBytes, maxScoresPerRequest}
 * auth:    {keys: [{key, tenant}]}
 * prices:  [{model | pattern, provider | providers, effectiveFrom, input, cacheRead, cacheWrite5m, cacheWrite1h,
 *            output, reasoning, tiers: [{aboveInputTokens, ...}], serviceTiers: {NAME: {...}}, perSecond}]
 * </pre>
 *
 * Durations are read by {@link TimeExpr} ({@code 500ms}, {@code 60s}, {@code 2w}). The file is read
 * as a Jackson tree and walked: an unknown key, a moved {@code limits.*} key, a section not
 * supported yet and a bad value each stop {@link #load} with a {@link ConfigException} naming the
 * key by its path; settings that each pass but cannot work together (e.g. {@code storage.maxHeadRows}
 * below {@code storage.sealRows}) are refused naming every key involved.
 */
public final class ServerConfig {
  /** Sections whose keys are listed in {@link #KEYS}; {@code auth} is read by {@link #readApiKeys}. */
  private static final Set<String> SECTIONS = Set.of("storage", "ingest", "query", "content", "alerting", "api", "auth");
  /** Sections the interface contract names that this server does not read yet. */
  /** Alert notifiers, a list read by {@link NotifierConfig#read}. */
  private static final String NOTIFIERS = "notifiers";
  /** Alert rules, a list checked by {@link Alerting#check}. */
  private static final String RULES = "rules";
  private static final String API_KEYS = "auth.keys";
  /** The price overrides, a list read by {@link PriceTable#read}. */
  private static final String PRICES = "prices";
  /** Where the keys of the old {@code limits:} section went. */
  private static final Map<String, String> MOVED_LIMITS = Map.of(
      "maxBodyBytes", "ingest.maxBodyBytes",
      "maxInflightRequests", "ingest.maxInflightRequests",
      "queryDefaultLimit", "query.defaultLimit",
      "queryMaxLimit", "query.maxLimit",
      "queryMaxBuckets", "query.maxBuckets",
      "queryMaxGroups", "query.maxGroups",
      "queryScanThreads", "query.scanThreads",
      "queryRollups", "query.rollups");

  /** Which builder a key sets. */
  enum Target { STORAGE, INGEST, QUERY, PROCESS }

  /** The builders one config fills, each fresh from its own defaults. */
  static final class Builders {
    final StorageConfig.Builder storage;
    final IngestConfig.Builder ingest = IngestConfig.builder();
    final QueryLimits.Builder query = QueryLimits.builder();
    final ProcessSettings.Builder process = ProcessSettings.builder();

    Builders(Path dataDir) {
      storage = StorageConfig.builder(dataDir);
    }
  }

  /** Reads a YAML value as T; the message of its IllegalArgumentException names the key. */
  @FunctionalInterface
  private interface Value<T> {
    T read(JsonNode node, String key);
  }

  private static final Value<Integer> INT = (node, key) -> {
    if (node.isIntegralNumber() && node.canConvertToInt()) return node.intValue();
    if (node.isIntegralNumber()) throw new IllegalArgumentException("config key '" + key + "' must be at most " + Integer.MAX_VALUE + ", not " + node);
    throw new IllegalArgumentException("config key '" + key + "' must be an integer, not " + describe(node));
  };

  private static final Value<Long> LONG = (node, key) -> {
    if (node.isIntegralNumber() && node.canConvertToLong()) return node.longValue();
    throw new IllegalArgumentException("config key '" + key + "' must be an integer (milliseconds), not " + describe(node));
  };

  private static final Value<Long> BYTES = (node, key) -> {
    if (node.isIntegralNumber() && node.canConvertToLong()) return node.longValue();
    throw new IllegalArgumentException("config key '" + key + "' must be an integer (bytes), not " + describe(node));
  };

  private static final Value<Boolean> BOOL = (node, key) -> {
    if (node.isBoolean()) return node.booleanValue();
    throw new IllegalArgumentException("config key '" + key + "' must be true or false, not " + describe(node));
  };

  private static final Value<String> TEXT = (node, key) -> {
    if (node.isTextual()) return node.asText();
    throw new IllegalArgumentException("config key '" + key + "' must be a string, not " + describe(node));
  };

  private static final Value<Long> DURATION = (node, key) -> {
    if (node.isNumber()) {
      throw new IllegalArgumentException("config key '" + key + "' needs a unit: " + node + " alone is ambiguous"
          + " (use e.g. 500ms, 60s, 30d)");
    }
    if (!node.isTextual()) throw new IllegalArgumentException("config key '" + key + "' must be a duration like 60s, not " + describe(node));
    return TimeExpr.durationMs(node.asText(), "config key '" + key + "'");
  };

  private static final Value<FsyncPolicy> FSYNC = (node, key) -> {
    List<String> names = Arrays.stream(FsyncPolicy.values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList();
    String text = node.isTextual() ? node.asText().trim().toLowerCase(Locale.ROOT) : null;
    if (text == null || !names.contains(text)) {
      throw new IllegalArgumentException("config key '" + key + "' must be one of " + String.join(", ", names)
          + ", not " + describe(node));
    }
    return FsyncPolicy.valueOf(text.toUpperCase(Locale.ROOT));
  };

  /**
   * One key of the file.
   *
   * @param path where it sits, e.g. {@code storage.sealRows}
   * @param setting the builder setting it overrides; two keys of one setting may not both be set
   */
  record Key(String path, Target target, String setting, Value<?> value, BiConsumer<Builders, Object> set) {}

  private record Applied(Key key, Object value, String text) {}

  static final Map<String, Key> KEYS = new LinkedHashMap<>();

  static {
    key("host", Target.INGEST, "host", TEXT, (b, v) -> b.ingest.host(v));
    key("retention", Target.STORAGE, "retentionMs", DURATION, (b, v) -> b.storage.retentionMs(v));
    key("shutdownGrace", Target.PROCESS, "shutdownGraceMs", DURATION, (b, v) -> b.process.shutdownGraceMs(v));
    key("alerting.evaluationInterval", Target.PROCESS, "alertIntervalMs", DURATION, (b, v) -> b.process.alertIntervalMs(v));
    key("api.maxBodyBytes", Target.PROCESS, "apiMaxBodyBytes", BYTES, (b, v) -> b.process.apiMaxBodyBytes(v));
    key("api.maxScoresPerRequest", Target.PROCESS, "apiMaxScoresPerRequest", INT, (b, v) -> b.process.apiMaxScoresPerRequest(v));

    key("storage.fsync", Target.STORAGE, "fsync", FSYNC, (b, v) -> b.storage.fsync(v));
    key("storage.fsyncInterval", Target.STORAGE, "fsyncIntervalMs", DURATION, (b, v) -> b.storage.fsyncIntervalMs(v));
    key("storage.fsyncIntervalMs", Target.STORAGE, "fsyncIntervalMs", LONG, (b, v) -> b.storage.fsyncIntervalMs(v));
    key("storage.maxSpansPerWalDocument", Target.STORAGE, "maxSpansPerWalDocument", INT,
        (b, v) -> b.storage.maxSpansPerWalDocument(v));
    key("storage.sealRows", Target.STORAGE, "sealRows", INT, (b, v) -> b.storage.sealRows(v));
    key("storage.sealAge", Target.STORAGE, "sealAgeMs", DURATION, (b, v) -> b.storage.sealAgeMs(v));
    key("storage.sealAgeMs", Target.STORAGE, "sealAgeMs", LONG, (b, v) -> b.storage.sealAgeMs(v));
    key("storage.maxHeadRows", Target.STORAGE, "maxHeadRows", INT, (b, v) -> b.storage.maxHeadRows(v));
    key("storage.compactBelowRows", Target.STORAGE, "compactBelowRows", INT, (b, v) -> b.storage.compactBelowRows(v));
    key("storage.compactMaxRows", Target.STORAGE, "compactMaxRows", INT, (b, v) -> b.storage.compactMaxRows(v));
    key("storage.maxWalRecordBytes", Target.STORAGE, "maxWalRecordBytes", INT, (b, v) -> b.storage.maxWalRecordBytes(v));
    key("storage.minFreeBytes", Target.STORAGE, "minFreeBytes", LONG, (b, v) -> b.storage.minFreeBytes(v));
    key("storage.columnCacheBytes", Target.STORAGE, "columnCacheBytes", BYTES, (b, v) -> b.storage.columnCacheBytes(v));

    key("ingest.maxBodyBytes", Target.INGEST, "maxBodyBytes", INT, (b, v) -> b.ingest.maxBodyBytes(v));
    key("ingest.maxInflightRequests", Target.INGEST, "maxInflightRequests", INT, (b, v) -> b.ingest.maxInflightRequests(v));
    key("ingest.maxFutureSkew", Target.INGEST, "maxFutureSkewMs", DURATION, (b, v) -> b.ingest.maxFutureSkewMs(v));
    key("ingest.maxAttributesPerSpan", Target.INGEST, "maxAttributesPerSpan", INT,
        (b, v) -> b.ingest.maxAttributesPerSpan(v));
    key("ingest.maxEventsPerSpan", Target.INGEST, "maxEventsPerSpan", INT, (b, v) -> b.ingest.maxEventsPerSpan(v));
    key("ingest.maxLinksPerSpan", Target.INGEST, "maxLinksPerSpan", INT, (b, v) -> b.ingest.maxLinksPerSpan(v));
    key("ingest.pricing", Target.INGEST, "pricing", BOOL, (b, v) -> b.ingest.pricing(v));
    key(TenantPrices.MAX_OVERRIDES_KEY, Target.INGEST, "maxPriceOverrides", INT, (b, v) -> b.ingest.maxPriceOverrides(v));
    key("content.capture", Target.INGEST, "captureContent", BOOL, (b, v) -> b.ingest.captureContent(v));
    key("content.maxChars", Target.INGEST, "maxContentChars", INT, (b, v) -> b.ingest.maxContentChars(v));

    key("query.defaultLimit", Target.QUERY, "defaultLimit", INT, (b, v) -> b.query.defaultLimit(v));
    key("query.maxLimit", Target.QUERY, "maxLimit", INT, (b, v) -> b.query.maxLimit(v));
    // The query module names these keys in the errors of queries that break them.
    key(QueryLimits.MAX_BUCKETS_KEY, Target.QUERY, "maxBuckets", INT, (b, v) -> b.query.maxBuckets(v));
    key(QueryLimits.MAX_GROUPS_KEY, Target.QUERY, "maxGroups", INT, (b, v) -> b.query.maxGroups(v));
    key("query.scanThreads", Target.QUERY, "scanThreads", INT, (b, v) -> b.query.scanThreads(v));
    key("query.rollups", Target.QUERY, "useRollups", BOOL, (b, v) -> b.query.useRollups(v));
    key("query.scanPoolThreads", Target.QUERY, "scanPoolThreads", INT, (b, v) -> b.query.scanPoolThreads(v));
    key("query.scanQueue", Target.QUERY, "scanQueue", INT, (b, v) -> b.query.scanQueue(v));
    key(QueryLimits.MAX_QUERY_MEMORY_KEY, Target.QUERY, "maxQueryMemoryBytes", BYTES,
        (b, v) -> b.query.maxQueryMemoryBytes(v));
    key("query.compareSampleValues", Target.QUERY, "compareSampleValues", INT, (b, v) -> b.query.compareSampleValues(v));
    key("query.contentSampleTexts", Target.QUERY, "contentSampleTexts", INT, (b, v) -> b.query.contentSampleTexts(v));
  }

  @SuppressWarnings("unchecked")
  private static <T> void key(String path, Target target, String setting, Value<T> value, BiConsumer<Builders, T> set) {
    KEYS.put(path, new Key(path, target, setting, value, (b, v) -> set.accept(b, (T) v)));
  }

  /** Every key a file may hold, by path ({@code auth.keys} and {@code prices} included). */
  static Set<String> knownKeys() {
    Set<String> all = new LinkedHashSet<>(KEYS.keySet());
    all.add(API_KEYS);
    all.add(PRICES);
    return all;
  }

  /** An {@code auth.keys} entry. */
  record ApiKey(String key, String tenant) {}

  private final List<Applied> applied;
  private final List<ApiKey> apiKeys;
  private final List<ModelPrice> prices;
  private final JsonNode rules;
  private final List<NotifierConfig> notifiers;

  private ServerConfig(List<Applied> applied, List<ApiKey> apiKeys, List<ModelPrice> prices, JsonNode rules,
      List<NotifierConfig> notifiers) {
    this.notifiers = List.copyOf(notifiers);
    this.applied = List.copyOf(applied);
    this.apiKeys = List.copyOf(apiKeys);
    this.prices = List.copyOf(prices);
    this.rules = rules;
  }

  /** No file: every builder default, no auth, no price overrides. */
  static ServerConfig defaults() {
    return new ServerConfig(List.of(), List.of(), List.of(), null, List.of());
  }

  /** Reads and checks the file; null means no file. */
  static ServerConfig load(Path file) throws IOException {
    if (file == null) return defaults();
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(List.of("config file " + file + " does not exist"));
    }
    return parse(text);
  }

  /** Parses and checks YAML text; throws {@link ConfigException} listing every problem. */
  static ServerConfig parse(String yaml) {
    JsonNode root;
    try {
      ObjectMapper mapper = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      root = mapper.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      throw new ConfigException(List.of("the config file is not valid YAML: " + e.getOriginalMessage() + where));
    }
    return from(root);
  }

  /** Walks a parsed tree. */
  static ServerConfig from(JsonNode root) {
    List<String> problems = new ArrayList<>();
    List<Applied> applied = new ArrayList<>();
    List<ApiKey> keys = new ArrayList<>();
    List<ModelPrice> prices = new ArrayList<>();
    JsonNode[] rules = {null};
    List<NotifierConfig> notifiers = new ArrayList<>();
    if (root != null && !root.isMissingNode() && !root.isNull()) {
      if (!root.isObject()) {
        problems.add("the config file must be a mapping of keys and sections, not " + describe(root));
      } else {
        root.fields().forEachRemaining(e -> {
          String name = e.getKey();
          JsonNode value = e.getValue();
          if (name.equals(PRICES)) {
            prices.addAll(PriceTable.read(value, PRICES, problems));
          } else if (name.equals(NOTIFIERS)) {
            notifiers.addAll(NotifierConfig.read(value, NOTIFIERS, problems));
          } else if (name.equals(RULES)) {
            problems.addAll(Alerting.check(value, RULES, QueryLimits.DEFAULTS));
            rules[0] = value;
          } else if (name.equals("limits")) {
            movedLimits(value, problems);
          } else if (SECTIONS.contains(name)) {
            if (value.isNull()) return; // an empty section
            if (!value.isObject()) {
              problems.add("config section '" + name + "' must be a mapping of keys, not " + describe(value));
              return;
            }
            value.fields().forEachRemaining(k -> readKey(name + "." + k.getKey(), k.getValue(), applied, keys, problems));
          } else {
            readKey(name, value, applied, keys, problems);
          }
        });
      }
    }
    checkOneKeyPerSetting(applied, problems);
    for (Target t : Target.values()) checkBuilds(t, applied, problems);
    if (!problems.isEmpty()) throw new ConfigException(problems);
    return new ServerConfig(applied, keys, prices, rules[0], notifiers);
  }

  private static void readKey(String path, JsonNode value, List<Applied> applied, List<ApiKey> keys, List<String> problems) {
    if (path.equals(API_KEYS)) {
      readApiKeys(value, keys, problems);
      return;
    }
    Key key = KEYS.get(path);
    if (key == null) {
      problems.add(unknownKey(path, knownKeys()));
      return;
    }
    if (value.isNull()) {
      problems.add("config key '" + path + "' has no value");
      return;
    }
    try {
      applied.add(new Applied(key, key.value().read(value, path), value.isTextual() ? value.asText() : value.toString()));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
  }

  private static void movedLimits(JsonNode limits, List<String> problems) {
    String split = "(the 'limits' section was split into 'ingest' and 'query')";
    if (limits == null || !limits.isObject() || limits.isEmpty()) {
      problems.add("config section 'limits' was split into 'ingest' and 'query'");
      return;
    }
    limits.fieldNames().forEachRemaining(k -> {
      String to = MOVED_LIMITS.get(k);
      problems.add(to != null ? "limits." + k + " moved to " + to + " " + split
          : "unknown config key 'limits." + k + "' " + split);
    });
  }

  private static void readApiKeys(JsonNode list, List<ApiKey> keys, List<String> problems) {
    if (list.isNull()) return;
    if (!list.isArray()) {
      problems.add("config key 'auth.keys' must be a list of {key, tenant}, not " + describe(list));
      return;
    }
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "auth.keys[" + i + "]";
      JsonNode entry = list.get(i);
      if (!entry.isObject()) {
        problems.add("config key '" + at + "' must be a mapping {key, tenant}, not " + describe(entry));
        continue;
      }
      entry.fieldNames().forEachRemaining(f -> {
        if (!f.equals("key") && !f.equals("tenant")) problems.add(unknownKey(at + "." + f, Set.of(at + ".key", at + ".tenant")));
      });
      String key = nonEmptyText(entry.get("key"), at + ".key", problems);
      String tenant = nonEmptyText(entry.get("tenant"), at + ".tenant", problems);
      if (key == null || tenant == null) continue;
      String before = seen.putIfAbsent(key, tenant);
      if (before != null && !before.equals(tenant)) {
        problems.add("config key '" + at + ".key' repeats a key of tenant '" + before + "' for tenant '" + tenant + "'");
      } else if (before == null) {
        keys.add(new ApiKey(key, tenant));
      }
    }
  }

  private static String nonEmptyText(JsonNode node, String path, List<String> problems) {
    if (node == null || node.isNull()) {
      problems.add("config key '" + path + "' is missing");
      return null;
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      problems.add("config key '" + path + "' must be a non-empty string, not " + describe(node));
      return null;
    }
    return node.asText();
  }

  /** E.g. {@code storage.sealAge} and {@code storage.sealAgeMs}: both set one builder setting. */
  private static void checkOneKeyPerSetting(List<Applied> applied, List<String> problems) {
    Map<String, List<String>> bySetting = new LinkedHashMap<>();
    for (Applied a : applied) {
      bySetting.computeIfAbsent(a.key().target() + "." + a.key().setting(), s -> new ArrayList<>()).add(a.key().path());
    }
    bySetting.values().stream().filter(paths -> paths.size() > 1).forEach(paths ->
        problems.add("config keys '" + String.join("' and '", paths) + "' set the same thing: keep one"));
  }

  /**
   * Builds one target with every key applied, so the builders' own checks judge the values. A
   * failure is charged to the keys that fail on their own, else to all the target's keys.
   */
  private static void checkBuilds(Target target, List<Applied> applied, List<String> problems) {
    List<Applied> mine = applied.stream().filter(a -> a.key().target() == target).toList();
    if (mine.isEmpty()) return;
    String whole = buildError(target, mine);
    if (whole == null) return;
    List<String> together = settingsNamed(target, whole);
    if (together.size() > 1) {
      problems.add(notTogether(target, together, mine) + ": " + whole);
      return;
    }
    boolean charged = false;
    for (Applied a : mine) {
      String alone = buildError(target, List.of(a));
      if (alone != null) {
        problems.add("config key '" + a.key().path() + "' (" + a.text() + "): " + alone);
        charged = true;
      }
    }
    if (!charged) {
      problems.add("config keys " + mine.stream().map(a -> "'" + a.key().path() + "'").collect(Collectors.joining(", "))
          + ": " + whole);
    }
  }

  /** The settings of a target a builder's message names, in the order it names them. */
  private static List<String> settingsNamed(Target target, String message) {
    Map<Integer, String> at = new TreeMap<>();
    for (Key k : KEYS.values()) {
      if (k.target() != target) continue;
      Matcher m = Pattern.compile("\\b" + k.setting() + "\\b").matcher(message);
      if (m.find()) at.putIfAbsent(m.start(), k.setting());
    }
    return at.values().stream().distinct().toList();
  }

  /**
   * E.g. {@code config keys 'storage.maxHeadRows' (100) and 'storage.sealRows' (default) do not fit
   * together}: each setting by the key the file sets it with, else by its first key.
   */
  private static String notTogether(Target target, List<String> settings, List<Applied> applied) {
    List<String> named = new ArrayList<>();
    for (String setting : settings) {
      Applied set = applied.stream().filter(a -> a.key().setting().equals(setting)).findFirst().orElse(null);
      if (set != null) {
        named.add("'" + set.key().path() + "' (" + set.text() + ")");
      } else {
        String path = KEYS.values().stream().filter(k -> k.target() == target && k.setting().equals(setting))
            .findFirst().orElseThrow().path();
        named.add("'" + path + "' (default)");
      }
    }
    return "config keys " + String.join(" and ", named) + " do not fit together";
  }

  private static String buildError(Target target, List<Applied> applied) {
    try {
      Builders b = builders(Path.of("."), applied);
      switch (target) {
        case STORAGE -> b.storage.build();
        case INGEST -> b.ingest.build();
        case QUERY -> b.query.build();
        case PROCESS -> b.process.build();
      }
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static Builders builders(Path dataDir, List<Applied> applied) {
    Builders b = new Builders(dataDir);
    for (Applied a : applied) a.key().set().accept(b, a.value());
    return b;
  }

  /** The storage settings for a data dir. */
  StorageConfig storageConfig(Path dataDir) {
    return builders(dataDir, applied).storage.build();
  }

  /** The ingest settings with the command line's ports. */
  IngestConfig ingestConfig(int grpcPort, int httpPort) {
    return builders(Path.of("."), applied).ingest.grpcPort(grpcPort).httpPort(httpPort).build();
  }

  QueryLimits queryLimits() {
    return builders(Path.of("."), applied).query.build();
  }

  ProcessSettings processSettings() {
    return builders(Path.of("."), applied).process.build();
  }

  /** The interface every listener binds. */
  String host() {
    return builders(Path.of("."), applied).ingest.build().host();
  }

  /** The {@code auth.keys} entries in file order, a key listed twice once; empty: no auth. */
  List<ApiKey> apiKeys() {
    return apiKeys;
  }

  /**
   * The {@code prices:} entries in file order: overrides of the shipped price table
   * ({@code PriceTable.shipped().withOverrides(prices())}); empty when the file has none.
   */
  List<ModelPrice> prices() {
    return prices;
  }

  /** The {@code notifiers:} list: where alerts go. */
  List<NotifierConfig> notifiers() {
    return notifiers;
  }

  /** The {@code rules:} list (alert rules, checked), or null when the file has none. */
  JsonNode rules() {
    return rules;
  }

  /** The edge authentication of this config. */
  ApiKeys auth() {
    Map<String, String> byKey = new LinkedHashMap<>();
    for (ApiKey k : apiKeys) byKey.put(k.key(), k.tenant());
    return new ApiKeys(byKey);
  }

  /** The message for a key nobody reads, with the closest known key when one is near. */
  static String unknownKey(String path, Set<String> known) {
    String near = closest(path, known);
    return "unknown config key '" + path + "'" + (near == null ? "" : " (did you mean '" + near + "'?)");
  }

  private static String closest(String path, Set<String> known) {
    Set<String> candidates = new LinkedHashSet<>(known);
    if (!path.contains(".")) candidates.addAll(SECTIONS);
    String leaf = leaf(path);
    for (String c : candidates) {
      if (leaf(c).equalsIgnoreCase(leaf)) return c; // right key, wrong section or case
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(path.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, leaf.length() / 4) ? best : null;
  }

  private static String leaf(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String describe(JsonNode node) {
    if (node == null || node.isNull()) return "nothing";
    if (node.isTextual()) return "'" + node.asText() + "'";
    if (node.isObject()) return "a mapping";
    if (node.isArray()) return "a list";
    return node.toString();
  }

  /** A config that cannot be used; {@link #problems} each name a key by its path. */
  static final class ConfigException extends IllegalArgumentException {
    private final List<String> problems;

    ConfigException(List<String> problems) {
      super(problems.size() == 1 ? problems.get(0)
          : problems.size() + " problems in the config file:\n  " + String.join("\n  ", problems));
      this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
    }

    List<String> problems() {
      return problems;
    }
  }
}
