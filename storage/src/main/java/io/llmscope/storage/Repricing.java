package io.llmscope.storage;

import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.SpanDetail;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Repricing history: a job recomputes the stored cost ({@code cost_usd} and its five parts) of a
 * tenant's model calls that start in [from, to) (of one model, if it names one) with a cost
 * function the caller brings, typically "price as ingest would now". Spans that reported their own
 * cost ({@link io.llmscope.storage.model.SpanFlags#COST_REPORTED}) and spans that are not model
 * calls are never touched; a span whose model has no price now ends with no cost.
 *
 * <h2>How</h2>
 * Starting a job seals every head (so no row of the range waits outside a segment) and notes the
 * tenant's segments that overlap the range. Each is then, on the maintenance thread, read, its cost
 * columns recomputed, and, when any value changed, written again as a new segment with the same rows
 * and swapped in by one manifest commit; the old one is deleted once no query reads it. So a query
 * sees each segment with its old costs or its new ones, never a mix, and every span exactly once.
 * While a job runs the tenant's segments are not compacted, which keeps the job's segment list valid.
 *
 * <h2>Crash safety</h2>
 * The job and its progress are persisted ({@link RepriceJob}) before it is acknowledged and after
 * every segment. After a crash, {@link Storage#open} settles the one segment step that may have been
 * cut short (done if its commit happened, else redone), and {@link #resume} carries every unfinished
 * job on from there. A step is also idempotent: recomputing a segment already repriced with the same
 * prices changes nothing, and rewrites nothing.
 *
 * <p>One job at a time per tenant ({@link BusyException}). Thread-safe.
 */
public final class Repricing {
  private static final Logger LOG = Logger.getLogger(Repricing.class.getName());
  /** Finished jobs kept per tenant for {@link #status}; older ones are forgotten. */
  static final int KEEP_FINISHED = 20;

  /** Prices one span as ingest would now. */
  @FunctionalInterface
  public interface CostFunction {
    /**
     * Sets {@code cost_usd} and its parts on {@code span}, or leaves them NaN when no price applies.
     * The span has its start and end, flags, every measure (the costs NaN) and the dims
     * {@code operation}, {@code provider}, {@code model}, {@code request_model} and {@code
     * response_model}; {@code detail} reads its stored detail (attributes), for the prices that need
     * it. Called on the store's maintenance thread, for many rows: keep it quick.
     */
    void price(LlmSpan span, Supplier<SpanDetail> detail);
  }

  public enum State { RUNNING, DONE, FAILED }

  /**
   * A job's progress.
   *
   * @param segmentsTotal the tenant's segments that overlapped the range when the job started
   * @param segmentsRewritten those written again because a cost in them changed
   * @param spansRepriced model calls in the range (and of the model) without a reported cost: recomputed
   * @param spansChanged of those, the ones whose cost changed
   * @param spansUnpriced of those, the ones no price applies to (they have no cost)
   * @param finishedMs null while running
   * @param error why a failed job stopped
   */
  public record Status(String id, String tenant, State state, long fromNanos, long toNanos, String model,
      int segmentsTotal, int segmentsDone, int segmentsRewritten, long spansRepriced, long spansChanged,
      long spansUnpriced, long createdMs, Long finishedMs, String error) {}

  /** The tenant has a job running already. */
  public static final class BusyException extends RuntimeException {
    private final Status running;

    BusyException(Status running) {
      super("a reprice job is running for this tenant already: " + running.id());
      this.running = running;
    }

    public Status running() {
      return running;
    }
  }

  private final DataDir dirs;
  private final CurrentState store;
  private final SecureRandom random = new SecureRandom();
  /** Every known job by id; guarded by this. */
  private final Map<String, RepriceJob> jobs = new LinkedHashMap<>();
  /** The running job of each tenant. */
  private final Map<String, RepriceJob> running = new ConcurrentHashMap<>();
  /** Jobs a driver thread works on; guarded by this. */
  private final Set<RepriceJob> driven = new HashSet<>();
  private Storage storage;
  private Maintenance maintenance;
  private volatile boolean closed;

  /** Loads the jobs of the data directory and settles a step a crash cut short, against the manifest. */
  Repricing(DataDir dirs, CurrentState store, Manifest.Contents manifest) throws IOException {
    this.dirs = dirs;
    this.store = store;
    Path dir = dirs.reprice();
    if (!Files.isDirectory(dir)) return;
    AtomicFile.removePending(dir);
    Set<String> live = new HashSet<>();
    for (Manifest.Entry e : manifest.segments()) live.add(e.name());
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, RepriceJob.FILE_PREFIX + "*")) {
      for (Path f : files) {
        RepriceJob job;
        try {
          job = RepriceJob.decode(f, Files.readAllBytes(f));
        } catch (IOException e) {
          LOG.warning("skipping unreadable reprice job " + f + ": " + e.getMessage());
          continue;
        }
        RepriceJob.InFlight step = job.inFlight();
        if (job.state() == State.RUNNING && step != null) {
          if (live.contains(step.newName()) && !live.contains(step.oldName())) {
            job.segmentDone(step.oldName(), step.counts(), true);
          } else {
            job.abandonInFlight(); // the commit did not happen: the segment is redone
          }
          persist(job);
        }
        jobs.put(job.id, job);
        if (job.state() == State.RUNNING) running.put(job.tenant, job);
      }
    }
  }

  void attach(Storage storage, Maintenance maintenance) {
    this.storage = storage;
    this.maintenance = maintenance;
  }

  /** True while a job works through the tenant's segments (also one waiting for {@link #resume}). */
  boolean pausesCompaction(String tenant) {
    return running.containsKey(tenant);
  }

  /**
   * Starts a job and returns once it is persisted (so it survives a crash from here on) with its
   * segment count; the work goes on in the background.
   *
   * @param model only calls of this {@code model} (exact), or null for all
   * @throws BusyException when the tenant has a job running
   * @throws StorageFullException when the heads cannot be sealed for lack of space
   */
  public Status start(String tenant, long fromNanos, long toNanos, String model, CostFunction costs) throws IOException {
    if (fromNanos >= toNanos) throw new IllegalArgumentException("the range is empty: from must be before to");
    RepriceJob job;
    synchronized (this) {
      if (closed) throw new IllegalStateException("storage is closed");
      RepriceJob busy = running.get(tenant);
      if (busy != null) throw new BusyException(busy.status());
      job = new RepriceJob(newId(), tenant, fromNanos, toNanos, model, System.currentTimeMillis());
      running.put(tenant, job); // pauses compaction before the segment list is taken
    }
    try {
      storage.runOnBackground(() -> {
        maintenance.sealRound(true);
        List<String> names = new ArrayList<>();
        for (Segment seg : store.get().segmentsOf(tenant)) {
          if (seg.info.minStartNanos() < toNanos && seg.info.maxStartNanos() >= fromNanos) names.add(seg.name);
        }
        job.setSegments(names);
        persist(job);
        return null;
      });
    } catch (IOException | RuntimeException e) {
      running.remove(tenant, job);
      throw e;
    }
    synchronized (this) {
      jobs.put(job.id, job);
      forgetOldJobs(tenant);
    }
    drive(job, costs);
    return job.status();
  }

  /** Carries every job a crash or a stop interrupted on, each tenant's with its cost function (null: fail it). */
  public void resume(Function<String, CostFunction> costs) {
    List<RepriceJob> waiting;
    synchronized (this) {
      waiting = new ArrayList<>(running.values());
      waiting.removeIf(driven::contains);
    }
    for (RepriceJob job : waiting) {
      CostFunction f = costs.apply(job.tenant);
      if (f == null) {
        finish(job, State.FAILED, "no prices to reprice with (pricing is off)");
      } else {
        LOG.info(() -> "resuming reprice job " + job.id + " of tenant " + job.tenant + ": " + job.pending().size()
            + " segments to go");
        drive(job, f);
      }
    }
  }

  /** A job of the tenant, or null (also for another tenant's job). */
  public synchronized Status status(String tenant, String id) {
    RepriceJob j = jobs.get(id);
    return j == null || !j.tenant.equals(tenant) ? null : j.status();
  }

  /** The tenant's running job (also one waiting for {@link #resume}), or null. */
  public Status running(String tenant) {
    RepriceJob j = running.get(tenant);
    return j == null ? null : j.status();
  }

  /** The tenant's jobs, newest first. */
  public synchronized List<Status> jobs(String tenant) {
    List<Status> out = new ArrayList<>();
    for (RepriceJob j : jobs.values()) if (j.tenant.equals(tenant)) out.add(j.status());
    out.sort(Comparator.comparingLong(Status::createdMs).reversed());
    return out;
  }

  /** Waits until the job is no longer running, at most {@code timeoutMs}; its status then (null if unknown). */
  public synchronized Status await(String tenant, String id, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      Status s = status(tenant, id);
      long left = deadline - System.currentTimeMillis();
      if (s == null || s.state() != State.RUNNING || left <= 0) return s;
      wait(left);
    }
  }

  private void drive(RepriceJob job, CostFunction costs) {
    synchronized (this) {
      if (closed || !driven.add(job)) return;
    }
    Thread t = new Thread(() -> run(job, costs), "llmscope-reprice-" + job.id);
    t.setDaemon(true);
    t.start();
  }

  private void run(RepriceJob job, CostFunction costs) {
    try {
      for (String name : job.pending()) {
        if (closed) return;
        storage.runOnBackground(() -> {
          step(job, name, costs);
          return null;
        });
      }
      Status s = job.status();
      LOG.info(() -> "reprice job " + job.id + " done: " + s.spansRepriced() + " spans repriced, " + s.spansChanged()
          + " changed, " + s.segmentsRewritten() + " of " + s.segmentsTotal() + " segments rewritten");
      finish(job, State.DONE, null);
    } catch (Throwable e) {
      if (closed) return; // stays running on disk: the next start resumes it
      LOG.log(Level.WARNING, "reprice job " + job.id + " failed", e);
      finish(job, State.FAILED, describe(e));
    }
  }

  /** The cause a user can act on, without the wrappers of the maintenance thread. */
  private static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t instanceof java.util.concurrent.ExecutionException
        || (t instanceof IOException && t.getCause() instanceof RuntimeException))) {
      t = t.getCause();
    }
    if (t instanceof StorageFullException) return "disk full: " + t.getMessage();
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  /** One segment, on the maintenance thread: recompute, and rewrite it when a cost changed. */
  private void step(RepriceJob job, String name, CostFunction costs) throws IOException {
    if (store.closed.get()) throw new IllegalStateException("storage is closed");
    Segment seg = null;
    for (Segment s : store.get().segments()) if (s.name.equals(name)) seg = s;
    if (seg == null) { // dropped by retention meanwhile: nothing left to reprice
      job.segmentDone(name, RepriceJob.Counts.NONE, false);
      persist(job);
      return;
    }
    CostRewrite rewrite = CostRewrite.compute(seg.reader.batch(), job.fromNanos, job.toNanos, job.model, costs);
    if (!rewrite.changed()) {
      job.segmentDone(name, rewrite.counts, false);
      persist(job);
      return;
    }
    String fresh = maintenance.nextSegmentName();
    job.begin(new RepriceJob.InFlight(name, fresh, rewrite.counts));
    persist(job);
    maintenance.replace(seg, fresh, rewrite.batch());
    CrashPoints.reached("reprice-segment-committed");
    job.segmentDone(name, rewrite.counts, true);
    persist(job);
  }

  private void finish(RepriceJob job, State end, String error) {
    job.finish(end, error, System.currentTimeMillis());
    try {
      persist(job);
    } catch (IOException e) {
      // The file still says running: the next start resumes the job and finds nothing left to do.
      LOG.log(Level.WARNING, "could not record the end of reprice job " + job.id, e);
    }
    synchronized (this) {
      running.remove(job.tenant, job);
      driven.remove(job);
      notifyAll();
    }
  }

  private void persist(RepriceJob job) throws IOException {
    AtomicFile.write(dirs.repriceJob(job.id), job.encode());
  }

  /** Under this. */
  private void forgetOldJobs(String tenant) {
    List<RepriceJob> finished = new ArrayList<>();
    for (RepriceJob j : jobs.values()) if (j.tenant.equals(tenant) && j.state() != State.RUNNING) finished.add(j);
    finished.sort(Comparator.comparingLong((RepriceJob j) -> j.createdMs).reversed());
    for (RepriceJob j : finished.subList(Math.min(KEEP_FINISHED, finished.size()), finished.size())) {
      jobs.remove(j.id);
      try {
        AtomicFile.delete(dirs.repriceJob(j.id));
      } catch (IOException e) {
        LOG.log(Level.WARNING, "could not delete old reprice job " + j.id, e);
      }
    }
  }

  /** Under this. */
  private String newId() {
    while (true) {
      String id = Long.toString(System.currentTimeMillis(), 36) + "-" + Integer.toHexString(0x10000 | random.nextInt(0x10000)).substring(1);
      if (!jobs.containsKey(id)) return id;
    }
  }

  /** Stops driving jobs; a step under way finishes, and unfinished jobs resume at the next start. */
  void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
  }
}
