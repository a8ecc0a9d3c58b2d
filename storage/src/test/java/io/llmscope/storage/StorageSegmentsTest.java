package io.llmscope.storage;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.model.LlmSpan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sealing, compaction, retention, trace lookup and WAL clean-up through the public Storage API. */
class StorageSegmentsTest {
  static final long NOW = System.currentTimeMillis();
  @TempDir Path dir;

  StorageConfig.Builder config() {
    // Sealing only when a test asks for it.
    return StorageConfig.builder(dir).sealAgeMs(3_600_000).sealRows(10_000_000).maxHeadRows(10_000_000).maintenanceIntervalMs(3_600_000);
  }

  static long[] sums(Storage st, String tenant, boolean detail) {
    try (StoreSnapshot snap = st.snapshot(tenant)) {
      return TestSpans.checksum(snap, detail);
    }
  }

  @Test
  void answersAreTheSameBeforeAndAfterSealingAndAfterRestart() throws Exception {
    Random rnd = new Random(1);
    List<LlmSpan> a = TestSpans.traces(rnd, 3000, NOW - 600_000, 600_000);
    List<LlmSpan> b = TestSpans.traces(rnd, 500, NOW - 600_000, 600_000);
    long[] expectedA = TestSpans.checksum(a);
    long[] withDetail;
    try (Storage st = Storage.open(config().build())) {
      st.append("a", a);
      st.append("b", b);
      assertArrayEquals(expectedA, sums(st, "a", false));
      withDetail = sums(st, "a", true);
      // Details whose values copy canonical fields come back as appended, from the WAL and from the segment.
      assertArrayEquals(TestSpans.checksum(a, true), withDetail);
      st.sealNow();
      StorageStatus status = st.status("a");
      assertEquals(1, status.segments());
      assertEquals(0, status.headRows());
      assertEquals(a.size(), status.spans());
      assertTrue(status.segmentBytes() > 0);
      assertArrayEquals(expectedA, sums(st, "a", false));
      assertArrayEquals(withDetail, sums(st, "a", true));
      assertArrayEquals(TestSpans.checksum(b), sums(st, "b", false));
      // New rows after the seal land in a fresh head and are counted once.
      st.append("a", TestSpans.traces(new Random(2), 10, NOW, 1000));
      assertTrue(st.status("a").headRows() > 0);
    }
    try (Storage st = Storage.open(config().build())) {
      StorageStatus status = st.status("a");
      assertEquals(1, status.segments());
      assertTrue(status.headRows() > 0, "unsealed rows replayed from the WAL");
      st.sealNow();
      assertEquals(2, st.status("a").segments());
      assertEquals(0, st.status("a").headRows());
    }
    try (Storage st = Storage.open(config().build())) {
      List<LlmSpan> all = new ArrayList<>(a);
      all.addAll(TestSpans.traces(new Random(2), 10, NOW, 1000));
      assertArrayEquals(TestSpans.checksum(all), sums(st, "a", false));
      assertArrayEquals(TestSpans.checksum(all, true), sums(st, "a", true), "replayed from the WAL, then sealed");
      assertArrayEquals(TestSpans.checksum(b), sums(st, "b", false));
    }
  }

  @Test
  void compactionMergesSmallSegmentsAndKeepsEveryRow() throws Exception {
    Random rnd = new Random(3);
    List<LlmSpan> all = new ArrayList<>();
    try (Storage st = Storage.open(config().build())) {
      for (int i = 0; i < 6; i++) {
        List<LlmSpan> part = TestSpans.traces(rnd, 300, NOW - 600_000, 600_000);
        all.addAll(part);
        st.append("t", part);
        st.sealNow();
      }
      assertEquals(6, st.status("t").segments());
      long[] before = sums(st, "t", true);
      StoreSnapshot held = st.snapshot("t"); // a reader in flight keeps the old segments alive
      int merged = st.compactNow();
      assertEquals(6, merged);
      assertEquals(1, st.status("t").segments());
      assertArrayEquals(TestSpans.checksum(all), sums(st, "t", false));
      assertArrayEquals(before, sums(st, "t", true));
      assertArrayEquals(before, TestSpans.checksum(held, true));
      held.close();
      try (Stream<Path> segs = Files.list(dir.resolve("segments"))) {
        assertEquals(1, segs.count(), "merged-away segment files are deleted once unused");
      }
    }
    try (Storage st = Storage.open(config().build())) {
      assertEquals(1, st.status("t").segments());
      assertArrayEquals(TestSpans.checksum(all), sums(st, "t", false));
      assertArrayEquals(TestSpans.checksum(all, true), sums(st, "t", true), "merged details");
    }
  }

  @Test
  void retentionDropsWholeExpiredSegments() throws Exception {
    Random rnd = new Random(4);
    long day = 86_400_000L;
    List<LlmSpan> old = TestSpans.traces(rnd, 200, NOW - 40 * day, 3_600_000);
    List<LlmSpan> fresh = TestSpans.traces(rnd, 200, NOW - 3_600_000, 3_600_000);
    try (Storage st = Storage.open(config().retentionMs(30 * day).build())) {
      st.append("t", old);
      st.sealNow();
      st.append("t", fresh);
      st.sealNow();
      assertEquals(2, st.status("t").segments());
      assertEquals(1, st.expireNow());
      assertEquals(1, st.status("t").segments());
      assertArrayEquals(TestSpans.checksum(fresh), sums(st, "t", false));
    }
    try (Storage st = Storage.open(config().build())) {
      assertArrayEquals(TestSpans.checksum(fresh), sums(st, "t", false));
    }
  }

  @Test
  void traceLookupReadsOnlyTheSegmentsHoldingTheTrace() throws Exception {
    Random rnd = new Random(5);
    List<List<LlmSpan>> parts = new ArrayList<>();
    try (Storage st = Storage.open(config().build())) {
      for (int i = 0; i < 20; i++) {
        List<LlmSpan> part = TestSpans.traces(rnd, 200, NOW - 600_000, 600_000);
        parts.add(part);
        st.append("t", part);
        st.sealNow();
      }
      assertEquals(20, st.status("t").segments());
      for (int i = 0; i < 20; i += 3) {
        LlmSpan probe = parts.get(i).get(parts.get(i).size() / 2);
        long before = st.traceSegmentReads();
        List<LlmSpan> found = st.trace("t", probe.traceIdHi, probe.traceIdLo);
        assertEquals(1, st.traceSegmentReads() - before, "segments read for one trace");
        long expected = parts.get(i).stream().filter(s -> s.traceIdHi == probe.traceIdHi && s.traceIdLo == probe.traceIdLo).count();
        assertEquals(expected, found.size());
        for (LlmSpan s : found) {
          assertEquals(probe.traceIdLo, s.traceIdLo);
          assertNotNull(s.detail.attributes().get("unicode"));
        }
      }
      long before = st.traceSegmentReads();
      assertTrue(st.trace("t", 42, 42).isEmpty());
      assertTrue(st.traceSegmentReads() - before <= 1, "an unknown trace should pass (almost) no trace filter");
    }
  }

  @Test
  void sealedWalCyclesAreDeleted() throws Exception {
    Random rnd = new Random(6);
    List<LlmSpan> all = new ArrayList<>();
    try (Storage st = Storage.open(config().walRollCycle("TEST_SECONDLY").build())) {
      for (int i = 0; i < 3; i++) {
        List<LlmSpan> part = TestSpans.traces(rnd, 300, NOW - 600_000, 600_000);
        all.addAll(part);
        st.append("t", part);
        Thread.sleep(1100); // the next append lands in a new WAL cycle file
      }
      long walBefore = st.status("t").walBytes();
      long filesBefore = countWalFiles();
      st.sealNow();
      st.append("t", List.of()); // no-op
      assertTrue(countWalFiles() < filesBefore, "WAL cycles before the seal are deleted");
      assertTrue(st.status("t").walBytes() < walBefore);
      assertArrayEquals(TestSpans.checksum(all), sums(st, "t", false));
    }
    try (Storage st = Storage.open(config().walRollCycle("TEST_SECONDLY").build())) {
      assertArrayEquals(TestSpans.checksum(all), sums(st, "t", false));
    }
  }

  private long countWalFiles() throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
      return files.filter(p -> p.toString().endsWith(".cq4")).count();
    }
  }

  /** Exactly {@code n} spans (the generator makes whole traces of 1-5 spans). */
  static List<LlmSpan> spans(Random rnd, int n) {
    List<LlmSpan> out = new ArrayList<>(TestSpans.traces(rnd, n, NOW - 600_000, 600_000));
    return new ArrayList<>(out.subList(0, n));
  }

  /** Polls until the store has that many segments; fails after a minute (no timing claim, just no hang). */
  static void awaitSegments(Storage st, String tenant, int segments) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (st.status(tenant).segments() < segments) {
      assertTrue(System.nanoTime() < deadline, "no seal happened: " + st.status(tenant));
      Thread.sleep(5);
    }
  }

  @Test
  void aBatchThatWouldPassTheHeadCapIsRefusedAndStartsASeal() throws Exception {
    Random rnd = new Random(8);
    // Neither the age nor the schedule seals within the test: only the refusal can.
    try (Storage st = Storage.open(config().sealRows(1000).maxHeadRows(1500).build())) {
      List<LlmSpan> first = spans(rnd, 900); // below sealRows: nothing is due
      st.append("t", first);
      List<LlmSpan> refused = spans(rnd, 700); // 900 + 700 > 1500
      assertThrows(StorageBusyException.class, () -> st.append("t", refused));
      assertArrayEquals(TestSpans.checksum(first), sums(st, "t", false), "a refused batch leaves no trace");
      awaitSegments(st, "t", 1);
      StorageStatus status = st.status("t");
      assertEquals(900, status.spans());
      assertEquals(0, status.headRows(), "the head below sealRows was sealed because the cap was reached");
      st.append("t", refused);
      List<LlmSpan> all = new ArrayList<>(first);
      all.addAll(refused);
      assertArrayEquals(TestSpans.checksum(all), sums(st, "t", false));
    }
    try (Storage st = Storage.open(config().sealRows(1000).maxHeadRows(1500).build())) {
      assertEquals(1600, st.status("t").spans(), "sealed and unsealed rows survive a restart");
    }
  }

  @Test
  void aHeadThatReachesSealRowsIsSealedAtOnce() throws Exception {
    Random rnd = new Random(9);
    try (Storage st = Storage.open(config().sealRows(1000).maxHeadRows(5000).build())) {
      List<LlmSpan> small = spans(rnd, 999);
      st.append("t", small);
      st.append("u", spans(rnd, 10));
      List<LlmSpan> tipping = spans(rnd, 1);
      st.append("t", tipping);
      awaitSegments(st, "t", 1);
      assertEquals(1000, st.status("t").spans());
      List<LlmSpan> all = new ArrayList<>(small);
      all.addAll(tipping);
      assertArrayEquals(TestSpans.checksum(all), sums(st, "t", false), "every row once, through the seal");
      awaitSegments(st, "u", 1); // a rotation takes every tenant's head along, as the scheduled one does
      assertEquals(10, st.status("u").spans());
    }
  }

  @Test
  void aBatchArrivingWhenNothingWaitsIsTakenWhateverItsSize() throws Exception {
    try (Storage st = Storage.open(config().sealRows(100).maxHeadRows(150).build())) {
      List<LlmSpan> big = spans(new Random(10), 400);
      st.append("t", big);
      assertEquals(400, st.status("t").spans());
      awaitSegments(st, "t", 1);
      assertArrayEquals(TestSpans.checksum(big), sums(st, "t", false));
    }
  }

  @Test
  void impossibleSettingsAreRefusedNamingBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> config().sealRows(1000).maxHeadRows(999).build());
    assertTrue(e.getMessage().contains("maxHeadRows (999) must be at least sealRows (1000)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> StorageConfig.builder(dir).maxHeadRows(100).build());
    assertTrue(e.getMessage().contains("sealRows (" + StorageConfig.DEFAULT_SEAL_ROWS + ")"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> config().compactBelowRows(5000).compactMaxRows(4000).build());
    assertTrue(e.getMessage().contains("compactBelowRows (5000) must not exceed compactMaxRows (4000)"), e.getMessage());
    assertEquals(1000, config().sealRows(1000).maxHeadRows(1000).compactBelowRows(7).compactMaxRows(7).build().maxHeadRows(),
        "equal is fine");
  }

  @Test
  void concurrentQueriesSeeEveryRowOnceWhileSealingAndCompacting() throws Exception {
    Random rnd = new Random(7);
    try (Storage st = Storage.open(config().build())) {
      List<LlmSpan> all = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        List<LlmSpan> part = TestSpans.traces(rnd, 400, NOW - 600_000, 600_000);
        all.addAll(part);
        st.append("t", part);
      }
      long[] expected = TestSpans.checksum(all);
      Thread sealer = new Thread(() -> {
        try {
          for (int i = 0; i < 5; i++) {
            st.sealNow();
            st.compactNow();
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      sealer.start();
      while (sealer.isAlive()) assertArrayEquals(expected, sums(st, "t", false));
      sealer.join();
      assertArrayEquals(expected, sums(st, "t", false));
    }
  }
}
