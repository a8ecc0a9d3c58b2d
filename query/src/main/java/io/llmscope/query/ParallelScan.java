package io.llmscope.query;

import io.llmscope.storage.rollup.Rollup;
import io.llmscope.storage.scan.ColumnBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Feeds a snapshot's batches to several partial {@link Aggregation}s at once, then merges them.
 * Workers pull the next batch from a shared counter, so one large segment does not leave the
 * others idle; each worker holds one segment's decoded columns at a time.
 */
final class ParallelScan {
  record Counts(int scanned, int pruned) {}

  private final List<ColumnBatch> batches;
  private final int threads;
  private final boolean useRollups;
  private final Executor pool;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger scanned = new AtomicInteger();
  private final AtomicInteger pruned = new AtomicInteger();

  ParallelScan(List<ColumnBatch> batches, int threads, boolean useRollups, Executor pool) {
    this.batches = batches;
    this.threads = Math.max(1, Math.min(threads, batches.size()));
    this.useRollups = useRollups;
    this.pool = pool;
  }

  Aggregation run(Supplier<Aggregation> newPart) {
    List<CompletableFuture<Aggregation>> helpers = new ArrayList<>();
    for (int i = 1; i < threads; i++) helpers.add(CompletableFuture.supplyAsync(() -> work(newPart.get()), pool));
    Aggregation result = null;
    RuntimeException failure = null;
    try {
      result = work(newPart.get());
    } catch (RuntimeException e) {
      failure = e;
    }
    // Every worker is waited for, even after a failure: they read segments the caller's snapshot pins.
    for (CompletableFuture<Aggregation> h : helpers) {
      try {
        Aggregation part = h.join();
        if (failure == null) result.merge(part);
      } catch (CompletionException e) {
        if (failure == null) failure = e.getCause() instanceof RuntimeException re ? re : e;
      } catch (RuntimeException e) { // a failed merge (e.g. too many groups)
        if (failure == null) failure = e;
      }
    }
    if (failure != null) throw failure;
    return result;
  }

  Counts counts() {
    return new Counts(scanned.get(), pruned.get());
  }

  private Aggregation work(Aggregation part) {
    try {
      for (int i = next.getAndIncrement(); i < batches.size(); i = next.getAndIncrement()) {
        ColumnBatch b = batches.get(i);
        if (part.overlaps(b)) {
          Rollup r = useRollups ? part.rollupFor(b) : null;
          if (r != null) part.add(r);
          else part.add(b);
          if (b.sealed()) scanned.incrementAndGet();
        } else if (b.sealed()) {
          pruned.incrementAndGet();
        }
      }
      return part;
    } catch (RuntimeException e) {
      next.set(batches.size()); // a failed query (e.g. too many groups) stops every worker
      throw e;
    }
  }
}
