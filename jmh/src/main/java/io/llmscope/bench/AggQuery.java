package io.llmscope.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One aggregation of the query set (LLM spans only, like the API's default {@code llmOnly}),
 * written once and rendered both as the {@code POST /api/v1/query} body and as each peer's SQL, so
 * the two cannot drift apart. Result columns are the same on both sides: {@code time} (when
 * stepped), the group fields, then the metrics.
 *
 * @param equals dimension filters, field to value
 * @param orderByMetric index into {@code metrics} to sort by, descending, or -1 for none
 */
record AggQuery(String id, String title, long fromMs, long toMs, Map<String, String> equals, List<String> groupBy,
    long stepMs, List<Metric> metrics, int orderByMetric, int limit) {

  enum Kind { COUNT, ERROR_RATE, SUM, AVG, QUANTILE }

  /** A metric as the API names it, e.g. {@code p95(duration_ms)} or {@code avg(score.helpfulness)}. */
  record Metric(String api, Kind kind, String field, double quantile) {
    private static final Pattern CALL = Pattern.compile("(sum|avg|p50|p90|p95|p99)\\(([a-z_.]+)\\)");

    static Metric of(String api) {
      if (api.equals("count")) return new Metric(api, Kind.COUNT, null, 0);
      if (api.equals("error_rate")) return new Metric(api, Kind.ERROR_RATE, null, 0);
      Matcher m = CALL.matcher(api);
      if (!m.matches()) throw new IllegalArgumentException("metric not supported by the harness: " + api);
      if (m.group(1).equals("sum")) return new Metric(api, Kind.SUM, m.group(2), 0);
      if (m.group(1).equals("avg")) return new Metric(api, Kind.AVG, m.group(2), 0);
      return new Metric(api, Kind.QUANTILE, m.group(2), Integer.parseInt(m.group(1).substring(1)) / 100.0);
    }

    /** The table column of the field: {@code score.helpfulness} is {@link SpansTable#SCORE_COLUMN}. */
    String column() {
      return SpansTable.quote(field.equals("score." + SpansTable.SCORE_NAME) ? SpansTable.SCORE_COLUMN : field);
    }

    String sql(SqlDialect d) {
      return switch (kind) {
        case COUNT -> "count(*)";
        case ERROR_RATE -> d.errorRate();
        case SUM -> "sum(" + column() + ")";
        case AVG -> "avg(" + column() + ")";
        // Exact (interpolated in DuckDB and PostgreSQL, like SQL's percentile_cont). LLMScope's
        // sketch is checked against the exact values at its rank instead (referenceSql).
        case QUANTILE -> d.quantile(column(), quantile);
      };
    }
  }

  int keyCount() {
    return (stepMs > 0 ? 1 : 0) + groupBy.size();
  }

  ObjectNode body(ObjectMapper json) {
    ObjectNode q = json.createObjectNode();
    q.put("from", fromMs).put("to", toMs);
    ArrayNode filters = q.putArray("filters");
    equals.forEach((f, v) -> filters.addObject().put("field", f).put("op", "=").put("value", v));
    ArrayNode gb = q.putArray("groupBy");
    groupBy.forEach(gb::add);
    if (stepMs > 0) q.put("step", stepMs);
    ArrayNode ms = q.putArray("metrics");
    metrics.forEach(m -> ms.add(m.api()));
    if (orderByMetric >= 0) q.putArray("orderBy").addObject().put("column", metrics.get(orderByMetric).api()).put("desc", true);
    return q.put("limit", limit).put("llmOnly", true);
  }

  /** The timed query in a peer's SQL: group keys as k0.., metrics as m0.., in the API's column order. */
  String sql(SqlDialect d, String tenantSql) {
    List<String> select = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    List<String> exprs = keyExprs(d);
    for (int k = 0; k < exprs.size(); k++) {
      keys.add("k" + k);
      select.add(exprs.get(k) + " AS k" + k);
    }
    for (int m = 0; m < metrics.size(); m++) select.add(metrics.get(m).sql(d) + " AS m" + m);
    String sql = "SELECT " + String.join(", ", select) + " FROM " + SpansTable.NAME + " WHERE " + where(d, tenantSql)
        + (keys.isEmpty() ? "" : " GROUP BY " + d.groupBy(keys));
    if (orderByMetric < 0) return sql;
    // LLMScope sorts nulls last and breaks ties by the group values ascending: the same here, so
    // even a top-N over ties (e.g. all-null costs) names the same groups on every side.
    List<String> order = new ArrayList<>();
    order.add("m" + orderByMetric + " DESC NULLS LAST");
    for (String k : keys) order.add(k + " ASC NULLS LAST");
    return sql + " ORDER BY " + String.join(", ", order) + " LIMIT " + limit;
  }

  /**
   * Untimed reference for the quantile metrics: per group, the exact values at the two ranks
   * around q·(n−1) ({@code lo_i}, {@code hi_i} per metric i, null for other metrics). A DDSketch
   * answers the value at rank ⌊q·(n−1)⌋ within its relative accuracy; exact quantile definitions
   * differ by one rank, which in small heavy-tailed groups is more than 1%. Null when no metric
   * is a quantile.
   */
  String referenceSql(String tenantSql) {
    List<Metric> qs = metrics.stream().filter(m -> m.kind() == Kind.QUANTILE).toList();
    if (qs.isEmpty()) return null;
    if (qs.stream().map(Metric::field).distinct().count() > 1) throw new IllegalArgumentException("one quantile field per query");
    String field = qs.get(0).column();
    List<String> keys = new ArrayList<>();
    List<String> base = new ArrayList<>();
    List<String> exprs = keyExprs(SqlDialect.DUCKDB);
    for (int k = 0; k < exprs.size(); k++) {
      keys.add("k" + k);
      base.add(exprs.get(k) + " AS k" + k);
    }
    String partition = keys.isEmpty() ? "" : "PARTITION BY " + String.join(", ", keys) + " ";
    List<String> select = new ArrayList<>(keys);
    for (Metric m : metrics) {
      if (m.kind() != Kind.QUANTILE) continue;
      String rank = m.quantile() + "::DOUBLE * (n - 1)";
      // ±1e-9: a rank that is a whole number in decimal may be a hair off it in double arithmetic.
      select.add("max(v) FILTER (WHERE i = greatest(0, floor(" + rank + " - 1e-9)))");
      select.add("max(v) FILTER (WHERE i = least(n - 1, ceil(" + rank + " + 1e-9)))");
    }
    base.add(field + " AS v");
    return "WITH base AS (SELECT " + String.join(", ", base) + " FROM " + SpansTable.NAME + " WHERE " + where(SqlDialect.DUCKDB, tenantSql)
        + " AND " + field + " IS NOT NULL), "
        + "ranked AS (SELECT *, row_number() OVER (" + partition + "ORDER BY v) - 1 AS i, "
        + "count(*) OVER (" + partition.trim() + ") AS n FROM base) "
        + "SELECT " + String.join(", ", select) + " FROM ranked" + (keys.isEmpty() ? "" : " GROUP BY ALL");
  }

  private List<String> keyExprs(SqlDialect d) {
    List<String> keys = new ArrayList<>();
    if (stepMs > 0) keys.add(d.bucket(stepMs));
    groupBy.forEach(g -> keys.add(d.dim(SpansTable.quote(g))));
    return keys;
  }

  /** LLM spans in [from, to) with the filters: the rows the API's query reads. */
  private String where(SqlDialect d, String tenantSql) {
    String filters = equals.entrySet().stream()
        .map(e -> " AND " + SpansTable.quote(e.getKey()) + " = " + SpansTable.literal(e.getValue()))
        .collect(Collectors.joining());
    return tenantSql + " AND " + d.llm() + " AND start_ns >= " + fromMs * 1_000_000L + " AND start_ns < " + toMs * 1_000_000L + filters;
  }
}
