package io.llmscope.bench;

import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.StoreSnapshot;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanFlags;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import io.llmscope.storage.scan.ScoreView;
import io.llmscope.storage.model.Score;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Copies every stored row of an LLMScope data dir (all tenants, segments and any unsealed head)
 * into a new DuckDB table with its appender, so both systems answer from the same canonical rows.
 * The server must not be running on the dir: this opens the store in-process.
 */
final class DuckDbExport {
  /** Maintenance (sealing, compaction, retention) must not rewrite the dir while we read it. */
  private static final long NO_MAINTENANCE_MS = 7L * 86_400_000L;

  /** Phase times in seconds: reading the store (decoding columns), appending, committing and checkpointing. */
  record Result(long rows, double seconds, double readSeconds, double appendSeconds, double commitSeconds, long dbBytes) {}

  private DuckDbExport() {}

  static Result run(Path dataDir, Path dbFile) throws Exception {
    if (!Files.isDirectory(dataDir.resolve("segments"))) {
      throw new IllegalArgumentException(dataDir + " is not an LLMScope data dir (no segments/)");
    }
    Files.deleteIfExists(dbFile);
    long t0 = System.nanoTime();
    long rows = 0;
    long[] phaseNs = new long[2];
    StorageConfig config = StorageConfig.builder(dataDir).maintenanceIntervalMs(NO_MAINTENANCE_MS).build();
    try (Storage store = Storage.open(config); Connection c = DuckDb.open(dbFile); Statement st = c.createStatement()) {
      st.execute(SpansTable.createSql(SqlDialect.DUCKDB));
      // The appender flushes every 2048-row chunk, under autocommit each as its own commit. One
      // transaction for the whole copy lets DuckDB write full row groups (the file came out 13%
      // smaller). Explicit, because JDBC's setAutoCommit(false) begins one only at the next statement.
      st.execute("BEGIN TRANSACTION");
      try (DuckDBAppender app = c.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA,
          SpansTable.NAME)) {
        for (String tenant : store.tenants()) {
          try (StoreSnapshot snap = store.snapshot(tenant)) {
            // get(i) decodes one segment at a time; dropping it lets its columns go.
            ScoreView scores = store.scores(tenant);
            for (ColumnBatch b : snap.batches()) rows += append(app, tenant, b, scores, phaseNs);
          }
        }
      }
      long commit = System.nanoTime();
      st.execute("COMMIT");
      st.execute("CHECKPOINT");
      commit = System.nanoTime() - commit;
      return new Result(rows, (System.nanoTime() - t0) / 1e9, phaseNs[0] / 1e9, phaseNs[1] / 1e9, commit / 1e9,
          Files.size(dbFile));
    }
  }

  /** Column arrays, not {@code span(row)}: no per-row objects, dictionary values decoded once. */
  private static int append(DuckDBAppender app, String tenant, ColumnBatch b, ScoreView scores, long[] phaseNs)
      throws SQLException {
    long t0 = System.nanoTime();
    int n = b.size();
    long[] hi = b.traceIdHi();
    long[] lo = b.traceIdLo();
    long[] span = b.spanIds();
    long[] parent = b.parentSpanIds();
    long[] start = b.startNanos();
    long[] end = b.endNanos();
    byte[] flags = b.flags();
    Dim[] dims = Dim.values();
    int[][] dimIds = new int[dims.length][];
    String[][] dimValues = new String[dims.length][];
    for (Dim d : dims) {
      dimIds[d.ordinal()] = b.dimIds(d);
      Dictionary dict = b.dictionary(d);
      String[] values = new String[dict.size()];
      for (int id = 0; id < values.length; id++) values[id] = dict.value(id);
      dimValues[d.ordinal()] = values;
    }
    Measure[] measures = Measure.values();
    double[][] measureCols = new double[measures.length][];
    for (Measure m : measures) measureCols[m.ordinal()] = b.measure(m);
    double[] score = scoreColumn(b, scores);
    long t1 = System.nanoTime();

    for (int r = 0; r < n; r++) {
      app.beginRow();
      app.append(tenant).append(hi[r]).append(lo[r]).append(span[r]);
      if (parent[r] == 0) app.appendNull(); else app.append(parent[r]); // 0 = root, as the API's null
      app.append(start[r]).append(end[r]);
      for (int d = 0; d < dims.length; d++) {
        String v = dimValues[d][dimIds[d][r]];
        if (v == null) app.appendNull(); else app.append(v);
      }
      for (double[] col : measureCols) {
        double v = col[r];
        if (Double.isNaN(v)) app.appendNull(); else app.append(v);
      }
      app.append((flags[r] & SpanFlags.LLM) != 0);
      if (Double.isNaN(score[r])) app.appendNull(); else app.append(score[r]);
      app.endRow();
    }
    phaseNs[0] += t1 - t0;
    phaseNs[1] += System.nanoTime() - t1;
    return n;
  }

  /**
   * Each row's {@value SpansTable#SCORE_NAME} score as LLMScope links it (to the span it names, or
   * to the trace's root when it names none), NaN when it has none. A span with several fails the
   * export: the dataset gives each span one at most.
   */
  private static double[] scoreColumn(ColumnBatch b, ScoreView scores) {
    int n = b.size();
    double[] out = new double[n];
    java.util.Arrays.fill(out, Double.NaN);
    if (!scores.hasName(SpansTable.SCORE_NAME)) return out;
    long[] hi = b.traceIdHi();
    long[] lo = b.traceIdLo();
    long[] span = b.spanIds();
    long[] parent = b.parentSpanIds();
    for (int r = 0; r < n; r++) {
      if (!scores.mayHaveTrace(hi[r], lo[r])) continue;
      for (Score s : scores.ofTrace(hi[r], lo[r])) {
        if (!s.name().equals(SpansTable.SCORE_NAME) || !s.linksTo(span[r], parent[r]) || Double.isNaN(s.value())) continue;
        if (!Double.isNaN(out[r])) throw new IllegalStateException("a span with several " + SpansTable.SCORE_NAME
            + " scores: one column cannot hold them; Q5 would not compare");
        out[r] = s.value();
      }
    }
    return out;
  }
}
