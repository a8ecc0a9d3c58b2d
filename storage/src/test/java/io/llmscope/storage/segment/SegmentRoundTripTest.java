package io.llmscope.storage.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanFlags;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

class SegmentRoundTripTest {
  @TempDir Path tmp;

  @AfterEach
  void noArrowMemoryLeft() {
    assertEquals(0, SegmentColumns.ROOT.getAllocatedMemory(), "Arrow memory leaked");
  }

  @Test
  void pointReadsOfRowsMatchWholeColumns() throws Exception {
    // Over two record batches of rows, with explicit durations and totals, aliases and parents.
    List<LlmSpan> spans = SegmentTestData.randomSpans(new Random(7), SegmentColumns.BATCH_ROWS + 9_000);
    Path dir = tmp.resolve("seg-points");
    SegmentWriter.write(dir, "t", SegmentTestData.batches(spans, 2));
    try (SegmentReader r = SegmentReader.open(dir)) {
      ColumnBatch whole = r.batch();
      whole.startNanos();
      whole.endNanos();
      whole.traceIdHi();
      whole.parentSpanIds();
      whole.flags();
      for (Dim d : Dim.values()) whole.dimIds(d);
      for (Measure m : Measure.values()) whole.measure(m);
      for (int pass = 0; pass < 2; pass++) { // the second pass reads the batches the first kept in the cache
        ColumnBatch points = r.batch();
        for (int row : new int[] {0, 1, 777, SegmentColumns.BATCH_ROWS - 1, SegmentColumns.BATCH_ROWS, whole.size() - 1, 5_000, 70_000}) {
          LlmSpan a = whole.span(row);
          LlmSpan b = points.span(row);
          String at = "row " + row + " pass " + pass;
          assertEquals(a.traceIdHi, b.traceIdHi, at);
          assertEquals(a.traceIdLo, b.traceIdLo, at);
          assertEquals(a.spanId, b.spanId, at);
          assertEquals(a.parentSpanId, b.parentSpanId, at);
          assertEquals(a.startNanos, b.startNanos, at);
          assertEquals(a.endNanos, b.endNanos, at);
          assertArrayEquals(a.dims, b.dims, at);
          assertArrayEquals(a.measures, b.measures, at);
          assertEquals(a.llm, b.llm, at);
          assertEquals(a.costReported, b.costReported, at);
        }
      }
    }
  }

  @Test
  void restrictedViewsDecodeTheRowsTheyWereGiven() throws Exception {
    checkRestrictedViews(SegmentTestData.randomSpans(new Random(9), 3 * SegmentColumns.BATCH_ROWS + 100), tmp.resolve("seg-only"));
  }

  @Test
  void restrictedViewsDeriveDurationsFromDurationsAlone() throws Exception {
    // Every start positive, no duration breaking the ingest rule: duration_ms comes from duration_ns alone.
    Path dir = tmp.resolve("seg-derived");
    checkRestrictedViews(SegmentTestData.benchmarkSpans(new Random(11), 3 * SegmentColumns.BATCH_ROWS + 100, false), dir);
    assertFalse(Files.exists(dir.resolve("duration_ms.arrow")));
  }

  private static void checkRestrictedViews(List<LlmSpan> spans, Path dir) throws Exception {
    SegmentWriter.write(dir, "t", SegmentTestData.batches(spans, 2));
    try (SegmentReader r = SegmentReader.open(dir)) {
      ColumnBatch whole = r.batch();
      // Rows in the second and last record batches only.
      org.roaringbitmap.RoaringBitmap wanted = org.roaringbitmap.RoaringBitmap.bitmapOf(
          SegmentColumns.BATCH_ROWS, SegmentColumns.BATCH_ROWS + 5_000, 2 * SegmentColumns.BATCH_ROWS - 1, whole.size() - 1);
      for (int pass = 0; pass < 2; pass++) { // the second pass reads the batches the first kept in the cache
        ColumnBatch fresh = r.batch();
        ColumnBatch part = fresh.only(wanted);
        org.junit.jupiter.api.Assertions.assertNotSame(fresh, part, "a view restricted to 2 of 4 record batches");
        for (int row : wanted) {
          assertEquals(whole.startNanos()[row], part.startNanos()[row], "start " + row);
          assertEquals(whole.endNanos()[row], part.endNanos()[row], "end " + row);
          assertEquals(whole.flags()[row], part.flags()[row], "flags " + row);
          for (Dim d : Dim.values()) {
            assertEquals(whole.dictionary(d).value(whole.dimIds(d)[row]), part.dictionary(d).value(part.dimIds(d)[row]), d + " " + row);
          }
          for (Measure m : Measure.values()) assertEquals(whole.measure(m)[row], part.measure(m)[row], m + " " + row);
        }
        checkGathered(whole, r.batch(), wanted);
        // Runs of consecutive rows across a record batch's edge, and rows whose parents are not picked.
        org.roaringbitmap.RoaringBitmap runs = org.roaringbitmap.RoaringBitmap.bitmapOfRange(
            SegmentColumns.BATCH_ROWS - 7, SegmentColumns.BATCH_ROWS + 9);
        runs.add(3L * SegmentColumns.BATCH_ROWS + 1, 3L * SegmentColumns.BATCH_ROWS + 40);
        checkGathered(whole, r.batch(), runs);
      }
      // Wanting rows in every record batch is wanting the whole batch.
      ColumnBatch all = r.batch();
      org.junit.jupiter.api.Assertions.assertSame(all, all.only(org.roaringbitmap.RoaringBitmap.bitmapOfRange(0, whole.size())));
    }
  }

  /** A gathered view's row i is row wanted[i] of the whole view, in every column. */
  private static void checkGathered(ColumnBatch whole, ColumnBatch fresh, org.roaringbitmap.RoaringBitmap wanted) {
    ColumnBatch g = fresh.gather(wanted);
    int[] rows = wanted.toArray();
    assertEquals(rows.length, g.size());
    assertEquals(rows.length, g.startNanos().length);
    for (int i = 0; i < rows.length; i++) {
      int row = rows[i];
      String at = "gathered row " + i + " (segment row " + row + ")";
      assertEquals(whole.startNanos()[row], g.startNanos()[i], at);
      assertEquals(whole.endNanos()[row], g.endNanos()[i], at);
      assertEquals(whole.traceIdHi()[row], g.traceIdHi()[i], at);
      assertEquals(whole.traceIdLo()[row], g.traceIdLo()[i], at);
      assertEquals(whole.spanIds()[row], g.spanIds()[i], at);
      assertEquals(whole.parentSpanIds()[row], g.parentSpanIds()[i], at);
      assertEquals(whole.flags()[row], g.flags()[i], at);
      for (Dim d : Dim.values()) {
        assertEquals(whole.dictionary(d).value(whole.dimIds(d)[row]), g.dictionary(d).value(g.dimIds(d)[i]), at + " " + d);
        assertEquals(null, g.postings(d, 1), "a gathered view has no postings");
      }
      for (Measure m : Measure.values()) assertEquals(whole.measure(m)[row], g.measure(m)[i], at + " " + m);
      assertEquals(whole.detail(row), g.detail(i), at);
      assertEquals(whole.span(row).spanId, g.span(i).spanId, at);
    }
  }

  @Test
  void everyRowEveryColumnRoundTrips() throws Exception {
    List<LlmSpan> spans = SegmentTestData.randomSpans(new Random(42), 50_000);
    Path dir = tmp.resolve("seg-1");
    SegmentInfo written = SegmentWriter.write(dir, "tenant-ü", SegmentTestData.batches(spans, 3));
    assertEquals(spans.size(), written.rows());
    assertTrue(Files.exists(dir.resolve("duration_ms.arrow")), "some durations break the ingest rule");
    assertTrue(Files.exists(dir.resolve("total_tokens.arrow")), "random totals break the ingest rule");
    try (SegmentReader r = SegmentReader.open(dir)) {
      assertEquals(written, r.info());
      assertEquals(written.bytesOnDisk(), r.bytesOnDisk());
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (LlmSpan s : spans) {
        min = Math.min(min, s.startNanos);
        max = Math.max(max, s.startNanos);
      }
      assertEquals(min, r.info().minStartNanos());
      assertEquals(max, r.info().maxStartNanos());
      assertEquals("tenant-ü", r.info().tenant());
      ColumnBatch b = r.batch();
      assertTrue(b.sealed());
      assertEquals(min, b.minStartNanos());
      assertEquals(max, b.maxStartNanos());
      assertRowsEqual(spans, b);
      checkPostings(r, b);
      checkTraces(spans, r, b);
      // Sort order: grouped by trace; traces by (service, environment) of their first row, then first start.
      long[] hi = b.traceIdHi();
      long[] lo = b.traceIdLo();
      long[] st = b.startNanos();
      int[] service = b.dimIds(Dim.SERVICE);
      int[] env = b.dimIds(Dim.ENVIRONMENT);
      long prevFirst = Long.MIN_VALUE;
      String prevResource = "";
      java.util.Set<List<Long>> seen = new java.util.HashSet<>();
      for (int i = 0; i < b.size(); i++) {
        if (i == 0 || hi[i] != hi[i - 1] || lo[i] != lo[i - 1]) {
          assertTrue(seen.add(List.of(hi[i], lo[i])), "each trace is one run of rows, row " + i);
          String s = b.dictionary(Dim.SERVICE).value(service[i]);
          String e = b.dictionary(Dim.ENVIRONMENT).value(env[i]);
          String resource = (s == null ? "" : "\u0001" + s) + '\u0000' + (e == null ? "" : e);
          int c = resource.compareTo(prevResource);
          assertTrue(c >= 0, "traces ordered by resource at row " + i);
          if (c == 0) assertTrue(st[i] >= prevFirst, "traces ordered by first start at row " + i);
          prevResource = resource;
          prevFirst = st[i];
        } else {
          assertTrue(st[i] >= st[i - 1], "rows of a trace ordered by start at row " + i);
        }
      }
      r.verifyAll();
    }
  }

  @Test
  void derivedDurationNeedsNoFileAndCompactionRewritesASegment() throws Exception {
    List<LlmSpan> spans = SegmentTestData.benchmarkSpans(new Random(7), 20_000, true);
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    List<LlmSpan> first = spans.subList(0, 12_000);
    List<LlmSpan> second = spans.subList(12_000, spans.size());
    SegmentWriter.write(a, "t", SegmentTestData.batches(first, 2));
    SegmentWriter.write(b, "t", SegmentTestData.batches(second, 1));
    assertFalse(Files.exists(a.resolve("duration_ms.arrow")), "durations follow the ingest rule");
    assertFalse(Files.exists(a.resolve("total_tokens.arrow")), "totals follow the ingest rule");
    assertFalse(Files.exists(a.resolve("request_model.arrow")), "request_model = model, stored once");
    Path merged = tmp.resolve("merged");
    try (SegmentReader ra = SegmentReader.open(a); SegmentReader rb = SegmentReader.open(b)) {
      assertRowsEqual(first, ra.batch());
      SegmentInfo info = SegmentWriter.write(merged, "t", List.of(ra.batch(), rb.batch()));
      assertEquals(spans.size(), info.rows());
    }
    try (SegmentReader rm = SegmentReader.open(merged)) {
      ColumnBatch v = rm.batch();
      assertRowsEqual(spans, v);
      checkPostings(rm, v);
      checkTraces(spans, rm, v);
      assertTrue(rm.hasPostings(Dim.MODEL));
      assertNotNull(v.postings(Dim.SERVICE, 1));
    }
  }

  @Test
  void viewsAreIndependentAcrossThreads() throws Exception {
    List<LlmSpan> spans = SegmentTestData.benchmarkSpans(new Random(3), 30_000, true);
    Path dir = tmp.resolve("c");
    SegmentWriter.write(dir, "t", SegmentTestData.batches(spans, 4));
    double expectedCost = 0;
    for (LlmSpan s : spans) if (!Double.isNaN(s.measure(Measure.COST_USD))) expectedCost += s.measure(Measure.COST_USD);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (SegmentReader r = SegmentReader.open(dir)) {
      List<Future<double[]>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          ColumnBatch v = r.batch();
          double sum = 0;
          for (double c : v.measure(Measure.COST_USD)) if (!Double.isNaN(c)) sum += c;
          int model = v.dictionary(Dim.MODEL).idOf("gpt-4o");
          RoaringBitmap p = v.postings(Dim.MODEL, model);
          int scan = 0;
          for (int id : v.dimIds(Dim.MODEL)) if (id == model) scan++;
          for (int row = 0; row < v.size(); row += 97) assertNotNull(v.detail(row));
          return new double[] {sum, p.getCardinality(), scan};
        }));
      }
      for (Future<double[]> f : results) {
        double[] x = f.get();
        assertEquals(expectedCost, x[0], 1e-9);
        assertEquals(x[2], x[1]);
        assertTrue(x[1] > 0);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void closedReaderRefusesReadsAndCloseIsIdempotent() throws Exception {
    Path dir = tmp.resolve("d");
    SegmentWriter.write(dir, "t", SegmentTestData.batches(SegmentTestData.randomSpans(new Random(1), 500), 1));
    SegmentReader r = SegmentReader.open(dir);
    ColumnBatch v = r.batch();
    long[] ids = v.spanIds();
    r.close();
    r.close();
    assertArrayEquals(ids, v.spanIds(), "already loaded columns stay readable");
    assertThrows(IllegalStateException.class, v::startNanos);
    assertThrows(IllegalStateException.class, r::batch);
  }

  @Test
  void refusesAnExistingDirectoryAndEmptyInput() throws Exception {
    Path dir = tmp.resolve("e");
    Files.createDirectory(dir);
    List<ColumnBatch> one = SegmentTestData.batches(SegmentTestData.randomSpans(new Random(2), 10), 1);
    assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> SegmentWriter.write(dir, "t", one));
    assertThrows(IllegalArgumentException.class, () -> SegmentWriter.write(tmp.resolve("f"), "t", List.of()));
  }

  // ------------------------------------------------------------------------------------------

  static void assertRowsEqual(List<LlmSpan> spans, ColumnBatch b) {
    assertEquals(spans.size(), b.size());
    Map<Long, LlmSpan> bySpan = new HashMap<>();
    for (LlmSpan s : spans) bySpan.put(s.spanId, s);
    assertEquals(spans.size(), bySpan.size(), "test spans have unique ids");
    long[] start = b.startNanos();
    long[] end = b.endNanos();
    long[] hi = b.traceIdHi();
    long[] lo = b.traceIdLo();
    long[] span = b.spanIds();
    long[] parent = b.parentSpanIds();
    byte[] flags = b.flags();
    int[][] dims = new int[Dim.COUNT][];
    Dictionary[] dicts = new Dictionary[Dim.COUNT];
    for (Dim d : Dim.values()) {
      dims[d.ordinal()] = b.dimIds(d);
      dicts[d.ordinal()] = b.dictionary(d);
      assertEquals(b.size(), dims[d.ordinal()].length);
    }
    double[][] measures = new double[Measure.COUNT][];
    for (Measure m : Measure.values()) measures[m.ordinal()] = b.measure(m);
    for (int row = 0; row < b.size(); row++) {
      LlmSpan s = bySpan.remove(span[row]);
      assertNotNull(s, "row " + row + " has an unknown span id");
      String at = "span " + s.spanIdHex() + " row " + row;
      assertEquals(s.traceIdHi, hi[row], at);
      assertEquals(s.traceIdLo, lo[row], at);
      assertEquals(s.parentSpanId, parent[row], at);
      assertEquals(s.startNanos, start[row], at);
      assertEquals(s.endNanos, end[row], at);
      assertEquals(SpanFlags.of(s), flags[row], at);
      for (Dim d : Dim.values()) {
        assertEquals(s.dim(d), dicts[d.ordinal()].value(dims[d.ordinal()][row]), at + " " + d.fieldName());
      }
      for (Measure m : Measure.values()) {
        assertEquals(s.measure(m), measures[m.ordinal()][row], at + " " + m.fieldName());
      }
      assertEquals(s.detail, b.detail(row), at + " detail");
    }
    assertTrue(bySpan.isEmpty());
  }

  static void checkPostings(SegmentReader r, ColumnBatch b) {
    int checked = 0;
    for (Dim d : Dim.values()) {
      Dictionary dict = b.dictionary(d);
      int[] ids = b.dimIds(d);
      if (!r.hasPostings(d)) {
        assertNull(b.postings(d, 1), d.fieldName());
        continue;
      }
      assertEquals(dict.size(), r.dictionarySize(d));
      assertNull(b.postings(d, Dictionary.ABSENT), "absent has no postings");
      assertTrue(b.postings(d, dict.size()).isEmpty(), "unknown id, empty postings");
      RoaringBitmap[] scan = new RoaringBitmap[dict.size()];
      for (int i = 1; i < scan.length; i++) scan[i] = new RoaringBitmap();
      for (int row = 0; row < ids.length; row++) if (ids[row] != 0) scan[ids[row]].add(row);
      for (int id = 1; id < dict.size(); id++) {
        assertEquals(scan[id], b.postings(d, id), d.fieldName() + "=" + dict.value(id));
        assertEquals(id, dict.idOf(dict.value(id)));
        checked++;
      }
      assertEquals(-1, dict.idOf("no such value \u0000"));
    }
    for (Dim d : new Dim[] {Dim.SERVICE, Dim.ENVIRONMENT, Dim.OPERATION, Dim.PROVIDER, Dim.MODEL, Dim.REQUEST_MODEL,
        Dim.RESPONSE_MODEL, Dim.STATUS, Dim.ERROR_TYPE, Dim.FINISH_REASON, Dim.PROMPT_NAME, Dim.PROMPT_VERSION,
        Dim.AGENT, Dim.TOOL, Dim.SPAN_KIND}) {
      assertTrue(r.hasPostings(d), "low-cardinality " + d.fieldName() + " has postings");
    }
    assertFalse(r.hasPostings(Dim.SPAN_NAME), "span names are not indexed");
    assertTrue(checked > 20);
  }

  static void checkTraces(List<LlmSpan> spans, SegmentReader r, ColumnBatch b) {
    long[] hi = b.traceIdHi();
    long[] lo = b.traceIdLo();
    Map<List<Long>, List<Integer>> byTrace = new HashMap<>();
    for (int row = 0; row < b.size(); row++) byTrace.computeIfAbsent(List.of(hi[row], lo[row]), k -> new ArrayList<>()).add(row);
    assertEquals(byTrace.size(), r.traceCount());
    for (Map.Entry<List<Long>, List<Integer>> e : byTrace.entrySet()) {
      long h = e.getKey().get(0);
      long l = e.getKey().get(1);
      assertTrue(r.mayContainTrace(h, l), "bloom has no false negatives");
      int[] expected = e.getValue().stream().mapToInt(Integer::intValue).toArray();
      assertArrayEquals(expected, r.rowsOfTrace(h, l));
    }
    Random rnd = new Random(99);
    int positives = 0;
    for (int i = 0; i < 100; i++) {
      long h = rnd.nextLong();
      long l = rnd.nextLong();
      if (byTrace.containsKey(List.of(h, l))) continue;
      assertEquals(0, r.rowsOfTrace(h, l).length);
      if (r.mayContainTrace(h, l)) positives++;
    }
    assertTrue(positives < 10, "bloom false positives: " + positives + "/100");
    // Neighbours of present ids (same hi, lo +- 1) are absent too.
    for (List<Long> k : byTrace.keySet().stream().limit(50).toList()) {
      if (!byTrace.containsKey(List.of(k.get(0), k.get(1) + 1))) assertEquals(0, r.rowsOfTrace(k.get(0), k.get(1) + 1).length);
    }
  }
}
