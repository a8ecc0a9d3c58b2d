package io.llmscope.storage.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.storage.model.Score;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ScoreTableTest {
  /** Score k of trace t: the value encodes (t, k), so a reader can check order and completeness. */
  private static Score score(int t, int k) {
    return new Score(t + 1, 0x5EED + t * 31L, k + 1, k % 3 == 0 ? "helpfulness" : "tone", t * 1000 + k,
        k % 2 == 0 ? "label-" + k : null, k == 5 ? "a comment" : null, "api", 1_700_000_000_000L + k, null);
  }

  @Test
  void everyTraceGivesBackItsScoresInArrivalOrderAcrossGrowth() {
    ScoreTable table = new ScoreTable();
    int traces = 20_000;
    Map<Integer, List<Score>> expected = new HashMap<>();
    // Interleaved arrival: trace t gets t % 4 + 1 scores, spread over the whole run.
    for (int k = 0; k < 4; k++) {
      for (int t = 0; t < traces; t++) {
        if (k > t % 4) continue;
        Score s = score(t, k);
        assertFalse(table.contains(s));
        table.add(s);
        assertTrue(table.contains(s));
        expected.computeIfAbsent(t, x -> new ArrayList<>()).add(s);
      }
    }
    assertEquals(expected.values().stream().mapToInt(List::size).sum(), table.size());
    for (int t = 0; t < traces; t++) {
      Score[] got = table.ofTrace(t + 1, 0x5EED + t * 31L);
      assertArrayEquals(expected.get(t).toArray(), got, "trace " + t);
      List<Double> values = new ArrayList<>();
      table.forEachOfTrace(t + 1, 0x5EED + t * 31L, (span, name, value, label, time) -> values.add(value));
      assertEquals(expected.get(t).stream().map(Score::value).toList(), values);
      assertTrue(table.mayHaveTrace(t + 1, 0x5EED + t * 31L));
    }
    assertFalse(table.mayHaveTrace(traces + 5, 1));
    assertEquals(0, table.ofTrace(traces + 5, 1).length);
    int seen = 0;
    for (Score[] trace : table.traces()) {
      seen += trace.length;
      assertEquals(trace[0].traceIdHi() - 1, (long) trace[0].value() / 1000);
    }
    assertEquals(table.size(), seen);
    Map<String, Long> names = new HashMap<>();
    expected.values().forEach(l -> l.forEach(sc -> names.merge(sc.name(), 1L, Long::sum)));
    assertEquals(names, table.names());
  }

  @Test
  void readersSeeACompletePrefixOfEveryTraceWhileTheWriterGrowsTheTable() throws Exception {
    ScoreTable table = new ScoreTable();
    int traces = 3_000;
    int perTrace = 8;
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      Thread reader = new Thread(() -> {
        try {
          while (!done.get()) {
            for (int t = 0; t < traces; t++) {
              Score[] got = table.ofTrace(t + 1, 0x5EED + t * 31L);
              for (int k = 0; k < got.length; k++) {
                if (got[k].value() != t * 1000 + k) throw new AssertionError("trace " + t + " score " + k + ": " + got[k]);
              }
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      reader.start();
      readers.add(reader);
    }
    for (int k = 0; k < perTrace; k++) for (int t = 0; t < traces; t++) table.add(score(t, k));
    done.set(true);
    for (Thread reader : readers) reader.join();
    if (failure.get() != null) throw new AssertionError(failure.get());
    for (int t = 0; t < traces; t++) assertEquals(perTrace, table.ofTrace(t + 1, 0x5EED + t * 31L).length);
  }
}
