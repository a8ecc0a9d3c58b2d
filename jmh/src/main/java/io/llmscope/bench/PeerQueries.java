package io.llmscope.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * BENCHMARKS.md Q1–Q8 on LLMScope and on DuckDB over the same rows, same run. Two steps, because
 * the store can be opened in-process only while no server holds it:
 * <ol>
 *   <li>{@code export}: server stopped; copies every stored row of the data dir into DuckDB.
 *   <li>{@code run}: server running again on that dir; times each query on both and prints the table.
 * </ol>
 * {@code jmh/scripts/peer-queries.sh} does the whole sequence (load, seal, export, restart, run).
 * Needs the JVM flags of the server jar's manifest (Chronicle, Arrow) since it runs with {@code -cp}.
 */
@Command(name = "peer-queries", mixinStandardHelpOptions = true,
    subcommands = {PeerQueries.Export.class, PeerQueries.Run.class},
    description = "BENCHMARKS.md Q1-Q8 on LLMScope and DuckDB over the same rows.")
public final class PeerQueries implements Runnable {
  static {
    // Before any Chronicle class loads (the export opens the WAL): no analytics, no banner.
    System.setProperty("chronicle.analytics.disable", "true");
    System.setProperty("chronicle.announcer.disable", "true");
    System.setProperty("chronicle.disk.monitor.disable", "true");
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new PeerQueries()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }

  @Command(name = "export", description = "Copy every row of a stopped server's data dir into a new DuckDB file.")
  static final class Export implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, description = "LLMScope data dir (no server may be running on it)")
    Path dataDir;

    @Option(names = "--duckdb", required = true, description = "DuckDB database file to create (replaced if present)")
    Path duckdb;

    @Override
    public Integer call() throws Exception {
      DuckDbExport.Result r = DuckDbExport.run(dataDir, duckdb);
      System.out.printf("exported %,d rows into %s in %.1f s (%,.0f rows/s; read %.1f s, append %.1f s, "
          + "commit+checkpoint %.1f s), DuckDB %.1f bytes/row%n", r.rows(), duckdb, r.seconds(), r.rows() / r.seconds(),
          r.readSeconds(), r.appendSeconds(), r.commitSeconds(), (double) r.dbBytes() / Math.max(1, r.rows()));
      return 0;
    }
  }

  @Command(name = "run", description = "Time Q1-Q8 on a running LLMScope server and on the exported DuckDB file.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--duckdb", required = true, description = "DuckDB file written by export")
    Path duckdb;

    @Option(names = "--url", required = true, description = "LLMScope HTTP API, e.g. http://127.0.0.1:8080")
    URI url;

    @Option(names = "--tenant", defaultValue = "default", description = "tenant the server answers for (default: ${DEFAULT-VALUE})")
    String tenant;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed runs per query (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--runs", defaultValue = "5", description = "timed runs per query; the median is reported (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--seed", defaultValue = "42", description = "seed of Q6's trace id sample (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--traces", defaultValue = "100", description = "trace ids looked up in Q6 (default: ${DEFAULT-VALUE})")
    int traces;

    @Override
    public Integer call() throws Exception {
      ObjectMapper json = new ObjectMapper();
      LlmScopeHttp scope = new LlmScopeHttp(json, url);
      try (Connection duck = DuckDb.open(duckdb)) {
        Dataset data = Dataset.load(duck, tenant, traces, seed);
        boolean sameRows = printDataset(scope, duck, data);
        List<PeerRun.Line> lines = new PeerRun(json, scope, duck, data, warmup, runs).run(System.err);
        System.out.println();
        Report.print(System.out, lines);
        printNotes(data);
        boolean agree = sameRows && lines.stream().noneMatch(l -> l.check().startsWith("DIFF"));
        System.out.println(agree ? "all answers agree" : "ANSWERS DISAGREE: see above");
        return agree ? 0 : 1;
      }
    }

    /** The "same rows" check: both systems must hold the same number of spans for the tenant. */
    private boolean printDataset(LlmScopeHttp scope, Connection duck, Dataset d) throws Exception {
      var status = scope.status().ok().body();
      long spans = status.path("spans").asLong();
      String threads;
      try (Statement st = duck.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting('threads')")) {
        rs.next();
        threads = rs.getString(1);
      }
      System.out.printf("dataset: tenant %s, %,d spans (%,d LLM), window %s .. %s (%.1f h)%n", d.tenant(), d.rows(),
          d.llmRows(), java.time.Instant.ofEpochMilli(d.fromMs()), java.time.Instant.ofEpochMilli(d.toMs()),
          (d.toMs() - d.fromMs()) / 3.6e6);
      System.out.printf("LLMScope status: %,d spans, %,d head rows, %d segments, %.1f bytes/span in segments%n", spans,
          status.path("headRows").asLong(), status.path("segments").asInt(),
          status.path("segmentBytes").asDouble() / Math.max(1, spans));
      System.out.printf("DuckDB: %s threads, memory_limit %s; Q7 = %s; Q8 user = %s; %d warm-up + %d timed runs each%n",
          threads, DuckDb.MEMORY_LIMIT, d.q7(), d.q8User(), warmup, runs);
      boolean same = spans == d.rows();
      if (!same) System.out.printf("ROW COUNTS DIFFER: LLMScope %,d vs DuckDB %,d: not the same rows%n", spans, d.rows());
      return same;
    }

    private static void printNotes(Dataset d) {
      System.out.println();
      System.out.println("notes: LLMScope ms = HTTP round trip incl. JSON parse (server's own tookMs in brackets); "
          + "DuckDB ms = execute + read every row over JDBC, in-process.");
      System.out.println("  Quantiles: DuckDB exact quantile_cont; LLMScope checked within 1% of the exact values at its rank.");
      System.out.printf("  cost_usd has a value on %,d rows%s%n", d.costRows(),
          d.costRows() == 0 ? ": Q2/Q3/Q7 cost sums are null on both sides (pricing not in yet), the column is still scanned" : "");
      System.out.println("  Q6: LLMScope returns each span with its detail (attributes, resource, events); DuckDB holds canonical columns only.");
    }
  }
}
