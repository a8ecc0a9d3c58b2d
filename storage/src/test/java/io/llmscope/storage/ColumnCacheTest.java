package io.llmscope.storage;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.segment.ColumnCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's cache of decoded columns: a second reader of a sealed segment gets the very
 * columns the first decoded, a reader of a restricted view neither fills it nor sees partial
 * columns, the budget holds, and a segment merged away leaves nothing behind.
 */
class ColumnCacheTest {
  @TempDir Path dir;

  static List<LlmSpan> spans(int from, int n) {
    List<LlmSpan> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      LlmSpan s = new LlmSpan();
      s.traceIdLo = i + 1;
      s.spanId = i + 1;
      s.startNanos = (1_700_000_000_000L + i * 10L) * 1_000_000L;
      s.endNanos = s.startNanos + (5 + i % 50) * 1_000_000L;
      s.llm = true;
      s.dim(Dim.MODEL, "m" + i % 7).dim(Dim.SERVICE, "svc" + i % 3);
      s.measure(Measure.DURATION_MS, 5 + i % 50).measure(Measure.INPUT_TOKENS, i % 1000);
      out.add(s);
    }
    return out;
  }

  static StorageConfig.Builder config(Path d) {
    return StorageConfig.builder(d).sealAgeMs(3_600_000L).maintenanceIntervalMs(3_600_000L).compactBelowRows(1);
  }

  @Test
  void aSecondReaderGetsTheColumnsTheFirstDecoded() throws Exception {
    try (Storage st = Storage.open(config(dir).columnCacheBytes(64 << 20).build())) {
      st.append("t", spans(0, 140_000)); // three record batches, so a view of one row is restricted
      st.sealNow();
      ColumnCache cache = st.columnCache();
      long[] start;
      double[] tokens;
      int[] models;
      try (StoreSnapshot s = st.snapshot("t")) {
        ColumnBatch b = s.batches().get(0);
        assertTrue(b.sealed());
        start = b.startNanos();
        tokens = b.measure(Measure.INPUT_TOKENS);
        models = b.dimIds(Dim.MODEL);
      }
      assertEquals(3, cache.misses());
      assertTrue(cache.usedBytes() >= 140_000L * (8 + 8 + 4), "start, input_tokens and model ids are kept");
      try (StoreSnapshot s = st.snapshot("t")) {
        ColumnBatch b = s.batches().get(0);
        assertSame(start, b.startNanos());
        assertSame(tokens, b.measure(Measure.INPUT_TOKENS));
        assertSame(models, b.dimIds(Dim.MODEL));
        for (int r = 0; r < b.size(); r += 997) assertEquals("m" + (b.spanIds()[r] - 1) % 7, b.dictionary(Dim.MODEL).value(models[r]));
      }
      assertEquals(3, cache.hits());

      // A restricted view reads the whole cached column, and keeps the record batches it decodes of
      // others (not the partial column): the next restricted view gets them from the cache.
      long used = cache.usedBytes();
      for (int pass = 0; pass < 2; pass++) {
        try (StoreSnapshot s = st.snapshot("t")) {
          ColumnBatch part = s.batches().get(0).only(org.roaringbitmap.RoaringBitmap.bitmapOf(3));
          assertSame(start, part.startNanos());
          long hits = cache.hits();
          double[] out = part.measure(Measure.OUTPUT_TOKENS);
          assertTrue(Double.isNaN(out[3]));
          assertEquals(used + 8L * 65_536, cache.usedBytes(), "one record batch (64k rows) of output_tokens");
          // Kept as two halves: a whole 8-byte batch would be a humongous array, twice its size in the heap.
          if (pass == 1) assertEquals(hits + 2, cache.hits(), "the two halves of the batch the first view decoded");
        }
      }
    }
  }

  @Test
  void pointReadsDecodeARecordBatchOnceForEveryReader() throws Exception {
    try (Storage st = Storage.open(config(dir).columnCacheBytes(256L << 20).build())) {
      st.append("t", spans(0, 140_000));
      st.sealNow();
      ColumnCache cache = st.columnCache();
      int[] rows = {5, 60_000, 70_000, 139_999}; // two rows in the first record batch, one in each other
      List<LlmSpan> first = new ArrayList<>();
      try (StoreSnapshot s = st.snapshot("t")) {
        for (int r : rows) first.add(s.batches().get(0).span(r));
      }
      long misses = cache.misses();
      assertTrue(misses > 0, "the batches a point read decodes are offered to the cache");
      assertTrue(cache.usedBytes() > 0);
      // Another request, another view: the same batches come from the cache, not the files.
      try (StoreSnapshot s = st.snapshot("t")) {
        ColumnBatch b = s.batches().get(0);
        for (int k = 0; k < rows.length; k++) {
          LlmSpan again = b.span(rows[k]);
          LlmSpan was = first.get(k);
          assertEquals(was.spanId, again.spanId);
          assertEquals(was.startNanos, again.startNanos);
          assertEquals(was.endNanos, again.endNanos);
          int i = (int) again.spanId - 1;
          assertEquals("m" + i % 7, again.dims[Dim.MODEL.ordinal()]);
          assertEquals(i % 1000, again.measures[Measure.INPUT_TOKENS.ordinal()]);
          assertEquals(5 + i % 50, again.measures[Measure.DURATION_MS.ordinal()]);
        }
      }
      assertEquals(misses, cache.misses(), "nothing decoded twice");
    }
  }

  @Test
  void pointReadBatchesShareTheBudgetWithWholeColumns() throws Exception {
    long budget = 8L << 20;
    try (Storage st = Storage.open(config(dir).columnCacheBytes(budget).build())) {
      st.append("t", spans(0, 140_000));
      st.sealNow();
      ColumnCache cache = st.columnCache();
      try (StoreSnapshot s = st.snapshot("t")) {
        s.batches().get(0).startNanos(); // 1.1 MB, kept whole
      }
      // Every batch of every column: far more than the budget holds.
      for (int r = 0; r < 140_000; r += 20_000) {
        try (StoreSnapshot s = st.snapshot("t")) {
          assertTrue(s.batches().get(0).span(r).spanId > 0);
        }
        assertTrue(cache.usedBytes() <= budget, cache.usedBytes() + " > " + budget);
        assertTrue(cache.pointBytes() <= cache.usedBytes());
      }
      assertTrue(cache.pointBytes() > budget / 2, "the latest batches are kept: " + cache.pointBytes());
    }
  }

  @Test
  void theBudgetHoldsAndAMergedSegmentLeavesNothing() throws Exception {
    // Room for about five 8-byte columns of 20,000 rows.
    try (Storage st = Storage.open(config(dir).columnCacheBytes(5 * 160_000L + 1000).compactBelowRows(50_000).build())) {
      st.append("t", spans(0, 20_000));
      st.sealNow();
      st.append("t", spans(20_000, 20_000));
      st.sealNow();
      ColumnCache cache = st.columnCache();
      try (StoreSnapshot s = st.snapshot("t")) {
        for (ColumnBatch b : s.batches()) {
          b.startNanos();
          b.endNanos();
          b.measure(Measure.INPUT_TOKENS);
          b.measure(Measure.DURATION_MS);
        }
      }
      assertTrue(cache.usedBytes() <= cache.capacityBytes(), cache.usedBytes() + " > " + cache.capacityBytes());
      assertTrue(cache.usedBytes() >= 4 * 160_000L, "the most recent columns stay: " + cache.usedBytes());

      st.compactNow();
      assertEquals(1, st.status("t").segments());
      assertEquals(0, cache.usedBytes(), "the merged-away segments' columns are dropped");
      try (StoreSnapshot s = st.snapshot("t")) {
        ColumnBatch b = s.batches().get(0);
        long[] ids = b.spanIds().clone();
        Arrays.sort(ids);
        assertEquals(40_000, ids.length);
        assertEquals(40_000, ids[ids.length - 1]);
      }
    }
  }
}
