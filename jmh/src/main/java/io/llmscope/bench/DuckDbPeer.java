package io.llmscope.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

/** The DuckDB file {@link DuckDbExport} wrote: the reference copy of the rows, and a peer. */
final class DuckDbPeer extends JdbcPeer {
  private final Path file;

  DuckDbPeer(Path file) throws Exception {
    super(DuckDb.open(file));
    this.file = file;
  }

  Connection connection() {
    return connection;
  }

  @Override
  public SqlDialect dialect() {
    return SqlDialect.DUCKDB;
  }

  @Override
  public long bytesOnDisk() throws Exception {
    return Files.size(file);
  }

  /** Writes the rows as CSV for a peer's bulk load, absent values as {@code \N}; untimed. */
  void writeCsv(String select, Path csv) throws Exception {
    Files.deleteIfExists(csv);
    try (var st = connection.createStatement()) {
      st.execute("COPY (" + select + ") TO " + SpansTable.literal(csv.toAbsolutePath().toString())
          + " (FORMAT CSV, HEADER false, NULLSTR '\\N')");
    }
  }
}
