package io.llmscope.bench;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * PostgreSQL with a spans table like Arize Phoenix's: typed columns, B-tree indexes on the trace id,
 * the start time and the parent id (Phoenix indexes those), loaded with COPY.
 */
final class PostgresPeer extends JdbcPeer {
  PostgresPeer(String jdbcUrl, int statementTimeoutSeconds) throws Exception {
    super(DriverManager.getConnection(jdbcUrl));
    try (Statement st = connection.createStatement()) {
      st.execute("SET statement_timeout = '" + statementTimeoutSeconds + "s'");
    }
  }

  @Override
  public SqlDialect dialect() {
    return SqlDialect.POSTGRES;
  }

  /** COPY of the CSV, then the indexes and ANALYZE: all of it timed, as a user waits for all of it. */
  Load load(Path csv, long rows) throws Exception {
    try (Statement st = connection.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + SpansTable.NAME);
      st.execute(SpansTable.createSql(SqlDialect.POSTGRES));
      long t0 = System.nanoTime();
      long copied;
      try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
        copied = connection.unwrap(PGConnection.class).getCopyAPI()
            .copyIn("COPY " + SpansTable.NAME + " FROM STDIN WITH (FORMAT csv, NULL '\\N')", in);
      }
      if (copied != rows) throw new IllegalStateException("PostgreSQL copied " + copied + " rows of " + rows);
      st.execute("CREATE INDEX spans_trace ON " + SpansTable.NAME + " (trace_hi, trace_lo)");
      st.execute("CREATE INDEX spans_start ON " + SpansTable.NAME + " (start_ns)");
      st.execute("CREATE INDEX spans_parent ON " + SpansTable.NAME + " (parent_span_id)");
      st.execute("VACUUM ANALYZE " + SpansTable.NAME);
      return new Load(rows, (System.nanoTime() - t0) / 1e9, "COPY (CSV) + 3 B-tree indexes + VACUUM ANALYZE");
    }
  }

  @Override
  public long bytesOnDisk() throws Exception {
    return ((Number) select("SELECT pg_total_relation_size('" + SpansTable.NAME + "')").rows().get(0).get(0)).longValue();
  }
}
