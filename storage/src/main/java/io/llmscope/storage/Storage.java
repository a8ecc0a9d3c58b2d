package io.llmscope.storage;

import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.model.LlmSpan;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The span store: the single entry point of the storage module.
 *
 * <p>{@link #append} makes a batch durable in the write-ahead log and visible in the tenant's
 * head before it returns, so a caller may acknowledge it. A background thread seals heads into
 * immutable segments, merges small segments and drops expired ones; every such change is
 * committed by one atomic {@link Manifest} swap. {@link #open} reads the manifest and replays
 * only the WAL documents no segment covers, so every acknowledged span is there exactly once
 * after a crash at any point. Queries read a {@link StoreSnapshot}: every row once, whatever
 * sealing or compaction does meanwhile. Thread-safe.
 */
public final class Storage implements Closeable {
  private static final Logger LOG = Logger.getLogger(Storage.class.getName());
  private static final ThreadLocal<Bytes<?>> ENCODE_BUFFER =
      ThreadLocal.withInitial(() -> Bytes.allocateElasticOnHeap(1 << 16));

  /**
   * Everything a query may read, replaced as a whole. {@code sealing} holds heads taken out of
   * service but not yet in a segment; {@code pendingCover} is the WAL index up to which they
   * (and all segments) hold every document.
   */
  private record State(
      Map<String, HeadBlock> active, List<HeadBlock> sealing, List<Segment> segments,
      long walCovered, long pendingCover, long generation) {}

  private final StorageConfig config;
  private final Path segmentsDir;
  private final WriteAheadLog wal;
  private final Object writeLock = new Object();
  private final Object stateLock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<HeadBlock> liveHeads = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService background;
  private final AtomicLong traceSegmentReads = new AtomicLong();
  private volatile State state;
  private volatile boolean dirty;
  private int nextSegmentNumber;

  private Storage(StorageConfig config) throws IOException {
    this.config = config;
    Path dataDir = config.dataDir();
    Path walDir = dataDir.resolve("wal");
    this.segmentsDir = dataDir.resolve("segments");
    Files.createDirectories(walDir);
    Files.createDirectories(segmentsDir);
    Manifest.Contents manifest = Manifest.readLatest(dataDir);
    List<Segment> segments = openSegments(manifest);
    this.wal = new WriteAheadLog(walDir, config.walRollCycle());
    Map<String, HeadBlock> heads = new HashMap<>();
    long docs = wal.replay(manifest.walCovered(), (index, bytes) ->
        SpanCodec.readBatch(bytes, (tenant, spans, offsets) ->
            heads.computeIfAbsent(tenant, this::newHead).add(spans, index, offsets)));
    long cover = Math.max(manifest.walCovered(), wal.lastIndex());
    this.state = new State(Map.copyOf(heads), List.of(), List.copyOf(segments), manifest.walCovered(), cover,
        manifest.generation());
    LOG.info(() -> "opened " + segments.size() + " segments and replayed " + docs + " WAL batches ("
        + heads.values().stream().mapToLong(HeadBlock::rows).sum() + " spans) from " + dataDir);
    this.background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "llmscope-storage");
      t.setDaemon(true);
      return t;
    });
    background.scheduleWithFixedDelay(this::maintain, config.maintenanceIntervalMs(), config.maintenanceIntervalMs(),
        TimeUnit.MILLISECONDS);
    if (config.fsync() == FsyncPolicy.INTERVAL) {
      background.scheduleWithFixedDelay(this::syncIfDirty, config.fsyncIntervalMs(), config.fsyncIntervalMs(),
          TimeUnit.MILLISECONDS);
    }
  }

  /** Opens (creating if needed) the store under {@code config.dataDir()} and recovers it. */
  public static Storage open(StorageConfig config) throws IOException {
    return new Storage(config);
  }

  /** Opens the manifest's segments and deletes anything in the segments dir it does not list. */
  private List<Segment> openSegments(Manifest.Contents manifest) throws IOException {
    Set<String> listed = new HashSet<>();
    List<Segment> segments = new ArrayList<>();
    for (Manifest.Entry e : manifest.segments()) {
      listed.add(e.name());
      segments.add(Segment.open(e.name(), segmentsDir.resolve(e.name())));
      nextSegmentNumber = Math.max(nextSegmentNumber, segmentNumber(e.name()) + 1);
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(segmentsDir)) {
      for (Path p : entries) {
        if (!listed.contains(p.getFileName().toString())) {
          LOG.info("removing unfinished segment " + p.getFileName());
          Segment.deleteRecursively(p);
        }
      }
    }
    return segments;
  }

  private static int segmentNumber(String name) {
    try {
      return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private HeadBlock newHead(String tenant) {
    HeadBlock[] self = new HeadBlock[1];
    self[0] = new HeadBlock(tenant, wal, () -> liveHeads.remove(self[0]));
    liveHeads.add(self[0]);
    return self[0];
  }

  /**
   * Appends spans for a tenant. When this returns the spans are in the WAL (synced per the
   * fsync policy) and visible to new snapshots. The caller may reuse the {@link LlmSpan}
   * instances afterwards.
   *
   * @throws StorageBusyException when sealing has fallen behind; nothing was appended
   */
  public void append(String tenant, List<LlmSpan> spans) {
    if (spans.isEmpty()) return;
    long waiting = unsealedRows();
    if (waiting > config.maxHeadRows()) {
      throw new StorageBusyException(waiting + " rows are waiting to be sealed (limit " + config.maxHeadRows() + ")");
    }
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
        activeHead(tenant).add(part, index, offsets);
        if (config.fsync() == FsyncPolicy.ALWAYS) {
          wal.sync();
        } else {
          dirty = true;
        }
      }
    }
  }

  /** Rows in heads, active or being sealed, over all tenants. */
  private long unsealedRows() {
    State s = state;
    long n = 0;
    for (HeadBlock h : s.active().values()) n += h.rows();
    for (HeadBlock h : s.sealing()) n += h.rows();
    return n;
  }

  /** Under writeLock. */
  private HeadBlock activeHead(String tenant) {
    HeadBlock h = state.active().get(tenant);
    if (h != null) return h;
    synchronized (stateLock) {
      State s = state;
      Map<String, HeadBlock> active = new HashMap<>(s.active());
      h = newHead(tenant);
      active.put(tenant, h);
      state = new State(Map.copyOf(active), s.sealing(), s.segments(), s.walCovered(), s.pendingCover(), s.generation());
      return h;
    }
  }

  /** The heads and segments of one tenant, each with a reference held until {@code release} runs. */
  private record Acquired(List<HeadBlock> heads, List<Segment> segments, Runnable release) {}

  private Acquired acquire(String tenant) {
    while (true) {
      State s = state;
      List<HeadBlock> heads = new ArrayList<>();
      HeadBlock active = s.active().get(tenant);
      if (active != null) heads.add(active);
      for (HeadBlock h : s.sealing()) if (h.tenant.equals(tenant)) heads.add(h);
      List<Segment> segments = new ArrayList<>();
      for (Segment seg : s.segments()) if (seg.info.tenant().equals(tenant)) segments.add(seg);
      List<Runnable> releases = new ArrayList<>();
      boolean ok = true;
      for (HeadBlock h : heads) {
        if (!(ok = h.refs.tryIncRef())) break;
        releases.add(h.refs::decRef);
      }
      for (int i = 0; ok && i < segments.size(); i++) {
        Segment seg = segments.get(i);
        if (!(ok = seg.refs.tryIncRef())) break;
        releases.add(seg.refs::decRef);
      }
      if (ok) return new Acquired(heads, segments, () -> releases.forEach(Runnable::run));
      releases.forEach(Runnable::run); // a concurrent swap released something: read the new state
    }
  }

  /** A stable view of the tenant's spans for one query: every row exactly once. */
  public StoreSnapshot snapshot(String tenant) {
    Acquired a = acquire(tenant);
    List<Supplier<ColumnBatch>> batches = new ArrayList<>();
    for (Segment seg : a.segments()) batches.add(seg.reader::batch);
    for (HeadBlock h : a.heads()) {
      for (ColumnBatch b : h.snapshot()) batches.add(() -> b);
    }
    return new StoreSnapshot(batches, a.release());
  }

  /**
   * Every stored span of one trace, with its detail. Segments whose trace filter rules the trace
   * out are not read.
   */
  public List<LlmSpan> trace(String tenant, long traceIdHi, long traceIdLo) {
    Acquired a = acquire(tenant);
    try {
      List<LlmSpan> out = new ArrayList<>();
      for (Segment seg : a.segments()) {
        if (!seg.reader.mayContainTrace(traceIdHi, traceIdLo)) continue;
        traceSegmentReads.incrementAndGet();
        int[] rows = seg.reader.rowsOfTrace(traceIdHi, traceIdLo);
        if (rows.length == 0) continue;
        ColumnBatch b = seg.reader.batch();
        for (int row : rows) out.add(withDetail(b, row));
      }
      for (HeadBlock h : a.heads()) {
        for (ColumnBatch b : h.snapshot()) {
          long[] hi = b.traceIdHi();
          long[] lo = b.traceIdLo();
          for (int row = 0; row < b.size(); row++) {
            if (hi[row] == traceIdHi && lo[row] == traceIdLo) out.add(withDetail(b, row));
          }
        }
      }
      return out;
    } finally {
      a.release().run();
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
    State s = state;
    SortedSet<String> out = new TreeSet<>();
    for (HeadBlock h : s.active().values()) if (h.rows() > 0) out.add(h.tenant);
    for (HeadBlock h : s.sealing()) out.add(h.tenant);
    for (Segment seg : s.segments()) out.add(seg.info.tenant());
    return out;
  }

  /** How many segments trace lookups have read so far (the rest were skipped by their filters). */
  public long traceSegmentReads() {
    return traceSegmentReads.get();
  }

  public StorageStatus status(String tenant) {
    State s = state;
    long headRows = 0;
    long rows = 0;
    long oldest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
    int segments = 0;
    long segmentBytes = 0;
    List<HeadBlock> heads = new ArrayList<>(s.sealing());
    if (s.active().get(tenant) != null) heads.add(s.active().get(tenant));
    for (HeadBlock h : heads) {
      if (!h.tenant.equals(tenant) || h.rows() == 0) continue;
      headRows += h.rows();
      oldest = Math.min(oldest, h.minStartNanos());
      newest = Math.max(newest, h.maxStartNanos());
    }
    rows += headRows;
    for (Segment seg : s.segments()) {
      if (!seg.info.tenant().equals(tenant)) continue;
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

  /** Seals all heads now, whatever their size or age (tests, shutdown tooling). */
  public void sealNow() throws IOException {
    runOnBackground(() -> {
      rotate(true);
      sealPending();
      return null;
    });
  }

  /** Runs one compaction round now; returns how many segments were merged away. */
  public int compactNow() throws IOException {
    return runOnBackground(this::compactOnce);
  }

  /** Applies retention now; returns how many segments were dropped. */
  public int expireNow() throws IOException {
    return runOnBackground(this::expire);
  }

  private interface IoTask<T> {
    T run() throws IOException;
  }

  /** Maintenance steps run on the one background thread, so they never race each other. */
  private <T> T runOnBackground(IoTask<T> task) throws IOException {
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

  private void maintain() {
    if (closed.get()) return;
    try {
      rotate(false);
      sealPending();
      expire();
      compactOnce();
    } catch (Throwable e) {
      // Unsealed rows stay in the head and the WAL; the next round retries.
      LOG.log(Level.WARNING, "storage maintenance failed; will retry", e);
    }
  }

  /** Moves every non-empty active head to sealing when one is due (or {@code force}). */
  private void rotate(boolean force) {
    synchronized (writeLock) {
      State s = state;
      long now = System.currentTimeMillis();
      boolean due = false;
      for (HeadBlock h : s.active().values()) {
        if (h.rows() == 0) continue;
        due |= force || h.rows() >= config.sealRows() || now - h.firstAppendMs() >= config.sealAgeMs();
      }
      if (!due) return;
      List<HeadBlock> sealing = new ArrayList<>(s.sealing());
      Map<String, HeadBlock> active = new HashMap<>();
      for (HeadBlock h : s.active().values()) {
        if (h.rows() > 0) sealing.add(h); else active.put(h.tenant, h);
      }
      synchronized (stateLock) {
        State cur = state;
        state = new State(Map.copyOf(active), List.copyOf(sealing), cur.segments(), cur.walCovered(),
            wal.lastIndex(), cur.generation());
      }
    }
  }

  /** Writes a segment for every sealing head, then commits them together with the WAL position they cover. */
  private void sealPending() throws IOException {
    State s = state;
    if (s.sealing().isEmpty()) return;
    List<Segment> written = new ArrayList<>();
    try {
      for (HeadBlock h : s.sealing()) {
        String name = "seg-" + (nextSegmentNumber++);
        Path dir = segmentsDir.resolve(name);
        SegmentWriter.write(dir, h.tenant, h.snapshot());
        written.add(Segment.open(name, dir));
      }
      CrashPoints.reached("seal-segment-written");
      synchronized (stateLock) {
        State cur = state;
        List<Segment> segments = new ArrayList<>(cur.segments());
        segments.addAll(written);
        List<HeadBlock> stillSealing = new ArrayList<>(cur.sealing());
        stillSealing.removeAll(s.sealing());
        commit(new State(cur.active(), List.copyOf(stillSealing), List.copyOf(segments), s.pendingCover(),
            cur.pendingCover(), cur.generation() + 1));
      }
    } catch (IOException | RuntimeException e) {
      for (Segment seg : written) seg.drop();
      throw e;
    }
    for (HeadBlock h : s.sealing()) h.refs.decRef();
    long rows = written.stream().mapToLong(seg -> seg.info.rows()).sum();
    LOG.fine(() -> "sealed " + rows + " rows into " + written.size() + " segments");
    deleteSealedWal();
  }

  /** Under stateLock: writes the manifest for {@code next}, then makes it the state. */
  private void commit(State next) throws IOException {
    List<Manifest.Entry> entries = new ArrayList<>();
    for (Segment seg : next.segments()) entries.add(seg.entry());
    Manifest.commit(config.dataDir(), new Manifest.Contents(next.generation(), next.walCovered(), entries),
        CrashPoints::reached);
    state = next;
  }

  /** Deletes WAL cycles that hold only documents every live head is done with. */
  private void deleteSealedWal() throws IOException {
    long keepFrom = Long.MAX_VALUE;
    for (HeadBlock h : liveHeads) keepFrom = Math.min(keepFrom, h.firstWalIndex());
    if (keepFrom == Long.MAX_VALUE) keepFrom = wal.lastIndex();
    if (keepFrom == Manifest.NOTHING_COVERED) return;
    synchronized (writeLock) {
      if (!closed.get()) wal.deleteCyclesBefore(keepFrom);
    }
  }

  /** Drops segments whose newest span is older than the retention period. */
  private int expire() throws IOException {
    long cutoff = (System.currentTimeMillis() - config.retentionMs()) * 1_000_000L;
    List<Segment> expired = new ArrayList<>();
    synchronized (stateLock) {
      State cur = state;
      List<Segment> keep = new ArrayList<>();
      for (Segment seg : cur.segments()) {
        if (seg.info.maxStartNanos() < cutoff) expired.add(seg); else keep.add(seg);
      }
      if (expired.isEmpty()) return 0;
      CrashPoints.reached("retention-before-manifest");
      commit(new State(cur.active(), cur.sealing(), List.copyOf(keep), cur.walCovered(), cur.pendingCover(),
          cur.generation() + 1));
    }
    for (Segment seg : expired) seg.drop();
    LOG.info(() -> "retention dropped " + expired.size() + " segments");
    return expired.size();
  }

  /**
   * Merges the small segments of one tenant and UTC day into one, if there are at least two.
   * Returns how many segments were merged away.
   */
  private int compactOnce() throws IOException {
    State s = state;
    Map<String, List<Segment>> groups = new HashMap<>();
    for (Segment seg : s.segments()) {
      if (seg.info.rows() >= config.compactBelowRows()) continue;
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
      String tenant = merge.get(0).info.tenant();
      List<ColumnBatch> inputs = new ArrayList<>();
      for (Segment seg : merge) inputs.add(seg.reader.batch());
      String name = "seg-" + (nextSegmentNumber++);
      Path dir = segmentsDir.resolve(name);
      SegmentWriter.write(dir, tenant, inputs);
      Segment merged = Segment.open(name, dir);
      CrashPoints.reached("compaction-segment-written");
      try {
        synchronized (stateLock) {
          State cur = state;
          List<Segment> segments = new ArrayList<>(cur.segments());
          segments.removeAll(merge);
          segments.add(merged);
          commit(new State(cur.active(), cur.sealing(), List.copyOf(segments), cur.walCovered(),
              cur.pendingCover(), cur.generation() + 1));
        }
      } catch (IOException | RuntimeException e) {
        merged.drop();
        throw e;
      }
      for (Segment seg : merge) seg.drop();
      long merged_rows = rows;
      LOG.fine(() -> "compacted " + merge.size() + " segments (" + merged_rows + " rows) into " + name);
      return merge.size();
    }
    return 0;
  }

  /** Stops background work, syncs and closes the WAL. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    background.shutdown();
    try {
      background.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (writeLock) {
      wal.sync();
      wal.close();
    }
    for (Segment seg : state.segments()) seg.reader.close();
  }
}
