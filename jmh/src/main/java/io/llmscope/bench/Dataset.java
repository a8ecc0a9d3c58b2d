package io.llmscope.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Facts about the exported rows that the queries need, read from DuckDB before anything is
 * timed: the time window, the fixed values of Q7 and Q8, and Q6's sampled trace ids.
 *
 * @param tenantSql a predicate keeping DuckDB to the rows LLMScope answers from: {@code 1 = 1}
 *     when the table holds only the queried tenant (the engines fold it away), else a tenant filter
 * @param costRows rows with a {@code cost_usd} value (0 until pricing lands)
 * @param q7 the (service, model, finish_reason) of Q7: the most frequent combination of LLM spans
 * @param q8User the user with the most spans: Q8's newest-100 then has a full page to return
 * @param traceIds Q6's 100 trace ids, {hi, lo}, drawn with a fixed seed from the sorted distinct ids
 */
record Dataset(String tenant, String tenantSql, long rows, long llmRows, long minStartNs, long maxStartNs,
    long costRows, List<String> q7, String q8User, List<long[]> traceIds) {

  /** Window start, epoch ms: the oldest span's start. */
  long fromMs() {
    return Math.floorDiv(minStartNs, 1_000_000L);
  }

  /** Window end, epoch ms, exclusive like the API's {@code to}: just after the newest start. */
  long toMs() {
    return Math.floorDiv(maxStartNs, 1_000_000L) + 1;
  }

  static Dataset load(Connection c, String tenant, int traces, long seed) throws SQLException {
    try (Statement st = c.createStatement()) {
      List<String> tenants = strings(st, "SELECT DISTINCT tenant FROM spans ORDER BY 1");
      if (!tenants.contains(tenant)) throw new IllegalStateException("no rows of tenant '" + tenant + "' in DuckDB; has " + tenants);
      String t = tenants.size() == 1 ? "1 = 1" : "tenant = " + SpansTable.literal(tenant);
      long rows;
      long llm;
      long min;
      long max;
      long cost;
      try (ResultSet rs = st.executeQuery("SELECT count(*), count_if(llm), min(start_ns), max(start_ns), count(cost_usd) "
          + "FROM spans WHERE " + t)) {
        rs.next();
        rows = rs.getLong(1);
        llm = rs.getLong(2);
        min = rs.getLong(3);
        max = rs.getLong(4);
        cost = rs.getLong(5);
      }
      List<String> q7 = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT service, model, finish_reason FROM spans WHERE " + t + " AND llm "
          + "AND service IS NOT NULL AND model IS NOT NULL AND finish_reason IS NOT NULL "
          + "GROUP BY ALL ORDER BY count(*) DESC, 1, 2, 3 LIMIT 1")) {
        if (!rs.next()) throw new IllegalStateException("no LLM span has service, model and finish_reason");
        for (int i = 1; i <= 3; i++) q7.add(rs.getString(i));
      }
      List<String> users = strings(st, "SELECT \"user\" FROM spans WHERE " + t + " AND \"user\" IS NOT NULL "
          + "GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1");
      if (users.isEmpty()) throw new IllegalStateException("no span names a user");
      return new Dataset(tenant, t, rows, llm, min, max, cost, List.copyOf(q7), users.get(0),
          sampleTraces(st, t, traces, seed));
    }
  }

  /** Sorted distinct ids, then a seeded shuffle: the same ids for the same rows, run after run. */
  private static List<long[]> sampleTraces(Statement st, String t, int n, long seed) throws SQLException {
    List<long[]> all = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("SELECT DISTINCT trace_hi, trace_lo FROM spans WHERE " + t + " ORDER BY 1, 2")) {
      while (rs.next()) all.add(new long[] {rs.getLong(1), rs.getLong(2)});
    }
    Collections.shuffle(all, new Random(seed));
    return List.copyOf(all.subList(0, Math.min(n, all.size())));
  }

  private static List<String> strings(Statement st, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) out.add(rs.getString(1));
    }
    return out;
  }
}
