package io.llmscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.ingest.IngestConfig;
import io.llmscope.ingest.pricing.ModelPrice;
import io.llmscope.ingest.pricing.PriceTable;
import io.llmscope.ingest.pricing.Usage;
import io.llmscope.query.QueryLimits;
import io.llmscope.storage.FsyncPolicy;
import io.llmscope.storage.StorageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  private static final Path DIR = Path.of("/var/lib/llmscope");
  private static final long DAY = 86_400_000L;

  /** Every key set to a value that is not its default. */
  private static final String EVERY_KEY = """
      host: 127.0.0.1
      retention: 2w
      shutdownGrace: 7s
      alerting:
        evaluationInterval: 15s
      api:
        maxBodyBytes: 2048
        maxScoresPerRequest: 7
      storage:
        fsync: always
        fsyncInterval: 250ms
        maxSpansPerWalDocument: 100
        sealRows: 5000
        sealAge: 90s
        maxHeadRows: 20000
        compactBelowRows: 3000
        compactMaxRows: 40000
        maxWalRecordBytes: 65536
        minFreeBytes: 1024
        columnCacheBytes: 4096
      ingest:
        maxBodyBytes: 1048576
        maxInflightRequests: 7
        maxFutureSkew: 2h
        maxAttributesPerSpan: 11
        maxEventsPerSpan: 12
        maxLinksPerSpan: 13
        pricing: false
        maxPriceOverrides: 17
      content:
        capture: false
        maxChars: 99
      query:
        defaultLimit: 10
        maxLimit: 20
        maxBuckets: 30
        maxGroups: 40
        scanThreads: 3
        rollups: false
        scanPoolThreads: 5
        scanQueue: 0
        maxQueryMemoryBytes: 123456789
        compareSampleValues: 5000
        contentSampleTexts: 300
      auth:
        keys:
          - {key: ka, tenant: a}
          - {key: kb, tenant: b}
      prices: [{model: my-llama, perSecond: 0.001}]
      """;
  /** The millisecond spellings of two durations. */
  private static final String MS_KEYS = "storage:\n  fsyncIntervalMs: 1500\n  sealAgeMs: 2500\n";

  @Test
  void noFileAnEmptyFileAndEmptySectionsKeepTheBuilderDefaults() {
    for (ServerConfig c : List.of(ServerConfig.defaults(), ServerConfig.parse(""), ServerConfig.parse("# nothing\n"),
        ServerConfig.parse("storage:\ningest:\nquery:\ncontent:\nauth:\n"), ServerConfig.parse("auth:\n  keys: []\n"))) {
      assertEquals(StorageConfig.defaults(DIR), c.storageConfig(DIR));
      assertEquals(IngestConfig.defaults(IngestConfig.DEFAULT_HOST, 4317, 4318), c.ingestConfig(4317, 4318));
      assertEquals(QueryLimits.DEFAULTS, c.queryLimits());
      assertEquals(ProcessSettings.DEFAULTS, c.processSettings());
      assertEquals(IngestConfig.DEFAULT_HOST, c.host());
      assertTrue(c.apiKeys().isEmpty());
      assertEquals(ApiKeys.OPEN_TENANT, c.auth().apply(null));
    }
  }

  @Test
  void everyKeyMapsOntoItsBuilderSetting() {
    ServerConfig c = ServerConfig.parse(EVERY_KEY);
    StorageConfig s = c.storageConfig(DIR);
    assertEquals(DIR, s.dataDir());
    assertEquals(14 * DAY, s.retentionMs());
    assertEquals(FsyncPolicy.ALWAYS, s.fsync());
    assertEquals(250, s.fsyncIntervalMs());
    assertEquals(100, s.maxSpansPerWalDocument());
    assertEquals(5000, s.sealRows());
    assertEquals(90_000, s.sealAgeMs());
    assertEquals(20000, s.maxHeadRows());
    assertEquals(3000, s.compactBelowRows());
    assertEquals(40000, s.compactMaxRows());
    assertEquals(65536, s.maxWalRecordBytes());
    assertEquals(1024, s.minFreeBytes());
    assertEquals(4096, s.columnCacheBytes());
    assertEquals(StorageConfig.DEFAULT_MAINTENANCE_INTERVAL_MS, s.maintenanceIntervalMs(), "not a config key");
    assertEquals(StorageConfig.DEFAULT_WAL_ROLL_CYCLE, s.walRollCycle(), "not a config key");

    IngestConfig i = c.ingestConfig(11, 12);
    assertEquals("127.0.0.1", i.host());
    assertEquals("127.0.0.1", c.host());
    assertEquals(11, i.grpcPort());
    assertEquals(12, i.httpPort());
    assertEquals(1048576, i.maxBodyBytes());
    assertEquals(7, i.maxInflightRequests());
    assertEquals(7_200_000L, i.maxFutureSkewMs());
    assertEquals(11, i.maxAttributesPerSpan());
    assertEquals(12, i.maxEventsPerSpan());
    assertEquals(13, i.maxLinksPerSpan());
    assertFalse(i.pricing());
    assertEquals(17, i.maxPriceOverrides());
    assertFalse(i.captureContent());
    assertEquals(99, i.maxContentChars());

    assertEquals(new QueryLimits(10, 20, 30, 40, 3, false, 5, 0, 123456789L, 5000, 300), c.queryLimits());
    assertEquals(7000, c.processSettings().shutdownGraceMs());
    assertEquals(15_000, c.processSettings().alertIntervalMs());
    assertEquals(2048, c.processSettings().apiMaxBodyBytes());
    assertEquals(7, c.processSettings().apiMaxScoresPerRequest());

    assertEquals(List.of(new ServerConfig.ApiKey("ka", "a"), new ServerConfig.ApiKey("kb", "b")), c.apiKeys());
    assertEquals(List.of(ModelPrice.builder().model("my-llama").perSecond(0.001).build()), c.prices());

    ServerConfig ms = ServerConfig.parse(MS_KEYS);
    assertEquals(StorageConfig.builder(DIR).fsyncIntervalMs(1500).sealAgeMs(2500).build(), ms.storageConfig(DIR));
  }

  @Test
  void theTestsAboveCoverEveryKnownKey() {
    Set<String> covered = new LinkedHashSet<>(yamlPaths(EVERY_KEY));
    covered.addAll(yamlPaths(MS_KEYS));
    assertEquals(ServerConfig.knownKeys(), covered);
  }

  @Test
  void onlyTheKeysPresentOverrideTheDefaults() {
    ServerConfig c = ServerConfig.parse("storage:\n  sealRows: 1234\nquery:\n  maxLimit: 50000\ncontent:\n  capture: false\n");
    assertEquals(StorageConfig.builder(DIR).sealRows(1234).build(), c.storageConfig(DIR));
    assertEquals(QueryLimits.builder().maxLimit(50000).build(), c.queryLimits());
    assertEquals(IngestConfig.builder().grpcPort(0).httpPort(0).captureContent(false).build(), c.ingestConfig(0, 0));
  }

  @Test
  void durationsUseTheOneParser() {
    assertEquals(14 * DAY, ServerConfig.parse("retention: 2w").storageConfig(DIR).retentionMs());
    assertEquals(36500 * DAY, ServerConfig.parse("retention: 36500d").storageConfig(DIR).retentionMs());
    assertEquals(5_400_000, ServerConfig.parse("retention: 1h30m").storageConfig(DIR).retentionMs());
    assertEquals(60_000, ServerConfig.parse("storage:\n  sealAge: 60s").storageConfig(DIR).sealAgeMs());
    assertEquals(1000, ServerConfig.parse("storage:\n  fsyncInterval: 1s").storageConfig(DIR).fsyncIntervalMs());
    assertEquals(FsyncPolicy.NONE, ServerConfig.parse("storage:\n  fsync: NONE").storageConfig(DIR).fsync());
  }

  @Test
  void unknownKeysAreNamedByPathWithTheClosestKnownKey() {
    assertProblem("storage:\n  sealRow: 5\n", "unknown config key 'storage.sealRow' (did you mean 'storage.sealRows'?)");
    assertProblem("storage:\n  sealagems: 5\n", "unknown config key 'storage.sealagems' (did you mean 'storage.sealAgeMs'?)");
    assertProblem("storage:\n  maxBodyBytes: 5\n", "unknown config key 'storage.maxBodyBytes' (did you mean 'api.maxBodyBytes'?)");
    assertProblem("sealRows: 5\n", "unknown config key 'sealRows' (did you mean 'storage.sealRows'?)");
    assertProblem("qurey:\n  maxLimit: 5\n", "unknown config key 'qurey' (did you mean 'query'?)");
    assertProblem("retension: 30d\n", "unknown config key 'retension' (did you mean 'retention'?)");
    assertProblem("storage:\n  somethingElseEntirely: 5\n", "unknown config key 'storage.somethingElseEntirely'");
    assertProblem("auth:\n  keys:\n    - {key: k, tenat: a}\n",
        "unknown config key 'auth.keys[0].tenat' (did you mean 'auth.keys[0].tenant'?)");
    assertProblem("auth:\n  key: k\n", "unknown config key 'auth.key' (did you mean 'auth.keys'?)");
  }

  @Test
  void movedLimitsKeysSayWhereTheyWent() {
    Map<String, String> moved = new LinkedHashMap<>();
    moved.put("maxBodyBytes", "ingest.maxBodyBytes");
    moved.put("maxInflightRequests", "ingest.maxInflightRequests");
    moved.put("queryDefaultLimit", "query.defaultLimit");
    moved.put("queryMaxLimit", "query.maxLimit");
    moved.put("queryMaxBuckets", "query.maxBuckets");
    moved.put("queryMaxGroups", "query.maxGroups");
    moved.put("queryScanThreads", "query.scanThreads");
    moved.put("queryRollups", "query.rollups");
    moved.forEach((old, now) -> assertProblem("limits:\n  " + old + ": 1\n", "limits." + old + " moved to " + now));
    assertProblem("limits:\n  queryTimeout: 1\n", "unknown config key 'limits.queryTimeout'");
    assertProblem("limits:\n", "config section 'limits' was split into 'ingest' and 'query'");
  }

  @Test
  void notifiersAreCheckedByName() {
    assertProblem("notifiers:\n  - name: x\n", "notifiers[0]");
    ServerConfig c = ServerConfig.parse("notifiers:\n  - {name: hook, type: webhook, url: 'http://127.0.0.1:9/x'}\n");
    assertEquals(1, c.notifiers().size());
    assertEquals("hook", c.notifiers().get(0).name());
  }

  @Test
  void alertRulesInTheFileAreCheckedAsTheApiChecksThem() {
    assertProblem("rules:\n  - name: slow\n", "rules[0].type: is required");
    assertProblem("rules:\n  - {name: slow, type: threshold, query: {metric: count}, window: 5m}\n", "rules[0].threshold: is required");
    assertProblem("rules:\n  - {type: threshold}\n", "rules[0].name: is required");
    assertProblem("rules: 5\n", "rules: must be a list of rules");
    ServerConfig c = ServerConfig.parse("rules:\n  - {name: slow, tenant: a, type: threshold, query: {metric: count}, window: 5m, threshold: 3}\n");
    assertEquals(1, c.rules().size());
  }

  @Test
  void badValuesNameTheKey() {
    assertProblem("storage:\n  sealRows: -1\n", "config key 'storage.sealRows' (-1): sealRows must be > 0, got -1");
    assertProblem("storage:\n  sealRows: many\n", "config key 'storage.sealRows' must be an integer, not 'many'");
    assertProblem("storage:\n  sealRows: 1.5\n", "config key 'storage.sealRows' must be an integer, not 1.5");
    assertProblem("storage:\n  sealRows: 99999999999\n", "config key 'storage.sealRows' must be at most 2147483647");
    assertProblem("storage:\n  sealRows:\n", "config key 'storage.sealRows' has no value");
    assertProblem("storage:\n  fsync: sometimes\n", "config key 'storage.fsync' must be one of none, interval, always, not 'sometimes'");
    assertProblem("storage:\n  sealAge: 0s\n", "config key 'storage.sealAge' (0s): sealAgeMs must be > 0, got 0");
    assertProblem("storage:\n  sealAge: 60\n", "config key 'storage.sealAge' needs a unit");
    assertProblem("storage:\n  sealAgeMs: 60s\n", "config key 'storage.sealAgeMs' must be an integer (milliseconds), not '60s'");
    assertProblem("storage:\n  sealAge: 1s\n  sealAgeMs: 1000\n",
        "config keys 'storage.sealAge' and 'storage.sealAgeMs' set the same thing: keep one");
    assertProblem("retention: 2y\n", "config key 'retention' is not a valid duration: '2y'");
    assertProblem("content:\n  capture: maybe\n", "config key 'content.capture' must be true or false, not 'maybe'");
    assertProblem("content:\n  maxChars: 0\n", "config key 'content.maxChars' (0): maxContentChars must be > 0, got 0");
    assertProblem("ingest:\n  maxInflightRequests: -3\n", "config key 'ingest.maxInflightRequests' (-3)");
    assertProblem("host: ''\n", "config key 'host' (): host must be set");
    assertProblem("host: [a]\n", "config key 'host' must be a string, not a list");
    assertProblem("query:\n  scanQueue: -1\n", "config key 'query.scanQueue' (-1): scanQueue must be >= 0, got -1");
    assertProblem("query:\n  maxLimit: 500\n", "config keys 'query.defaultLimit' (default) and 'query.maxLimit' (500) do not fit"
        + " together: defaultLimit (1000) must not exceed maxLimit (500)");
    assertProblem("shutdownGrace: 0s\n", "config key 'shutdownGrace' (0s): shutdownGraceMs must be > 0, got 0");
    assertProblem("query:\n  maxQueryMemoryBytes: 1g\n", "config key 'query.maxQueryMemoryBytes' must be an integer (bytes), not '1g'");
    assertProblem("query:\n  maxQueryMemoryBytes: 0\n",
        "config key 'query.maxQueryMemoryBytes' (0): maxQueryMemoryBytes must be > 0, got 0");
    assertProblem("storage: 5\n", "config section 'storage' must be a mapping of keys, not 5");
    assertProblem("- a\n- b\n", "the config file must be a mapping");
    assertProblem("storage:\n  sealRows: 1\n  sealRows: 2\n", "not valid YAML: Duplicate field 'sealRows'");
    assertProblem("storage: [\n", "not valid YAML");
    assertProblem("auth:\n  keys: {key: k}\n", "config key 'auth.keys' must be a list of {key, tenant}, not a mapping");
    assertProblem("auth:\n  keys:\n    - {key: k}\n", "config key 'auth.keys[0].tenant' is missing");
    assertProblem("auth:\n  keys:\n    - {key: '', tenant: a}\n", "config key 'auth.keys[0].key' must be a non-empty string, not ''");
    assertProblem("auth:\n  keys:\n    - {key: k, tenant: a}\n    - {key: k, tenant: b}\n",
        "config key 'auth.keys[1].key' repeats a key of tenant 'a' for tenant 'b'");
  }

  /** Each value passes alone, but together they cannot work: the message names every key involved. */
  @Test
  void settingsThatCannotWorkTogetherNameEveryKey() {
    assertProblem("storage:\n  maxHeadRows: 100\n", "config keys 'storage.maxHeadRows' (100) and 'storage.sealRows' (default)"
        + " do not fit together: maxHeadRows (100) must be at least sealRows (" + StorageConfig.DEFAULT_SEAL_ROWS + ")");
    assertProblem("storage:\n  sealRows: 5000\n  maxHeadRows: 4000\n",
        "config keys 'storage.maxHeadRows' (4000) and 'storage.sealRows' (5000) do not fit together");
    assertProblem("storage:\n  sealRows: 2000000\n",
        "config keys 'storage.maxHeadRows' (default) and 'storage.sealRows' (2000000) do not fit together");
    assertProblem("storage:\n  compactBelowRows: 2000000\n", "config keys 'storage.compactBelowRows' (2000000) and"
        + " 'storage.compactMaxRows' (default) do not fit together: compactBelowRows (2000000) must not exceed compactMaxRows");
    ServerConfig.ConfigException e = assertThrows(ServerConfig.ConfigException.class,
        () -> ServerConfig.parse("storage:\n  maxHeadRows: 100\n"));
    assertEquals(1, e.problems().size(), e.getMessage());
    StorageConfig ok = ServerConfig.parse("storage:\n  sealRows: 100\n  maxHeadRows: 150\n").storageConfig(DIR);
    assertEquals(150, ok.maxHeadRows());
  }

  @Test
  void crossFieldBuilderChecksStillPassWhenTheKeysAgree() {
    QueryLimits q = ServerConfig.parse("query:\n  defaultLimit: 200000\n  maxLimit: 300000\n").queryLimits();
    assertEquals(200000, q.defaultLimit());
    assertEquals(300000, q.maxLimit());
  }

  @Test
  void everyProblemOfAFileIsListed() {
    ServerConfig.ConfigException e = assertThrows(ServerConfig.ConfigException.class,
        () -> ServerConfig.parse("storage:\n  sealRow: 5\nrules: 5\nquery:\n  maxLimit: -1\n"));
    assertEquals(3, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().startsWith("3 problems in the config file:"), e.getMessage());
  }

  @Test
  void loadNamesAMissingFileAndReadsARealOne(@TempDir Path dir) throws Exception {
    ServerConfig.ConfigException e = assertThrows(ServerConfig.ConfigException.class,
        () -> ServerConfig.load(dir.resolve("nope.yaml")));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    Path file = Files.writeString(dir.resolve("c.yaml"), "retention: 2w\n");
    assertEquals(14 * DAY, ServerConfig.load(file).storageConfig(dir).retentionMs());
    assertEquals(StorageConfig.defaults(dir), ServerConfig.load(Files.writeString(dir.resolve("empty.yaml"), "")).storageConfig(dir));
    assertEquals(StorageConfig.defaults(dir), ServerConfig.load(null).storageConfig(dir));
  }

  @Test
  void apiKeysResolveBearerHeadersToTenants() {
    ApiKeys keys = ServerConfig.parse("auth:\n  keys:\n    - {key: ka, tenant: a}\n    - {key: kb, tenant: b}\n").auth();
    assertEquals("a", keys.apply("Bearer ka"));
    assertEquals("b", keys.apply("bearer  kb "));
    assertEquals("a", keys.apply("ka"), "a bare key (gRPC metadata without the scheme)");
    assertNull(keys.apply(null));
    assertNull(keys.apply("Bearer nope"));
    assertNull(keys.apply(""));
    ApiKeys open = ServerConfig.defaults().auth();
    assertEquals("default", open.apply(null));
    assertEquals("default", open.apply("Bearer anything"));
  }

  /** The README's table lists exactly the known keys, and its literal defaults are the builders' defaults. */
  @Test
  void theReadmeDocumentsEveryKeyWithItsDefault() throws Exception {
    String readme = Files.readString(Path.of(System.getProperty("llmscope.readme", "../README.md")));
    String section = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("### Self-metrics"));
    Matcher row = Pattern.compile("(?m)^\\| `([a-zA-Z.]+)` \\| ([^|]*) \\|").matcher(section);
    Map<String, String> defaults = new LinkedHashMap<>();
    while (row.find()) defaults.put(row.group(1), row.group(2).trim());
    assertEquals(ServerConfig.knownKeys(), defaults.keySet());
    int checked = 0;
    for (Map.Entry<String, String> d : defaults.entrySet()) {
      Matcher literal = Pattern.compile("`([^`]+)`").matcher(d.getValue());
      if (!literal.matches()) continue; // e.g. "number of cores"
      String key = d.getKey();
      int dot = key.indexOf('.');
      String yaml = dot < 0 ? key + ": " + literal.group(1) : key.substring(0, dot) + ":\n  " + key.substring(dot + 1) + ": " + literal.group(1);
      ServerConfig c = ServerConfig.parse(yaml);
      assertEquals(StorageConfig.defaults(DIR), c.storageConfig(DIR), yaml);
      assertEquals(IngestConfig.defaults(IngestConfig.DEFAULT_HOST, 1, 2), c.ingestConfig(1, 2), yaml);
      assertEquals(QueryLimits.DEFAULTS, c.queryLimits(), yaml);
      assertEquals(ProcessSettings.DEFAULTS, c.processSettings(), yaml);
      checked++;
    }
    assertTrue(checked >= 20, "literal defaults checked: " + checked);
  }

  @Test
  void pricesAreReadIntoModelPrices() {
    ServerConfig c = ServerConfig.parse("""
        prices:
          - model: acme-chat
            input: 0.8
            cacheRead: 0.08
            cacheWrite5m: 1.0
            cacheWrite1h: 1.6
            output: 3.2
            reasoning: 4
          - pattern: 'acme-long-.*'
            providers: [aws.bedrock, gcp.vertex_ai]
            effectiveFrom: 2026-12-01
            input: 1
            output: 5
            tiers:
              - {aboveInputTokens: 200000, input: 2, output: 7.5}
            serviceTiers:
              batch: {input: 0.5, output: 2.5}
          - model: gpt-4o
            provider: openai
            effectiveFrom: 1767225600000
            input: 2
            output: 8
        """);
    List<ModelPrice> p = c.prices();
    assertEquals(3, p.size());
    assertEquals(new ModelPrice.Rates(0.8, 0.08, 1.0, 1.6, 3.2, 4), p.get(0).rates());
    assertEquals(List.of(), p.get(0).providers());
    assertEquals(ModelPrice.ALWAYS, p.get(0).effectiveFromMs());
    assertEquals("acme-long-.*", p.get(1).pattern());
    assertEquals(List.of("aws.bedrock", "gcp.vertex_ai"), p.get(1).providers());
    assertEquals(1796083200000L, p.get(1).effectiveFromMs(), "2026-12-01T00:00:00Z");
    assertEquals(List.of(new ModelPrice.Tier(200000, ModelPrice.Rates.of(2, 7.5))), p.get(1).tiers());
    assertEquals(ModelPrice.Rates.of(0.5, 2.5), p.get(1).serviceTiers().get("batch").rates());
    assertEquals(1767225600000L, p.get(2).effectiveFromMs());
    assertEquals(List.of("openai"), p.get(2).providers());
    // and they price: acme-chat 1000 uncached × $0.80/1M + 100 out × $3.20/1M = $0.0008 + $0.00032 = $0.00112
    PriceTable t = PriceTable.shipped().withOverrides(c.prices());
    assertEquals(0.00112, t.cost(null, "acme-chat", 0, Usage.of(1000, 100)).total(), 1e-9);
  }

  @Test
  void theReadmePriceExampleParses() throws Exception {
    String readme = Files.readString(Path.of(System.getProperty("llmscope.readme", "../README.md")));
    String section = readme.substring(readme.indexOf("### Price overrides"));
    String yaml = section.substring(section.indexOf("```yaml\n") + 8, section.indexOf("```\n", section.indexOf("```yaml") + 7));
    assertEquals(4, ServerConfig.parse(yaml).prices().size());
  }

  @Test
  void badPricesNameTheKey() {
    assertProblem("prices:\n  model: x\n", "config key 'prices' must be a list of model prices, not a mapping");
    assertProblem("prices:\n  - input: 1\n", "config key 'prices[0]' needs exactly one of 'model' (an exact name) and 'pattern'");
    assertProblem("prices:\n  - {model: x, pattern: y, input: 1}\n", "config key 'prices[0]' needs exactly one of 'model'");
    assertProblem("prices:\n  - {model: x, input: cheap}\n",
        "config key 'prices[0].input' must be a price >= 0 in USD per 1M tokens, not 'cheap'");
    assertProblem("prices:\n  - {model: x, input: 1}\n  - {model: y, output: -2}\n",
        "config key 'prices[1].output' must be a price >= 0 in USD per 1M tokens, not -2");
    assertProblem("prices:\n  - {model: x, imput: 1}\n", "unknown config key 'prices[0].imput'");
    assertProblem("prices:\n  - {model: x, Input: 1}\n", "unknown config key 'prices[0].Input' (did you mean 'prices[0].input'?)");
    assertProblem("prices:\n  - {model: x}\n", "config key 'prices[0]' (x): set at least one of input, output and perSecond");
    assertProblem("prices:\n  - {pattern: '(', input: 1}\n", "config key 'prices[0]' ((): pattern is not a valid regular expression");
    assertProblem("prices:\n  - {model: x, input: 1, effectiveFrom: soon}\n",
        "config key 'prices[0].effectiveFrom': 'soon' is not an ISO date");
    assertProblem("prices:\n  - {model: x, input: 1, tiers: [{input: 2}]}\n", "config key 'prices[0].tiers[0].aboveInputTokens' is missing");
    assertProblem("prices:\n  - {model: x, input: 1, tiers: [{aboveInputTokens: 10}]}\n",
        "config key 'prices[0].tiers[0]' needs at least one price");
    assertProblem("prices:\n  - {model: x, input: 1, serviceTiers: {flex: 3}}\n",
        "config key 'prices[0].serviceTiers.flex' must be a mapping of prices, not 3");
    assertProblem("prices:\n  - {model: x, input: 1, provider: a, providers: [b]}\n",
        "config keys 'prices[0].provider' and 'prices[0].providers' set the same thing");
    assertProblem("prices:\n  - {model: X, input: 1}\n  - {model: x, input: 2}\n", "config key 'prices' lists x twice: keep one");
    assertProblem("price:\n  - {model: x, input: 1}\n", "unknown config key 'price' (did you mean 'prices'?)");
  }

  private static void assertProblem(String yaml, String expected) {
    ServerConfig.ConfigException e = assertThrows(ServerConfig.ConfigException.class, () -> ServerConfig.parse(yaml), yaml);
    assertTrue(e.getMessage().contains(expected), yaml + "\n  expected: " + expected + "\n  got: " + e.getMessage());
  }

  /** Dotted paths of the two-level YAML used above ({@code auth.keys} for the list). */
  private static List<String> yamlPaths(String yaml) {
    List<String> out = new ArrayList<>();
    String section = null;
    for (String line : yaml.split("\n")) {
      if (line.isBlank() || line.trim().startsWith("-")) continue;
      String name = line.trim().substring(0, line.trim().indexOf(':'));
      if (!line.startsWith(" ")) {
        section = name;
        if (!line.trim().endsWith(":")) out.add(name);
      } else {
        out.add(section + "." + name);
      }
    }
    return out;
  }
}
