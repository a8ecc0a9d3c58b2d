package io.llmscope.storage.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmscope.storage.format.CorruptSegmentException;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every byte of every file is covered: a flip is caught when the segment is opened or the file read. */
class SegmentCorruptionTest {
  @TempDir Path tmp;
  private Path dir;
  private final List<long[]> traces = new ArrayList<>();

  @BeforeEach
  void writeSegment() throws IOException {
    dir = tmp.resolve("seg");
    // 20k rows: two record batches of trace_id (16k rows each), 79 detail blocks.
    List<LlmSpan> spans = SegmentTestData.randomSpans(new Random(5), 20_000);
    SegmentWriter.write(dir, "t", SegmentTestData.batches(spans, 2));
    Set<List<Long>> ids = new LinkedHashSet<>();
    for (LlmSpan s : spans) ids.add(List.of(s.traceIdHi, s.traceIdLo));
    int k = 0;
    for (List<Long> id : ids) if (k++ % 150 == 0) traces.add(new long[] {id.get(0), id.get(1)}); // a sample of ~40
    readEverything(); // the intact segment reads cleanly
  }

  @AfterEach
  void noArrowMemoryLeft() {
    assertEquals(0, SegmentColumns.ROOT.getAllocatedMemory(), "Arrow memory leaked");
  }

  @Test
  void aFlippedByteInAnyFileIsCaught() throws IOException {
    Random rnd = new Random(11);
    List<Path> files = new ArrayList<>();
    try (var list = Files.list(dir)) {
      list.sorted().forEach(files::add);
    }
    assertTrue(files.size() > 30, "one file per column plus detail and index: " + files.size());
    int checked = 0;
    for (Path file : files) {
      byte[] original = Files.readAllBytes(file);
      int len = original.length;
      // Header, middle, footer region, last byte, and random places.
      Set<Integer> positions = new TreeSet<>(List.of(0, 5, len / 2, len - 20, len - 9, len - 1));
      for (int i = 0; i < 2; i++) positions.add(rnd.nextInt(len));
      for (int pos : positions) {
        if (pos < 0 || pos >= len) continue;
        byte[] bad = original.clone();
        bad[pos] ^= (byte) (1 + rnd.nextInt(255));
        Files.write(file, bad);
        try {
          readEverything();
          fail("flipped byte " + pos + " of " + file.getFileName() + " went unnoticed");
        } catch (CorruptSegmentException e) {
          assertNames(e, file);
        } catch (UncheckedIOException e) {
          assertTrue(e.getCause() instanceof CorruptSegmentException, "cause: " + e.getCause());
          assertNames(e.getCause(), file);
        } finally {
          Files.write(file, original);
        }
        checked++;
      }
    }
    assertTrue(checked > 200, "checked " + checked);
    readEverything();
  }

  @Test
  void truncatedOrMissingFilesAreCaught() throws IOException {
    for (String name : new String[] {"index.bin", "detail.bin", "span_id.arrow", "trace_id.arrow", "model.arrow"}) {
      Path file = dir.resolve(name);
      byte[] original = Files.readAllBytes(file);
      Files.write(file, java.util.Arrays.copyOf(original, original.length - 5));
      assertCaught(file);
      Files.delete(file);
      assertCaught(file);
      Files.write(file, original);
    }
    readEverything();
  }

  @Test
  void aTraceLookupChecksTheBatchItReads() throws IOException {
    Path file = dir.resolve("trace_id.arrow");
    byte[] original = Files.readAllBytes(file);
    byte[] bad = original.clone();
    bad[original.length / 2] ^= 0x40;
    Files.write(file, bad);
    try (SegmentReader r = SegmentReader.open(dir)) {
      int failures = 0;
      for (long[] t : traces) {
        try {
          r.rowsOfTrace(t[0], t[1]);
        } catch (UncheckedIOException e) {
          assertTrue(e.getCause() instanceof CorruptSegmentException);
          failures++;
        }
      }
      assertTrue(failures > 0, "lookups in the damaged batch fail");
      assertTrue(failures < traces.size(), "lookups in intact batches still work");
    } finally {
      Files.write(file, original);
    }
  }

  private void assertCaught(Path file) {
    try {
      readEverything();
      fail("damage to " + file.getFileName() + " went unnoticed");
    } catch (CorruptSegmentException e) {
      assertNames(e, file);
    } catch (UncheckedIOException e) {
      assertTrue(e.getCause() instanceof CorruptSegmentException, "cause: " + e.getCause());
      assertNames(e.getCause(), file);
    } catch (IOException e) {
      fail("not a CorruptSegmentException: " + e);
    }
  }

  private static void assertNames(Throwable e, Path file) {
    assertTrue(e.getMessage().contains(file.getFileName().toString()), "message names the file: " + e.getMessage());
  }

  /** Opens the segment and reads every file through the reader's API. */
  private void readEverything() throws IOException {
    try (SegmentReader r = SegmentReader.open(dir)) {
      for (long[] t : traces) r.rowsOfTrace(t[0], t[1]);
      ColumnBatch b = r.batch();
      b.startNanos();
      b.endNanos();
      b.traceIdHi();
      b.spanIds();
      b.parentSpanIds();
      b.flags();
      for (Measure m : Measure.values()) b.measure(m);
      for (Dim d : Dim.values()) {
        b.dimIds(d);
        Dictionary dict = b.dictionary(d);
        for (int id = 1; id < dict.size(); id++) b.postings(d, id);
      }
      for (int row = 0; row < b.size(); row++) b.detail(row);
    }
  }
}
