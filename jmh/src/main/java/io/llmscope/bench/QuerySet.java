package io.llmscope.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BENCHMARKS.md "Query set" on a dataset: "over 24h" is the whole window of the exported rows,
 * Q4's "last hour" the hour before the newest span. Q6 and Q8 are not aggregations and are run by
 * {@link PeerRun} directly.
 */
final class QuerySet {
  /** The API's largest limit: a stepped answer must never be cut by the default 1000. */
  static final int ALL_ROWS = 100_000;
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;

  private QuerySet() {}

  static List<AggQuery> aggregations(Dataset d) {
    long from = d.fromMs();
    long to = d.toMs();
    Map<String, String> q7 = new LinkedHashMap<>();
    q7.put("service", d.q7().get(0));
    q7.put("model", d.q7().get(1));
    q7.put("finish_reason", d.q7().get(2));
    return List.of(
        new AggQuery("Q1", "p50/p95/p99(duration_ms) by model, step 1m", from, to, Map.of(), List.of("model"),
            MINUTE, metrics("p50(duration_ms)", "p95(duration_ms)", "p99(duration_ms)"), -1, ALL_ROWS),
        new AggQuery("Q2", "sum cost/input/output tokens by service, step 1h", from, to, Map.of(), List.of("service"),
            HOUR, metrics("sum(cost_usd)", "sum(input_tokens)", "sum(output_tokens)"), -1, ALL_ROWS),
        new AggQuery("Q3", "top 20 user by sum(cost_usd)", from, to, Map.of(), List.of("user"),
            0, metrics("sum(cost_usd)"), 0, 20),
        new AggQuery("Q4", "count, error_rate by provider, model, last hour", to - HOUR, to, Map.of(),
            List.of("provider", "model"), 0, metrics("count", "error_rate"), -1, ALL_ROWS),
        new AggQuery("Q5", "avg(score.helpfulness), count by prompt_name, prompt_version", from, to, Map.of(),
            List.of("prompt_name", "prompt_version"), 0, metrics("avg(score." + SpansTable.SCORE_NAME + ")", "count"), -1,
            ALL_ROWS),
        new AggQuery("Q7", "p95(duration_ms), sum(cost_usd), 3 fixed dims, step 5m", from, to, q7, List.of(),
            5 * MINUTE, metrics("p95(duration_ms)", "sum(cost_usd)"), -1, ALL_ROWS));
  }

  private static List<AggQuery.Metric> metrics(String... api) {
    return java.util.Arrays.stream(api).map(AggQuery.Metric::of).toList();
  }
}
