package io.llmscope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmscope.storage.model.Ids;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs Q1–Q8 against a live LLMScope server (HTTP) and each peer on the same rows, one query at a
 * time so they never compete, and returns one line per query: medians, and whether each peer's
 * answer agrees with LLMScope's. Every answer is checked except a quantile from a peer other than
 * DuckDB: DuckDB's exact values at LLMScope's rank are the quantile oracle, and the others define
 * quantiles their own way.
 */
final class PeerRun {
  /** A peer's timings for one query, or why there are none (e.g. its statement timeout). */
  record Timing(Samples samples, String failure) {
    double median() {
      return samples == null ? Double.NaN : samples.wallMedian();
    }
  }

  /** One line of the table: LLMScope's timings, each peer's by label, the checks' summary. */
  record Line(String id, String title, Samples scope, Map<String, Timing> peers, String check, List<String> problems) {
    boolean agrees() {
      return !check.contains("DIFF");
    }
  }

  private static final int Q8_LIMIT = 100;

  private final ObjectMapper json;
  private final LlmScopeHttp scope;
  private final List<Peer> peers;
  private final Dataset data;
  private final int warmup;
  private final int runs;

  PeerRun(ObjectMapper json, LlmScopeHttp scope, List<Peer> peers, Dataset data, int warmup, int runs) {
    this.json = json;
    this.scope = scope;
    this.peers = peers;
    this.data = data;
    this.warmup = warmup;
    this.runs = runs;
  }

  List<Line> run(PrintStream progress) throws Exception {
    List<Line> lines = new ArrayList<>();
    for (AggQuery q : QuerySet.aggregations(data)) {
      progress.println("running " + q.id() + " ...");
      lines.add(aggregation(q));
      if (q.id().equals("Q5")) {
        progress.println("running Q6 ...");
        lines.add(q6());
      }
    }
    progress.println("running Q8 ...");
    lines.add(q8());
    return lines;
  }

  private Line aggregation(AggQuery q) throws Exception {
    JsonNode body = q.body(json);
    Answer[] mine = new Answer[1];
    Samples s = Samples.time(warmup, runs, () -> {
      JsonNode r = scope.query(body).ok().body();
      mine[0] = Answer.fromJson(r);
      return r.path("stats").path("tookMs").asDouble();
    });
    boolean quantiles = q.metrics().stream().anyMatch(m -> m.kind() == AggQuery.Kind.QUANTILE);
    Map<String, Timing> timings = new LinkedHashMap<>();
    Checks checks = new Checks();
    for (Peer p : peers) {
      String sql = q.sql(p.dialect(), data.tenantSql());
      Answer[] theirs = new Answer[1];
      Timing t = timed(p, () -> {
        theirs[0] = p.select(sql);
        return Double.NaN;
      });
      timings.put(p.label(), t);
      if (t.failure() != null) continue;
      if (quantiles && p.dialect() != SqlDialect.DUCKDB) {
        checks.skipped(p.label());
        continue;
      }
      String ref = q.referenceSql(data.tenantSql()); // DuckDB SQL: only ever run on DuckDB, see above
      Answer reference = ref == null ? null : p.select(ref);
      checks.add(p.label(), AnswerCheck.compare(q, mine[0], theirs[0], reference, p.label()));
    }
    return new Line(q.id(), q.title(), s, timings, checks.summary(), checks.problems);
  }

  /** Times a peer's task; a failure (its timeout, an error) is reported on the line, not thrown. */
  private Timing timed(Peer p, Samples.Task task) {
    try {
      return new Timing(Samples.time(warmup, runs, task), null);
    } catch (Exception e) {
      String why = String.valueOf(e.getMessage());
      return new Timing(null, why.toLowerCase().contains("timeout") || why.contains("canceling statement")
          ? "timeout" : "error: " + why);
    }
  }

  /** Q6: one lookup per sampled trace; the median is per lookup. */
  private Line q6() throws Exception {
    List<long[]> ids = data.traceIds();
    int n = ids.size();
    int[] scopeSpans = new int[n];
    Samples s = perLookup(n, i -> {
      LlmScopeHttp.Reply r = scope.trace(Ids.traceHex(ids.get(i)[0], ids.get(i)[1]));
      if (r.status() != 404) r.ok();
      scopeSpans[i] = r.status() == 404 ? 0 : r.body().path("spans").size();
    });
    Map<String, Timing> timings = new LinkedHashMap<>();
    Checks checks = new Checks();
    for (Peer p : peers) {
      int[] theirs = new int[n];
      Timing t;
      try {
        t = new Timing(perLookup(n, i -> theirs[i] = p.select("SELECT * FROM spans WHERE " + data.tenantSql() + " AND trace_hi = " + ids.get(i)[0]
            + " AND trace_lo = " + ids.get(i)[1]).rows().size()), null);
      } catch (Exception e) {
        t = new Timing(null, "error: " + e.getMessage());
      }
      timings.put(p.label(), t);
      if (t.failure() != null) continue;
      List<String> problems = new ArrayList<>();
      long a = 0;
      long b = 0;
      for (int i = 0; i < n; i++) {
        a += scopeSpans[i];
        b += theirs[i];
        if (scopeSpans[i] != theirs[i] && problems.size() < 5) {
          problems.add("trace " + Ids.traceHex(ids.get(i)[0], ids.get(i)[1]) + ": LLMScope " + scopeSpans[i] + " spans, "
              + p.label() + " " + theirs[i]);
        }
      }
      checks.add(p.label(), new AnswerCheck.Outcome(problems.isEmpty(), (problems.isEmpty() ? "ok: " : "DIFF: ") + n
          + " traces, spans " + a + " vs " + b, problems));
    }
    return new Line("Q6", "trace lookup by id (" + n + " ids, median per lookup)", s, timings, checks.summary(),
        checks.problems);
  }

  private interface Lookup {
    void run(int i) throws Exception;
  }

  /** {@code warmup} untimed passes over every id, then one timed pass: one sample per lookup. */
  private Samples perLookup(int n, Lookup lookup) throws Exception {
    for (int w = 0; w < warmup; w++) for (int i = 0; i < n; i++) lookup.run(i);
    double[] wall = new double[n];
    double[] none = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      lookup.run(i);
      wall[i] = (System.nanoTime() - t0) / 1e6;
      none[i] = Double.NaN;
    }
    return new Samples(wall, none);
  }

  /**
   * Q8: {@code GET /api/v1/spans} lists every span (model calls and the rest), newest first,
   * ties by span id; each peer the same over the same window.
   */
  private Line q8() throws Exception {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("user", data.q8User());
    params.put("limit", String.valueOf(Q8_LIMIT));
    params.put("from", String.valueOf(data.fromMs()));
    params.put("to", String.valueOf(data.toMs()));
    Set<String> mine = new HashSet<>();
    Samples s = Samples.time(warmup, runs, () -> {
      mine.clear();
      scope.spans(params).ok().body().path("spans").forEach(sp -> mine.add(sp.path("span_id").asText()));
      return Double.NaN;
    });
    String sql = "SELECT * FROM spans WHERE " + data.tenantSql() + " AND \"user\" = " + SpansTable.literal(data.q8User()) + " AND start_ns >= "
        + data.fromMs() * 1_000_000L + " AND start_ns < " + data.toMs() * 1_000_000L
        + " ORDER BY start_ns DESC, span_id LIMIT " + Q8_LIMIT;
    int spanIdCol = SpansTable.columns().indexOf("span_id");
    Map<String, Timing> timings = new LinkedHashMap<>();
    Checks checks = new Checks();
    for (Peer p : peers) {
      Set<String> theirs = new HashSet<>();
      Timing t = timed(p, () -> {
        theirs.clear();
        for (List<Object> row : p.select(sql).rows()) theirs.add(Ids.spanHex((Long) row.get(spanIdCol)));
        return Double.NaN;
      });
      timings.put(p.label(), t);
      if (t.failure() != null) continue;
      boolean same = mine.equals(theirs);
      Set<String> onlyMine = new HashSet<>(mine);
      onlyMine.removeAll(theirs);
      checks.add(p.label(), new AnswerCheck.Outcome(same, (same ? "ok: " : "DIFF: ") + mine.size() + " vs "
          + theirs.size() + " spans" + (same ? ", same span ids" : ", " + onlyMine.size() + " span ids only in LLMScope"),
          List.of()));
    }
    return new Line("Q8", "newest " + Q8_LIMIT + " spans of user " + data.q8User(), s, timings, checks.summary(),
        checks.problems);
  }

  /** Every peer's check of one query, summed up: "ok" when all agree, else what differs and where. */
  private static final class Checks {
    final List<String> problems = new ArrayList<>();
    private final List<String> parts = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private String firstOk;

    void add(String peer, AnswerCheck.Outcome o) {
      if (o.ok()) {
        if (firstOk == null) firstOk = o.summary();
      } else {
        parts.add(peer + " " + o.summary());
      }
      o.problems().forEach(p -> problems.add(peer + ": " + p));
    }

    void skipped(String peer) {
      skipped.add(peer);
    }

    String summary() {
      String s = parts.isEmpty() ? (firstOk == null ? "not checked" : firstOk) : String.join("; ", parts);
      return skipped.isEmpty() ? s : s + " (quantiles of " + String.join(", ", skipped) + " not compared)";
    }
  }
}
