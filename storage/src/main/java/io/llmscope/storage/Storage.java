package io.llmscope.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The span store: the single entry point of the storage module.
 *
 * <p>{@link #append} makes a batch durable in the write-ahead log and visible in the head before
 * it returns, so a caller may acknowledge it. {@link #open} replays the WAL into the head, so
 * every acknowledged span is back after a crash. Thread-safe.
 */
public final class Storage implements Closeable {
  private static final Logger LOG = Logger.getLogger(Storage.class.getName());
  private static final ThreadLocal<Bytes<?>> ENCODE_BUFFER =
      ThreadLocal.withInitial(() -> Bytes.allocateElasticOnHeap(1 << 16));

  private final StorageConfig config;
  private final WriteAheadLog wal;
  private final Map<String, HeadBlock> heads = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledExecutorService syncer;
  private volatile boolean dirty;

  private Storage(StorageConfig config) throws IOException {
    this.config = config;
    Path walDir = config.dataDir().resolve("wal");
    Files.createDirectories(walDir);
    this.wal = new WriteAheadLog(walDir);
    long docs = wal.replay((index, bytes) ->
        SpanCodec.readBatch(bytes, (tenant, spans, offsets) -> head(tenant).add(spans, index, offsets)));
    LOG.info(() -> "recovered " + docs + " WAL batches, " + totalRows() + " spans from " + walDir);
    if (config.fsync() == FsyncPolicy.INTERVAL) {
      syncer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "llmscope-wal-sync");
        t.setDaemon(true);
        return t;
      });
      syncer.scheduleWithFixedDelay(this::syncIfDirty, config.fsyncIntervalMs(), config.fsyncIntervalMs(), TimeUnit.MILLISECONDS);
    } else {
      syncer = null;
    }
  }

  /** Opens (creating if needed) the store under {@code config.dataDir()} and recovers it. */
  public static Storage open(StorageConfig config) throws IOException {
    return new Storage(config);
  }

  /**
   * Appends spans for a tenant. When this returns the spans are in the WAL (synced per the
   * fsync policy) and visible to new snapshots. The caller may reuse the {@link LlmSpan}
   * instances afterwards.
   */
  public void append(String tenant, List<LlmSpan> spans) {
    if (spans.isEmpty()) return;
    Bytes<?> buf = ENCODE_BUFFER.get();
    int max = config.maxSpansPerWalDocument();
    int[] offsets = new int[Math.min(max, spans.size())];
    for (int from = 0; from < spans.size(); from += max) {
      List<LlmSpan> part = spans.subList(from, Math.min(spans.size(), from + max));
      buf.clear();
      SpanCodec.writeBatch(buf, tenant, part, offsets);
      synchronized (writeLock) {
        if (closed.get()) throw new IllegalStateException("storage is closed");
        long index = wal.append(buf);
        head(tenant).add(part, index, offsets);
        if (config.fsync() == FsyncPolicy.ALWAYS) {
          wal.sync();
        } else {
          dirty = true;
        }
      }
    }
  }

  /** A stable view of the tenant's spans for one query. */
  public StoreSnapshot snapshot(String tenant) {
    HeadBlock head = heads.get(tenant);
    return new StoreSnapshot(head == null ? List.of() : head.snapshot());
  }

  public StorageStatus status(String tenant) {
    HeadBlock head = heads.get(tenant);
    long rows = head == null ? 0 : head.rows();
    Long oldest = rows == 0 ? null : Math.floorDiv(head.minStartNanos(), 1_000_000L);
    Long newest = rows == 0 ? null : Math.floorDiv(head.maxStartNanos(), 1_000_000L);
    long walBytes;
    synchronized (writeLock) {
      walBytes = wal.bytes();
    }
    return new StorageStatus(rows, rows, 0, walBytes, 0, oldest, newest);
  }

  /** Forces appended WAL bytes to the device now. */
  public void sync() {
    synchronized (writeLock) {
      if (!closed.get()) wal.sync();
      dirty = false;
    }
  }

  private void syncIfDirty() {
    if (!dirty) return;
    try {
      sync();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "WAL sync failed", e);
    }
  }

  private HeadBlock head(String tenant) {
    return heads.computeIfAbsent(tenant, t -> new HeadBlock(wal));
  }

  private long totalRows() {
    long n = 0;
    for (HeadBlock h : heads.values()) n += h.rows();
    return n;
  }

  /** Syncs and closes the WAL. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    if (syncer != null) syncer.shutdownNow();
    synchronized (writeLock) {
      wal.sync();
      wal.close();
    }
  }
}
