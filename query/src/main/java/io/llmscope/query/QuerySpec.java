package io.llmscope.query;

import java.util.List;

/** A parsed, validated query (API.md "Query"); times in epoch ms, {@code stepMs} 0 when absent. */
record QuerySpec(
    long fromMs,
    long toMs,
    List<Filter> filters,
    List<FieldRef> groupBy,
    long stepMs,
    List<Metric> metrics,
    List<Order> orderBy,
    int limit,
    boolean llmOnly) {

  record Order(int column, boolean desc) {}
}
