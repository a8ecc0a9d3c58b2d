package io.llmscope.query;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One query's estimate of the bytes its aggregation state holds, against
 * {@link QueryLimits#maxQueryMemoryBytes()}. Charged before an allocation, so a query over budget
 * fails before it allocates, not after the heap is gone. Every scan worker of the query charges the
 * same budget through its own {@link Account}, which is given back once the worker's partial state
 * has been merged and dropped.
 */
final class QueryMemory {
  /** Object header plus array length, rounded: what an empty array costs. */
  static final int ARRAY_HEADER = 16;
  /** A String and its byte array beside the characters (compact Latin-1 strings). */
  static final int STRING_OVERHEAD = 56;
  /**
   * A quantile sketch: {@link io.llmscope.storage.rollup.Rollup#newSketch()} measured about 0.7 KB
   * holding one value and 1.5–2.3 KB holding three spread ones; more bins cost up to 16 KB, but only
   * groups with many values (more rows than the exact buffer keeps) have a sketch at all.
   */
  static final int SKETCH_BYTES = 2048;
  /** One element of a distinct-value set: hash node, table slot and the boxed or string value. */
  static final int DISTINCT_ENTRY_BYTES = 64;

  private final long max;
  private final AtomicLong used = new AtomicLong();

  QueryMemory(long maxBytes) {
    this.max = maxBytes;
  }

  /** A budget nobody reaches, for callers without limits. */
  static QueryMemory unbounded() {
    return new QueryMemory(Long.MAX_VALUE);
  }

  Account account() {
    return new Account();
  }

  long used() {
    return used.get();
  }

  /**
   * One scan worker's charges; not thread-safe (a worker is one thread). Small charges gather here
   * and reach the shared total in steps of {@link #STEP} bytes, so counting costs no contended
   * atomic per group or value.
   */
  final class Account {
    static final int STEP = 64 * 1024;
    private long charged;
    private long pending;

    private Account() {}

    /** Counts {@code bytes} more (fewer when negative); throws when the query's total passes the budget. */
    void charge(long bytes) {
      charged += bytes;
      pending += bytes;
      if (pending >= STEP || pending <= -STEP) flush();
    }

    private void flush() {
      long total = used.addAndGet(pending);
      boolean grew = pending > 0;
      pending = 0;
      if (grew && total > max) {
        throw new QueryException("query needs more than " + max + " bytes of memory (" + QueryLimits.MAX_QUERY_MEMORY_KEY
            + "); filter more, group by fewer or coarser fields, or use a larger step");
      }
    }

    /**
     * An array growing from {@code oldLength} to {@code newLength} elements of {@code elementBytes}:
     * the old copy becomes garbage, so only the difference stays.
     */
    void chargeGrowth(long oldLength, long newLength, int elementBytes) {
      charge((newLength - oldLength) * elementBytes);
    }

    /** Gives back everything this account charged (its state was merged elsewhere or dropped). */
    void releaseAll() {
      used.addAndGet(pending - charged);
      charged = 0;
      pending = 0;
    }
  }
}
