package io.llmscope.storage.score;

import com.carrotsearch.hppc.LongHashSet;
import io.llmscope.storage.format.Directories;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.model.Score;
import io.llmscope.storage.scan.ScoreView;
import io.llmscope.storage.wal.WriteAheadLog;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Every tenant's quality scores: appended to their own write-ahead log before they are visible, and
 * held in memory ({@link ScoreTable}) for queries, which join them to spans as they read those.
 * Open replays the whole log. A log with damaged records is rewritten from its intact ones (into
 * {@code rewrite}, synced, then swapped in by two renames; the damaged one kept aside), because
 * Chronicle must not append after damage it cannot read past; open finishes a swap a crash cut short.
 * Thread-safe.
 */
public final class ScoreStore implements Closeable {
  private static final Logger LOG = Logger.getLogger(ScoreStore.class.getName());
  /** Scores arrive far slower than spans: one cycle file a day is plenty. */
  private static final String ROLL_CYCLE = "FAST_DAILY";

  private final Path dir;
  private final long maxRecordBytes;
  private final Map<String, ScoreTable> tenants = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();
  private final SegmentBytes.Out buffer = new SegmentBytes.Out(1 << 12);
  private WriteAheadLog wal;
  private long damaged;
  private volatile boolean dirty;

  /** What an append did: scores stored, and copies of scores stored before (not stored again). */
  public record Appended(int stored, int duplicates) {}

  private ScoreStore(Path dir, long maxRecordBytes) {
    this.dir = dir;
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * Opens (creating) the score log in {@code dir}; {@code rewrite} and {@code setAside} are where a
   * damaged log is rewritten and where it is then kept. Records are split to stay within
   * {@code maxRecordBytes}.
   */
  public static ScoreStore open(Path dir, Path rewrite, Path setAside, long maxRecordBytes) throws IOException {
    if (Files.isDirectory(rewrite)) {
      if (Files.isDirectory(dir)) {
        Directories.deleteRecursively(rewrite); // a rewrite cut short before its first rename: the old log is whole
      } else {
        Files.move(rewrite, dir, StandardCopyOption.ATOMIC_MOVE); // cut short between the renames
      }
    }
    Files.createDirectories(dir);
    ScoreStore store = new ScoreStore(dir, maxRecordBytes);
    store.wal = new WriteAheadLog(dir, ROLL_CYCLE);
    WriteAheadLog.Replay replay = store.wal.replay(WriteAheadLog.NO_INDEX, (index, bytes) -> {
      ScoreCodec.Batch b = ScoreCodec.readBatch(bytes);
      ScoreTable t = store.table(b.tenant());
      for (Score s : b.scores()) if (!t.contains(s)) t.add(s);
    });
    if (replay.damaged()) {
      store.damaged = replay.damagedRecords + replay.damagedCycles;
      store.wal.close();
      store.rewrite(rewrite);
      Files.move(dir, setAside, StandardCopyOption.ATOMIC_MOVE);
      Files.move(rewrite, dir, StandardCopyOption.ATOMIC_MOVE);
      store.wal = new WriteAheadLog(dir, ROLL_CYCLE);
      LOG.warning(() -> "score log had " + store.damaged + " damaged records or cycle files; its " + store.count()
          + " intact scores were rewritten and the damaged log moved to " + setAside);
    }
    return store;
  }

  private void rewrite(Path to) throws IOException {
    Directories.deleteRecursively(to);
    Files.createDirectories(to);
    try (WriteAheadLog fresh = new WriteAheadLog(to, ROLL_CYCLE)) {
      for (Map.Entry<String, ScoreTable> e : tenants.entrySet()) {
        List<Score> all = new ArrayList<>();
        for (Score[] trace : e.getValue().traces()) all.addAll(List.of(trace));
        for (int from = 0; from < all.size(); from += 10_000) {
          appendFitting(fresh, e.getKey(), all.subList(from, Math.min(all.size(), from + 10_000)));
        }
      }
      fresh.sync();
    }
  }

  private ScoreTable table(String tenant) {
    return tenants.computeIfAbsent(tenant, t -> new ScoreTable());
  }

  /**
   * Appends scores for a tenant: in the log (synced now when {@code sync}) and visible to queries
   * when this returns. A score whose identity ({@link Score#identity}) is stored already, or came
   * earlier in the same call, is not stored again.
   */
  public Appended append(String tenant, List<Score> scores, boolean sync) {
    synchronized (writeLock) {
      if (wal == null) throw new IllegalStateException("storage is closed");
      ScoreTable t = table(tenant);
      LongHashSet seen = new LongHashSet();
      List<Score> fresh = new ArrayList<>(scores.size());
      for (Score s : scores) if (!t.contains(s) && seen.add(s.identity())) fresh.add(s);
      if (!fresh.isEmpty()) {
        appendFitting(wal, tenant, fresh);
        if (sync) wal.sync();
        else dirty = true;
        for (Score s : fresh) t.add(s);
      }
      return new Appended(fresh.size(), scores.size() - fresh.size());
    }
  }

  /** One record, or halves until each fits (a single score always goes as one record). */
  private void appendFitting(WriteAheadLog log, String tenant, List<Score> part) {
    buffer.pos = 0;
    ScoreCodec.writeBatch(buffer, tenant, part);
    if (buffer.pos <= maxRecordBytes || part.size() == 1) {
      log.append(buffer.buf, 0, buffer.pos);
      return;
    }
    int half = part.size() / 2;
    appendFitting(log, tenant, part.subList(0, half));
    appendFitting(log, tenant, part.subList(half, part.size()));
  }

  /** The tenant's scores; {@link ScoreView#EMPTY} when it has none. */
  public ScoreView view(String tenant) {
    ScoreTable t = tenants.get(tenant);
    return t == null ? ScoreView.EMPTY : t;
  }

  /** Scores of every tenant. */
  public long count() {
    long n = 0;
    for (ScoreTable t : tenants.values()) n += t.size();
    return n;
  }

  /** Damaged records and cycle files found on open (and rewritten around). */
  public long damagedOnOpen() {
    return damaged;
  }

  /** Forces appended bytes to the device when an append left them unsynced. */
  public void syncIfDirty() {
    if (!dirty) return;
    synchronized (writeLock) {
      if (wal != null) wal.sync();
      dirty = false;
    }
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (wal == null) return;
      wal.sync();
      wal.close();
      wal = null;
    }
  }
}
