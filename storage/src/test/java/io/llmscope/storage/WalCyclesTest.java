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

/**
 * Unsealed spans spread over several WAL cycles all come back when the store reopens. The log rolls
 * every hour in production (here every second), so a restart with unsealed rows from before the
 * last roll is the common case; replay once read only the first cycle and set the others aside as
 * damaged, losing their acknowledged spans.
 */
class WalCyclesTest {
  @TempDir Path dir;

  @Test
  void everyCycleIsReplayed() throws Exception {
    StorageConfig config = StorageConfig.builder(dir).walRollCycle("TEST_SECONDLY").sealAgeMs(3_600_000).sealRows(10_000_000)
        .maxHeadRows(10_000_000).maintenanceIntervalMs(3_600_000).build();
    Random rnd = new Random(1);
    List<LlmSpan> all = new ArrayList<>();
    try (Storage st = Storage.open(config)) {
      for (int i = 0; i < 5; i++) {
        List<LlmSpan> batch = TestSpans.traces(rnd, 100, System.currentTimeMillis() - 600_000, 600_000);
        all.addAll(batch);
        st.append("t", batch);
        Thread.sleep(700); // the next batch goes to the next cycle, or the one after
      }
    }
    try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
      assertTrue(files.filter(f -> f.toString().endsWith(".cq4")).count() >= 3, "the batches span several cycles");
    }
    try (Storage st = Storage.open(config); StoreSnapshot s = st.snapshot("t")) {
      assertEquals(0, st.walDamageSetAside(), "no cycle is taken for damaged");
      assertArrayEquals(TestSpans.checksum(all), TestSpans.checksum(s, false));
    }
  }
}
