package io.llmscope.query;

import io.llmscope.storage.model.Dim;
import java.util.EnumMap;
import java.util.Map;

/**
 * A span listing ({@code GET /api/v1/spans}): the newest {@code limit} spans (model calls and the
 * rest, or model calls only with {@code llmOnly}) that started in [{@code fromMs}, {@code toMs})
 * with the given dimension values and lasted at least {@code minDurationMs} (0: any).
 */
public record SpanQuery(long fromMs, long toMs, Map<Dim, String> equals, int limit, boolean llmOnly, double minDurationMs) {
  /** Spans returned when the parameters name no {@code limit}. */
  public static final int DEFAULT_LIMIT = 100;

  public SpanQuery {
    if (limit <= 0) throw new QueryException("'limit' must be a positive integer, got '" + limit + "'");
    if (!(minDurationMs >= 0)) throw new QueryException("'minDurationMs' must be a number ≥ 0, got '" + minDurationMs + "'");
    Map<Dim, String> copy = new EnumMap<>(Dim.class);
    copy.putAll(equals);
    equals = java.util.Collections.unmodifiableMap(copy);
  }

  /** Every span of the range and dimension values, whatever it is and however long. */
  public SpanQuery(long fromMs, long toMs, Map<Dim, String> equals, int limit) {
    this(fromMs, toMs, equals, limit, false, 0);
  }

  /**
   * The URL parameters of {@code GET /api/v1/spans}: {@code from} (default {@code now-24h}),
   * {@code to} (default {@code now}), {@code limit} (default {@value #DEFAULT_LIMIT}, at most
   * {@code maxLimit}), {@code llm} ({@code true}: model calls only), {@code minDurationMs} and any
   * dimension name such as {@code service}.
   */
  public static SpanQuery fromParams(Map<String, String> params, long nowMs, int maxLimit) {
    long from = TimeExpr.parseTime(params.getOrDefault("from", "now-24h"), nowMs, "from");
    long to = TimeExpr.parseTime(params.getOrDefault("to", "now"), nowMs, "to");
    int limit = DEFAULT_LIMIT;
    boolean llm = false;
    double minDuration = 0;
    Map<Dim, String> equals = new EnumMap<>(Dim.class);
    for (Map.Entry<String, String> e : params.entrySet()) {
      switch (e.getKey()) {
        case "from", "to" -> { }
        case "llm" -> {
          if (!e.getValue().equals("true") && !e.getValue().equals("false")) {
            throw new QueryException("'llm' must be true or false, got '" + e.getValue() + "'");
          }
          llm = e.getValue().equals("true");
        }
        case "minDurationMs" -> {
          try {
            minDuration = Double.parseDouble(e.getValue());
          } catch (NumberFormatException ex) {
            minDuration = Double.NaN;
          }
          if (!(minDuration >= 0)) throw new QueryException("'minDurationMs' must be a number ≥ 0, got '" + e.getValue() + "'");
        }
        case "limit" -> {
          try {
            limit = Integer.parseInt(e.getValue());
          } catch (NumberFormatException ex) {
            limit = -1;
          }
          if (limit <= 0) throw new QueryException("'limit' must be a positive integer, got '" + e.getValue() + "'");
          limit = Math.min(limit, maxLimit);
        }
        default -> {
          Dim d = Dim.byName(e.getKey());
          if (d == null) {
            throw new QueryException("unknown span filter '" + e.getKey() + "'; use from, to, limit, llm, minDurationMs or a dimension such as service, model, status, user");
          }
          equals.put(d, e.getValue());
        }
      }
    }
    return new SpanQuery(from, to, equals, limit, llm, minDuration);
  }
}
