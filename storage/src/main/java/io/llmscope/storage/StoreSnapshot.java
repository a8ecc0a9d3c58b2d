package io.llmscope.storage;

import io.llmscope.storage.scan.ColumnBatch;
import java.util.AbstractList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A point-in-time view of one tenant's spans: every batch a query must read, each row exactly
 * once. Close it when done so storage can release what it pins.
 *
 * <p>{@link #batches()} makes segment views on demand: each {@code get(i)} returns a fresh view
 * whose decoded columns live only as long as the caller holds it, so a query that walks the list
 * keeps one segment's columns in memory at a time.
 */
public final class StoreSnapshot implements AutoCloseable {
  private final List<Supplier<ColumnBatch>> batches;
  private final Runnable release;
  private final AtomicBoolean closed = new AtomicBoolean();

  StoreSnapshot(List<Supplier<ColumnBatch>> batches, Runnable release) {
    this.batches = List.copyOf(batches);
    this.release = release;
  }

  public List<ColumnBatch> batches() {
    return new AbstractList<>() {
      @Override
      public ColumnBatch get(int index) {
        return batches.get(index).get();
      }

      @Override
      public int size() {
        return batches.size();
      }
    };
  }

  /**
   * The batches as views made once and kept: their decoded columns stay for every later walk of
   * the list, so a run of queries over one snapshot (an alert round) decodes each column once. The
   * memory is the caller's to bound: it lasts until the list is dropped.
   */
  public List<ColumnBatch> keptBatches() {
    ColumnBatch[] made = new ColumnBatch[batches.size()];
    return new AbstractList<>() {
      @Override
      public synchronized ColumnBatch get(int index) {
        ColumnBatch b = made[index];
        if (b == null) b = made[index] = batches.get(index).get().kept();
        return b;
      }

      @Override
      public int size() {
        return made.length;
      }
    };
  }

  public long rows() {
    long n = 0;
    for (ColumnBatch b : batches()) n += b.size();
    return n;
  }

  /** Releases the heads and segments this snapshot pinned. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) release.run();
  }
}
