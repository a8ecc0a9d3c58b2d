package io.llmscope.server;

/**
 * Settings of the process rather than of one module; {@link #builder} starts from the defaults.
 *
 * @param shutdownGraceMs on SIGTERM, how long requests already taken may take to be answered
 *     before the listeners close regardless; then the store is flushed and closed
 * @param alertIntervalMs how often every alert rule is evaluated
 */
record ProcessSettings(long shutdownGraceMs, long alertIntervalMs, long apiMaxBodyBytes, int apiMaxScoresPerRequest) {
  /** Leaves time, within the 10 s a SIGTERM may take, to flush and close the store. */
  static final long DEFAULT_SHUTDOWN_GRACE_MS = 5000;
  static final long DEFAULT_ALERT_INTERVAL_MS = 30_000;
  /** API bodies (queries, rules, prices, scores) are small; anything bigger is a mistake. */
  static final long DEFAULT_API_MAX_BODY_BYTES = 1 << 20;
  static final int DEFAULT_API_MAX_SCORES_PER_REQUEST = 10_000;

  static final ProcessSettings DEFAULTS = builder().build();

  ProcessSettings {
    if (shutdownGraceMs <= 0) throw new IllegalArgumentException("shutdownGraceMs must be > 0, got " + shutdownGraceMs);
    if (alertIntervalMs < 1000) throw new IllegalArgumentException("alertIntervalMs must be >= 1000, got " + alertIntervalMs);
    if (apiMaxBodyBytes <= 0) throw new IllegalArgumentException("apiMaxBodyBytes must be > 0, got " + apiMaxBodyBytes);
    if (apiMaxScoresPerRequest <= 0) {
      throw new IllegalArgumentException("apiMaxScoresPerRequest must be > 0, got " + apiMaxScoresPerRequest);
    }
  }

  static Builder builder() {
    return new Builder();
  }

  /** Defaults for every setting; each setter overrides one. */
  static final class Builder {
    private long shutdownGraceMs = DEFAULT_SHUTDOWN_GRACE_MS;
    private long alertIntervalMs = DEFAULT_ALERT_INTERVAL_MS;
    private long apiMaxBodyBytes = DEFAULT_API_MAX_BODY_BYTES;
    private int apiMaxScoresPerRequest = DEFAULT_API_MAX_SCORES_PER_REQUEST;

    private Builder() {}

    Builder shutdownGraceMs(long v) { shutdownGraceMs = v; return this; }
    Builder alertIntervalMs(long v) { alertIntervalMs = v; return this; }
    Builder apiMaxBodyBytes(long v) { apiMaxBodyBytes = v; return this; }
    Builder apiMaxScoresPerRequest(int v) { apiMaxScoresPerRequest = v; return this; }

    ProcessSettings build() {
      return new ProcessSettings(shutdownGraceMs, alertIntervalMs, apiMaxBodyBytes, apiMaxScoresPerRequest);
    }
  }
}
