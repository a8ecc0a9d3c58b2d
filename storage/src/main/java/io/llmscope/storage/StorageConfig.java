package io.llmscope.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Storage settings.
 *
 * @param dataDir root directory; the WAL lives in {@code dataDir/wal}
 * @param fsync when WAL appends are forced to the device
 * @param fsyncIntervalMs period of {@link FsyncPolicy#INTERVAL} syncs
 * @param maxSpansPerWalDocument large batches are split into WAL documents of at most this many
 *     spans, which keeps every document far below Chronicle's message size limit
 */
public record StorageConfig(Path dataDir, FsyncPolicy fsync, long fsyncIntervalMs, int maxSpansPerWalDocument) {
  public static final long DEFAULT_FSYNC_INTERVAL_MS = 1000;
  public static final int DEFAULT_MAX_SPANS_PER_WAL_DOCUMENT = 4096;

  public StorageConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(fsync, "fsync");
    if (fsyncIntervalMs <= 0) throw new IllegalArgumentException("fsyncIntervalMs must be > 0");
    if (maxSpansPerWalDocument <= 0) throw new IllegalArgumentException("maxSpansPerWalDocument must be > 0");
  }

  public static StorageConfig defaults(Path dataDir) {
    return new StorageConfig(dataDir, FsyncPolicy.INTERVAL, DEFAULT_FSYNC_INTERVAL_MS, DEFAULT_MAX_SPANS_PER_WAL_DOCUMENT);
  }
}
