package io.llmscope.storage;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.model.LlmSpan;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Crashes at the exact points where a seal, a compaction or a retention swap can be torn: a
 * forked JVM runs {@link Driver} and halts (as SIGKILL would) at the named point; the store is
 * then reopened here and must hold every acknowledged span exactly once, every column intact.
 */
class StorageCrashTest {
  static final long NOW = 1_795_000_000_000L;
  static final int BATCHES = 5;
  @TempDir Path dir;

  /** The batches the driver appends, in order; old ones (for retention) first. */
  static List<List<LlmSpan>> batches() {
    Random rnd = new Random(99);
    List<List<LlmSpan>> out = new ArrayList<>();
    for (int i = 0; i < BATCHES; i++) {
      long start = i == 0 ? NOW - 40L * 86_400_000L : NOW - 600_000;
      out.add(TestSpans.traces(rnd, 400, start, 600_000));
    }
    return out;
  }

  static StorageConfig config(Path dir) {
    return StorageConfig.builder(dir).sealAgeMs(3_600_000).sealRows(10_000_000).maxHeadRows(10_000_000).maintenanceIntervalMs(3_600_000).retentionMs(30L * 86_400_000L).build();
  }

  /** Forked: appends the batches (printing "acked N" after each), then seals/compacts/expires. */
  public static final class Driver {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      String mode = args[1];
      String point = args[2];
      try (Storage st = Storage.open(config(dir))) {
        int acked = 0;
        for (List<LlmSpan> batch : batches()) {
          st.append("t", batch);
          System.out.println("acked " + (++acked));
          System.out.flush();
          if (!mode.equals("seal")) st.sealNow();
        }
        System.setProperty("llmscope.crash.at", point); // armed for the last step only
        switch (mode) {
          case "seal" -> st.sealNow();
          case "compact" -> st.compactNow();
          case "retention" -> st.expireNow();
          default -> throw new IllegalArgumentException(mode);
        }
      }
      System.out.println("done");
    }
  }

  @ParameterizedTest
  @CsvSource({
      "seal, seal-segment-written",
      "seal, manifest-pending-written",
      "seal, manifest-renamed",
      "compact, compaction-segment-written",
      "compact, manifest-pending-written",
      "compact, manifest-renamed",
      "retention, retention-before-manifest",
  })
  void crashAtPointKeepsEveryAcknowledgedSpanOnce(String mode, String point) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle")).toList());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Driver.class.getName(), dir.toString(), mode, point));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    int acked = 0;
    boolean done = false;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("acked ")) acked = Integer.parseInt(line.substring(6));
        if (line.equals("done")) done = true;
      }
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertFalse(done, "the driver should have crashed at " + point);
    assertEquals(137, p.exitValue(), "halted at the crash point");
    assertEquals(BATCHES, acked);

    List<LlmSpan> expected = new ArrayList<>();
    batches().forEach(expected::addAll);
    try (Storage st = Storage.open(config(dir))) {
      try (StoreSnapshot snap = st.snapshot("t")) {
        assertArrayEquals(TestSpans.checksum(expected), TestSpans.checksum(snap, false), "rows and columns after the crash");
      }
      // The store keeps working: seal, compact and expire complete after recovery.
      st.sealNow();
      st.compactNow();
      st.expireNow();
      // Where the old batch has a segment of its own, retention drops exactly that one.
      List<LlmSpan> remaining = new ArrayList<>();
      batches().subList(mode.equals("seal") ? 0 : 1, BATCHES).forEach(remaining::addAll);
      try (StoreSnapshot snap = st.snapshot("t")) {
        assertArrayEquals(TestSpans.checksum(remaining), TestSpans.checksum(snap, false));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".pending")), "no pending manifest left");
    }
  }
}
