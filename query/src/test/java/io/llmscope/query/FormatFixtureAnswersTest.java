package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmscope.storage.FormatFixtures;
import io.llmscope.storage.Storage;
import io.llmscope.storage.model.LlmSpan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Data written by earlier versions (the storage module's format fixtures: old segments with
 * their rollups, old WAL documents, an old manifest) answers queries as the same spans do when
 * freshly appended: the query engine reads old files right, rollups included.
 */
class FormatFixtureAnswersTest {
  static final ObjectMapper JSON = new ObjectMapper();
  /** The fixtures' spans start on 2025-11-30 and span under two hours. */
  static final long T0 = 1_764_460_800_000L;
  static final String RANGE = "\"from\":" + (T0 - 3_600_000L) + ",\"to\":" + (T0 + 4 * 3_600_000L);
  static final List<String> QUERIES = List.of(
      "{" + RANGE + ",\"groupBy\":[\"model\"],\"step\":\"1m\",\"metrics\":[\"count\",\"error_rate\",\"p50(duration_ms)\",\"p95(duration_ms)\"]}",
      "{" + RANGE + ",\"groupBy\":[\"service\",\"environment\"],\"step\":\"1h\",\"metrics\":[\"count\",\"sum(input_tokens)\",\"sum(cost_usd)\",\"max(duration_ms)\"],\"llmOnly\":false}",
      "{" + RANGE + ",\"groupBy\":[\"user\"],\"metrics\":[\"sum(input_tokens)\",\"count\"],\"orderBy\":[{\"column\":\"sum(input_tokens)\",\"desc\":true}],\"limit\":5}",
      "{" + RANGE + ",\"filters\":[{\"field\":\"model\",\"op\":\"=\",\"value\":\"gpt-4o\"}],\"groupBy\":[\"service\"],\"metrics\":[\"count\",\"avg(temperature)\",\"sum(cache_read_tokens)\"]}",
      "{" + RANGE + ",\"groupBy\":[\"span_kind\",\"status\"],\"metrics\":[\"count\",\"sum(total_tokens)\",\"count_distinct(user)\",\"p99(duration_ms)\"],\"llmOnly\":false}",
      "{" + RANGE + ",\"filters\":[{\"field\":\"prompt_name\",\"op\":\"exists\"}],\"groupBy\":[\"prompt_name\",\"prompt_version\"],\"metrics\":[\"count\",\"sum(reasoning_tokens)\",\"max(ttft_ms)\"],\"llmOnly\":false}");

  @TempDir Path tmp;

  static List<Path> fixtures() {
    return FormatFixtures.folders();
  }

  /**
   * The fixtures' rich spans reuse their ids at two times (written before a tenant's span ids
   * were unique); the old store holds both copies, so the fresh one gets each repeat a new id
   * (no query here reads ids) rather than dropping it as a resent span.
   */
  private static List<LlmSpan> withUniqueIds(List<LlmSpan> spans) {
    Set<List<Long>> seen = new HashSet<>();
    for (LlmSpan s : spans) {
      while (!seen.add(List.of(s.traceIdHi, s.traceIdLo, s.spanId))) s.spanId ^= 0x5a5a5a5a00000000L;
    }
    return spans;
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void oldDataAnswersLikeTheSameSpansFreshlyAppended(Path fixture) throws Exception {
    List<List<List<Object>>> fresh = new ArrayList<>();
    List<List<List<Object>>> old = new ArrayList<>();
    long rollupCells = 0;
    try (Storage stored = Storage.open(FormatFixtures.config(FormatFixtures.copyStore(fixture, tmp.resolve("old"))));
        Storage appended = Storage.open(FormatFixtures.config(tmp.resolve("fresh")))) {
      for (String tenant : stored.tenants()) appended.append(tenant, withUniqueIds(FormatFixtures.spans(stored, tenant)));
      assertEquals(stored.tenants(), appended.tenants());
      try (QueryEngine oldEngine = engine(stored); QueryEngine freshEngine = engine(appended)) {
        for (String tenant : stored.tenants()) {
          for (String q : QUERIES) {
            QueryResult r = oldEngine.query(tenant, JSON.readTree(q));
            rollupCells += r.stats().rollupCells();
            old.add(r.rows());
            fresh.add(freshEngine.query(tenant, JSON.readTree(q)).rows());
          }
        }
      }
    }
    assertTrue(rollupCells > 0, "some answers come from the old segments' rollup.bin");
    for (int q = 0; q < QUERIES.size(); q++) {
      int answered = 0;
      for (int i = q; i < old.size(); i += QUERIES.size()) {
        assertEquals(fresh.get(i).size(), old.get(i).size(), QUERIES.get(q));
        if (fresh.get(i).isEmpty()) continue; // e.g. one tenant has no prompt names
        RollupAnswersTest.assertSameRows(fresh.get(i), old.get(i), QUERIES.get(q));
        answered++;
      }
      assertTrue(answered > 0, "some tenant has rows for " + QUERIES.get(q));
    }
  }

  private static QueryEngine engine(Storage storage) {
    return new QueryEngine(storage, () -> T0 + 86_400_000L, QueryLimits.builder().scanThreads(2).build());
  }
}
