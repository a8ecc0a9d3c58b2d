package io.llmscope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A query answer as a plain table, whichever system gave it: whole numbers as {@code Long} (64-bit
 * ids must not pass through a double), other numbers as {@code Double}, text as {@code String},
 * absent values as null. Reading an answer into one is part of each timed run,
 * so both sides pay for materializing their result.
 */
record Answer(List<String> columns, List<List<Object>> rows) {

  /** The {@code columns} and {@code rows} of a {@code POST /api/v1/query} response. */
  static Answer fromJson(JsonNode body) {
    List<String> columns = new ArrayList<>();
    body.path("columns").forEach(c -> columns.add(c.asText()));
    return new Answer(columns, jsonRows(body.path("rows")));
  }

  /** Rows as arrays of JSON values (LLMScope's answers, ClickHouse's JSONCompact {@code data}). */
  static List<List<Object>> jsonRows(JsonNode array) {
    List<List<Object>> rows = new ArrayList<>();
    for (JsonNode r : array) {
      List<Object> row = new ArrayList<>(r.size());
      for (JsonNode v : r) {
        row.add(v.isNull() ? null : v.isIntegralNumber() ? (Object) v.asLong() : v.isNumber() ? (Object) v.asDouble() : v.asText());
      }
      rows.add(row);
    }
    return rows;
  }

  static Answer fromResultSet(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<String> columns = new ArrayList<>(n);
    for (int c = 1; c <= n; c++) columns.add(md.getColumnLabel(c));
    List<List<Object>> rows = new ArrayList<>();
    while (rs.next()) {
      List<Object> row = new ArrayList<>(n);
      for (int c = 1; c <= n; c++) {
        Object v = rs.getObject(c);
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
          row.add(((Number) v).longValue());
        } else {
          row.add(v == null ? null : v instanceof Number num ? (Object) num.doubleValue() : v.toString());
        }
      }
      rows.add(row);
    }
    return new Answer(columns, rows);
  }

  /** The first {@code keyCount} values of a row: its group, numbers as doubles so 60000 and 60000.0 match. */
  static List<Object> key(List<Object> row, int keyCount) {
    return row.subList(0, keyCount).stream().map(v -> v == null ? "<null>" : v instanceof Number n ? n.doubleValue() : v).toList();
  }
}
