package io.llmscope.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmscope.query.Query;
import java.util.List;
import java.util.Map;

/**
 * One alert rule (API.md "Alerting"), validated. {@code query} holds the rule's filters, groupBy and
 * its one metric; its time range is a placeholder, set per evaluation to [at − window, at).
 *
 * @param source the body as given (JSON), returned by {@code GET /api/v1/alert-rules}
 * @param forMs how long a condition must hold before the alert fires (pending until then)
 * @param op the comparison of a threshold rule ({@code >}, {@code >=}, {@code <}, {@code <=}), else null
 * @param threshold a threshold rule's bound, or a drift rule's statistic bound
 * @param baselineMs the baseline of anomaly and drift rules (anomaly: that many days back)
 * @param budget a budget rule's USD amount; {@code period} {@code day}, {@code month} or a rolling window
 */
public record AlertRule(String name, Kind kind, Query query, long windowMs, long forMs, String severity,
    Map<String, String> labels, List<String> notifiers, String op, double threshold, long baselineMs, double sensitivity,
    io.llmscope.alerting.detect.Direction direction, double minValue, String field, String method, double budget, String period, long periodMs,
    boolean projected, JsonNode source) {

  /** The rule types. */
  public enum Kind { THRESHOLD, ANOMALY, DRIFT, BUDGET }

  /**
   * Drift fields of captured text: the prompt side, the completion side, or both ({@code content},
   * whose result is the side that moved more).
   */
  static final List<String> CONTENT_FIELDS = List.of("content", "content.input", "content.output");

  /** The metric column of the rule's query. */
  String metric() {
    return query.metrics().get(0).label();
  }

  /** True when {@code value} breaks a threshold rule's bound. */
  boolean breaks(double value) {
    if (Double.isNaN(value)) return false;
    return switch (op) {
      case ">" -> value > threshold;
      case ">=" -> value >= threshold;
      case "<" -> value < threshold;
      case "<=" -> value <= threshold;
      default -> throw new IllegalStateException(op);
    };
  }
}
