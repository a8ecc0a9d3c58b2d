package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scan threads are bounded per engine: however many queries run at once, the engine never
 * starts more than {@link QueryLimits#scanPoolThreads()} of them, and every query still answers
 * exactly (a query the pool cannot help scans on its own thread).
 */
class ScanPoolTest {
  static final long T0 = QueryEngineTest.T0;

  @TempDir Path dir;
  Storage storage;
  List<Query> queries = new ArrayList<>();
  List<QueryResult> expected = new ArrayList<>();

  @BeforeEach
  void load() throws Exception {
    storage = Storage.open(StorageConfig.builder(dir).compactBelowRows(1).maintenanceIntervalMs(3_600_000L).build());
    for (int part = 0; part < 8; part++) {
      List<LlmSpan> batch = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        LlmSpan s = new LlmSpan();
        s.spanId = part * 2000 + i + 1;
        s.traceIdLo = s.spanId;
        s.startNanos = (T0 + part * 600_000L + i * 300L) * 1_000_000L;
        s.endNanos = s.startNanos + 1_000_000L * (20 + (i * 31) % 3000);
        s.llm = i % 9 != 0;
        s.dim(Dim.MODEL, i % 3 == 0 ? "gpt-4o" : "claude").dim(Dim.USER, "u" + i % 97)
            .dim(Dim.STATUS, i % 17 == 0 ? "error" : "ok");
        s.measure(Measure.DURATION_MS, 20 + (i * 31) % 3000).measure(Measure.INPUT_TOKENS, i % 400);
        batch.add(s);
      }
      storage.append("default", batch);
      if (part < 7) storage.sealNow();
    }
    queries.add(Query.builder().range(T0, T0 + 3_600_000L).groupBy("model").metrics("count", "p95(duration_ms)", "sum(input_tokens)").build());
    queries.add(Query.builder().range(T0, T0 + 3_600_000L).groupBy("user").metrics("count", "error_rate").orderBy("count", true).limit(5).build());
    queries.add(Query.builder().range(T0 + 900_000L, T0 + 3_000_000L).filter("model", "=", "gpt-4o").metrics("count", "max(duration_ms)").build());
    try (QueryEngine single = new QueryEngine(storage, () -> T0 + 7_200_000L, QueryLimits.builder().scanThreads(1).build())) {
      for (Query q : queries) expected.add(single.query("default", q));
    }
  }

  @AfterEach
  void close() {
    storage.close();
  }

  /** Runs {@code clients} threads of {@code rounds} queries each at once; checks every answer. */
  private void hammer(QueryEngine engine, int clients, int rounds) throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(clients);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int first = c;
        done.add(callers.submit(() -> {
          go.await();
          for (int r = 0; r < rounds; r++) {
            int k = (first + r) % queries.size();
            QueryResult got = engine.query("default", queries.get(k));
            assertEquals(expected.get(k).rows(), got.rows(), "query " + k);
            assertEquals(expected.get(k).stats().rowsScanned(), got.stats().rowsScanned(), "query " + k);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) f.get();
    } finally {
      callers.shutdownNow();
    }
  }

  /** Names of this engine's live scan threads. */
  private static Set<String> scanThreads(QueryEngine engine) {
    Set<String> names = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(engine.scanThreadPrefix())) {
        names.add(t.getName());
        assertTrue(t.isDaemon(), t.getName());
      }
    }
    return names;
  }

  @Test
  void concurrentQueriesShareAFewThreadsAndAllAnswer() throws Exception {
    QueryLimits limits = QueryLimits.builder().scanThreads(4).scanPoolThreads(2).scanQueue(2).build();
    try (QueryEngine engine = new QueryEngine(storage, () -> T0 + 7_200_000L, limits)) {
      hammer(engine, 12, 6);
      Set<String> threads = scanThreads(engine);
      assertFalse(threads.isEmpty(), "the pool helped");
      // Threads are numbered as created and idle ones live on for 30 s: names above 2 would mean more were made.
      assertTrue(threads.size() <= 2, threads.toString());
      for (String name : threads) {
        int n = Integer.parseInt(name.substring(engine.scanThreadPrefix().length()));
        assertTrue(n >= 1 && n <= 2, name);
      }
    }
  }

  @Test
  void aPoolThatTakesNoTasksLeavesQueriesToTheirCallers() throws Exception {
    // One thread and no queue: most helpers are refused, and their queries scan alone.
    QueryLimits limits = QueryLimits.builder().scanThreads(8).scanPoolThreads(1).scanQueue(0).build();
    QueryEngine engine = new QueryEngine(storage, () -> T0 + 7_200_000L, limits);
    hammer(engine, 8, 4);
    assertTrue(scanThreads(engine).size() <= 1, scanThreads(engine).toString());
    engine.close();
    engine.close(); // idempotent
    // A closed engine still answers, on the calling thread.
    for (int k = 0; k < queries.size(); k++) assertEquals(expected.get(k).rows(), engine.query("default", queries.get(k)).rows());
  }
}
