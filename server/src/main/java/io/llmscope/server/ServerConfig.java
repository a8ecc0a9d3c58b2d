package io.llmscope.server;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.llmscope.ingest.IngestConfig;
import io.llmscope.query.QueryLimits;
import io.llmscope.storage.FsyncPolicy;
import io.llmscope.storage.StorageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --config} YAML file. Every limit has a default, so an empty file (or none) is valid.
 *
 * <pre>
 * host: 0.0.0.0
 * retention: 30d             # segments whose newest span is older are dropped
 * storage:
 *   fsync: interval          # none | interval | always
 *   fsyncIntervalMs: 1000
 *   sealRows: 262144         # a head is sealed into a segment at this many rows...
 *   sealAgeMs: 60000         # ...or this long after its first row
 *   maxHeadRows: 1048576     # beyond, ingest answers 503 until sealing catches up
 *   compactBelowRows: 65536  # smaller segments of the same day are merged
 *   compactMaxRows: 1048576  # largest merged segment
 * limits:
 *   maxBodyBytes: 16777216   # OTLP request body, also after gunzip
 *   maxInflightRequests: 64  # beyond: 503 + Retry-After
 *   queryDefaultLimit: 1000
 *   queryMaxLimit: 100000
 *   queryMaxBuckets: 100000
 *   queryMaxGroups: 1000000  # (group values x buckets) per query
 *   queryScanThreads: 2      # default: the number of cores
 *   queryRollups: true       # false: never answer from segment rollups
 * content:
 *   capture: true            # false: prompt/completion text is dropped at ingest
 *   maxChars: 32768          # longer prompt/completion values are cut
 * auth:
 *   keys: [{key: secret, tenant: acme}]
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class ServerConfig {
  public String host = "0.0.0.0";
  public String retention = "30d";
  public Storage storage = new Storage();
  public Limits limits = new Limits();
  public Auth auth = new Auth();
  public Content content = new Content();

  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Content {
    public boolean capture = true;
    public int maxChars = IngestConfig.DEFAULT_MAX_CONTENT_CHARS;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Storage {
    public String fsync = "interval";
    public long fsyncIntervalMs = StorageConfig.DEFAULT_FSYNC_INTERVAL_MS;
    public int maxSpansPerWalDocument = StorageConfig.DEFAULT_MAX_SPANS_PER_WAL_DOCUMENT;
    public int sealRows = StorageConfig.DEFAULT_SEAL_ROWS;
    public long sealAgeMs = StorageConfig.DEFAULT_SEAL_AGE_MS;
    public int maxHeadRows = StorageConfig.DEFAULT_MAX_HEAD_ROWS;
    public int compactBelowRows = StorageConfig.DEFAULT_COMPACT_BELOW_ROWS;
    public int compactMaxRows = StorageConfig.DEFAULT_COMPACT_MAX_ROWS;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Limits {
    public int maxBodyBytes = IngestConfig.DEFAULT_MAX_BODY_BYTES;
    public int maxInflightRequests = IngestConfig.DEFAULT_MAX_INFLIGHT_REQUESTS;
    public int queryDefaultLimit = QueryLimits.DEFAULTS.defaultLimit();
    public int queryMaxLimit = QueryLimits.DEFAULTS.maxLimit();
    public int queryMaxBuckets = QueryLimits.DEFAULTS.maxBuckets();
    public int queryMaxGroups = QueryLimits.DEFAULTS.maxGroups();
    public int queryScanThreads = QueryLimits.DEFAULTS.scanThreads();
    public boolean queryRollups = true;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Auth {
    public List<ApiKey> keys = new ArrayList<>();
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class ApiKey {
    public String key;
    public String tenant;
  }

  static ServerConfig load(Path file) throws IOException {
    if (file == null) return new ServerConfig();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.LOWER_CAMEL_CASE)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    if (Files.size(file) == 0) return new ServerConfig();
    ServerConfig c = yaml.readValue(file.toFile(), ServerConfig.class);
    return c == null ? new ServerConfig() : c.validate();
  }

  ServerConfig validate() {
    storageConfig(java.nio.file.Path.of("."));
    if (content.maxChars <= 0) throw new IllegalArgumentException("content.maxChars must be > 0");
    for (ApiKey k : auth.keys) {
      if (k.key == null || k.key.isBlank()) throw new IllegalArgumentException("auth.keys: every entry needs a non-empty 'key'");
      if (k.tenant == null || k.tenant.isBlank()) throw new IllegalArgumentException("auth.keys: key entries need a 'tenant'");
    }
    return this;
  }

  /** The storage settings of this config for a data dir; throws IllegalArgumentException naming a bad value. */
  StorageConfig storageConfig(Path dataDir) {
    return StorageConfig.builder(dataDir)
        .fsync(fsyncPolicy())
        .fsyncIntervalMs(storage.fsyncIntervalMs)
        .maxSpansPerWalDocument(storage.maxSpansPerWalDocument)
        .sealRows(storage.sealRows)
        .sealAgeMs(storage.sealAgeMs)
        .maxHeadRows(storage.maxHeadRows)
        .compactBelowRows(storage.compactBelowRows)
        .compactMaxRows(storage.compactMaxRows)
        .retentionMs(durationMs(retention, "retention"))
        .build();
  }

  private static long durationMs(String text, String what) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(\\d+)\\s*(ms|s|m|h|d)\\s*").matcher(text == null ? "" : text);
    if (!m.matches()) throw new IllegalArgumentException(what + " must look like 30d, 12h or 90m, not '" + text + "'");
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> n;
      case "s" -> n * 1000L;
      case "m" -> n * 60_000L;
      case "h" -> n * 3_600_000L;
      default -> n * 86_400_000L;
    };
  }

  FsyncPolicy fsyncPolicy() {
    try {
      return FsyncPolicy.valueOf(storage.fsync.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("storage.fsync must be none, interval or always, not '" + storage.fsync + "'");
    }
  }
}
