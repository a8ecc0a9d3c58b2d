package io.llmscope.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Opens the file-backed DuckDB database with the harness's settings. */
final class DuckDb {
  /**
   * Others share the 2-core machine: cap DuckDB's memory (default 80% of RAM). 4 GB still holds
   * every column of 10M spans, so no query spills. Threads stay at DuckDB's default (all cores).
   */
  static final String MEMORY_LIMIT = "4GB";

  private DuckDb() {}

  static Connection open(Path file) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
    try (Statement st = c.createStatement()) {
      st.execute("SET memory_limit = '" + MEMORY_LIMIT + "'");
    }
    return c;
  }
}
