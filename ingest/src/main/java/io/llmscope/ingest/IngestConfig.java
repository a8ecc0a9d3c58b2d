package io.llmscope.ingest;

/**
 * Listeners and limits of the OTLP receivers; {@link #builder} starts from the defaults.
 *
 * @param host interface to bind
 * @param grpcPort OTLP/gRPC port, 0 for a free one
 * @param httpPort OTLP/HTTP port, 0 for a free one
 * @param maxBodyBytes largest request body, and largest body after gunzip (413 / RESOURCE_EXHAUSTED beyond)
 * @param maxInflightRequests requests decoded or appended at once; more get 503 / UNAVAILABLE with a retry hint
 * @param captureContent keep prompt and completion text in span details (false drops it at ingest)
 * @param maxContentChars longest prompt or completion value kept; longer ones are cut
 * @param maxFutureSkewMs a span starting later than this after the server's clock is rejected (in
 *     {@code partial_success}): it would outlive retention and skew every time range
 * @param maxAttributesPerSpan most attributes a span's detail keeps; the rest are dropped and counted
 * @param maxEventsPerSpan most events a span keeps; the rest are dropped and counted
 * @param maxLinksPerSpan most links a span keeps; the rest are dropped and counted
 * @param pricing price model calls at ingest from the price table (false stores only reported costs)
 * @param maxPriceOverrides most price entries one tenant may add through {@code PUT /api/v1/prices}
 */
public record IngestConfig(String host, int grpcPort, int httpPort, int maxBodyBytes, int maxInflightRequests,
    boolean captureContent, int maxContentChars, long maxFutureSkewMs, int maxAttributesPerSpan, int maxEventsPerSpan,
    int maxLinksPerSpan, boolean pricing, int maxPriceOverrides) {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_GRPC_PORT = 4317;
  public static final int DEFAULT_HTTP_PORT = 4318;
  public static final int DEFAULT_MAX_BODY_BYTES = 16 << 20;
  public static final int DEFAULT_MAX_INFLIGHT_REQUESTS = 64;
  public static final int DEFAULT_MAX_CONTENT_CHARS = 32 * 1024;
  public static final long DEFAULT_MAX_FUTURE_SKEW_MS = 86_400_000L;
  // Above OpenTelemetry SDKs' 128: instrumentations flatten whole conversations into attributes.
  public static final int DEFAULT_MAX_ATTRIBUTES_PER_SPAN = 1024;
  public static final int DEFAULT_MAX_EVENTS_PER_SPAN = 1024;
  public static final int DEFAULT_MAX_LINKS_PER_SPAN = 128;
  /** Twice the shipped table: room to override every model, and a bound on each tenant's lookups. */
  public static final int DEFAULT_MAX_PRICE_OVERRIDES = 1000;

  public IngestConfig {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("host must be set");
    if (grpcPort < 0 || grpcPort > 65535) throw new IllegalArgumentException("bad OTLP gRPC port " + grpcPort);
    if (httpPort < 0 || httpPort > 65535) throw new IllegalArgumentException("bad OTLP HTTP port " + httpPort);
    if (maxBodyBytes <= 0) throw new IllegalArgumentException("maxBodyBytes must be > 0, got " + maxBodyBytes);
    if (maxInflightRequests <= 0) throw new IllegalArgumentException("maxInflightRequests must be > 0, got " + maxInflightRequests);
    if (maxContentChars <= 0) throw new IllegalArgumentException("maxContentChars must be > 0, got " + maxContentChars);
    if (maxFutureSkewMs <= 0) throw new IllegalArgumentException("maxFutureSkewMs must be > 0, got " + maxFutureSkewMs);
    if (maxAttributesPerSpan < 0) throw new IllegalArgumentException("maxAttributesPerSpan must be >= 0, got " + maxAttributesPerSpan);
    if (maxEventsPerSpan < 0) throw new IllegalArgumentException("maxEventsPerSpan must be >= 0, got " + maxEventsPerSpan);
    if (maxLinksPerSpan < 0) throw new IllegalArgumentException("maxLinksPerSpan must be >= 0, got " + maxLinksPerSpan);
    if (maxPriceOverrides < 0) throw new IllegalArgumentException("maxPriceOverrides must be >= 0, got " + maxPriceOverrides);
  }

  public static IngestConfig defaults(String host, int grpcPort, int httpPort) {
    return builder().host(host).grpcPort(grpcPort).httpPort(httpPort).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults for every setting; each setter overrides one. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int grpcPort = DEFAULT_GRPC_PORT;
    private int httpPort = DEFAULT_HTTP_PORT;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxInflightRequests = DEFAULT_MAX_INFLIGHT_REQUESTS;
    private boolean captureContent = true;
    private int maxContentChars = DEFAULT_MAX_CONTENT_CHARS;
    private long maxFutureSkewMs = DEFAULT_MAX_FUTURE_SKEW_MS;
    private int maxAttributesPerSpan = DEFAULT_MAX_ATTRIBUTES_PER_SPAN;
    private int maxEventsPerSpan = DEFAULT_MAX_EVENTS_PER_SPAN;
    private int maxLinksPerSpan = DEFAULT_MAX_LINKS_PER_SPAN;
    private boolean pricing = true;
    private int maxPriceOverrides = DEFAULT_MAX_PRICE_OVERRIDES;

    private Builder() {}

    public Builder host(String v) { host = v; return this; }
    public Builder grpcPort(int v) { grpcPort = v; return this; }
    public Builder httpPort(int v) { httpPort = v; return this; }
    public Builder maxBodyBytes(int v) { maxBodyBytes = v; return this; }
    public Builder maxInflightRequests(int v) { maxInflightRequests = v; return this; }
    public Builder captureContent(boolean v) { captureContent = v; return this; }
    public Builder maxContentChars(int v) { maxContentChars = v; return this; }
    public Builder maxFutureSkewMs(long v) { maxFutureSkewMs = v; return this; }
    public Builder maxAttributesPerSpan(int v) { maxAttributesPerSpan = v; return this; }
    public Builder maxEventsPerSpan(int v) { maxEventsPerSpan = v; return this; }
    public Builder maxLinksPerSpan(int v) { maxLinksPerSpan = v; return this; }
    public Builder pricing(boolean v) { pricing = v; return this; }
    public Builder maxPriceOverrides(int v) { maxPriceOverrides = v; return this; }

    public IngestConfig build() {
      return new IngestConfig(host, grpcPort, httpPort, maxBodyBytes, maxInflightRequests, captureContent, maxContentChars,
          maxFutureSkewMs, maxAttributesPerSpan, maxEventsPerSpan, maxLinksPerSpan, pricing, maxPriceOverrides);
    }
  }
}
