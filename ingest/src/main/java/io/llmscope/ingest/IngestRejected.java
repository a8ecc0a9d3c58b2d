package io.llmscope.ingest;

/** Why an export request was not stored; each protocol maps the reason to its own status. */
final class IngestRejected extends Exception {
  enum Reason {
    /** Malformed body: HTTP 400, gRPC INVALID_ARGUMENT. */
    BAD_PAYLOAD,
    /** Body (or inflated body) over the limit: HTTP 413, gRPC RESOURCE_EXHAUSTED. */
    TOO_LARGE,
    /** Too many requests in flight or sealing behind: HTTP 503 + Retry-After, gRPC UNAVAILABLE. */
    BUSY
  }

  final Reason reason;

  IngestRejected(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }
}
