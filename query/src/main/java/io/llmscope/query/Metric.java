package io.llmscope.query;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One requested metric column, e.g. {@code count} or {@code p95(duration_ms)} (API.md "Metrics").
 *
 * @param label the column name: the metric as written, with the field name normalised
 * @param field the field of a function metric; null for {@code count}, {@code error_count}, {@code error_rate}
 * @param quantile the quantile of {@link Kind#QUANTILE} (e.g. 0.95), else 0
 */
public record Metric(String label, Kind kind, FieldRef field, double quantile) {
  /** The metric functions. */
  public enum Kind {
    COUNT, ERROR_COUNT, ERROR_RATE, SUM, AVG, MIN, MAX, QUANTILE, COUNT_DISTINCT, COUNT_VALUES,
    /** Internal (not in the API): a uniform sample of the field's values, for {@link Comparison}'s tests. */
    SAMPLE,
    /** Internal: a uniform sample of the rows' captured content ({@link SpanContent}), for content drift. */
    CONTENT_SAMPLE
  }

  /** The captured prompts and completions of a group's spans, sampled uniformly beyond what a query may keep. */
  static Metric contentSample() {
    return new Metric("sample(content)", Kind.CONTENT_SAMPLE, null, 0);
  }

  /** The values of {@code field}, sampled uniformly when there are more than a query may keep. */
  static Metric sample(FieldRef field) {
    return new Metric("sample(" + field.name() + ")", Kind.SAMPLE, field, 0);
  }

  private static final Pattern CALL = Pattern.compile("([a-z_0-9]+)\\((.+)\\)");

  /** Parses a metric as the API writes it; throws {@link QueryException} naming the problem. */
  public static Metric of(String text) {
    return parse(text, "metric");
  }

  static Metric parse(String text, int index) {
    return parse(text, "metrics[" + index + "]");
  }

  private static Metric parse(String text, String where) {
    if (text == null || text.isBlank()) throw new QueryException(where + ": metric is empty");
    String t = text.trim();
    switch (t) {
      case "count": return new Metric(t, Kind.COUNT, null, 0);
      case "error_count": return new Metric(t, Kind.ERROR_COUNT, null, 0);
      case "error_rate": return new Metric(t, Kind.ERROR_RATE, null, 0);
      default: break;
    }
    Matcher m = CALL.matcher(t);
    if (!m.matches()) throw new QueryException(where + ": unknown metric '" + text + "'");
    String fn = m.group(1);
    FieldRef field = FieldRef.resolve(m.group(2).trim(), where);
    Kind kind;
    double q = 0;
    switch (fn) {
      case "sum": kind = Kind.SUM; break;
      case "avg": kind = Kind.AVG; break;
      case "min": kind = Kind.MIN; break;
      case "max": kind = Kind.MAX; break;
      case "count_distinct": kind = Kind.COUNT_DISTINCT; break;
      case "count": kind = Kind.COUNT_VALUES; break; // values present: spans with the measure, or scores
      case "p50": kind = Kind.QUANTILE; q = 0.50; break;
      case "p90": kind = Kind.QUANTILE; q = 0.90; break;
      case "p95": kind = Kind.QUANTILE; q = 0.95; break;
      case "p99": kind = Kind.QUANTILE; q = 0.99; break;
      case "p999": kind = Kind.QUANTILE; q = 0.999; break;
      default: throw new QueryException(where + ": unknown metric function '" + fn + "' in '" + text + "'");
    }
    if (kind != Kind.COUNT_DISTINCT && !field.numeric()) {
      throw new QueryException(where + ": " + fn + "() needs a numeric field, '" + field.name() + "' is not");
    }
    return new Metric(field.name().equals(m.group(2)) ? t : fn + "(" + field.name() + ")", kind, field, q);
  }
}
