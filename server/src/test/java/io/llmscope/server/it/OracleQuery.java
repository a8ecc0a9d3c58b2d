package io.llmscope.server.it;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One query of the oracle matrix, written once and rendered twice: as the JSON body of
 * {@code POST /api/v1/query} (API.md "Query") and as the DuckDB SQL that must give the same answer
 * over {@link OracleTable}.
 *
 * <p>SQL semantics mirror the documented / implemented query semantics: an absent value is NULL, so
 * it matches no comparison ({@code =}, {@code !=}, {@code in}, {@code not_in}, ordering,
 * {@code contains}) and only {@code exists: false}; aggregates skip NULLs; without GROUP BY an empty
 * selection is one row. Each percentile becomes two columns: the order statistics at ranks
 * floor(q(n-1)) and ceil(q(n-1)) of the group's sorted values, between which the engine's sketch
 * must land (within 1%).
 */
final class OracleQuery {
  private static final Pattern CALL = Pattern.compile("([a-z_0-9]+)\\((.+)\\)");

  record Filter(String field, String op, Object value) {}

  /** How a metric column is compared. */
  enum Check { EXACT, RELATIVE, PERCENTILE }

  /** Where in the matrix the query comes from, for messages. */
  String label;
  long fromMs;
  long toMs;
  final List<Filter> filters = new ArrayList<>();
  final List<String> groupBy = new ArrayList<>();
  String step;
  long stepMs;
  final List<String> metrics = new ArrayList<>();
  String orderBy;
  boolean desc;
  Integer limit;
  boolean llmOnly = true;
  OracleQuery limit(int n) {
    limit = n;
    return this;
  }

  /** Times as ISO-8601 text instead of epoch ms (API.md accepts both). */
  boolean isoTimes;

  OracleQuery(long fromMs, long toMs) {
    this.fromMs = fromMs;
    this.toMs = toMs;
  }

  OracleQuery label(String text) {
    label = text;
    return this;
  }

  OracleQuery filter(String field, String op, Object value) {
    filters.add(new Filter(field, op, value));
    return this;
  }

  OracleQuery filters(List<Filter> fs) {
    filters.addAll(fs);
    return this;
  }

  OracleQuery groupBy(String... fields) {
    groupBy.addAll(Arrays.asList(fields));
    return this;
  }

  OracleQuery step(String text, long ms) {
    step = text;
    stepMs = ms;
    return this;
  }

  OracleQuery metrics(List<String> ms) {
    metrics.addAll(ms);
    return this;
  }

  OracleQuery llmOnly(boolean v) {
    llmOnly = v;
    return this;
  }

  OracleQuery isoTimes(boolean v) {
    isoTimes = v;
    return this;
  }

  OracleQuery orderBy(String column, boolean descending, int n) {
    orderBy = column;
    desc = descending;
    limit = n;
    return this;
  }

  /** Key columns (time, then group fields) before the metric columns. */
  int keyWidth() {
    return groupBy.size() + (stepMs > 0 ? 1 : 0);
  }

  // ---- JSON --------------------------------------------------------------------------------------

  String json() {
    ObjectNode q = ServerProcess.JSON.createObjectNode();
    if (isoTimes) {
      q.put("from", java.time.Instant.ofEpochMilli(fromMs).toString());
      q.put("to", java.time.Instant.ofEpochMilli(toMs).toString());
    } else {
      q.put("from", fromMs);
      q.put("to", toMs);
    }
    if (!filters.isEmpty()) {
      ArrayNode fs = q.putArray("filters");
      for (Filter f : filters) {
        ObjectNode o = fs.addObject().put("field", f.field()).put("op", f.op());
        o.set("value", ServerProcess.JSON.valueToTree(f.value()));
      }
    }
    if (!groupBy.isEmpty()) {
      ArrayNode g = q.putArray("groupBy");
      groupBy.forEach(g::add);
    }
    if (step != null) q.put("step", step);
    ArrayNode m = q.putArray("metrics");
    metrics.forEach(m::add);
    if (orderBy != null) q.putArray("orderBy").addObject().put("column", orderBy).put("desc", desc);
    // Without an explicit limit the engine keeps 1000 rows; the matrix wants every group.
    q.put("limit", limit != null ? limit : QueryOracleIT.ALL_ROWS);
    // llmOnly is true by default: say so only when it is false, so the default is exercised too.
    if (!llmOnly) q.put("llmOnly", false);
    return q.toString();
  }

  // ---- SQL ---------------------------------------------------------------------------------------

  /** Function and field of a metric such as {@code p95(duration_ms)}; {@code [name, null]} for counts. */
  static String[] parse(String metric) {
    Matcher m = CALL.matcher(metric);
    return m.matches() ? new String[] {m.group(1), m.group(2)} : new String[] {metric, null};
  }

  static double quantile(String fn) {
    return switch (fn) {
      case "p50" -> 0.50;
      case "p90" -> 0.90;
      case "p95" -> 0.95;
      case "p99" -> 0.99;
      case "p999" -> 0.999;
      default -> Double.NaN;
    };
  }

  static Check check(String metric) {
    String[] p = parse(metric);
    if (!Double.isNaN(quantile(p[0]))) return Check.PERCENTILE;
    return switch (p[0]) {
      case "error_rate", "avg" -> Check.RELATIVE;
      // A sum of fractional doubles depends on the order of addition; token counts sum exactly.
      case "sum" -> OracleTable.FRACTIONAL.contains(p[1]) ? Check.RELATIVE : Check.EXACT;
      default -> Check.EXACT;
    };
  }

  /**
   * The SQL: an inner aggregation (one column per metric, one sorted list per percentile field)
   * and an outer projection picking the order statistics. Result columns: keys k0.., then per
   * metric one column, or two (lo, hi) for a percentile.
   */
  String sql() {
    List<String> keys = new ArrayList<>();
    if (stepMs > 0) keys.add("(start_ns // 1000000) // " + stepMs + " * " + stepMs);
    for (String g : groupBy) keys.add(OracleTable.column(g).sql());

    List<String> inner = new ArrayList<>();
    List<String> outer = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      inner.add(keys.get(i) + " AS k" + i);
      outer.add("k" + i);
    }
    Map<String, String> lists = new LinkedHashMap<>(); // percentile field -> list column
    for (int i = 0; i < metrics.size(); i++) {
      String[] p = parse(metrics.get(i));
      String fn = p[0];
      double q = quantile(fn);
      if (!Double.isNaN(q)) {
        String col = OracleTable.column(p[1]).sql();
        String list = lists.computeIfAbsent(p[1], f -> "l" + lists.size());
        if (!inner.contains(sortedList(col) + " AS " + list)) inner.add(sortedList(col) + " AS " + list);
        String rank = q + " * (len(" + list + ") - 1)";
        outer.add("CASE WHEN len(" + list + ") > 0 THEN " + list + "[CAST(floor(" + rank + ") AS BIGINT) + 1] END AS m" + i + "_lo");
        outer.add("CASE WHEN len(" + list + ") > 0 THEN " + list + "[CAST(ceil(" + rank + ") AS BIGINT) + 1] END AS m" + i + "_hi");
        continue;
      }
      String expr = switch (fn) {
        case "count" -> "count(*)";
        case "error_count" -> "count(*) FILTER (WHERE status = 'error')";
        case "error_rate" -> "CASE WHEN count(*) = 0 THEN NULL ELSE (count(*) FILTER (WHERE status = 'error'))::DOUBLE / count(*) END";
        case "sum", "avg", "min", "max" -> fn + "(" + OracleTable.column(p[1]).sql() + ")";
        case "count_distinct" -> "count(DISTINCT " + OracleTable.column(p[1]).sql() + ")";
        default -> throw new IllegalArgumentException("metric " + metrics.get(i));
      };
      inner.add(expr + " AS m" + i);
      outer.add("m" + i);
    }

    StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", outer))
        .append(" FROM (SELECT ").append(String.join(", ", inner))
        .append(" FROM spans WHERE ").append(where());
    if (!keys.isEmpty()) {
      sql.append(" GROUP BY ");
      for (int i = 0; i < keys.size(); i++) sql.append(i > 0 ? ", " : "").append("k").append(i);
    }
    sql.append(")");
    if (limit != null) {
      // The engine: the requested order, then time and group values ascending; nulls last always.
      List<String> order = new ArrayList<>();
      if (orderBy != null) order.add(orderColumn() + (desc ? " DESC" : " ASC") + " NULLS LAST");
      for (int i = 0; i < keys.size(); i++) order.add("k" + i + " ASC NULLS LAST");
      if (!order.isEmpty()) sql.append(" ORDER BY ").append(String.join(", ", order));
      sql.append(" LIMIT ").append(limit);
    }
    return sql.toString();
  }

  /** The SQL column of the orderBy column: a key (time, group field) or a non-percentile metric. */
  private String orderColumn() {
    if (orderBy.equals("time") && stepMs > 0) return "k0";
    int g = groupBy.indexOf(orderBy);
    if (g >= 0) return "k" + (g + (stepMs > 0 ? 1 : 0));
    int m = metrics.indexOf(orderBy);
    // A sketch's percentile is approximate, so its order is not comparable with exact values.
    if (m < 0 || check(orderBy) == Check.PERCENTILE) throw new IllegalArgumentException("cannot order by " + orderBy);
    return "m" + m;
  }

  private static String sortedList(String col) {
    return "list_sort(list(" + col + ") FILTER (WHERE " + col + " IS NOT NULL))";
  }

  private String where() {
    List<String> w = new ArrayList<>();
    // from inclusive, to exclusive, on the span start time.
    w.add("start_ns >= " + fromMs + " * 1000000");
    w.add("start_ns < " + toMs + " * 1000000");
    if (llmOnly) w.add("llm");
    for (Filter f : filters) w.add(condition(f));
    return String.join(" AND ", w);
  }

  private static String condition(Filter f) {
    String col = OracleTable.column(f.field()).sql();
    boolean num = OracleTable.numeric(f.field());
    // Ids are hex, which users may write in any case: the engine lower-cases the filter values.
    if (f.field().endsWith("_id") && !f.field().contains(".") && !f.op().equals("exists")) {
      col = "upper(" + col + ")";
      f = new Filter(f.field(), f.op(), f.value() instanceof List<?> l
          ? l.stream().map(v -> v.toString().toUpperCase(java.util.Locale.ROOT)).toList()
          : f.value().toString().toUpperCase(java.util.Locale.ROOT));
    }
    return switch (f.op()) {
      case "exists" -> col + (Boolean.FALSE.equals(f.value()) ? " IS NULL" : " IS NOT NULL");
      case "=", "!=", ">", ">=", "<", "<=" -> col + " " + (f.op().equals("!=") ? "<>" : f.op()) + " " + literal(f.value(), num);
      case "in", "not_in" -> {
        List<?> values = (List<?>) f.value();
        // SQL has no empty IN list: nothing is in it, and every present value is not in it.
        if (values.isEmpty()) yield f.op().equals("in") ? "FALSE" : col + " IS NOT NULL";
        List<String> lits = new ArrayList<>();
        for (Object v : values) lits.add(literal(v, num));
        yield col + (f.op().equals("in") ? " IN (" : " NOT IN (") + String.join(", ", lits) + ")";
      }
      case "contains" -> "contains(" + col + ", " + literal(f.value(), false) + ")";
      default -> throw new IllegalArgumentException("op " + f.op());
    };
  }

  private static String literal(Object v, boolean numeric) {
    if (numeric) return "CAST('" + ((Number) v).doubleValue() + "' AS DOUBLE)";
    return "'" + String.valueOf(v).replace("'", "''") + "'";
  }
}
