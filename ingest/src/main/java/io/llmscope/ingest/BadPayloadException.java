package io.llmscope.ingest;

/**
 * A request body that cannot be decoded: malformed protobuf or JSON, bad ids, unknown enum names,
 * corrupt gzip. {@link #tooLarge()} marks bodies rejected for size (HTTP 413 / RESOURCE_EXHAUSTED);
 * everything else is a client error (HTTP 400 / INVALID_ARGUMENT). The message names the problem
 * and is safe to return to the client.
 */
final class BadPayloadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean tooLarge;

  BadPayloadException(String msg) {
    this(msg, false);
  }

  private BadPayloadException(String msg, boolean tooLarge) {
    // No stack trace: this is an expected outcome of bad input, not a bug, and may be frequent.
    super(msg, null, false, false);
    this.tooLarge = tooLarge;
  }

  /** True when the body was rejected because of its (inflated) size. */
  boolean tooLarge() {
    return tooLarge;
  }

  static BadPayloadException tooLarge(String msg) {
    return new BadPayloadException(msg, true);
  }
}
