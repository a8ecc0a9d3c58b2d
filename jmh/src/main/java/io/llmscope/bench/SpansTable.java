package io.llmscope.bench;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers' table: one row per stored span, the canonical fields of API.md under their API names,
 * so the SQL reads like the JSON query, plus the span's {@value #SCORE_NAME} score (Q5) as a column.
 * Ids are BIGINTs (a trace id is two), not hex text: compact and cheap to compare, which favours
 * the peers. The same column names in every engine; the types and layout are each engine's own.
 */
final class SpansTable {
  static final String NAME = "spans";
  /** The score of Q5, kept per span (the benchmark dataset gives a span at most one). */
  static final String SCORE_NAME = "helpfulness";
  static final String SCORE_COLUMN = "score_" + SCORE_NAME;

  private SpansTable() {}

  /** Column names in table order; dims and measures are quoted in SQL ("user" is a keyword). */
  static List<String> columns() {
    List<String> cols = new ArrayList<>(List.of("tenant", "trace_hi", "trace_lo", "span_id", "parent_span_id",
        "start_ns", "end_ns"));
    for (Dim d : Dim.values()) cols.add(d.fieldName());
    for (Measure m : Measure.values()) cols.add(m.fieldName());
    cols.add("llm");
    cols.add(SCORE_COLUMN);
    return cols;
  }

  static String createSql(SqlDialect dialect) {
    return switch (dialect) {
      case DUCKDB -> create("VARCHAR", "BIGINT", "BIGINT", "VARCHAR", "DOUBLE", "BOOLEAN", "");
      case POSTGRES -> create("text", "bigint", "bigint", "text", "double precision", "boolean", "");
      // Like Langfuse's wide MergeTree tables: non-null strings ('' for absent), sorted by service,
      // model and start time, so a service/model filter and a time range each read a slice.
      case CLICKHOUSE -> create("String", "Int64", "Nullable(Int64)", "String", "Nullable(Float64)", "UInt8",
          " ENGINE = MergeTree() ORDER BY (service, model, start_ns)");
    };
  }

  private static String create(String text, String int64, String nullableInt64, String dim, String measure,
      String bool, String tail) {
    StringBuilder sb = new StringBuilder("CREATE TABLE ").append(NAME).append(" (tenant ").append(text)
        .append(", trace_hi ").append(int64).append(", trace_lo ").append(int64).append(", span_id ").append(int64)
        .append(", parent_span_id ").append(nullableInt64).append(", start_ns ").append(int64)
        .append(", end_ns ").append(int64);
    for (Dim d : Dim.values()) sb.append(", ").append(quote(d.fieldName())).append(' ').append(dim);
    for (Measure m : Measure.values()) sb.append(", ").append(quote(m.fieldName())).append(' ').append(measure);
    return sb.append(", llm ").append(bool).append(", ").append(SCORE_COLUMN).append(' ').append(measure).append(')')
        .append(tail).toString();
  }

  /**
   * DuckDB's SELECT that writes the rows as ClickHouse's CSV input: absent dims as '', the flag as
   * 0/1 (18.16 reads neither NULL into a String nor {@code true} into a UInt8).
   */
  static String clickHouseCsvSelect() {
    List<String> replace = new ArrayList<>();
    for (Dim d : Dim.values()) replace.add("coalesce(" + quote(d.fieldName()) + ", '') AS " + quote(d.fieldName()));
    replace.add("llm::INTEGER AS llm");
    return "SELECT * REPLACE (" + String.join(", ", replace) + ") FROM " + NAME;
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
