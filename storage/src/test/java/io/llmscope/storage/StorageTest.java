package io.llmscope.storage;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.model.SpanFlags;
import io.llmscope.storage.model.SpanLink;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageTest {
  @TempDir Path dir;

  static LlmSpan span(int i, String model) {
    LlmSpan s = new LlmSpan();
    s.traceIdHi = 0x0102030405060708L;
    s.traceIdLo = i + 1;
    s.spanId = 1000L + i;
    s.parentSpanId = i % 3 == 0 ? 0 : 999;
    s.startNanos = 1_764_288_000_000_000_000L + i * 1_000_000L;
    s.endNanos = s.startNanos + 250_000_000L;
    s.llm = i % 2 == 0;
    s.dim(Dim.MODEL, model).dim(Dim.SERVICE, "svc-" + (i % 4)).dim(Dim.STATUS, "ok");
    s.measure(Measure.INPUT_TOKENS, 100 + i).measure(Measure.DURATION_MS, 250);
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("s", "v" + i);
    attrs.put("l", (long) i);
    attrs.put("d", 1.5);
    attrs.put("b", true);
    attrs.put("bytes", new byte[] {1, 2, 3});
    attrs.put("list", List.of(1L, "x"));
    attrs.put("map", Map.of("k", "v"));
    attrs.put("null", null);
    s.detail = new SpanDetail(attrs, Map.of("service.name", "svc"), "scope", "1.0", "ts", "msg",
        List.of(new SpanEvent(s.startNanos, "ev", Map.of("a", 1L))),
        List.of(new SpanLink(1, 2, 3, "", Map.of())));
    return s;
  }

  static long sumInput(StoreSnapshot snap) {
    long sum = 0;
    for (ColumnBatch b : snap.batches()) {
      double[] in = b.measure(Measure.INPUT_TOKENS);
      for (int r = 0; r < b.size(); r++) sum += (long) in[r];
    }
    return sum;
  }

  @Test
  void appendedSpansAreVisibleAndSurviveReopen() throws Exception {
    int n = 20_000; // spans more than two head chunks and several WAL documents
    long expectedInput = 0;
    try (Storage st = Storage.open(StorageConfig.defaults(dir))) {
      List<LlmSpan> batch = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        batch.add(span(i, i % 2 == 0 ? "gpt-4o" : "claude"));
        expectedInput += 100 + i;
        if (batch.size() == 5000) {
          st.append("default", batch);
          batch = new ArrayList<>();
        }
      }
      st.append("other", List.of(span(0, "x")));
      try (StoreSnapshot snap = st.snapshot("default")) {
        assertEquals(n, snap.rows());
        assertEquals(expectedInput, sumInput(snap));
      }
      assertEquals(1, st.snapshot("other").rows());
      StorageStatus status = st.status("default");
      assertEquals(n, status.spans());
      assertTrue(status.walBytes() > n * 50L, "wal bytes " + status.walBytes());
      assertEquals(1_764_288_000_000L, status.oldest());
    }
    try (Storage st = Storage.open(StorageConfig.defaults(dir))) {
      try (StoreSnapshot snap = st.snapshot("default")) {
        assertEquals(n, snap.rows());
        assertEquals(expectedInput, sumInput(snap));
        ColumnBatch b = snap.batches().get(0);
        LlmSpan expected = span(7, "claude");
        assertEquals("claude", b.dictionary(Dim.MODEL).value(b.dimIds(Dim.MODEL)[7]));
        assertEquals(expected.spanId, b.spanIds()[7]);
        assertEquals(expected.traceIdLo, b.traceIdLo()[7]);
        assertEquals(0, b.flags()[7] & SpanFlags.LLM);
        assertEquals(Dictionary.ABSENT, b.dimIds(Dim.USER)[7]);
        assertTrue(Double.isNaN(b.measure(Measure.COST_USD)[7]));
        SpanDetail d = b.detail(7);
        assertEquals("v7", d.attributes().get("s"));
        assertEquals(7L, d.attributes().get("l"));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) d.attributes().get("bytes"));
        assertEquals(List.of(1L, "x"), d.attributes().get("list"));
        assertEquals(Map.of("k", "v"), d.attributes().get("map"));
        assertTrue(d.attributes().containsKey("null"));
        assertEquals(new ArrayList<>(expected.detail.attributes().keySet()), new ArrayList<>(d.attributes().keySet()));
        assertEquals("ev", d.events().get(0).name());
        assertEquals(3, d.links().get(0).spanId());
        assertEquals("msg", d.statusMessage());
      }
      assertEquals(1, st.snapshot("other").rows());
      assertEquals(0, st.snapshot("nobody").rows());
    }
  }

  @Test
  void tenantsListsHeadAndSegmentTenants() throws Exception {
    try (Storage st = Storage.open(StorageConfig.defaults(dir))) {
      assertEquals(List.of(), List.copyOf(st.tenants()));
      st.append("default", List.of(span(0, "a")));
      st.sealNow();
      st.append("acme", List.of(span(1, "b")));
      assertEquals(List.of("acme", "default"), List.copyOf(st.tenants()));
    }
    try (Storage st = Storage.open(StorageConfig.defaults(dir))) {
      assertEquals(List.of("acme", "default"), List.copyOf(st.tenants()), "after replay and reopen");
    }
  }

  @Test
  void snapshotIsStableWhileAppending() throws Exception {
    try (Storage st = Storage.open(StorageConfig.builder(dir).fsync(FsyncPolicy.ALWAYS).maxSpansPerWalDocument(100).build())) {
      st.append("t", List.of(span(0, "a"), span(1, "b")));
      StoreSnapshot snap = st.snapshot("t");
      st.append("t", List.of(span(2, "c")));
      assertEquals(2, snap.rows());
      assertEquals(3, st.snapshot("t").rows());
    }
  }

  @Test
  void oneStorePerDataDirAndTheSecondIsToldWhoHoldsIt() throws Exception {
    StorageConfig config = StorageConfig.defaults(dir);
    try (Storage first = Storage.open(config)) {
      first.append("default", List.of(span(1, "gpt-4o")));
      DataDirLockedException e = assertThrows(DataDirLockedException.class, () -> Storage.open(config));
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
      try (StoreSnapshot snap = first.snapshot("default")) {
        assertEquals(1, snap.rows(), "the refused open left the first store alone");
      }
    }
    try (Storage again = Storage.open(config); StoreSnapshot snap = again.snapshot("default")) {
      assertEquals(1, snap.rows(), "closing released the directory");
    }
  }

  /** Retention is ms, span times ns: a retention past what nanoseconds count keeps everything (it wrapped before). */
  @Test
  void aRetentionLongerThanNanosecondsCountDropsNothing() throws Exception {
    for (long retention : new long[] {Long.MAX_VALUE / 4, 1_000_000L * 86_400_000L}) {
      Path d = dir.resolve("r" + retention);
      try (Storage st = Storage.open(StorageConfig.builder(d).retentionMs(retention).build())) {
        st.append("default", List.of(span(1, "gpt-4o"), span(2, "gpt-4o")));
        st.sealNow();
        assertEquals(0, st.expireNow(), "retention " + retention + " ms");
        assertEquals(2, st.status("default").spans());
      }
    }
  }
}
