package io.llmscope.query;

/**
 * Bounds that keep one query from exhausting the server.
 *
 * @param defaultLimit rows returned when the query names no {@code limit}
 * @param maxLimit largest {@code limit} honoured
 * @param maxBuckets most time buckets a {@code step} may create over the range
 * @param maxGroups most (group values × bucket) combinations one query may aggregate
 * @param scanThreads threads one query scans segments with (the calling thread is one of them)
 * @param useRollups answer from segments' pre-aggregated cells where they give the same answer;
 *     false reads rows always (for comparison and benchmarks)
 */
public record QueryLimits(int defaultLimit, int maxLimit, int maxBuckets, int maxGroups, int scanThreads,
    boolean useRollups) {
  public static final QueryLimits DEFAULTS =
      new QueryLimits(1000, 100_000, 100_000, 1_000_000, Runtime.getRuntime().availableProcessors());

  public QueryLimits(int defaultLimit, int maxLimit, int maxBuckets, int maxGroups, int scanThreads) {
    this(defaultLimit, maxLimit, maxBuckets, maxGroups, scanThreads, true);
  }

  public QueryLimits withRollups(boolean use) {
    return new QueryLimits(defaultLimit, maxLimit, maxBuckets, maxGroups, scanThreads, use);
  }

  public QueryLimits {
    if (defaultLimit <= 0 || maxLimit <= 0 || maxBuckets <= 0 || maxGroups <= 0 || scanThreads <= 0) {
      throw new IllegalArgumentException("query limits must be positive: " + this);
    }
  }
}
