package io.llmscope.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The harness's SQL against a tiny in-memory DuckDB table, and its answer check: the same
 * question answered alike must pass, and each kind of disagreement must be caught.
 */
class QuerySqlTest {
  private static final long T0 = 1_764_288_000_000L; // a whole hour, epoch ms

  /** Rows of one model: durations 1..n ms, one minute apart from T0, the last one an error. */
  private static void insert(Statement st, String model, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      long start = (T0 + i * 60_000L) * 1_000_000L;
      st.execute("INSERT INTO spans (tenant, trace_hi, trace_lo, span_id, start_ns, end_ns, service, provider, model, "
          + "status, finish_reason, \"user\", prompt_name, duration_ms, input_tokens, output_tokens, llm, score_helpfulness) "
          + "VALUES ('default', 1, " + i
          + ", " + i + ", " + start + ", " + start + ", 'svc', 'openai', '" + model + "', '" + (i == n - 1 ? "error" : "ok")
          + "', 'stop', 'u" + (i % 3) + "', 'p" + (i % 2) + "', " + (i + 1) + ", 10, 5, true, " + (i % 4 == 0 ? "0.5" : "NULL") + ")");
    }
  }

  private static Dataset dataset(Connection c) throws Exception {
    return Dataset.load(c, "default", 3, 42);
  }

  private static Answer select(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      return Answer.fromResultSet(rs);
    }
  }

  @Test
  void everyQueryRunsOnDuckDbAndAgreesWithItself() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute(SpansTable.createSql(SqlDialect.DUCKDB));
      insert(st, "gpt-4o", 30);
      insert(st, "claude", 7);
      Dataset d = dataset(c);
      assertEquals(37, d.rows());
      assertEquals(List.of("svc", "gpt-4o", "stop"), d.q7());
      assertEquals(3, d.traceIds().size());
      for (AggQuery q : QuerySet.aggregations(d)) {
        Answer a = select(st, q.sql(SqlDialect.DUCKDB, d.tenantSql()));
        String ref = q.referenceSql(d.tenantSql());
        AnswerCheck.Outcome o = AnswerCheck.compare(q, a, a, ref == null ? null : select(st, ref), "DuckDB");
        assertTrue(o.ok(), q.id() + ": " + o.summary() + " " + o.problems());
        assertFalse(a.rows().isEmpty(), q.id());
      }
    }
  }

  @Test
  void checkCatchesMissingGroupsWrongCountsAndQuantilesOffTheirRank() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute(SpansTable.createSql(SqlDialect.DUCKDB));
      insert(st, "gpt-4o", 100);
      Dataset d = dataset(c);
      AggQuery q4 = QuerySet.aggregations(d).get(3);
      Answer duck = select(st, q4.sql(SqlDialect.DUCKDB, d.tenantSql()));
      assertEquals(List.of(List.of("openai", "gpt-4o", 60L, 1.0 / 60)), duck.rows(), "last hour: 60 of 100 minutes");
      Answer fewer = new Answer(duck.columns(), List.of(List.of("openai", "gpt-4o", 59L, 1.0 / 60)));
      assertFalse(AnswerCheck.compare(q4, fewer, duck, null, "DuckDB").ok());
      assertFalse(AnswerCheck.compare(q4, new Answer(duck.columns(), List.of()), duck, null, "DuckDB").ok());

      // p50 over durations 1..n: exact values at rank floor/ceil(0.5 (n-1)).
      AggQuery p50 = new AggQuery("T", "p50", d.fromMs(), d.toMs(), java.util.Map.of(), List.of("model"), 0,
          List.of(AggQuery.Metric.of("p50(duration_ms)")), -1, 10);
      Answer exact = select(st, p50.sql(SqlDialect.DUCKDB, d.tenantSql()));
      Answer ref = select(st, p50.referenceSql(d.tenantSql()));
      assertEquals(List.of("gpt-4o", 50.0, 51.0), ref.rows().get(0));
      Answer sketch = new Answer(exact.columns(), List.of(List.of("gpt-4o", 50.4)));
      assertTrue(AnswerCheck.compare(p50, sketch, exact, ref, "DuckDB").ok());
      Answer off = new Answer(exact.columns(), List.of(List.of("gpt-4o", 52.0)));
      assertFalse(AnswerCheck.compare(p50, off, exact, ref, "DuckDB").ok(), "more than 1% above the upper rank");
    }
  }
}
