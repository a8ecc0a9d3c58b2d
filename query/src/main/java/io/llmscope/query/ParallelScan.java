package io.llmscope.query;

import io.llmscope.storage.scan.ColumnBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Feeds a snapshot's batches to several partial {@link Aggregation}s at once, then merges them.
 * Workers pull the next batch from a shared counter, so one large segment does not leave the
 * others idle; each worker asks the {@link Planner} how to read the batch, carries the plan out,
 * and holds one segment's decoded columns at a time.
 *
 * <p>The calling thread is always one of the workers. Helpers run on the engine's bounded pool;
 * one the pool cannot take (queue full, pool closed) is simply not started, and one still queued
 * when the caller has run out of batches is withdrawn, so a busy pool only makes a query use
 * fewer threads.
 */
final class ParallelScan {
  private final List<ColumnBatch> batches;
  private final int threads;
  private final ThreadPoolExecutor pool;
  private final Planner planner;
  private final boolean explain;
  private final AtomicInteger next = new AtomicInteger();
  /** Per batch index, when explaining: what was decided (each worker writes only the indexes it took). */
  private final QueryPlan.Batch[] entries;
  private QueryPlan.Tally tally;

  /** {@code planEntries}: how many batches' decisions to keep for EXPLAIN (the first ones); 0 for none. */
  ParallelScan(List<ColumnBatch> batches, int threads, ThreadPoolExecutor pool, Planner planner, int planEntries) {
    this.batches = batches;
    this.threads = Math.max(1, Math.min(threads, batches.size()));
    this.pool = pool;
    this.planner = planner;
    this.explain = planEntries > 0;
    this.entries = explain ? new QueryPlan.Batch[Math.min(batches.size(), planEntries)] : null;
  }

  /** One worker's partial answer and what it decided. */
  private record Part(Aggregation agg, QueryPlan.Tally tally) {}

  /** A helper's scan; runs at most once, and not at all once withdrawn. */
  private final class Helper implements Runnable {
    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int WITHDRAWN = 2;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private final Supplier<Aggregation> newPart;
    final CompletableFuture<Part> result = new CompletableFuture<>();

    Helper(Supplier<Aggregation> newPart) {
      this.newPart = newPart;
    }

    @Override
    public void run() {
      if (!state.compareAndSet(QUEUED, RUNNING)) return;
      try {
        result.complete(work(newPart.get()));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }

    /** True when the helper had not started: it never will. */
    boolean withdraw() {
      return state.compareAndSet(QUEUED, WITHDRAWN);
    }
  }

  Aggregation run(Supplier<Aggregation> newPart) {
    List<Helper> helpers = new ArrayList<>();
    for (int i = 1; i < threads; i++) {
      Helper h = new Helper(newPart);
      try {
        pool.execute(h);
        helpers.add(h);
      } catch (RejectedExecutionException e) {
        break; // queue full or pool closed: this thread scans what the helper would have
      }
    }
    Part result = null;
    Throwable failure = null; // an Error too (OutOfMemoryError): helpers must still be waited for
    try {
      result = work(newPart.get());
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    // Every started worker is waited for, even after a failure: they read segments the caller's snapshot pins.
    for (Helper h : helpers) {
      if (h.withdraw()) {
        pool.remove(h);
        continue;
      }
      try {
        Part part = h.result.join();
        if (failure == null) {
          result.agg().merge(part.agg());
          result.tally().merge(part.tally());
        }
      } catch (CompletionException e) {
        if (failure == null) failure = e.getCause() != null ? e.getCause() : e;
      } catch (RuntimeException | Error e) { // a failed merge (e.g. too many groups)
        if (failure == null) failure = e;
      }
    }
    if (failure instanceof RuntimeException e) throw e;
    if (failure instanceof Error e) throw e;
    if (failure != null) throw new IllegalStateException("scan failed", failure);
    tally = result.tally();
    return result.agg();
  }

  /** The decisions of every batch; after {@link #run}. */
  QueryPlan.Tally tally() {
    return tally;
  }

  /** The plan with per-batch entries; after {@link #run} of an explained query. */
  QueryPlan plan() {
    List<QueryPlan.Batch> list = new ArrayList<>();
    for (QueryPlan.Batch b : entries) if (b != null) list.add(b);
    return tally.plan(list, batches.size() - list.size());
  }

  private Part work(Aggregation part) {
    QueryPlan.Tally t = new QueryPlan.Tally();
    try {
      for (int i = next.getAndIncrement(); i < batches.size(); i = next.getAndIncrement()) {
        ColumnBatch b = batches.get(i);
        BatchPlan p = planner.plan(b);
        part.add(p);
        t.add(p);
        if (explain && i < entries.length) entries[i] = QueryPlan.entry(b.name(), p);
      }
      return new Part(part, t);
    } catch (RuntimeException | Error e) {
      next.set(batches.size()); // a failed query (too many groups, out of memory) stops every worker
      throw e;
    }
  }
}
