package io.llmscope.bench;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;
import java.util.ArrayList;
import java.util.List;

/**
 * The DuckDB table both the export and the queries use: one row per stored span, the canonical
 * fields of API.md under their API names, so the SQL reads like the JSON query. Ids are BIGINTs
 * (a trace id is two), not hex text: compact and cheap to compare, which favours the peer.
 */
final class SpansTable {
  static final String NAME = "spans";

  private SpansTable() {}

  /** Column names in table order; dims and measures are quoted in SQL ("user" is a keyword). */
  static List<String> columns() {
    List<String> cols = new ArrayList<>(List.of("tenant", "trace_hi", "trace_lo", "span_id", "parent_span_id",
        "start_ns", "end_ns"));
    for (Dim d : Dim.values()) cols.add(d.fieldName());
    for (Measure m : Measure.values()) cols.add(m.fieldName());
    cols.add("llm");
    return cols;
  }

  static String createSql() {
    StringBuilder sb = new StringBuilder("CREATE TABLE ").append(NAME).append(" (tenant VARCHAR, trace_hi BIGINT, "
        + "trace_lo BIGINT, span_id BIGINT, parent_span_id BIGINT, start_ns BIGINT, end_ns BIGINT");
    for (Dim d : Dim.values()) sb.append(", ").append(quote(d.fieldName())).append(" VARCHAR");
    for (Measure m : Measure.values()) sb.append(", ").append(quote(m.fieldName())).append(" DOUBLE");
    return sb.append(", llm BOOLEAN)").toString();
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
