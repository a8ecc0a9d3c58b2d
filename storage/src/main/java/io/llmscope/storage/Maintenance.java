package io.llmscope.storage;

import io.llmscope.storage.model.Nanos;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.segment.SegmentWriter;
import io.llmscope.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The store's background work, run on its one maintenance thread so no two steps race: rotate
 * heads that are due, seal them into segments, drop expired segments, merge small ones, and
 * delete WAL cycles nothing needs. Each change of the segment list is one manifest commit.
 * Only this thread changes the segment list, so a step may read it, write files, and then
 * commit its change without holding the state lock meanwhile (appends only add heads).
 */
final class Maintenance {
  private static final Logger LOG = Logger.getLogger(Maintenance.class.getName());

  private final CurrentState store;
  private final StorageConfig config;
  private final DataDir dirs;
  private final WriteAheadLog wal;
  private final FreeSpace freeSpace;
  private int nextSegmentNumber;
  /** Tenants whose segments must not be merged now (a reprice job works through them). */
  private final Predicate<String> compactionPaused;

  Maintenance(CurrentState store, StorageConfig config, DataDir dirs, WriteAheadLog wal, FreeSpace freeSpace,
      int nextSegmentNumber, Predicate<String> compactionPaused) {
    this.compactionPaused = compactionPaused;
    this.store = store;
    this.config = config;
    this.dirs = dirs;
    this.wal = wal;
    this.freeSpace = freeSpace;
    this.nextSegmentNumber = nextSegmentNumber;
  }

  /**
   * Writes a segment; if that fails (a full disk) what it wrote is removed, so retries cannot
   * fill the volume with halves.
   */
  private void writeSegment(Path dir, String tenant, List<ColumnBatch> batches) throws IOException {
    try {
      SegmentWriter.write(dir, tenant, batches);
    } catch (IOException | RuntimeException e) {
      try {
        Segment.deleteRecursively(dir);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** One round of everything, as the schedule runs it. */
  void runOnce() throws IOException {
    rotate(false);
    sealPending();
    expire();
    compactOnce();
  }

  /** Rotates the heads that are due (every non-empty one with {@code all}) and seals them. */
  void sealRound(boolean all) throws IOException {
    rotate(all);
    sealPending();
  }

  /** A name no segment has had yet in this process (numbers only grow). */
  String nextSegmentName() {
    return DataDir.segmentName(nextSegmentNumber++);
  }

  /** Moves every non-empty active head to sealing when one is due (or {@code force}). */
  void rotate(boolean force) {
    synchronized (store.writeLock) {
      StoreState s = store.get();
      long now = System.currentTimeMillis();
      boolean due = false;
      for (LiveHead h : s.active().values()) {
        if (h.rows() == 0) continue;
        due |= force || h.rows() >= config.sealRows() || now - h.block.firstAppendMs() >= config.sealAgeMs();
      }
      if (!due) return;
      long cover = wal.lastIndex();
      store.swap(cur -> cur.rotated(cover));
    }
  }

  /** Writes a segment for every sealing head, then commits them together with the WAL position they cover. */
  void sealPending() throws IOException {
    StoreState s = store.get();
    if (s.sealing().isEmpty()) return;
    List<Segment> written = new ArrayList<>();
    try {
      for (LiveHead h : s.sealing()) {
        String name = nextSegmentName();
        Path dir = dirs.segment(name);
        writeSegment(dir, h.tenant(), h.block.snapshot());
        written.add(Segment.open(name, dir, store.columnCache));
      }
      CrashPoints.reached("seal-segment-written");
      store.commit(cur -> cur.sealed(s.sealing(), written, s.pendingCover()));
    } catch (IOException | RuntimeException e) {
      for (Segment seg : written) seg.drop();
      throw e;
    }
    for (LiveHead h : s.sealing()) h.refs.decRef();
    long rows = written.stream().mapToLong(seg -> seg.info.rows()).sum();
    LOG.fine(() -> "sealed " + rows + " rows into " + written.size() + " segments");
    deleteSealedWal();
  }

  /** Deletes WAL cycles that hold only documents every live head is done with. */
  private void deleteSealedWal() throws IOException {
    long keepFrom = Long.MAX_VALUE;
    for (LiveHead h : store.liveHeads) keepFrom = Math.min(keepFrom, h.block.firstWalIndex());
    if (keepFrom == Long.MAX_VALUE) keepFrom = wal.lastIndex();
    if (keepFrom == WriteAheadLog.NO_INDEX) return;
    synchronized (store.writeLock) {
      if (!store.closed.get()) wal.deleteCyclesBefore(keepFrom);
    }
  }

  /** Drops segments whose newest span is older than the retention period. */
  int expire() throws IOException {
    long cutoff = Nanos.fromMillis(System.currentTimeMillis() - config.retentionMs());
    List<Segment> expired = new ArrayList<>();
    for (Segment seg : store.get().segments()) if (seg.info.maxStartNanos() < cutoff) expired.add(seg);
    if (expired.isEmpty()) return 0;
    CrashPoints.reached("retention-before-manifest");
    store.commit(cur -> cur.replacing(expired, List.of()));
    for (Segment seg : expired) seg.drop();
    LOG.info(() -> "retention dropped " + expired.size() + " segments");
    return expired.size();
  }

  /**
   * Merges the small segments of one tenant and UTC day into one, if there are at least two.
   * Returns how many segments were merged away.
   */
  int compactOnce() throws IOException {
    // Merging only saves space later and needs room now: it waits while the volume is short.
    if (freeSpace.problem() != null) return 0;
    Map<String, List<Segment>> groups = new HashMap<>();
    for (Segment seg : store.get().segments()) {
      if (seg.info.rows() >= config.compactBelowRows() || compactionPaused.test(seg.info.tenant())) continue;
      long day = Math.floorDiv(seg.info.minStartNanos(), 86_400_000_000_000L);
      groups.computeIfAbsent(seg.info.tenant() + '\n' + day, k -> new ArrayList<>()).add(seg);
    }
    for (List<Segment> group : groups.values()) {
      List<Segment> merge = new ArrayList<>();
      long rows = 0;
      for (Segment seg : group) {
        if (rows + seg.info.rows() > config.compactMaxRows() && merge.size() >= 2) break;
        merge.add(seg);
        rows += seg.info.rows();
      }
      if (merge.size() < 2) continue;
      List<ColumnBatch> inputs = new ArrayList<>();
      for (Segment seg : merge) inputs.add(seg.reader.batch());
      String name = nextSegmentName();
      Path dir = dirs.segment(name);
      writeSegment(dir, merge.get(0).info.tenant(), inputs);
      Segment merged = Segment.open(name, dir, store.columnCache);
      CrashPoints.reached("compaction-segment-written");
      try {
        store.commit(cur -> cur.replacing(merge, List.of(merged)));
      } catch (IOException | RuntimeException e) {
        merged.drop();
        throw e;
      }
      for (Segment seg : merge) seg.drop();
      long mergedRows = rows;
      LOG.fine(() -> "compacted " + merge.size() + " segments (" + mergedRows + " rows) into " + name);
      return merge.size();
    }
    return 0;
  }

  /**
   * Replaces a live segment by one of the same rows written from {@code content} under {@code name}
   * ({@link #nextSegmentName}), in one manifest commit; the old files go once no reader holds them.
   * Refused while the volume is short: the rewrite needs room for a second copy.
   */
  Segment replace(Segment old, String name, ColumnBatch content) throws IOException {
    String full = freeSpace.problem();
    if (full != null) throw new StorageFullException(full);
    if (!store.get().segments().contains(old)) throw new IllegalStateException(old.name + " is no longer live");
    Path dir = dirs.segment(name);
    writeSegment(dir, old.info.tenant(), List.of(content));
    Segment fresh = Segment.open(name, dir, store.columnCache);
    if (fresh.info.rows() != old.info.rows()) {
      fresh.drop();
      throw new IllegalStateException("rewrite of " + old.name + " holds " + fresh.info.rows() + " rows, not " + old.info.rows());
    }
    CrashPoints.reached("reprice-segment-written");
    try {
      store.commit(cur -> cur.replacing(List.of(old), List.of(fresh)));
    } catch (IOException | RuntimeException e) {
      fresh.drop();
      throw e;
    }
    old.drop();
    return fresh;
  }
}
