package io.llmscope.storage;

import java.util.List;

/**
 * A point-in-time view of one tenant's spans: every batch a query must read, each row exactly
 * once. Close it when done so storage can release what it pins.
 */
public final class StoreSnapshot implements AutoCloseable {
  private final List<ColumnBatch> batches;
  private final Runnable release;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  StoreSnapshot(List<ColumnBatch> batches, Runnable release) {
    this.batches = List.copyOf(batches);
    this.release = release;
  }

  public List<ColumnBatch> batches() {
    return batches;
  }

  public long rows() {
    long n = 0;
    for (ColumnBatch b : batches) n += b.size();
    return n;
  }

  /** Releases the heads and segments this snapshot pinned. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) release.run();
  }
}
