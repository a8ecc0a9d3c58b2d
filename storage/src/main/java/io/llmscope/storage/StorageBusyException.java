package io.llmscope.storage;

/**
 * Thrown by {@link Storage#append} instead of appending when unsealed rows exceed the configured
 * bound: sealing has fallen behind ingest. Nothing was written; the caller should ask its client
 * to retry later (HTTP 503 / gRPC UNAVAILABLE with a retry hint).
 */
public class StorageBusyException extends RuntimeException {
  public StorageBusyException(String message) {
    super(message, null, false, false);
  }
}
