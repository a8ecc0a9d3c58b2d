package io.llmscope.storage;

import com.carrotsearch.hppc.IntArrayList;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.head.HeadBlock;
import io.llmscope.storage.model.Ids;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Score;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.ScoreView;
import io.llmscope.storage.segment.ColumnCache;
import io.llmscope.storage.score.ScoreStore;
import io.llmscope.storage.wal.SpanCodec;
import io.llmscope.storage.wal.WriteAheadLog;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The span store: the single entry point of the storage module.
 *
 * <p>{@link #append} makes a batch durable in the write-ahead log and visible in the tenant's
 * head before it returns, so a caller may acknowledge it. A background thread seals heads into
 * immutable segments, merges small segments and drops expired ones; every such change is
 * committed by one atomic {@link Manifest} swap ({@link Maintenance} does that work). {@link #open}
 * reads the manifest and replays only the WAL documents no segment covers, so every acknowledged span is there exactly once
 * after a crash at any point. Queries read a {@link StoreSnapshot}: every row once, whatever
 * sealing or compaction does meanwhile. One store per data directory: a second {@link #open}
 * fails with {@link DataDirLockedException} naming the holder. Thread-safe.
 */
public final class Storage implements Closeable {
  private static final Logger LOG = Logger.getLogger(Storage.class.getName());
  private static final ThreadLocal<SegmentBytes.Out> ENCODE_BUFFER =
      ThreadLocal.withInitial(() -> new SegmentBytes.Out(1 << 16));

  private final StorageConfig config;
  private final DataDir dirs;
  private final WriteAheadLog wal;
  private final Maintenance maintenance;
  private final ScheduledExecutorService background;
  private final SealTrigger sealTrigger;
  private final AtomicLong traceSegmentReads = new AtomicLong();
  private final CurrentState current;
  private final DataDirLock lock;
  private final FreeSpace freeSpace;
  private final WriteAheadLog.Replay replay;
  private final ScoreStore scores;
  private final Repricing repricing;
  private final TenantSettings settings;
  private long walDamageSetAside;
  private volatile boolean dirty;

  private Storage(StorageConfig config) throws IOException {
    this.config = config;
    this.dirs = new DataDir(config.dataDir());
    this.current = new CurrentState(dirs.root(), StoreState.EMPTY, new ColumnCache(config.columnCacheBytes()));
    Files.createDirectories(dirs.root());
    this.lock = DataDirLock.acquire(dirs.root(), dirs.lock());
    try {
      this.freeSpace = new FreeSpace(dirs.root(), config.minFreeBytes());
      Files.createDirectories(dirs.wal());
      Files.createDirectories(dirs.segments());
      Manifest.Contents manifest = Manifest.readLatest(dirs.root());
      List<Segment> segments = openSegments(manifest);
      this.wal = new WriteAheadLog(dirs.wal(), config.walRollCycle());
      Map<String, LiveHead> heads = new HashMap<>();
      Map<String, List<Segment>> segmentsByTenant = new HashMap<>();
      for (Segment seg : segments) segmentsByTenant.computeIfAbsent(seg.info.tenant(), t -> new ArrayList<>()).add(seg);
      this.replay = wal.replay(manifest.walCovered(), (index, bytes) -> SpanCodec.readBatch(bytes, (tenant, spans, offsets) ->
          replayed(heads, segmentsByTenant.getOrDefault(tenant, List.of()), tenant, spans, index, offsets)));
      long cover = Math.max(manifest.walCovered(), wal.lastIndex());
      current.swap(recovering -> new StoreState(heads, List.of(), segments, manifest.walCovered(), cover, manifest.generation()));
      if (wal.lastIndex() == WriteAheadLog.NO_INDEX && manifest.walCovered() != WriteAheadLog.NO_INDEX) {
        // A new log (the old one was set aside) numbers its records from its first cycle again.
        current.commit(s -> new StoreState(s.active(), s.sealing(), s.segments(), WriteAheadLog.NO_INDEX,
            WriteAheadLog.NO_INDEX, s.generation() + 1));
      }
      this.repricing = new Repricing(dirs, current, manifest);
      this.settings = new TenantSettings(dirs);
      this.maintenance = new Maintenance(current, config, dirs, wal, freeSpace, nextSegmentNumber(manifest),
          repricing::pausesCompaction);
      this.scores = ScoreStore.open(dirs.scores(), dirs.scoresRewrite(), dirs.scoresSetAside(System.currentTimeMillis()),
          config.maxWalRecordBytes());
      long docs = replay.documents;
      LOG.info(() -> "opened " + segments.size() + " segments and replayed " + docs + " WAL batches ("
          + heads.values().stream().mapToLong(LiveHead::rows).sum() + " spans) and " + scores.count() + " scores from "
          + dirs.root());
    } catch (IOException | RuntimeException e) {
      lock.close(); // the next open may try again
      throw e;
    }
    this.background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "llmscope-storage");
      t.setDaemon(true);
      return t;
    });
    this.sealTrigger = new SealTrigger(background, this::sealOnDemand);
    repricing.attach(this, maintenance);
    background.scheduleWithFixedDelay(this::maintain, config.maintenanceIntervalMs(), config.maintenanceIntervalMs(),
        TimeUnit.MILLISECONDS);
    if (config.fsync() == FsyncPolicy.INTERVAL) {
      background.scheduleWithFixedDelay(this::syncIfDirty, config.fsyncIntervalMs(), config.fsyncIntervalMs(),
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Opens (creating if needed) the store under {@code config.dataDir()} and recovers it. When
   * replay met damaged WAL records, every intact one is sealed into segments and the log is set
   * aside ({@code wal-damaged-*}, kept for inspection) before a new one starts: Chronicle must never
   * append after damage it cannot read past.
   */
  public static Storage open(StorageConfig config) throws IOException {
    Storage st = new Storage(config);
    if (!st.replay.damaged()) return st;
    WriteAheadLog.Replay damage = st.replay;
    st.sealNow();
    st.close();
    DataDir dirs = new DataDir(config.dataDir());
    Path aside = dirs.walSetAside(System.currentTimeMillis());
    Files.move(dirs.wal(), aside, StandardCopyOption.ATOMIC_MOVE);
    LOG.warning(() -> "WAL had " + damage.damagedRecords + " damaged records and " + damage.damagedCycles
        + " damaged cycle files; every intact record is sealed, the log was moved to " + aside);
    Storage fresh = new Storage(config);
    fresh.walDamageSetAside = damage.damagedRecords + damage.damagedCycles;
    return fresh;
  }

  /** Decoded columns of sealed segments kept for later queries. */
  ColumnCache columnCache() {
    return current.columnCache;
  }

  /** What the column cache holds and how often it answered, for metrics. */
  public record ColumnCacheStats(long capacityBytes, long usedBytes, long pointBytes, long hits, long misses) {}

  public ColumnCacheStats columnCacheStats() {
    ColumnCache c = current.columnCache;
    return new ColumnCacheStats(c.capacityBytes(), c.usedBytes(), c.pointBytes(), c.hits(), c.misses());
  }

  /** Damaged WAL records and cycle files found when this store opened, and set aside (span and score logs). */
  public long walDamageSetAside() {
    return walDamageSetAside + scores.damagedOnOpen();
  }

  /** Opens the manifest's segments and deletes anything in the segments dir it does not list. */
  private List<Segment> openSegments(Manifest.Contents manifest) throws IOException {
    Set<String> listed = new HashSet<>();
    List<Segment> segments = new ArrayList<>();
    for (Manifest.Entry e : manifest.segments()) {
      listed.add(e.name());
      segments.add(Segment.open(e.name(), dirs.segment(e.name()), current.columnCache));
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dirs.segments())) {
      for (Path p : entries) {
        if (!listed.contains(p.getFileName().toString())) {
          LOG.info("removing unfinished segment " + p.getFileName());
          Segment.deleteRecursively(p);
        }
      }
    }
    return segments;
  }

  /**
   * A replayed batch joins its tenant's head, less any span stored already: the same duplicate
   * check as {@link #append}, so a WAL an older build wrote with copies recovers each span once.
   */
  private void replayed(Map<String, LiveHead> heads, List<Segment> tenantSegments, String tenant, List<LlmSpan> spans,
      long index, int[] offsets) {
    LiveHead head = heads.computeIfAbsent(tenant, this::newHead);
    BitSet dups = DuplicateCheck.duplicates(spans, List.of(head), tenantSegments);
    if (dups.isEmpty()) {
      head.block.add(spans, index, offsets);
      return;
    }
    List<LlmSpan> fresh = new ArrayList<>();
    IntArrayList freshOffsets = new IntArrayList();
    for (int i = dups.nextClearBit(0); i < spans.size(); i = dups.nextClearBit(i + 1)) {
      fresh.add(spans.get(i));
      freshOffsets.add(offsets[i]);
    }
    head.block.add(fresh, index, freshOffsets.toArray());
  }

  /** One past the highest segment number the manifest lists. */
  private static int nextSegmentNumber(Manifest.Contents manifest) {
    int next = 0;
    for (Manifest.Entry e : manifest.segments()) next = Math.max(next, DataDir.segmentNumber(e.name()) + 1);
    return next;
  }

  private LiveHead newHead(String tenant) {
    return new LiveHead(new HeadBlock(tenant, wal), current.liveHeads);
  }

  /**
   * Appends spans for a tenant. When this returns the spans are in the WAL (synced per the
   * fsync policy) and visible to new snapshots. A span whose (trace id, span id) the tenant has
   * stored already is not stored again ({@link DuplicateCheck}); a span that alone encodes larger
   * than {@code maxWalRecordBytes} is refused. The caller may reuse the {@link LlmSpan} instances
   * afterwards.
   *
   * @throws StorageBusyException when the batch would take the unsealed rows past {@code maxHeadRows};
   *     nothing was appended, and sealing has started
   * @throws StorageFullException when the volume is (nearly) full; nothing was appended
   */
  public AppendResult append(String tenant, List<LlmSpan> spans) {
    if (spans.isEmpty()) return AppendResult.NOTHING;
    refuseOverCap(spans.size());
    String full = freeSpace.problem();
    if (full != null) throw new StorageFullException(full);
    Outcome out = new Outcome();
    int max = config.maxSpansPerWalDocument();
    try {
      for (int from = 0; from < spans.size(); from += max) {
        appendFitting(tenant, spans.subList(from, Math.min(spans.size(), from + max)), from, out);
      }
    } finally {
      // A span too big to store grew this thread's buffer past any record: do not keep that.
      if (ENCODE_BUFFER.get().buf.length > 2L * config.maxWalRecordBytes()) ENCODE_BUFFER.remove();
    }
    sealWhenFull(tenant);
    return new AppendResult(out.stored, out.duplicates, out.refusals, out.notStored);
  }

  /**
   * Appends quality scores for a tenant: in the score log (synced per the fsync policy) and visible
   * to queries when this returns. A score stored before ({@link Score#identity}: its id, else its
   * content) counts as a duplicate and is not stored again. Scores are kept whether or not their
   * span has arrived; queries link them when they read the span.
   *
   * @throws StorageFullException when the volume is (nearly) full; nothing was appended
   */
  public AppendResult appendScores(String tenant, List<Score> batch) {
    if (batch.isEmpty()) return AppendResult.NOTHING;
    if (current.closed.get()) throw new IllegalStateException("storage is closed");
    String full = freeSpace.problem();
    if (full != null) throw new StorageFullException(full);
    try {
      ScoreStore.Appended a = scores.append(tenant, batch, config.fsync() == FsyncPolicy.ALWAYS);
      return new AppendResult(a.stored(), a.duplicates(), List.of());
    } catch (InternalError e) { // a fault on a mapped page, as in write()
      throw new StorageFullException("the score log write faulted (" + e.getMessage() + "); the data volume is full?");
    }
  }

  /** The tenant's quality scores, for queries to join to the spans they read. */
  public ScoreView scores(String tenant) {
    return scores.view(tenant);
  }

  /** Quality scores stored, every tenant. */
  public long scoreCount() {
    return scores.count();
  }

  private static final class Outcome {
    int stored;
    int duplicates;
    final List<String> refusals = new ArrayList<>(0);
    final BitSet notStored = new BitSet();
  }

  /**
   * Appends {@code part} as one WAL record, or halves it until each record fits: a record the
   * log cannot hold must never reach it. A span that alone is too big is refused.
   */
  private void appendFitting(String tenant, List<LlmSpan> part, int base, Outcome out) {
    SegmentBytes.Out buf = ENCODE_BUFFER.get();
    buf.pos = 0;
    int[] offsets = new int[part.size()];
    SpanCodec.writeBatch(buf, tenant, part, offsets);
    long bytes = buf.pos;
    if (bytes <= config.maxWalRecordBytes()) {
      write(tenant, part, base, buf, offsets, out);
    } else if (part.size() == 1) {
      out.notStored.set(base);
      LlmSpan s = part.get(0);
      out.refusals.add("span " + Ids.spanHex(s.spanId) + " of trace " + Ids.traceHex(s.traceIdHi, s.traceIdLo)
          + " encodes to " + bytes + " bytes, over storage.maxWalRecordBytes (" + config.maxWalRecordBytes() + ")");
    } else {
      int half = part.size() / 2;
      appendFitting(tenant, part.subList(0, half), base, out);
      appendFitting(tenant, part.subList(half, part.size()), base + half, out);
    }
  }

  /** The duplicate check, the WAL record and the head rows of one encoded part, under the write lock. */
  private void write(String tenant, List<LlmSpan> part, int base, SegmentBytes.Out encoded, int[] offsets, Outcome out) {
    synchronized (current.writeLock) {
      if (current.closed.get()) throw new IllegalStateException("storage is closed");
      BitSet dups = duplicatesOf(tenant, part);
      if (!dups.isEmpty()) {
        out.duplicates += dups.cardinality();
        for (int i = dups.nextSetBit(0); i >= 0; i = dups.nextSetBit(i + 1)) out.notStored.set(base + i);
        List<LlmSpan> fresh = new ArrayList<>(part.size() - dups.cardinality());
        for (int i = dups.nextClearBit(0); i < part.size(); i = dups.nextClearBit(i + 1)) fresh.add(part.get(i));
        if (fresh.isEmpty()) return;
        part = fresh;
        offsets = new int[fresh.size()];
        encoded.pos = 0;
        SpanCodec.writeBatch(encoded, tenant, fresh, offsets); // smaller than before: fits
      }
      long index;
      try {
        index = wal.append(encoded.buf, 0, encoded.pos);
      } catch (InternalError e) {
        // The JVM reports a fault on a mapped page (SIGBUS) this way: the volume filled up under the
        // margin. The record was rolled back; the client may retry.
        throw new StorageFullException("the WAL write faulted (" + e.getMessage() + "); the data volume is full?");
      }
      activeHead(tenant).block.add(part, index, offsets);
      out.stored += part.size();
      if (config.fsync() == FsyncPolicy.ALWAYS) {
        wal.sync();
      } else {
        dirty = true;
      }
    }
  }

  /**
   * Refuses a batch that would take the rows waiting in heads past {@code maxHeadRows}, and starts
   * sealing them so a retry soon fits. With no row waiting any batch is taken, or a batch larger
   * than the cap could never be.
   */
  private void refuseOverCap(int batch) {
    long waiting = current.get().unsealedRows();
    if (waiting == 0 || waiting + batch <= config.maxHeadRows()) return;
    sealTrigger.capReached();
    throw new StorageBusyException(waiting + " rows are waiting to be sealed; " + batch + " more would pass the limit of "
        + config.maxHeadRows() + " (maxHeadRows)");
  }

  /** Seals the tenant's active head as soon as it reaches {@code sealRows}, not at the next scheduled round. */
  private void sealWhenFull(String tenant) {
    LiveHead head = current.get().active().get(tenant);
    if (head != null && head.rows() >= config.sealRows()) sealTrigger.headFull();
  }

  private BitSet duplicatesOf(String tenant, List<LlmSpan> spans) {
    Pinned p = pin(tenant);
    try {
      return DuplicateCheck.duplicates(spans, p.heads(), p.segments());
    } finally {
      p.release().run();
    }
  }

  /**
   * Why appends are refused right now ({@code storage.minFreeBytes}), or null when they are not:
   * readiness reports it.
   */
  public String writeProblem() {
    return freeSpace.problem();
  }

  /** Under the write lock. */
  private LiveHead activeHead(String tenant) {
    LiveHead h = current.get().active().get(tenant);
    if (h != null) return h;
    LiveHead created = newHead(tenant);
    current.swap(s -> s.withActive(tenant, created));
    return created;
  }

  /** The heads and segments of one tenant, each with a reference held until {@code release} runs. */
  private record Pinned(List<LiveHead> heads, List<Segment> segments, Runnable release) {}

  private Pinned pin(String tenant) {
    while (true) {
      StoreState s = current.get();
      List<LiveHead> heads = s.headsOf(tenant);
      List<Segment> segments = s.segmentsOf(tenant);
      List<Runnable> releases = new ArrayList<>();
      boolean ok = true;
      for (LiveHead h : heads) {
        if (!(ok = h.refs.tryIncRef())) break;
        releases.add(h.refs::decRef);
      }
      for (int i = 0; ok && i < segments.size(); i++) {
        Segment seg = segments.get(i);
        if (!(ok = seg.refs.tryIncRef())) break;
        releases.add(seg.refs::decRef);
      }
      if (ok) return new Pinned(heads, segments, () -> releases.forEach(Runnable::run));
      releases.forEach(Runnable::run); // a concurrent swap released something: read the new state
    }
  }

  /** A stable view of the tenant's spans for one query: every row exactly once. */
  public StoreSnapshot snapshot(String tenant) {
    Pinned p = pin(tenant);
    List<Supplier<ColumnBatch>> batches = new ArrayList<>();
    for (Segment seg : p.segments()) batches.add(seg.reader::batch);
    for (LiveHead h : p.heads()) {
      for (ColumnBatch b : h.block.snapshot()) batches.add(() -> b);
    }
    return new StoreSnapshot(batches, p.release());
  }

  /**
   * Every stored span of one trace, with its detail. Segments whose trace filter rules the trace
   * out are not read.
   */
  public List<LlmSpan> trace(String tenant, long traceIdHi, long traceIdLo) {
    Pinned p = pin(tenant);
    try {
      List<LlmSpan> out = new ArrayList<>();
      for (Segment seg : p.segments()) {
        if (!seg.reader.mayContainTrace(traceIdHi, traceIdLo)) continue;
        traceSegmentReads.incrementAndGet();
        int[] rows = seg.reader.rowsOfTrace(traceIdHi, traceIdLo);
        if (rows.length == 0) continue;
        ColumnBatch b = seg.reader.batch();
        for (int row : rows) out.add(withDetail(b, row));
      }
      for (LiveHead h : p.heads()) {
        for (ColumnBatch b : h.block.snapshot()) {
          long[] hi = b.traceIdHi();
          long[] lo = b.traceIdLo();
          for (int row = 0; row < b.size(); row++) {
            if (hi[row] == traceIdHi && lo[row] == traceIdLo) out.add(withDetail(b, row));
          }
        }
      }
      return out;
    } finally {
      p.release().run();
    }
  }

  private static LlmSpan withDetail(ColumnBatch b, int row) {
    LlmSpan s = b.span(row);
    s.detail = b.detail(row);
    return s;
  }

  /**
   * Every tenant with stored spans, sealed or still in a head, sorted. Lets offline tools (e.g.
   * the peer benchmark's export) walk all data without knowing the server's auth config.
   */
  public SortedSet<String> tenants() {
    StoreState s = current.get();
    SortedSet<String> out = new TreeSet<>();
    for (LiveHead h : s.active().values()) if (h.rows() > 0) out.add(h.tenant());
    for (LiveHead h : s.sealing()) out.add(h.tenant());
    for (Segment seg : s.segments()) out.add(seg.info.tenant());
    return out;
  }

  /** How many segments trace lookups have read so far (the rest were skipped by their filters). */
  public long traceSegmentReads() {
    return traceSegmentReads.get();
  }

  public StorageStatus status(String tenant) {
    StoreState s = current.get();
    long headRows = 0;
    long rows = 0;
    long oldest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
    int segments = 0;
    long segmentBytes = 0;
    for (LiveHead h : s.headsOf(tenant)) {
      if (h.rows() == 0) continue;
      headRows += h.rows();
      oldest = Math.min(oldest, h.block.minStartNanos());
      newest = Math.max(newest, h.block.maxStartNanos());
    }
    rows += headRows;
    for (Segment seg : s.segmentsOf(tenant)) {
      segments++;
      segmentBytes += seg.info.bytesOnDisk();
      rows += seg.info.rows();
      oldest = Math.min(oldest, seg.info.minStartNanos());
      newest = Math.max(newest, seg.info.maxStartNanos());
    }
    Long o = rows == 0 ? null : Math.floorDiv(oldest, 1_000_000L);
    Long n = rows == 0 ? null : Math.floorDiv(newest, 1_000_000L);
    return new StorageStatus(rows, headRows, segments, wal.bytes(), segmentBytes, o, n);
  }

  /** Forces appended WAL bytes to the device now. */
  public void sync() {
    synchronized (current.writeLock) {
      if (!current.closed.get()) wal.sync();
      dirty = false;
    }
  }

  private void syncIfDirty() {
    try {
      scores.syncIfDirty();
      if (!dirty) return;
      sync();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "WAL sync failed", e);
    }
  }

  /** Seals all heads now, whatever their size or age (tests, shutdown tooling). */
  public void sealNow() throws IOException {
    runOnBackground(() -> {
      maintenance.sealRound(true);
      return null;
    });
  }

  /** Runs one compaction round now; returns how many segments were merged away. */
  public int compactNow() throws IOException {
    return runOnBackground(maintenance::compactOnce);
  }

  /** Applies retention now; returns how many segments were dropped. */
  public int expireNow() throws IOException {
    return runOnBackground(maintenance::expire);
  }

  /** Jobs that recompute stored costs ({@link Repricing}); {@link Repricing#resume} carries interrupted ones on. */
  public Repricing repricing() {
    return repricing;
  }

  /** Small per-tenant values kept durably in the data directory for other modules (e.g. price overrides). */
  public TenantSettings settings() {
    return settings;
  }

  interface IoTask<T> {
    T run() throws IOException;
  }

  /** Maintenance steps run on the one background thread, so they never race each other. */
  <T> T runOnBackground(IoTask<T> task) throws IOException {
    try {
      return background.submit(() -> {
        try {
          return task.run();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof UncheckedIOException u) throw u.getCause();
      throw new IOException(e.getCause());
    }
  }

  /** A round {@link SealTrigger} asked for, on the background thread. */
  private void sealOnDemand(boolean all) throws IOException {
    if (!current.closed.get()) maintenance.sealRound(all);
  }

  private void maintain() {
    if (current.closed.get()) return;
    sealTrigger.rearm();
    try {
      maintenance.runOnce();
    } catch (Throwable e) {
      // Unsealed rows stay in the head and the WAL; the next round retries.
      LOG.log(Level.WARNING, "storage maintenance failed; will retry", e);
    }
  }

  /** Stops background work, syncs and closes the WAL. Idempotent. */
  @Override
  public void close() {
    if (!current.closed.compareAndSet(false, true)) return;
    repricing.close();
    background.shutdown();
    try {
      background.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (current.writeLock) {
      wal.sync();
      wal.close();
    }
    scores.close();
    for (Segment seg : current.get().segments()) seg.reader.close();
    try {
      lock.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not release " + dirs.lock(), e);
    }
  }
}
