package io.llmscope.storage;

/**
 * Thrown by {@link Storage#append} instead of appending while the data directory's volume has
 * less free space than {@code minFreeBytes}: nothing was written, and appends succeed again by
 * themselves once space returns. A {@link StorageBusyException}, so callers ask clients to retry.
 */
public final class StorageFullException extends StorageBusyException {
  public StorageFullException(String message) {
    super(message);
  }
}
