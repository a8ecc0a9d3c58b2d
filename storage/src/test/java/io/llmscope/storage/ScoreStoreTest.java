package io.llmscope.storage;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.model.Score;
import io.llmscope.storage.scan.ScoreView;
import io.llmscope.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scores through the real score log: durable, per tenant, stored once, and recovered around damage. */
class ScoreStoreTest {
  @TempDir Path dir;

  private static StorageConfig config(Path dir) {
    return StorageConfig.builder(dir).maintenanceIntervalMs(3_600_000).sealAgeMs(3_600_000).build();
  }

  static Score score(long trace, long span, String name, double value, long ts) {
    return new Score(7, trace, span, name, value, null, "c" + trace, "api", ts, null);
  }

  private static List<Score> batch(int b) {
    List<Score> out = new ArrayList<>();
    for (int i = 0; i < 5; i++) out.add(score(b * 5L + i + 1, i % 2 == 0 ? Score.TRACE_ROOT : 100 + i, "helpfulness", 0.1 * i, 1000L + b));
    return out;
  }

  private static Set<Long> traces(ScoreView v, int batches) {
    Set<Long> found = new HashSet<>();
    for (long t = 1; t <= batches * 5L; t++) {
      for (Score s : v.ofTrace(7, t)) {
        assertTrue(v.mayHaveTrace(7, t));
        found.add(s.traceIdLo());
      }
    }
    return found;
  }

  @Test
  void scoresSurviveRestartPerTenantAndAreStoredOnce() throws Exception {
    Score labelled = new Score(7, 1, 55, "correct", Double.NaN, "yes", null, "otel_event", 5, null);
    try (Storage st = Storage.open(config(dir))) {
      assertEquals(new AppendResult(5, 0, List.of()), st.appendScores("a", batch(0)));
      assertEquals(new AppendResult(0, 5, List.of()), st.appendScores("a", batch(0)), "a retry stores nothing");
      assertEquals(new AppendResult(1, 1, List.of()), st.appendScores("a", List.of(labelled, labelled)));
      st.appendScores("b", List.of(score(1, 9, "toxicity", 0.9, 1)));
    }
    try (Storage st = Storage.open(config(dir))) {
      ScoreView a = st.scores("a");
      assertEquals(6, st.scores("a").names().values().stream().mapToLong(Long::longValue).sum());
      assertEquals(java.util.Map.of("helpfulness", 5L, "correct", 1L), a.names());
      Score[] trace1 = a.ofTrace(7, 1);
      assertEquals(2, trace1.length);
      assertEquals(batch(0).get(0), trace1[0]);
      assertEquals(labelled, trace1[1]);
      assertTrue(trace1[0].linksTo(123, 0), "a trace score links to a root");
      assertFalse(trace1[0].linksTo(123, 4), "but not to a child");
      assertTrue(trace1[1].linksTo(55, 4));
      assertEquals(java.util.Map.of("toxicity", 1L), st.scores("b").names(), "tenant b sees its own only");
      assertEquals(0, st.scores("nobody").ofTrace(7, 1).length);
      assertEquals(new AppendResult(0, 1, List.of()), st.appendScores("a", List.of(labelled)), "identity survives restart");
      // The same content under a caller's id is another score; the id then decides.
      Score withId = new Score(7, 1, 55, "correct", Double.NaN, "yes", null, "otel_event", 5, "fb-1");
      assertEquals(1, st.appendScores("a", List.of(withId)).stored());
      Score sameIdOtherValue = new Score(7, 1, 55, "correct", Double.NaN, "no", null, "otel_event", 6, "fb-1");
      assertEquals(1, st.appendScores("a", List.of(sameIdOtherValue)).duplicates());
    }
  }

  @Test
  void damageToTheScoreLogKeepsEveryRecordBeforeItAndTheLogTakesWritesAgain() throws Exception {
    int batches = 60;
    Path original = dir.resolve("original");
    try (Storage st = Storage.open(config(original))) {
      for (int b = 0; b < batches; b++) st.appendScores("t", batch(b));
    }
    List<long[]> records = new ArrayList<>();
    try (WriteAheadLog wal = new WriteAheadLog(original.resolve("scores"), "FAST_DAILY")) {
      wal.replay(WriteAheadLog.NO_INDEX, (i, bytes) -> records.add(new long[] {bytes.readPosition() - 4, bytes.readLimit()}));
    }
    assertEquals(batches, records.size());
    Random rnd = new Random(20261202);
    for (int round = 0; round < 12; round++) {
      Path copy = dir.resolve("round-" + round);
      TestDataDirs.copyWithoutLock(original, copy);
      long start = records.get(0)[0];
      long end = records.get(batches - 1)[1];
      long damageAt = start + (long) (rnd.nextDouble() * (end - start));
      try (RandomAccessFile f = new RandomAccessFile(cycleFile(copy.resolve("scores")).toFile(), "rw")) {
        if (round % 2 == 0) {
          f.setLength(damageAt);
        } else {
          f.seek(damageAt);
          int b = f.read();
          f.seek(damageAt);
          f.write(b ^ 0x10);
        }
      }
      Set<Long> expected = new HashSet<>();
      for (int b = 0; b < batches; b++) if (records.get(b)[1] <= damageAt) for (Score s : batch(b)) expected.add(s.traceIdLo());
      try (Storage st = Storage.open(config(copy))) {
        Set<Long> found = traces(st.scores("t"), batches);
        assertTrue(found.containsAll(expected), "round " + round + ": lost " + (expected.size() - found.size()));
        st.appendScores("t", List.of(score(999, 1, "after", 1, 1)));
      }
      try (Storage st = Storage.open(config(copy))) { // the rewritten log is whole
        assertEquals(1, st.scores("t").ofTrace(7, 999).length, "round " + round);
        assertTrue(traces(st.scores("t"), batches).containsAll(expected), "round " + round);
        assertEquals(0, st.walDamageSetAside(), "round " + round + ": nothing damaged after the rewrite");
      }
      try (Stream<Path> kept = Files.list(copy)) {
        assertTrue(kept.anyMatch(p -> p.getFileName().toString().startsWith("scores-damaged-")) || expected.size() == batches * 5,
            "round " + round + ": the damaged log is kept aside");
      }
    }
  }

  @Test
  void aRewriteCutShortIsFinishedOrDiscardedOnOpen() throws Exception {
    try (Storage st = Storage.open(config(dir))) {
      st.appendScores("t", batch(0));
    }
    // Cut short between the renames: the rewrite is the log.
    Files.move(dir.resolve("scores"), dir.resolve("scores-rewrite"));
    try (Storage st = Storage.open(config(dir))) {
      assertEquals(5, traces(st.scores("t"), 1).size());
    }
    // Cut short before the first rename: the old log is whole, the partial rewrite goes.
    Files.createDirectories(dir.resolve("scores-rewrite"));
    Files.writeString(dir.resolve("scores-rewrite").resolve("junk.cq4"), "partial");
    try (Storage st = Storage.open(config(dir))) {
      assertEquals(5, traces(st.scores("t"), 1).size());
    }
    assertFalse(Files.exists(dir.resolve("scores-rewrite")));
  }

  @Test
  void aScoreNeedsAValueOrALabelAndSaneSizes() {
    assertThrows(IllegalArgumentException.class, () -> new Score(0, 0, 1, "x", 1, null, null, "api", 1, null));
    assertThrows(IllegalArgumentException.class, () -> new Score(1, 1, 1, "x", Double.NaN, null, null, "api", 1, null));
    assertThrows(IllegalArgumentException.class, () -> new Score(1, 1, 1, "", 1, null, null, "api", 1, null));
    assertThrows(IllegalArgumentException.class, () -> new Score(1, 1, 1, "x", Double.POSITIVE_INFINITY, null, null, "api", 1, null));
    assertThrows(IllegalArgumentException.class, () -> new Score(1, 1, 1, "x".repeat(257), 1, null, null, "api", 1, null));
  }

  private static Path cycleFile(Path log) throws IOException {
    try (Stream<Path> files = Files.list(log)) {
      return files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
    }
  }
}
