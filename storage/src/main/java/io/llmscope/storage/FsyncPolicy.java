package io.llmscope.storage;

/**
 * When appended WAL bytes are forced to the device. The WAL is memory-mapped, so every
 * acknowledged batch survives a killed process under all three; they differ on power loss.
 */
public enum FsyncPolicy {
  /** Leave flushing to the OS page cache. */
  NONE,
  /** A background thread syncs every {@code fsyncIntervalMs}. */
  INTERVAL,
  /** Sync before each append is acknowledged. */
  ALWAYS
}
