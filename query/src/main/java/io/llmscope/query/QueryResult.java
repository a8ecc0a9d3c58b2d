package io.llmscope.query;

import java.util.List;

/** The answer to a query: named columns and rows of values (String, Long, Double or null). */
public record QueryResult(List<String> columns, List<List<Object>> rows, Stats stats) {
  public record Stats(long rowsScanned, int segmentsScanned, int segmentsPruned, long tookMs) {}
}
