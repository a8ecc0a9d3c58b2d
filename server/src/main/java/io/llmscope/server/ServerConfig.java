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
 * storage:
 *   fsync: interval          # none | interval | always
 *   fsyncIntervalMs: 1000
 * limits:
 *   maxBodyBytes: 16777216   # OTLP request body, also after gunzip
 *   maxInflightRequests: 64  # beyond: 503 + Retry-After
 *   queryDefaultLimit: 1000
 *   queryMaxLimit: 100000
 *   queryMaxBuckets: 100000
 *   queryMaxGroups: 1000000  # (group values x buckets) per query
 * auth:
 *   keys: [{key: secret, tenant: acme}]
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class ServerConfig {
  public String host = "0.0.0.0";
  public Storage storage = new Storage();
  public Limits limits = new Limits();
  public Auth auth = new Auth();

  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Storage {
    public String fsync = "interval";
    public long fsyncIntervalMs = StorageConfig.DEFAULT_FSYNC_INTERVAL_MS;
    public int maxSpansPerWalDocument = StorageConfig.DEFAULT_MAX_SPANS_PER_WAL_DOCUMENT;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Limits {
    public int maxBodyBytes = IngestConfig.DEFAULT_MAX_BODY_BYTES;
    public int maxInflightRequests = IngestConfig.DEFAULT_MAX_INFLIGHT_REQUESTS;
    public int queryDefaultLimit = QueryLimits.DEFAULTS.defaultLimit();
    public int queryMaxLimit = QueryLimits.DEFAULTS.maxLimit();
    public int queryMaxBuckets = QueryLimits.DEFAULTS.maxBuckets();
    public int queryMaxGroups = QueryLimits.DEFAULTS.maxGroups();
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
    fsyncPolicy();
    for (ApiKey k : auth.keys) {
      if (k.key == null || k.key.isBlank()) throw new IllegalArgumentException("auth.keys: every entry needs a non-empty 'key'");
      if (k.tenant == null || k.tenant.isBlank()) throw new IllegalArgumentException("auth.keys: key entries need a 'tenant'");
    }
    return this;
  }

  FsyncPolicy fsyncPolicy() {
    try {
      return FsyncPolicy.valueOf(storage.fsync.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("storage.fsync must be none, interval or always, not '" + storage.fsync + "'");
    }
  }
}
