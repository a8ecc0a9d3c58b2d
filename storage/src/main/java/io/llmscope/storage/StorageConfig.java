package io.llmscope.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Storage settings; {@link #builder} starts from the defaults.
 *
 * @param dataDir root directory: {@code wal/}, {@code segments/} and the manifests live under it
 * @param fsync when WAL appends are forced to the device
 * @param fsyncIntervalMs period of {@link FsyncPolicy#INTERVAL} syncs
 * @param maxSpansPerWalDocument large batches are split into WAL documents of at most this many spans
 * @param sealRows a tenant's head is sealed into a segment once it holds this many rows...
 * @param sealAgeMs ...or once its oldest row was appended this long ago
 * @param maxHeadRows an append that would take the rows waiting in heads (active or being sealed)
 *     past this is refused ({@link StorageBusyException}) and starts a seal at once; bounds head
 *     memory when sealing falls behind. At least {@code sealRows}. A batch that arrives while no
 *     row waits is taken whatever its size, or it could never be
 * @param retentionMs segments whose newest span started longer ago than this are dropped
 * @param compactBelowRows segments smaller than this are merged with their neighbours of the same day
 * @param compactMaxRows a merged segment holds at most this many rows (bounds the memory a merge
 *     needs); at least {@code compactBelowRows}
 * @param maintenanceIntervalMs how often the background thread checks for sealing, compaction and retention
 * @param walRollCycle Chronicle roll cycle name of the WAL; whole cycles are deleted once sealed
 * @param maxWalRecordBytes largest WAL document: bigger batches are split, and a span that alone
 *     encodes larger is refused; at most {@link #MAX_WAL_RECORD_BYTES}, what the log can hold
 * @param minFreeBytes appends are refused ({@link StorageFullException}) while the data directory's
 *     volume has less free space than this, so no write ever meets a full disk
 * @param columnCacheBytes decoded columns of sealed segments (whole, or the record batches point reads touch) kept for later queries
 *     ({@code ColumnCache}); 0 keeps none. Default: a quarter of the heap
 */
public record StorageConfig(
    Path dataDir,
    FsyncPolicy fsync,
    long fsyncIntervalMs,
    int maxSpansPerWalDocument,
    int sealRows,
    long sealAgeMs,
    int maxHeadRows,
    long retentionMs,
    int compactBelowRows,
    int compactMaxRows,
    long maintenanceIntervalMs,
    String walRollCycle,
    int maxWalRecordBytes,
    long minFreeBytes,
    long columnCacheBytes) {

  public static final long DEFAULT_FSYNC_INTERVAL_MS = 1000;
  public static final int DEFAULT_MAX_SPANS_PER_WAL_DOCUMENT = 4096;
  public static final int DEFAULT_SEAL_ROWS = 256 * 1024;
  public static final long DEFAULT_SEAL_AGE_MS = 60_000;
  public static final int DEFAULT_MAX_HEAD_ROWS = 1024 * 1024;
  public static final long DEFAULT_RETENTION_MS = 30L * 86_400_000L;
  public static final int DEFAULT_COMPACT_BELOW_ROWS = 64 * 1024;
  public static final int DEFAULT_COMPACT_MAX_ROWS = 1024 * 1024;
  public static final long DEFAULT_MAINTENANCE_INTERVAL_MS = 1000;
  public static final String DEFAULT_WAL_ROLL_CYCLE = "FAST_HOURLY";
  public static final int DEFAULT_MAX_WAL_RECORD_BYTES = 8 << 20;
  /** A quarter of the WAL's default block size, Chronicle's limit for one document (less headroom). */
  public static final int MAX_WAL_RECORD_BYTES = (16 << 20) - (64 << 10);
  public static final long DEFAULT_MIN_FREE_BYTES = 128L << 20;
  /**
   * A quarter of the heap, counted as the heap spends it ({@code ColumnCache} rounds humongous
   * arrays up to whole G1 regions): with a query's default quarter this leaves half to heads,
   * scores, rollups and sealing. (An eighth, counted by array size, held 10M-span Q7's record
   * batches nowhere: 586 ms against 99.)
   */
  public static long defaultColumnCacheBytes() {
    return Runtime.getRuntime().maxMemory() / 4;
  }

  public StorageConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(walRollCycle, "walRollCycle");
    positive(fsyncIntervalMs, "fsyncIntervalMs");
    positive(maxSpansPerWalDocument, "maxSpansPerWalDocument");
    positive(sealRows, "sealRows");
    positive(sealAgeMs, "sealAgeMs");
    positive(maxHeadRows, "maxHeadRows");
    positive(retentionMs, "retentionMs");
    positive(compactBelowRows, "compactBelowRows");
    positive(compactMaxRows, "compactMaxRows");
    positive(maintenanceIntervalMs, "maintenanceIntervalMs");
    positive(maxWalRecordBytes, "maxWalRecordBytes");
    if (maxWalRecordBytes > MAX_WAL_RECORD_BYTES) {
      throw new IllegalArgumentException("maxWalRecordBytes must be <= " + MAX_WAL_RECORD_BYTES + ", got " + maxWalRecordBytes);
    }
    if (columnCacheBytes < 0) throw new IllegalArgumentException("columnCacheBytes must be >= 0, got " + columnCacheBytes);
    if (minFreeBytes < 0) throw new IllegalArgumentException("minFreeBytes must be >= 0, got " + minFreeBytes);
    // Combinations that cannot work, refused here rather than found out under load.
    if (maxHeadRows < sealRows) {
      throw new IllegalArgumentException("maxHeadRows (" + maxHeadRows + ") must be at least sealRows (" + sealRows
          + "): appends are refused beyond maxHeadRows unsealed rows, so no head could grow to sealRows");
    }
    if (compactBelowRows > compactMaxRows) {
      throw new IllegalArgumentException("compactBelowRows (" + compactBelowRows + ") must not exceed compactMaxRows ("
          + compactMaxRows + "): a segment merged up to compactMaxRows would still be small, and be merged again past it");
    }
    try {
      net.openhft.chronicle.queue.RollCycles.valueOf(walRollCycle);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown WAL roll cycle '" + walRollCycle + "'");
    }
  }

  private static void positive(long v, String name) {
    if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
  }

  public static StorageConfig defaults(Path dataDir) {
    return builder(dataDir).build();
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** Defaults for every setting; each setter overrides one. */
  public static final class Builder {
    private final Path dataDir;
    private FsyncPolicy fsync = FsyncPolicy.INTERVAL;
    private long fsyncIntervalMs = DEFAULT_FSYNC_INTERVAL_MS;
    private int maxSpansPerWalDocument = DEFAULT_MAX_SPANS_PER_WAL_DOCUMENT;
    private int sealRows = DEFAULT_SEAL_ROWS;
    private long sealAgeMs = DEFAULT_SEAL_AGE_MS;
    private int maxHeadRows = DEFAULT_MAX_HEAD_ROWS;
    private long retentionMs = DEFAULT_RETENTION_MS;
    private int compactBelowRows = DEFAULT_COMPACT_BELOW_ROWS;
    private int compactMaxRows = DEFAULT_COMPACT_MAX_ROWS;
    private long maintenanceIntervalMs = DEFAULT_MAINTENANCE_INTERVAL_MS;
    private String walRollCycle = DEFAULT_WAL_ROLL_CYCLE;
    private int maxWalRecordBytes = DEFAULT_MAX_WAL_RECORD_BYTES;
    private long minFreeBytes = DEFAULT_MIN_FREE_BYTES;
    private long columnCacheBytes = defaultColumnCacheBytes();

    private Builder(Path dataDir) {
      this.dataDir = dataDir;
    }

    public Builder fsync(FsyncPolicy v) { fsync = v; return this; }
    public Builder fsyncIntervalMs(long v) { fsyncIntervalMs = v; return this; }
    public Builder maxSpansPerWalDocument(int v) { maxSpansPerWalDocument = v; return this; }
    public Builder sealRows(int v) { sealRows = v; return this; }
    public Builder sealAgeMs(long v) { sealAgeMs = v; return this; }
    public Builder maxHeadRows(int v) { maxHeadRows = v; return this; }
    public Builder retentionMs(long v) { retentionMs = v; return this; }
    public Builder compactBelowRows(int v) { compactBelowRows = v; return this; }
    public Builder compactMaxRows(int v) { compactMaxRows = v; return this; }
    public Builder maintenanceIntervalMs(long v) { maintenanceIntervalMs = v; return this; }
    public Builder walRollCycle(String v) { walRollCycle = v; return this; }
    public Builder maxWalRecordBytes(int v) { maxWalRecordBytes = v; return this; }
    public Builder minFreeBytes(long v) { minFreeBytes = v; return this; }
    public Builder columnCacheBytes(long v) { columnCacheBytes = v; return this; }

    public StorageConfig build() {
      return new StorageConfig(dataDir, fsync, fsyncIntervalMs, maxSpansPerWalDocument, sealRows, sealAgeMs,
          maxHeadRows, retentionMs, compactBelowRows, compactMaxRows, maintenanceIntervalMs, walRollCycle, maxWalRecordBytes,
          minFreeBytes, columnCacheBytes);
    }
  }
}
