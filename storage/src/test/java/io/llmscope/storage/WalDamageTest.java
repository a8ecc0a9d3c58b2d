package io.llmscope.storage;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random damage to the last WAL cycle file (truncation, flipped bytes) never keeps the store from
 * opening, and every span of every record that ends before the damage is there after it opens.
 */
class WalDamageTest {
  static final int BATCHES = 120;
  static final int SPANS = 4;
  @TempDir Path dir;

  private record Record(long from, long to) {}

  private static List<LlmSpan> batch(int b) {
    List<LlmSpan> out = new ArrayList<>();
    for (int i = 0; i < SPANS; i++) out.add(StorageTest.span(b * SPANS + i, "m" + (b % 3)));
    return out;
  }

  private static StorageConfig config(Path dir) {
    return StorageConfig.builder(dir).maintenanceIntervalMs(3_600_000).sealAgeMs(3_600_000).build();
  }

  @Test
  void randomDamageToTheLastCycleNeverStopsRecoveryAndKeepsEveryRecordBeforeIt() throws Exception {
    Path original = dir.resolve("original");
    try (Storage st = Storage.open(config(original))) {
      for (int b = 0; b < BATCHES; b++) st.append("t", batch(b));
    }
    // Where each record lies in the cycle file.
    List<Record> records = new ArrayList<>();
    try (WriteAheadLog wal = new WriteAheadLog(original.resolve("wal"), StorageConfig.DEFAULT_WAL_ROLL_CYCLE)) {
      wal.replay(WriteAheadLog.NO_INDEX, (index, bytes) -> records.add(new Record(bytes.readPosition() - 4, bytes.readLimit())));
    }
    assertEquals(BATCHES, records.size());
    Random rnd = new Random(20261201);
    for (int round = 0; round < 40; round++) {
      Path copy = dir.resolve("round-" + round);
      TestDataDirs.copyWithoutLock(original, copy);
      Path cycle = cycleFile(copy);
      long start = records.get(0).from();
      long end = records.get(BATCHES - 1).to();
      long damageAt = start + (long) (rnd.nextDouble() * (end - start));
      String what;
      try (RandomAccessFile f = new RandomAccessFile(cycle.toFile(), "rw")) {
        if (round % 3 == 0) {
          f.setLength(damageAt);
          what = "truncated at " + damageAt;
        } else {
          int flips = 1 + rnd.nextInt(round % 3 == 1 ? 1 : 8);
          for (int i = 0; i < flips; i++) {
            long at = damageAt + rnd.nextInt(64);
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ (1 << rnd.nextInt(8)));
          }
          what = flips + " bytes flipped from " + damageAt;
        }
      }
      Set<Long> expected = new HashSet<>();
      for (int b = 0; b < BATCHES; b++) {
        if (records.get(b).to() <= damageAt) for (LlmSpan s : batch(b)) expected.add(s.spanId);
      }
      String label = "round " + round + ": " + what;
      Set<Long> found = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        try (Storage st = Storage.open(config(copy))) {
          Set<Long> ids = new HashSet<>();
          try (StoreSnapshot snap = st.snapshot("t")) {
            for (ColumnBatch b : snap.batches()) {
              long[] id = b.spanIds();
              for (int r = 0; r < b.size(); r++) ids.add(id[r]);
            }
          }
          st.append("t", batch(BATCHES)); // and it takes writes again
          st.sealNow(); // every kept record's detail is readable
          return ids;
        }
      }, label);
      assertTrue(found.containsAll(expected), label + ": lost " + (expected.size() - found.stream().filter(expected::contains).count()));
    }
  }

  private static Path cycleFile(Path store) throws IOException {
    try (Stream<Path> files = Files.list(store.resolve("wal"))) {
      return files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
    }
  }
}
