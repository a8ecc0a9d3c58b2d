package io.llmscope.bench;

import java.util.List;

/**
 * What differs between the peers' SQL for the same question. The tables hold the same rows under
 * the same column names ({@link SpansTable}); ClickHouse stores text dims as non-null
 * {@code String} with '' for absent (as Langfuse's tables do: 18.16 allows no Nullable in the
 * sorting key), so it reads them back through {@code nullIf}.
 */
enum SqlDialect {
  DUCKDB("DuckDB") {
    @Override String bucket(long stepMs) {
      return "(start_ns // " + stepMs * 1_000_000L + ") * " + stepMs;
    }
    @Override String errorRate() {
      return "count_if(status = 'error') / count(*)";
    }
    @Override String quantile(String column, double q) {
      return "quantile_cont(" + column + ", " + q + ")";
    }
    @Override String groupBy(List<String> aliases) {
      return "ALL";
    }
  },
  CLICKHOUSE("ClickHouse") {
    @Override String bucket(long stepMs) {
      return "intDiv(start_ns, " + stepMs * 1_000_000L + ") * " + stepMs;
    }
    @Override String errorRate() {
      return "countIf(status = 'error') / count()";
    }
    @Override String quantile(String column, double q) {
      return "quantileExact(" + q + ")(" + column + ")";
    }
    @Override String dim(String column) {
      return "nullIf(" + column + ", '')";
    }
    @Override String llm() {
      return "llm = 1";
    }
  },
  POSTGRES("PostgreSQL") {
    @Override String bucket(long stepMs) {
      return "(start_ns / " + stepMs * 1_000_000L + ") * " + stepMs;
    }
    @Override String errorRate() {
      return "(count(*) FILTER (WHERE status = 'error'))::float8 / count(*)";
    }
    @Override String quantile(String column, double q) {
      return "percentile_cont(" + q + ") WITHIN GROUP (ORDER BY " + column + ")";
    }
  };

  final String label;

  SqlDialect(String label) {
    this.label = label;
  }

  /** The API's bucket of {@code start_ns}: whole multiples of the step since the epoch, as epoch ms. */
  abstract String bucket(long stepMs);

  abstract String errorRate();

  /** The exact (or, in DuckDB and PostgreSQL, interpolated) quantile. */
  abstract String quantile(String column, double q);

  /** A text dim as a value to group by or return, null when absent. */
  String dim(String column) {
    return column;
  }

  /** The predicate that keeps model-call spans. */
  String llm() {
    return "llm";
  }

  /** The GROUP BY list for select columns named by {@code aliases} (group keys first). */
  String groupBy(List<String> aliases) {
    return String.join(", ", aliases);
  }
}
