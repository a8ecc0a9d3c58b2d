package io.llmscope.storage;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanLink;
import io.llmscope.storage.scan.ColumnBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an append stores: records that fit the WAL, each span once, nothing on a full volume. */
class StorageAppendTest {
  @TempDir Path dir;

  private static List<LlmSpan> spans(int from, int n) {
    List<LlmSpan> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) out.add(StorageTest.span(i, "gpt-4o"));
    return out;
  }

  /** A span whose detail holds {@code links} links: about 26 bytes each in the WAL. */
  private static LlmSpan withLinks(int i, int links) {
    LlmSpan s = StorageTest.span(i, "gpt-4o");
    SpanDetail d = s.detail;
    s.detail = new SpanDetail(d.attributes(), d.resource(), d.scopeName(), d.scopeVersion(), d.traceState(),
        d.statusMessage(), d.events(), Collections.nCopies(links, new SpanLink(0, 0, 0, "", Map.of())), 7, 8, 9);
    return s;
  }

  private static Set<Long> spanIds(StoreSnapshot snap) {
    Set<Long> ids = new HashSet<>();
    for (ColumnBatch b : snap.batches()) {
      long[] id = b.spanIds();
      for (int r = 0; r < b.size(); r++) assertTrue(ids.add(id[r]), "span " + id[r] + " stored twice");
    }
    return ids;
  }

  private StorageConfig config(int maxWalRecordBytes) {
    return StorageConfig.builder(dir).maxWalRecordBytes(maxWalRecordBytes).build();
  }

  @Test
  void aBatchLargerThanOneRecordIsSplitAndASpanLargerThanOneIsRefused() throws Exception {
    int limit = 64 * 1024;
    List<LlmSpan> batch = new ArrayList<>(spans(0, 50));
    batch.add(withLinks(50, 1000)); // ~26 kB: fits alone, not with the rest
    batch.add(withLinks(51, 100_000)); // ~2.6 MB: never fits
    batch.addAll(spans(52, 50));
    try (Storage st = Storage.open(config(limit))) {
      AppendResult r = st.append("t", batch);
      assertEquals(101, r.stored());
      assertEquals(1, r.refused());
      assertTrue(r.refusals().get(0).contains("storage.maxWalRecordBytes (65536)"), r.refusals().get(0));
      assertTrue(r.refusals().get(0).contains(String.format("%016x", 1051L)), "names the span: " + r.refusals().get(0));
      assertEquals(101, st.snapshot("t").rows());
    }
    try (Storage st = Storage.open(config(limit))) {
      try (StoreSnapshot snap = st.snapshot("t")) {
        Set<Long> ids = spanIds(snap);
        assertEquals(101, ids.size());
        assertFalse(ids.contains(1051L));
      }
      List<LlmSpan> trace = st.trace("t", 0x0102030405060708L, 51);
      assertEquals(1, trace.size());
      assertEquals(1000, trace.get(0).detail.links().size());
      assertEquals(7, trace.get(0).detail.droppedAttributes(), "dropped counts survive the WAL");
      assertEquals(9, trace.get(0).detail.droppedLinks());
      st.sealNow();
      trace = st.trace("t", 0x0102030405060708L, 51);
      assertEquals(8, trace.get(0).detail.droppedEvents(), "and the segment");
    }
  }

  @Test
  void theSameSpansSentAgainAreStoredOnceInTheHeadAfterSealAfterCompactionAndAfterRestart() throws Exception {
    List<LlmSpan> batch = spans(0, 300);
    List<LlmSpan> twiceInOne = new ArrayList<>(spans(300, 10));
    twiceInOne.addAll(spans(300, 10));
    // Maintenance only when the test asks, so compactNow has work to do.
    StorageConfig config = StorageConfig.builder(dir).compactBelowRows(10_000).maintenanceIntervalMs(3_600_000).build();
    try (Storage st = Storage.open(config)) {
      assertEquals(300, st.append("t", batch).stored());
      AppendResult again = st.append("t", batch); // in the head
      assertEquals(0, again.stored());
      assertEquals(300, again.duplicates());
      AppendResult inOne = st.append("t", twiceInOne);
      assertEquals(10, inOne.stored());
      assertEquals(10, inOne.duplicates());
      assertEquals(300, st.append("other", batch).stored(), "another tenant's spans are its own");
      st.sealNow();
      assertEquals(300, st.append("t", batch).duplicates(), "after a seal");
      st.append("t", spans(400, 5));
      st.sealNow();
      assertTrue(st.compactNow() > 0);
      assertEquals(300, st.append("t", batch).duplicates(), "after compaction");
      assertEquals(5, st.append("t", spans(400, 5)).duplicates());
      assertEquals(315, spanIds(st.snapshot("t")).size());
    }
    try (Storage st = Storage.open(config)) {
      AppendResult r = st.append("t", spans(0, 320));
      assertEquals(310, r.duplicates(), "after restart");
      assertEquals(10, r.stored());
    }
    try (Storage st = Storage.open(config)) {
      assertEquals(320 + 5, spanIds(st.snapshot("t")).size(), "and after WAL replay");
      assertEquals(320, st.append("t", spans(0, 320)).duplicates());
      assertEquals(2, st.trace("t", 0x0102030405060708L, 1).size() + st.trace("t", 0x0102030405060708L, 2).size());
    }
  }

  @Test
  void aVolumeWithLessFreeSpaceThanTheMarginRefusesAppendsAndKeepsServingReads() throws Exception {
    try (Storage st = Storage.open(StorageConfig.defaults(dir))) {
      st.append("t", spans(0, 10));
    }
    StorageConfig full = StorageConfig.builder(dir).minFreeBytes(Long.MAX_VALUE).build();
    try (Storage st = Storage.open(full)) {
      assertNotNull(st.writeProblem());
      StorageFullException e = assertThrows(StorageFullException.class, () -> st.append("t", spans(10, 10)));
      assertTrue(e.getMessage().contains("storage.minFreeBytes"), e.getMessage());
      assertEquals(10, st.snapshot("t").rows());
    }
    try (Storage st = Storage.open(StorageConfig.defaults(dir))) {
      assertNull(st.writeProblem());
      assertEquals(10, st.snapshot("t").rows(), "nothing of the refused append was written");
    }
  }
}
