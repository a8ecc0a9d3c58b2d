package io.llmscope.storage;

import java.util.List;

/**
 * A point-in-time view of one tenant's spans: every batch a query must read, each row exactly
 * once. Close it when done so storage can release what it pins.
 */
public final class StoreSnapshot implements AutoCloseable {
  private final List<ColumnBatch> batches;

  StoreSnapshot(List<ColumnBatch> batches) {
    this.batches = List.copyOf(batches);
  }

  public List<ColumnBatch> batches() {
    return batches;
  }

  public long rows() {
    long n = 0;
    for (ColumnBatch b : batches) n += b.size();
    return n;
  }

  @Override
  public void close() {
    // Head batches need no release; sealed segments will be reference-counted here.
  }
}
