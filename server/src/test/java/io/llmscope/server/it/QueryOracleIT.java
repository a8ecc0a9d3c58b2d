package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmscope.server.loadgen.TrafficGenerator;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance test of the query engine against an oracle: the same generated dataset (≥ 200k spans)
 * goes into LLMScope over OTLP/HTTP and into DuckDB (canonical columns derived independently by
 * {@link OracleTable}); a matrix of queries — every metric × filters with every op × groupBy
 * (dimensions, attr.KEY, resource.KEY) × step × llmOnly × sub-windows, plus empty results and
 * orderBy/limit — must agree: counts, error counts, distinct counts, integer sums, min and max
 * exactly; error rates, averages and fractional sums within 1e-9 relative; percentiles within 1% of
 * an order statistic at rank floor or ceil of q(n-1). The matrix runs three times: on a server
 * holding every span in its in-memory head, on a second server that sealed and compacted the same
 * spans into several segments while they arrived, and on the first server again after a restart
 * that sealed its head.
 */
class QueryOracleIT {
  /** A limit above any group count here, so that no query is cut short. */
  static final int ALL_ROWS = 100_000;

  static final long HOUR = 3_600_000L;
  // A fixed past window of six hours across midnight UTC (segments and buckets meet a day boundary).
  static final long T0 = Instant.parse("2026-03-09T21:00:00Z").toEpochMilli();
  static final long T1 = T0 + 6 * HOUR;
  /** LLM spans; root and tool spans come on top (about 1.87 spans per LLM span). */
  static final long LLM_SPANS = 112_000;
  static final long SEED = 20260309;

  static final List<String> MEASURES = List.of("duration_ms", "input_tokens", "output_tokens", "cache_read_tokens",
      "reasoning_tokens", "temperature", "total_tokens", "max_tokens");
  static final List<String> PERCENTILES = List.of("p50", "p90", "p95", "p99", "p999");

  @TempDir Path dir;

  @Test
  void queryAnswersMatchDuckDbInTheHeadInSegmentsAndAfterRestart() throws Exception {
    // Retention is set far out: the data is in the past and must survive sealing.
    // Server A never seals while the test loads it (a million rows, one hour of age): its first
    // answers come from the in-memory head. Server B, loaded with the same batches, seals while
    // they arrive (from 20k rows on) and merges segments under 60k rows of the same UTC day into
    // segments of at most ~60k (or two), so it answers from several segments (how many, and
    // whether some are merged, depends on how fast sealing keeps up; never fewer than two).
    // Then A restarts on its data dir with a config that seals everything and answers again.
    Path headConfig = config("head.yaml", "sealRows: 1000000\n  sealAgeMs: 3600000");
    Path segmentsConfig = config("segments.yaml", "sealRows: 20000\n  sealAgeMs: 1000\n  compactBelowRows: 60000\n  compactMaxRows: 60000");
    Path sealConfig = config("seal.yaml", "sealRows: 50000\n  sealAgeMs: 500");
    Path dataA = dir.resolve("a");

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (OracleTable oracle = new OracleTable()) {
      long total;
      List<OracleQuery> matrix = matrix();
      List<Expected> expected;
      List<String> mismatches = new ArrayList<>();
      try (ServerProcess a = ServerProcess.start(dataA, "--config", headConfig.toString());
           ServerProcess b = ServerProcess.start(dir.resolve("b"), "--config", segmentsConfig.toString())) {
        long t0 = System.nanoTime();
        total = load(List.of(a, b), oracle);
        System.out.printf("QueryOracleIT: loaded %d spans in %d ms%n", total, (System.nanoTime() - t0) / 1_000_000);
        assertTrue(total >= 200_000, "dataset too small: " + total);
        t0 = System.nanoTime();
        expected = expectations(oracle, matrix);
        System.out.printf("QueryOracleIT: DuckDB answered %d queries in %d ms%n", matrix.size(), (System.nanoTime() - t0) / 1_000_000);
        for (int i = 0; i < matrix.size(); i++) assertEmptyRowShape(matrix.get(i), expected.get(i).rows());

        JsonNode st = a.get("/api/v1/status");
        assertEquals(total, st.get("spans").asLong(), st.toString());
        assertEquals(total, st.get("headRows").asLong(), "A's first pass must query the head: " + st);
        run(a, matrix, expected, "head", mismatches, pool);
        assertEquals(0, a.terminate(), "exit code after SIGTERM");

        st = awaitSealedAndSettled(b);
        assertEquals(total, st.get("spans").asLong(), st.toString());
        assertTrue(st.get("segments").asInt() >= 2, "several segments: " + st);
        try (var names = Files.list(dir.resolve("b").resolve("segments"))) {
          System.out.println("QueryOracleIT: B " + st + ", segment dirs " + names.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(run(b, matrix, expected, "segments", mismatches, pool) > 0, "dashboard panels answered from rollups");
      }
      try (ServerProcess a = ServerProcess.start(dataA, "--config", sealConfig.toString())) {
        JsonNode st = awaitSealedAndSettled(a);
        assertEquals(total, st.get("spans").asLong(), st.toString());
        System.out.println("QueryOracleIT: A after restart " + st);
        assertTrue(run(a, matrix, expected, "restarted and sealed", mismatches, pool) > 0, "dashboard panels answered from rollups");
      }
      if (!mismatches.isEmpty()) {
        fail(mismatches.size() + " disagreement(s) between LLMScope and DuckDB; first ones:\n\n"
            + String.join("\n\n", mismatches.subList(0, Math.min(25, mismatches.size()))));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A config file with a far-out retention (the data lies in the past) and these storage settings. */
  private Path config(String name, String storage) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "retention: 36500d\nstorage:\n  " + storage + "\n");
    return p;
  }

  // ---- loading -----------------------------------------------------------------------------------

  /**
   * Sends the generated dataset to every server and to DuckDB; returns the span count. Two requests
   * per server are in flight while this thread generates and fills DuckDB, so that nobody waits.
   */
  static long load(List<ServerProcess> servers, OracleTable oracle) throws Exception {
    TrafficGenerator gen = new TrafficGenerator(SEED, T0, T1, LLM_SPANS);
    long sent = 0;
    ExecutorService senders = Executors.newFixedThreadPool(2 * servers.size());
    try {
      Deque<Future<?>> inFlight = new ArrayDeque<>();
      while (gen.hasNext()) {
        ExportTraceServiceRequest req = gen.nextBatch(2048);
        byte[] body = req.toByteArray();
        for (ServerProcess s : servers) {
          if (inFlight.size() >= 2 * servers.size()) inFlight.removeFirst().get();
          inFlight.addLast(senders.submit(() -> {
            HttpResponse<byte[]> r = s.postOtlp(body, "application/x-protobuf", null);
            assertEquals(200, r.statusCode(), () -> new String(r.body()));
            // Every span acknowledged, none rejected: the oracle holds exactly what the server holds.
            assertEquals(0, ExportTraceServiceResponse.parseFrom(r.body()).getPartialSuccess().getRejectedSpans());
            return null;
          }));
        }
        oracle.add(req);
        sent += TrafficGenerator.spanCount(req);
      }
      for (Future<?> f : inFlight) f.get();
    } finally {
      senders.shutdownNow();
    }
    oracle.finishLoading();
    TrafficGenerator.Totals totals = gen.totals();
    assertEquals(totals.allSpans(), sent);
    assertEquals(sent, oracle.rows());
    // The oracle's own mapping agrees with what the generator says it sent (a third witness).
    assertEquals(List.of(totals.llmSpans(), totals.errors(), totals.inputTokens(), totals.outputTokens()),
        longs(oracle, "SELECT count(*), count(*) FILTER (WHERE status = 'error'), CAST(sum(input_tokens) AS BIGINT), "
            + "CAST(sum(output_tokens) AS BIGINT) FROM spans WHERE llm"));
    return sent;
  }

  private static List<Long> longs(OracleTable oracle, String sql) throws SQLException {
    try (Statement st = oracle.connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      List<Long> out = new ArrayList<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) out.add(rs.getLong(i));
      return out;
    }
  }

  /** Waits until the head is empty and the segment count has stopped changing (compaction done). */
  static JsonNode awaitSealedAndSettled(ServerProcess s) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    JsonNode st = s.get("/api/v1/status");
    int stable = 0;
    while (stable < 4 && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
      JsonNode next = s.get("/api/v1/status");
      boolean same = next.get("segments").equals(st.get("segments")) && next.get("headRows").asLong() == 0;
      stable = same ? stable + 1 : 0;
      st = next;
    }
    assertEquals(0, st.get("headRows").asLong(), "everything sealed: " + st);
    assertTrue(st.get("segments").asInt() > 0, st.toString());
    return st;
  }

  // ---- the matrix --------------------------------------------------------------------------------

  record Grouping(String step, long stepMs, List<String> groupBy) {}

  record FilterCase(String name, List<OracleQuery.Filter> filters, Boolean llmOnly) {}

  static OracleQuery.Filter f(String field, String op, Object value) {
    return new OracleQuery.Filter(field, op, value);
  }

  static FilterCase fc(String name, Boolean llmOnly, OracleQuery.Filter... fs) {
    return new FilterCase(name, List.of(fs), llmOnly);
  }

  static final List<Grouping> GROUPINGS = List.of(
      new Grouping(null, 0, List.of()),
      new Grouping(null, 0, List.of("model")),
      new Grouping(null, 0, List.of("service", "environment")),
      new Grouping(null, 0, List.of("attr.gen_ai.prompt.name")),
      new Grouping(null, 0, List.of("resource.telemetry.sdk.language", "status")),
      new Grouping("15m", 15 * 60_000L, List.of()),
      new Grouping("1h", HOUR, List.of("provider")),
      new Grouping("1m", 60_000L, List.of("finish_reason")),
      new Grouping("7m", 7 * 60_000L, List.of("span_kind", "tool")),
      new Grouping(null, 0, List.of("operation", "error_type", "prompt_name")));

  /** Every op on dimensions, measures, attributes and resource attributes; null llmOnly = rotated. */
  static final List<FilterCase> FILTERS = List.of(
      fc("none", null),
      fc("service =", null, f("service", "=", "chat-api")),
      fc("model !=", null, f("model", "!=", "gpt-4o-mini")),
      fc("provider in", null, f("provider", "in", List.of("anthropic", "gcp.gemini"))),
      fc("environment not_in", null, f("environment", "not_in", List.of("production"))),
      fc("input_tokens >", null, f("input_tokens", ">", 1000)),
      fc("output_tokens <=", null, f("output_tokens", "<=", 120)),
      fc("duration_ms >=", null, f("duration_ms", ">=", 2500.5)),
      fc("temperature <", null, f("temperature", "<", 0.5)),
      fc("max_tokens =", null, f("max_tokens", "=", 2048)),
      fc("temperature !=", null, f("temperature", "!=", 0.7)),
      fc("max_tokens in", null, f("max_tokens", "in", List.of(1024, 8192))),
      fc("max_tokens not_in", null, f("max_tokens", "not_in", List.of(4096))),
      fc("finish_reason exists", null, f("finish_reason", "exists", true)),
      fc("cache_read_tokens not exists", null, f("cache_read_tokens", "exists", false)),
      fc("session contains", null, f("session", "contains", "ab")),
      // Absent on every span but the failed ones: != keeps only spans that have another value.
      fc("error_type !=", false, f("error_type", "!=", "429")),
      fc("user in", null, f("user", "in", List.of("user-00000", "user-35761", "user-04226", "user-99999"))),
      fc("status =", null, f("status", "=", "error")),
      fc("tool not_in", false, f("tool", "not_in", List.of("web_search"))),
      fc("attr int =", null, f("attr.gen_ai.request.max_tokens", "=", "4096")),
      fc("resource in", null, f("resource.service.version", "in", List.of("1.0.0", "1.3.0"))),
      fc("attr contains", false, f("attr.http.route", "contains", "/api/s")),
      fc("three filters", null, f("provider", "=", "openai"), f("input_tokens", ">=", 500), f("user", "!=", "user-00000")),
      fc("span_name contains", null, f("span_name", "contains", "gpt-4o")),
      fc("input_tokens range", null, f("input_tokens", ">=", 300), f("input_tokens", "<", 900)),
      fc("session not exists", false, f("session", "exists", false)),
      fc("attr not exists", false, f("attr.gen_ai.prompt.name", "exists", false)));

  static final List<long[]> WINDOWS = List.of(
      new long[] {T0, T1},
      new long[] {T0 + HOUR, T0 + 2 * HOUR},
      new long[] {T0 + 3_723_457L, T0 + 4 * HOUR + 17_003L}, // odd ms bounds, across midnight
      new long[] {T0 - HOUR, T0 + HOUR / 2}, // starts before the data
      new long[] {T0 + 2 * HOUR + 45 * 60_000L, T0 + 3 * HOUR + 15 * 60_000L});

  /** The first span's trace id, as lower-case hex (the generator is deterministic). */
  static String firstTraceId() {
    ExportTraceServiceRequest first = new TrafficGenerator(SEED, T0, T1, LLM_SPANS).nextBatch(1);
    return OracleTable.hex(first.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId());
  }

  static boolean rawAttribute(String field) {
    return field.startsWith("attr.") || field.startsWith("resource.");
  }

  /** Every metric on one measure, plus the span counts and a distinct count on a dimension. */
  static List<String> metricsOn(String measure, String distinctOf) {
    List<String> m = new ArrayList<>(List.of("count", "error_count", "error_rate", "count_distinct(" + distinctOf + ")"));
    for (String fn : List.of("sum", "avg", "min", "max")) m.add(fn + "(" + measure + ")");
    for (String p : PERCENTILES) m.add(p + "(" + measure + ")");
    return m;
  }

  static List<OracleQuery> matrix() {
    List<OracleQuery> out = new ArrayList<>();
    // Filters × groupings; the measure, window and llmOnly rotate so that each meets every grouping.
    // Raw attributes are read from each span's detail, which costs ten times a column, so pairs
    // involving attr.KEY / resource.KEY are thinned to a third to keep the test within a minute.
    for (int fi = 0; fi < FILTERS.size(); fi++) {
      FilterCase fc = FILTERS.get(fi);
      for (int gi = 0; gi < GROUPINGS.size(); gi++) {
        Grouping g = GROUPINGS.get(gi);
        boolean raw = g.groupBy().stream().anyMatch(QueryOracleIT::rawAttribute)
            || fc.filters().stream().anyMatch(x -> rawAttribute(x.field()));
        if (raw && (fi + gi) % 3 != 0) continue;
        long[] w = WINDOWS.get((3 * fi + gi) % WINDOWS.size());
        OracleQuery q = new OracleQuery(w[0], w[1]).label("filter '" + fc.name() + "' x groupBy " + g.groupBy() + (g.step() == null ? "" : " step " + g.step())).filters(fc.filters())
            .groupBy(g.groupBy().toArray(new String[0]))
            .metrics(metricsOn(MEASURES.get((fi + gi) % MEASURES.size()), (fi + gi) % 2 == 0 ? "user" : "session"))
            .llmOnly(fc.llmOnly() != null ? fc.llmOnly() : (fi + gi) % 3 != 0);
        if (g.step() != null) q.step(g.step(), g.stepMs());
        out.add(q.isoTimes(out.size() % 2 == 1));
      }
    }
    // Every metric on every measure over everything, model calls and all spans.
    List<String> measures = new ArrayList<>(MEASURES);
    measures.add("cache_write_tokens"); // never sent by the generator: sums and percentiles are null
    for (String m : measures) {
      for (boolean llmOnly : new boolean[] {true, false}) {
        List<String> metrics = metricsOn(m, "session");
        metrics.add("count_distinct(" + m + ")");
        out.add(new OracleQuery(T0, T1).metrics(metrics).llmOnly(llmOnly));
      }
    }
    // Empty selections: one row of zeros and nulls without groupBy and step, no row with them.
    List<String> all = metricsOn("duration_ms", "user");
    out.add(new OracleQuery(T0, T1).filter("service", "=", "no-such-service").metrics(all));
    out.add(new OracleQuery(T0, T1).filter("service", "=", "no-such-service").groupBy("model").metrics(all));
    out.add(new OracleQuery(T0, T1).filter("service", "=", "no-such-service").step("1h", HOUR).metrics(all));
    out.add(new OracleQuery(T0 - 48 * HOUR, T0 - 24 * HOUR).metrics(all).llmOnly(false));
    out.add(new OracleQuery(T0, T1).filter("input_tokens", ">", 1e12).groupBy("service").step("15m", 15 * 60_000L).metrics(all));
    out.add(new OracleQuery(T0, T1).filter("model", "in", List.of()).metrics(all));
    out.add(new OracleQuery(T0, T1).filter("tool", "exists", true).metrics(all)); // model calls name no tool
    out.add(new OracleQuery(T0, T1).filter("attr.http.route", "contains", "/nope").groupBy("attr.http.route")
        .metrics(all).llmOnly(false));
    // Dashboard panels: once sealed, segments answer these from their rollup cells (see storage's
    // Rollup) rather than rows; the answers must not change.
    out.add(new OracleQuery(T0, T1).groupBy("model").step("1m", 60_000L).metrics(List.of("count", "error_count", "error_rate",
        "p50(duration_ms)", "p95(duration_ms)", "p99(duration_ms)", "sum(input_tokens)", "avg(output_tokens)", "min(duration_ms)",
        "max(duration_ms)")));
    out.add(new OracleQuery(T0, T1).groupBy("service").step("1h", HOUR).metrics(List.of("sum(input_tokens)", "sum(output_tokens)",
        "sum(cache_read_tokens)", "sum(reasoning_tokens)", "count")));
    out.add(new OracleQuery(T0, T1).filter("environment", "in", List.of("production", "staging")).groupBy("service", "environment")
        .step("15m", 15 * 60_000L).metrics(List.of("count", "p95(duration_ms)", "max(temperature)", "min(max_tokens)")));
    out.add(new OracleQuery(T0, T1).filter("provider", "!=", "gcp.gemini").groupBy("provider", "model")
        .metrics(List.of("count", "error_rate", "p999(duration_ms)", "avg(duration_ms)")));
    out.add(new OracleQuery(T0, T1).groupBy("operation").metrics(List.of("count", "p90(duration_ms)", "max(input_tokens)"))
        .llmOnly(false));
    out.add(new OracleQuery(T0, T1).metrics(List.of("count", "error_rate", "p50(duration_ms)", "sum(total_tokens)")).llmOnly(false));
    out.add(new OracleQuery(T0, T1).groupBy("prompt_name", "prompt_version").metrics(List.of("count", "avg(output_tokens)")));
    // Ids, a double-valued attribute as text, a day-long step across midnight, a limit without orderBy.
    String traceId = firstTraceId();
    out.add(new OracleQuery(T0, T1).filter("trace_id", "in", List.of(traceId.toUpperCase(java.util.Locale.ROOT), "0".repeat(31) + "1"))
        .groupBy("span_kind", "parent_span_id").metrics(List.of("count", "sum(input_tokens)", "max(duration_ms)")).llmOnly(false));
    out.add(new OracleQuery(T0, T1).filter("parent_span_id", "exists", false).groupBy("span_kind", "environment")
        .metrics(List.of("count", "count_distinct(trace_id)", "error_rate", "p99(duration_ms)")).llmOnly(false));
    out.add(new OracleQuery(T0, T1).groupBy("attr.gen_ai.request.temperature")
        .metrics(List.of("count", "count_distinct(trace_id)", "count_distinct(attr.gen_ai.prompt.name)", "avg(temperature)"))
        .llmOnly(false));
    out.add(new OracleQuery(T0, T1).filter("attr.gen_ai.request.temperature", "in", List.of("1.0", "0.0")).groupBy("model")
        .metrics(List.of("count", "min(temperature)", "max(temperature)")));
    out.add(new OracleQuery(T0 - 24 * HOUR, T1 + 24 * HOUR).step("1d", 24 * HOUR).groupBy("environment")
        .metrics(metricsOn("output_tokens", "user")).isoTimes(true));
    out.add(new OracleQuery(T0, T1).groupBy("service").metrics(List.of("count", "error_rate")).limit(5).llmOnly(false));
    // Percentiles of several fields in one query (one sketch per field and group).
    out.add(new OracleQuery(T0, T1).groupBy("model").metrics(List.of("p95(duration_ms)", "p50(input_tokens)",
        "p99(output_tokens)", "p90(duration_ms)", "p50(temperature)", "count")));
    // orderBy + limit; ties are broken by the group values ascending on both sides.
    out.add(new OracleQuery(T0, T1).groupBy("user").metrics(List.of("sum(input_tokens)", "count"))
        .orderBy("sum(input_tokens)", true, 5));
    out.add(new OracleQuery(T0, T1).groupBy("model").metrics(List.of("count", "avg(duration_ms)")).orderBy("count", false, 3));
    out.add(new OracleQuery(T0, T1).groupBy("session").metrics(List.of("count", "sum(output_tokens)"))
        .orderBy("count", true, 10));
    out.add(new OracleQuery(T0, T1).groupBy("service").step("1h", HOUR).metrics(List.of("sum(output_tokens)"))
        .orderBy("sum(output_tokens)", true, 20));
    out.add(new OracleQuery(T0, T1).groupBy("finish_reason").metrics(List.of("avg(output_tokens)", "count"))
        .orderBy("avg(output_tokens)", true, 10).llmOnly(false)); // the null average sorts last
    out.add(new OracleQuery(T0 + HOUR, T1).groupBy("user").filter("service", "=", "support-bot")
        .metrics(List.of("max(duration_ms)", "min(temperature)")).orderBy("max(duration_ms)", false, 7).llmOnly(false));
    out.add(new OracleQuery(T0, T1).groupBy("model").metrics(List.of("count")).orderBy("model", true, 4));
    out.add(new OracleQuery(T0, T1).groupBy("provider").step("1h", HOUR).metrics(List.of("sum(input_tokens)"))
        .orderBy("time", true, 9).isoTimes(true));
    return out;
  }

  // ---- expected answers --------------------------------------------------------------------------

  /** DuckDB's rows for one query: the key columns, then per metric a value or a percentile's (lo, hi). */
  record Expected(String sql, List<List<Object>> rows) {}

  static List<Expected> expectations(OracleTable oracle, List<OracleQuery> matrix) throws SQLException {
    List<Expected> out = new ArrayList<>();
    try (Statement st = oracle.connection.createStatement()) {
      for (OracleQuery q : matrix) {
        String sql = q.sql();
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int c = 1; c <= md.getColumnCount(); c++) row.add(rs.getObject(c));
            rows.add(row);
          }
        } catch (SQLException e) {
          throw new SQLException(e.getMessage() + "\nSQL: " + sql, e);
        }
        out.add(new Expected(sql, rows));
      }
    }
    return out;
  }

  // ---- comparison --------------------------------------------------------------------------------

  /** Runs the matrix (two queries at a time: the server answers them on both cores) and compares. */
  /** Runs the matrix on one server, adding disagreements; returns how many answers came from rollups. */
  static int run(ServerProcess s, List<OracleQuery> matrix, List<Expected> expected, String phase, List<String> mismatches,
      ExecutorService pool) throws Exception {
    long t0 = System.nanoTime();
    int before = mismatches.size();
    long values = 0;
    int empty = 0;
    int fromRollups = 0;
    List<Future<ServerProcess.Response>> answers = new ArrayList<>();
    for (OracleQuery q : matrix) {
      String json = q.json();
      answers.add(pool.submit(() -> s.query(json)));
    }
    for (int i = 0; i < matrix.size(); i++) {
      OracleQuery q = matrix.get(i);
      ServerProcess.Response r = answers.get(i).get();
      String where = "[" + phase + " #" + i + (q.label == null ? "" : ", " + q.label) + "] query " + q.json()
          + "\n  SQL " + expected.get(i).sql();
      if (r.status() != 200) {
        mismatches.add(where + "\n  HTTP " + r.status() + ": " + r.body());
        continue;
      }
      values += compare(q, expected.get(i).rows(), r.body(), where, mismatches);
      if (emptySelection(q, expected.get(i).rows())) empty++;
      if (r.body().path("stats").path("rollupCells").asLong() > 0) fromRollups++;
    }
    // Informational (target/failsafe-reports): how long the matrix took, how many disagreements.
    System.out.printf("QueryOracleIT %s: %d query pairs (%d with an empty selection, %d answered from rollups), "
        + "%d values compared, in %d ms; %d disagreement(s)%n", phase, matrix.size(), empty, fromRollups, values,
        (System.nanoTime() - t0) / 1_000_000, mismatches.size() - before);
    for (String m : mismatches.subList(before, mismatches.size())) System.out.println(m + "\n");
    return fromRollups;
  }

  /** No group at all, or the single row of a query without groupBy and step counting 0. */
  static boolean emptySelection(OracleQuery q, List<List<Object>> rows) {
    if (rows.isEmpty()) return true;
    if (q.keyWidth() > 0 || !q.metrics.contains("count")) return false;
    int col = 0;
    for (String m : q.metrics) {
      if (m.equals("count")) return ((Number) rows.get(0).get(col)).longValue() == 0;
      col += OracleQuery.check(m) == OracleQuery.Check.PERCENTILE ? 2 : 1;
    }
    return false;
  }

  /**
   * The documented answer to an empty selection without groupBy and step (one row: count 0,
   * error_count 0, count_distinct 0, every other metric null) is what the oracle's SQL gives too.
   */
  static void assertEmptyRowShape(OracleQuery q, List<List<Object>> rows) {
    if (q.keyWidth() > 0 || !emptySelection(q, rows)) return;
    assertEquals(1, rows.size());
    int col = 0;
    for (String m : q.metrics) {
      String fn = OracleQuery.parse(m)[0];
      boolean zero = fn.equals("count") || fn.equals("error_count") || fn.equals("count_distinct");
      for (int k = OracleQuery.check(m) == OracleQuery.Check.PERCENTILE ? 2 : 1; k > 0; k--, col++) {
        Object v = rows.get(0).get(col);
        assertEquals(zero ? 0L : null, v == null ? null : ((Number) v).longValue(), m + " of an empty selection: " + q.sql());
      }
    }
  }

  /** Compares one answer; returns how many metric values were compared. */
  static int compare(OracleQuery q, List<List<Object>> want, JsonNode body, String where, List<String> mismatches) {
    List<String> columns = new ArrayList<>();
    if (q.stepMs > 0) columns.add("time");
    columns.addAll(q.groupBy);
    columns.addAll(q.metrics);
    List<String> got = new ArrayList<>();
    body.get("columns").forEach(c -> got.add(c.asText()));
    if (!got.equals(columns)) {
      mismatches.add(where + "\n  columns: engine " + got + ", expected " + columns);
      return 0;
    }
    int kw = q.keyWidth();
    JsonNode rows = body.get("rows");
    if (rows.size() >= ALL_ROWS) mismatches.add(where + "\n  result hit the row limit; the matrix needs every group");

    List<List<Object>> engineKeys = new ArrayList<>();
    Map<List<Object>, JsonNode> engine = new HashMap<>();
    for (JsonNode row : rows) {
      List<Object> key = new ArrayList<>();
      for (int k = 0; k < kw; k++) {
        JsonNode v = row.get(k);
        key.add(v.isNull() ? null : (q.stepMs > 0 && k == 0) ? (Object) v.asLong() : v.asText());
      }
      engineKeys.add(key);
      if (engine.put(key, row) != null) mismatches.add(where + "\n  group " + key + " appears twice in the engine's rows");
    }
    List<List<Object>> oracleKeys = new ArrayList<>();
    Map<List<Object>, List<Object>> oracle = new HashMap<>();
    for (List<Object> row : want) {
      List<Object> key = new ArrayList<>(row.subList(0, kw));
      oracleKeys.add(key);
      oracle.put(key, row);
    }

    if (q.limit != null) {
      // Cut by a limit: the same groups in the same order.
      if (!engineKeys.equals(oracleKeys)) {
        mismatches.add(where + "\n  ordered groups differ:\n    engine " + engineKeys + "\n    duckdb " + oracleKeys);
        return 0;
      }
    } else {
      List<List<Object>> missing = new ArrayList<>(oracle.keySet());
      missing.removeAll(engine.keySet());
      List<List<Object>> extra = new ArrayList<>(engine.keySet());
      extra.removeAll(oracle.keySet());
      if (!missing.isEmpty() || !extra.isEmpty()) {
        mismatches.add(where + "\n  groups differ: " + engine.size() + " from the engine, " + oracle.size() + " from DuckDB; "
            + "missing from the engine " + head(missing) + ", only in the engine " + head(extra));
      }
      // Default order: time, then group values, ascending, nulls last.
      for (int i = 1; i < engineKeys.size(); i++) {
        if (compareKeys(engineKeys.get(i - 1), engineKeys.get(i)) > 0) {
          mismatches.add(where + "\n  rows out of order: " + engineKeys.get(i - 1) + " before " + engineKeys.get(i));
          break;
        }
      }
    }

    int compared = 0;
    for (Map.Entry<List<Object>, List<Object>> e : oracle.entrySet()) {
      JsonNode row = engine.get(e.getKey());
      if (row == null) continue;
      List<Object> exp = e.getValue();
      int col = kw;
      for (int m = 0; m < q.metrics.size(); m++) {
        String metric = q.metrics.get(m);
        Double actual = row.get(kw + m).isNull() ? null : row.get(kw + m).asDouble();
        OracleQuery.Check check = OracleQuery.check(metric);
        String problem;
        String expectedText;
        if (check == OracleQuery.Check.PERCENTILE) {
          Double lo = num(exp.get(col++));
          Double hi = num(exp.get(col++));
          expectedText = "order statistics [" + lo + ", " + hi + "] ±1%";
          problem = percentileProblem(actual, lo, hi);
        } else {
          Double want1 = num(exp.get(col++));
          expectedText = String.valueOf(want1);
          problem = valueProblem(actual, want1, check);
        }
        compared++;
        if (problem != null) {
          mismatches.add(where + "\n  group " + e.getKey() + ", " + metric + ": engine " + actual + ", DuckDB "
              + expectedText + " (" + problem + ")");
        }
      }
    }
    return compared;
  }

  static String valueProblem(Double actual, Double expected, OracleQuery.Check check) {
    if (actual == null || expected == null) return Objects.equals(actual, expected) ? null : "null on one side";
    if (check == OracleQuery.Check.EXACT) return actual.doubleValue() == expected.doubleValue() ? null : "not equal";
    double scale = Math.max(Math.abs(actual), Math.abs(expected));
    return Math.abs(actual - expected) <= 1e-9 * scale ? null : "relative difference above 1e-9";
  }

  static String percentileProblem(Double actual, Double lo, Double hi) {
    if (actual == null || lo == null) return Objects.equals(actual, lo) ? null : "null on one side";
    boolean ok = actual >= lo - 0.01 * Math.abs(lo) && actual <= hi + 0.01 * Math.abs(hi);
    return ok ? null : "outside the 1% band";
  }

  private static Double num(Object v) {
    return v == null ? null : ((Number) v).doubleValue();
  }

  private static List<List<Object>> head(List<List<Object>> keys) {
    return keys.size() <= 5 ? keys : keys.subList(0, 5);
  }

  /** Time and group values ascending, nulls last (the engine's default order). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compareKeys(List<Object> a, List<Object> b) {
    for (int i = 0; i < a.size(); i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      if (x == null || y == null) {
        if (x == y) continue;
        return x == null ? 1 : -1;
      }
      int c = ((Comparable) x).compareTo(y);
      if (c != 0) return c;
    }
    return 0;
  }
}
