package io.llmscope.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Do LLMScope and a peer answer the same question? Groups must match one to one (and in the same
 * order for a top-N); counts exactly, sums and rates to rounding, and each quantile within the
 * API's promised 1% of the exact value at its rank (see {@link AggQuery#referenceSql}).
 */
final class AnswerCheck {
  /** API.md: quantiles have relative error ≤ 1%. */
  static final double QUANTILE_TOLERANCE = 0.01;
  private static final int MAX_PROBLEMS = 5;

  /** {@code summary} goes in the table; {@code problems} (a few examples) below it. */
  record Outcome(boolean ok, String summary, List<String> problems) {}

  private AnswerCheck() {}

  static Outcome compare(AggQuery q, Answer scope, Answer theirs, Answer reference, String peer) {
    int k = q.keyCount();
    Problems problems = new Problems();
    Map<List<Object>, List<Object>> peerRows = byKey(theirs, k);
    Map<List<Object>, List<Object>> refRows = reference == null ? Map.of() : byKey(reference, k);
    double[] totals = new double[2];
    int countCol = q.metrics().stream().map(AggQuery.Metric::kind).toList().indexOf(AggQuery.Kind.COUNT);
    for (int i = 0; i < scope.rows().size(); i++) {
      List<Object> row = scope.rows().get(i);
      List<Object> key = Answer.key(row, k);
      List<Object> other = peerRows.get(key);
      if (other == null) {
        problems.add("group " + key + " only in LLMScope");
        continue;
      }
      List<Object> peerAtRank = i < theirs.rows().size() ? Answer.key(theirs.rows().get(i), k) : null;
      if (q.orderByMetric() >= 0 && !key.equals(peerAtRank)) {
        problems.add("rank " + (i + 1) + ": LLMScope " + key + ", " + peer + " " + peerAtRank);
      }
      int quantileIndex = 0;
      for (int m = 0; m < q.metrics().size(); m++) {
        AggQuery.Metric metric = q.metrics().get(m);
        Object a = row.get(k + m);
        Object b = other.get(k + m);
        String why = switch (metric.kind()) {
          case COUNT -> equal(a, b, 0, peer);
          case SUM, AVG, ERROR_RATE -> equal(a, b, 1e-9, peer);
          case QUANTILE -> inBracket(a, refRows.get(key), k + 2 * quantileIndex++);
        };
        if (why != null) problems.add(key + " " + metric.api() + ": " + why);
      }
      if (countCol >= 0) {
        totals[0] += num(row.get(k + countCol));
        totals[1] += num(other.get(k + countCol));
      }
    }
    Set<List<Object>> scopeKeys = new HashSet<>();
    for (List<Object> row : scope.rows()) scopeKeys.add(Answer.key(row, k));
    for (List<Object> key : peerRows.keySet()) {
      if (!scopeKeys.contains(key)) problems.add("group " + key + " only in " + peer);
    }
    boolean sameSize = scope.rows().size() == theirs.rows().size();
    boolean truncated = scope.rows().size() >= q.limit() && q.orderByMetric() < 0;
    if (truncated) problems.add("LLMScope returned limit=" + q.limit() + " rows: the answer may be cut");
    String rows = sameSize ? scope.rows().size() + " rows" : "rows " + scope.rows().size() + " vs " + theirs.rows().size();
    String total = countCol < 0 ? "" : String.format(", count total %.0f vs %.0f", totals[0], totals[1]);
    boolean ok = sameSize && problems.count == 0;
    return new Outcome(ok, (ok ? "ok: " : "DIFF: ") + rows + total + (problems.count == 0 ? "" : ", " + problems.count + " problems"),
        problems.examples);
  }

  private static Map<List<Object>, List<Object>> byKey(Answer a, int k) {
    Map<List<Object>, List<Object>> out = new HashMap<>();
    for (List<Object> row : a.rows()) out.put(Answer.key(row, k), row);
    return out;
  }

  /** Null when equal within the relative tolerance, else why not. */
  private static String equal(Object a, Object b, double relative, String peer) {
    if (a == null || b == null) return a == b ? null : "LLMScope " + a + ", " + peer + " " + b;
    double x = num(a);
    double y = num(b);
    return Math.abs(x - y) <= relative * Math.max(Math.abs(x), Math.abs(y)) + 1e-12 ? null
        : "LLMScope " + x + ", " + peer + " " + y;
  }

  private static String inBracket(Object a, List<Object> ref, int col) {
    Object lo = ref == null ? null : ref.get(col);
    Object hi = ref == null ? null : ref.get(col + 1);
    if (a == null || lo == null) return a == lo ? null : "LLMScope " + a + ", exact " + lo;
    double v = num(a);
    double min = Math.min(num(lo), num(hi));
    double max = Math.max(num(lo), num(hi));
    boolean ok = v >= min - QUANTILE_TOLERANCE * Math.abs(min) - 1e-9 && v <= max + QUANTILE_TOLERANCE * Math.abs(max) + 1e-9;
    return ok ? null : String.format("LLMScope %s, exact at its rank [%s, %s]", v, min, max);
  }

  private static double num(Object o) {
    return ((Number) o).doubleValue();
  }

  /** Counts every problem, keeps the first few as examples. */
  private static final class Problems {
    final List<String> examples = new ArrayList<>();
    int count;

    void add(String text) {
      count++;
      if (examples.size() < MAX_PROBLEMS) examples.add(text);
    }
  }
}
