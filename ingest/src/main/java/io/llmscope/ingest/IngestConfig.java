package io.llmscope.ingest;

/**
 * Limits and listeners of the OTLP receivers.
 *
 * @param host interface to bind
 * @param grpcPort OTLP/gRPC port, 0 for a free one
 * @param httpPort OTLP/HTTP port, 0 for a free one
 * @param maxBodyBytes largest request body, and largest body after gunzip (413 / RESOURCE_EXHAUSTED beyond)
 * @param maxInflightRequests requests decoded or appended at once; more get 503 / UNAVAILABLE with a retry hint
 * @param captureContent keep prompt and completion text in span details (false drops it at ingest)
 * @param maxContentChars longest prompt or completion value kept; longer ones are cut
 */
public record IngestConfig(String host, int grpcPort, int httpPort, int maxBodyBytes, int maxInflightRequests,
    boolean captureContent, int maxContentChars) {
  public static final int DEFAULT_MAX_BODY_BYTES = 16 << 20;
  public static final int DEFAULT_MAX_INFLIGHT_REQUESTS = 64;
  public static final int DEFAULT_MAX_CONTENT_CHARS = 32 * 1024;

  public IngestConfig {
    if (grpcPort < 0 || grpcPort > 65535) throw new IllegalArgumentException("bad OTLP gRPC port " + grpcPort);
    if (httpPort < 0 || httpPort > 65535) throw new IllegalArgumentException("bad OTLP HTTP port " + httpPort);
    if (maxBodyBytes <= 0) throw new IllegalArgumentException("maxBodyBytes must be > 0");
    if (maxInflightRequests <= 0) throw new IllegalArgumentException("maxInflightRequests must be > 0");
    if (maxContentChars <= 0) throw new IllegalArgumentException("maxContentChars must be > 0");
  }

  public static IngestConfig defaults(String host, int grpcPort, int httpPort) {
    return new IngestConfig(host, grpcPort, httpPort, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_INFLIGHT_REQUESTS, true,
        DEFAULT_MAX_CONTENT_CHARS);
  }
}
