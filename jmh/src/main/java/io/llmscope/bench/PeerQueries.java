package io.llmscope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * BENCHMARKS.md Q1–Q8 on LLMScope and its peers (DuckDB, and ClickHouse and PostgreSQL when given)
 * over the same rows, same run. Two steps, because the store can be opened in-process only while no
 * server holds it:
 * <ol>
 *   <li>{@code export}: server stopped; copies every stored row of the data dir into DuckDB.
 *   <li>{@code run}: server running again on that dir; loads the other peers from DuckDB's copy,
 *       times each query on every engine and prints the table.
 * </ol>
 * {@code jmh/scripts/bench.sh} does the whole sequence (peers, load, seal, export, restart, run).
 * Needs the JVM flags of the server jar's manifest (Chronicle, Arrow) since it runs with {@code -cp}.
 */
@Command(name = "peer-queries", mixinStandardHelpOptions = true,
    subcommands = {PeerQueries.Export.class, PeerQueries.Run.class},
    description = "BENCHMARKS.md Q1-Q8 on LLMScope and its peers over the same rows.")
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
      // DuckDB's own load time (appender + commit, not the read of LLMScope's store) for the table.
      Files.writeString(loadFile(duckdb), r.rows() + " " + (r.appendSeconds() + r.commitSeconds()));
      return 0;
    }
  }

  static Path loadFile(Path duckdb) {
    return duckdb.resolveSibling(duckdb.getFileName() + ".load");
  }

  @Command(name = "run", description = "Load the peers from the exported rows, then time Q1-Q8 on LLMScope and on each.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--duckdb", required = true, description = "DuckDB file written by export")
    Path duckdb;

    @Option(names = "--url", required = true, description = "LLMScope HTTP API, e.g. http://127.0.0.1:8080")
    URI url;

    @Option(names = "--clickhouse", description = "ClickHouse HTTP interface, e.g. http://127.0.0.1:8123 (omit to skip)")
    URI clickhouse;

    @Option(names = "--postgres", description = "PostgreSQL JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres (omit to skip)")
    String postgres;

    @Option(names = "--ingest", description = "LLMScope's ingest, spans/s, as loadgen measured it (for the table)")
    double ingest = Double.NaN;

    @Option(names = "--timeout", defaultValue = "300", description = "a peer's query timeout, s (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

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
      List<Peer> peers = new ArrayList<>();
      try (DuckDbPeer duck = new DuckDbPeer(duckdb)) {
        peers.add(duck);
        Dataset data = Dataset.load(duck.connection(), tenant, traces, seed);
        JsonNode status = scope.status().ok().body();
        long spans = status.path("spans").asLong();
        System.out.printf("machine: %s%n", Machine.describe());
        System.out.printf("dataset: tenant %s, %,d spans (%,d LLM), window %s .. %s (%.1f h); Q7 = %s; Q8 user = %s; "
            + "%d warm-up + %d timed runs each%n", data.tenant(), data.rows(), data.llmRows(),
            java.time.Instant.ofEpochMilli(data.fromMs()), java.time.Instant.ofEpochMilli(data.toMs()),
            (data.toMs() - data.fromMs()) / 3.6e6, data.q7(), data.q8User(), warmup, runs);
        if (spans != data.rows()) {
          System.out.printf("ROW COUNTS DIFFER: LLMScope %,d vs DuckDB %,d: not the same rows%n", spans, data.rows());
          return 1;
        }
        List<Report.Engine> engines = new ArrayList<>();
        engines.add(new Report.Engine("LLMScope", "llmscope " + status.path("version").asText("0.1.0"), ingest,
            "OTLP/HTTP protobuf, loadgen, durable before ack", status.path("segmentBytes").asDouble() / spans));
        String[] duckLoad = Files.readString(loadFile(duckdb)).trim().split(" ");
        engines.add(new Report.Engine(duck.label(), duck.version(), Long.parseLong(duckLoad[0]) / Double.parseDouble(duckLoad[1]),
            "appender, one transaction", (double) duck.bytesOnDisk() / spans));
        if (clickhouse != null) {
          ClickHousePeer ch = new ClickHousePeer(json, clickhouse, timeoutSeconds);
          engines.add(load(ch, duck, SpansTable.clickHouseCsvSelect(), data.rows(), (csv, rows) -> ch.load(csv, rows)));
          peers.add(ch);
        }
        if (postgres != null) {
          PostgresPeer pg = new PostgresPeer(postgres, timeoutSeconds);
          peers.add(pg);
          engines.add(load(pg, duck, "SELECT * FROM " + SpansTable.NAME, data.rows(), (csv, rows) -> pg.load(csv, rows)));
        }
        List<PeerRun.Line> lines = new PeerRun(json, scope, peers, data, warmup, runs).run(System.err);
        System.out.println();
        Report.print(System.out, engines, lines);
        boolean agree = lines.stream().allMatch(PeerRun.Line::agrees);
        System.out.println(agree ? "all answers agree" : "ANSWERS DISAGREE: see above");
        return agree ? 0 : 1;
      } finally {
        for (Peer p : peers.subList(Math.min(1, peers.size()), peers.size())) p.close();
      }
    }

    private interface Loader {
      Peer.Load load(Path csv, long rows) throws Exception;
    }

    /** Writes the peer's CSV from DuckDB (untimed), loads it (timed), then deletes it. */
    private Report.Engine load(Peer peer, DuckDbPeer duck, String select, long rows, Loader loader) throws Exception {
      Path csv = duckdb.resolveSibling(peer.dialect().name().toLowerCase() + ".csv");
      System.err.println("loading " + peer.label() + " ...");
      duck.writeCsv(select, csv);
      try {
        Peer.Load l = loader.load(csv, rows);
        return new Report.Engine(peer.label(), peer.version(), l.rowsPerSecond(), l.how(), (double) peer.bytesOnDisk() / rows);
      } finally {
        Files.deleteIfExists(csv);
      }
    }
  }
}
