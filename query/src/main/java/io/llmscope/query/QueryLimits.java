package io.llmscope.query;

/**
 * Settings of the query module: bounds that keep one query from exhausting the server, and the
 * scan pool every query shares. {@link #builder} starts from the defaults.
 *
 * @param defaultLimit rows returned when the query names no {@code limit}
 * @param maxLimit largest {@code limit} honoured
 * @param maxBuckets most time buckets a {@code step} may create over the range
 * @param maxGroups most (group values × bucket) combinations one query may aggregate
 * @param scanThreads workers one query scans segments with (the calling thread is one of them)
 * @param useRollups answer from segments' pre-aggregated cells where they give the same answer;
 *     false reads rows always (for comparison and benchmarks)
 * @param scanPoolThreads threads of the scan pool all queries of an engine share; concurrent
 *     queries never create more
 * @param scanQueue scan tasks waiting for a pool thread; beyond, the querying thread scans them itself
 * @param maxQueryMemoryBytes most bytes one query's aggregation state may hold, by estimate: the
 *     arrays its group table, group values and metric states allocate (counted as they grow, before
 *     they are allocated) plus fixed per-object costs of group value strings, quantile sketches,
 *     exact-value buffers and distinct sets. Shared by the query's scan workers; partial states
 *     count until merged. Decoded segment columns and the at most {@code limit} result rows are not
 *     counted. A query reaching it fails with a {@link QueryException} naming {@link #MAX_QUERY_MEMORY_KEY}
 *     (HTTP 400) instead of running the server out of heap. Each running query has its own budget.
 * @param compareSampleValues values per cohort and metric {@code /api/v1/compare} tests on: all of
 *     them up to this many (exact), a uniform sample beyond (the reported values stay exact)
 * @param contentSampleTexts captured texts per group a content drift test reads (a uniform sample of
 *     the spans' prompts and completions beyond): each costs a detail read and its text in memory
 */
public record QueryLimits(int defaultLimit, int maxLimit, int maxBuckets, int maxGroups, int scanThreads,
    boolean useRollups, int scanPoolThreads, int scanQueue, long maxQueryMemoryBytes, int compareSampleValues,
    int contentSampleTexts) {
  // Config keys (server's YAML) of the bounds a query can break: their errors name them.
  public static final String MAX_BUCKETS_KEY = "query.maxBuckets";
  public static final String MAX_GROUPS_KEY = "query.maxGroups";
  public static final String MAX_QUERY_MEMORY_KEY = "query.maxQueryMemoryBytes";

  public static final int DEFAULT_DEFAULT_LIMIT = 1000;
  public static final int DEFAULT_MAX_LIMIT = 100_000;
  public static final int DEFAULT_MAX_BUCKETS = 100_000;
  public static final int DEFAULT_MAX_GROUPS = 1_000_000;
  /** Default of {@code scanThreads} and {@code scanPoolThreads}: the number of cores. */
  public static final int DEFAULT_THREADS = Runtime.getRuntime().availableProcessors();
  public static final int DEFAULT_SCAN_QUEUE = 256;
  public static final int DEFAULT_COMPARE_SAMPLE_VALUES = 100_000;
  public static final int DEFAULT_CONTENT_SAMPLE_TEXTS = 2_000;
  /**
   * Default of {@code maxQueryMemoryBytes}: a quarter of the JVM's max heap ({@code -Xmx}), so one
   * query leaves room for ingest, the head and sealing.
   */
  public static final long DEFAULT_MAX_QUERY_MEMORY_BYTES = Runtime.getRuntime().maxMemory() / 4;

  public static final QueryLimits DEFAULTS = builder().build();

  public QueryLimits {
    positive(defaultLimit, "defaultLimit");
    positive(maxLimit, "maxLimit");
    positive(maxBuckets, "maxBuckets");
    positive(maxGroups, "maxGroups");
    positive(scanThreads, "scanThreads");
    positive(scanPoolThreads, "scanPoolThreads");
    positive(maxQueryMemoryBytes, "maxQueryMemoryBytes");
    positive(compareSampleValues, "compareSampleValues");
    positive(contentSampleTexts, "contentSampleTexts");
    if (scanQueue < 0) throw new IllegalArgumentException("scanQueue must be >= 0, got " + scanQueue);
    if (defaultLimit > maxLimit) {
      throw new IllegalArgumentException("defaultLimit (" + defaultLimit + ") must not exceed maxLimit (" + maxLimit + ")");
    }
  }

  private static void positive(long v, String name) {
    if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().defaultLimit(defaultLimit).maxLimit(maxLimit).maxBuckets(maxBuckets).maxGroups(maxGroups)
        .scanThreads(scanThreads).useRollups(useRollups).scanPoolThreads(scanPoolThreads).scanQueue(scanQueue)
        .maxQueryMemoryBytes(maxQueryMemoryBytes).compareSampleValues(compareSampleValues)
        .contentSampleTexts(contentSampleTexts);
  }

  public QueryLimits withRollups(boolean use) {
    return toBuilder().useRollups(use).build();
  }

  /** Defaults for every setting; each setter overrides one. */
  public static final class Builder {
    private int defaultLimit = DEFAULT_DEFAULT_LIMIT;
    private int maxLimit = DEFAULT_MAX_LIMIT;
    private int maxBuckets = DEFAULT_MAX_BUCKETS;
    private int maxGroups = DEFAULT_MAX_GROUPS;
    private int scanThreads = DEFAULT_THREADS;
    private boolean useRollups = true;
    private int scanPoolThreads = DEFAULT_THREADS;
    private int scanQueue = DEFAULT_SCAN_QUEUE;
    private long maxQueryMemoryBytes = DEFAULT_MAX_QUERY_MEMORY_BYTES;
    private int compareSampleValues = DEFAULT_COMPARE_SAMPLE_VALUES;
    private int contentSampleTexts = DEFAULT_CONTENT_SAMPLE_TEXTS;

    private Builder() {}

    public Builder defaultLimit(int v) { defaultLimit = v; return this; }
    public Builder maxLimit(int v) { maxLimit = v; return this; }
    public Builder maxBuckets(int v) { maxBuckets = v; return this; }
    public Builder maxGroups(int v) { maxGroups = v; return this; }
    public Builder scanThreads(int v) { scanThreads = v; return this; }
    public Builder useRollups(boolean v) { useRollups = v; return this; }
    public Builder scanPoolThreads(int v) { scanPoolThreads = v; return this; }
    public Builder scanQueue(int v) { scanQueue = v; return this; }
    public Builder maxQueryMemoryBytes(long v) { maxQueryMemoryBytes = v; return this; }
    public Builder compareSampleValues(int v) { compareSampleValues = v; return this; }
    public Builder contentSampleTexts(int v) { contentSampleTexts = v; return this; }

    public QueryLimits build() {
      return new QueryLimits(defaultLimit, maxLimit, maxBuckets, maxGroups, scanThreads, useRollups, scanPoolThreads,
          scanQueue, maxQueryMemoryBytes, compareSampleValues, contentSampleTexts);
    }
  }
}
