package io.llmscope.storage;

import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.model.SpanLink;
import io.llmscope.storage.wal.SpanCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a format fixture with the code of the day: a data directory with two sealed segments
 * (two tenants) and WAL documents no segment covers, one raw WAL batch, and the spans each
 * holds as {@link FixtureDump} lines. Run it when a format version changes, into a new folder
 * beside the old ones (the old ones stay: they prove upgrades still read them). How to run it:
 * {@code src/test/resources/format-fixtures/README.md}.
 */
final class WriteFormatFixture {
  static final long T0 = 1_764_460_800_000L; // 2025-11-30T00:00:00Z

  public static void main(String[] args) throws IOException {
    write(Path.of(args[0]));
  }

  static void write(Path root) throws IOException {
    Path store = root.resolve("store");
    StorageConfig cfg = StorageConfig.builder(store).retentionMs(Long.MAX_VALUE / 4).sealRows(1 << 20)
        .sealAgeMs(Long.MAX_VALUE / 4).maintenanceIntervalMs(3_600_000L).build();
    List<LlmSpan> sealedA = TestSpans.traces(new Random(1), 30, T0, 600_000);
    sealedA.addAll(richSpans(T0 + 120_000));
    List<LlmSpan> sealedB = TestSpans.traces(new Random(2), 10, T0 + 60_000, 600_000);
    List<LlmSpan> walA = TestSpans.traces(new Random(3), 8, T0 + 3_600_000, 60_000);
    walA.addAll(richSpans(T0 + 3_700_000));
    try (Storage s = Storage.open(cfg)) {
      s.append("default", sealedA);
      s.append("acme", sealedB);
      s.sealNow();
      s.append("default", walA);
      s.sync();
    }
    // Chronicle preallocates its cycle files: keep them gzipped (mostly zeros) beside the rest.
    try (var files = Files.walk(store.resolve("wal"))) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        try (var out = new GZIPOutputStream(Files.newOutputStream(p.resolveSibling(p.getFileName() + ".gz")))) {
          Files.copy(p, out);
        }
        Files.delete(p);
      }
    }
    TreeSet<String> lines = new TreeSet<>();
    for (LlmSpan s : sealedA) lines.add(FixtureDump.line("default", s));
    for (LlmSpan s : sealedB) lines.add(FixtureDump.line("acme", s));
    for (LlmSpan s : walA) lines.add(FixtureDump.line("default", s));
    Files.write(root.resolve("store-spans.txt"), lines, StandardCharsets.UTF_8);

    SegmentBytes.Out buf = new SegmentBytes.Out(1 << 16);
    SpanCodec.writeBatch(buf, "default", walA, new int[walA.size()]);
    Files.write(root.resolve("wal-batch.bin"), buf.toArray());
    TreeSet<String> walLines = new TreeSet<>();
    for (LlmSpan s : walA) walLines.add(FixtureDump.line("default", s));
    Files.write(root.resolve("wal-batch-spans.txt"), walLines, StandardCharsets.UTF_8);
  }

  /** Spans using every value type and field the formats carry, beyond what TestSpans makes. */
  static List<LlmSpan> richSpans(long startMs) {
    List<LlmSpan> out = new ArrayList<>();
    Random rnd = new Random(startMs);
    for (int i = 0; i < 6; i++) {
      LlmSpan s = new LlmSpan();
      s.traceIdHi = 0x5b8efff798038103L;
      s.traceIdLo = 0xd269b633813fc60cL + i / 3;
      s.spanId = 0xeee19b7ec3c1b174L + i;
      s.parentSpanId = i % 3 == 0 ? 0 : 0xeee19b7ec3c1b174L + i - 1;
      s.startNanos = (startMs + i * 1000L) * 1_000_000L;
      s.endNanos = s.startNanos + 1_200_000_000L + i;
      s.llm = i % 3 != 0;
      s.costReported = i == 4;
      for (Dim d : Dim.values()) s.dim(d, d.fieldName() + "-" + (i % 2));
      s.dim(Dim.STATUS, i == 5 ? "error" : "ok").dim(Dim.SPAN_KIND, "client").dim(Dim.ERROR_TYPE, i == 5 ? "timeout" : null);
      for (Measure m : Measure.values()) s.measure(m, Math.round(rnd.nextDouble() * 1000) / 8.0);
      s.measure(Measure.DURATION_MS, 1199.5); // differs from end - start: stored as its own column
      Map<String, Object> attrs = new LinkedHashMap<>();
      attrs.put("gen_ai.prompt", "hello \"world\"\nline two ✓");
      attrs.put("n", (long) i);
      attrs.put("x", i / 3.0);
      attrs.put("ok", i % 2 == 0);
      attrs.put("empty", null);
      attrs.put("bytes", new byte[] {1, 2, (byte) 0xff});
      attrs.put("list", List.of("a", 2L, 3.5, List.of(true)));
      Map<String, Object> nested = new LinkedHashMap<>();
      nested.put("z", "last-inserted-first");
      nested.put("a", Map.of("deep", 1L));
      attrs.put("kv", nested);
      s.detail = new SpanDetail(attrs, Map.of("service.name", "svc-rich", "host.name", "h" + i), "io.scope", "9.9",
          "vendor=1", i == 5 ? "upstream timed out" : "",
          List.of(new SpanEvent(s.startNanos + 5, "gen_ai.content.prompt", Map.of("gen_ai.prompt", "hi")),
              new SpanEvent(s.startNanos + 6, "exception", Map.of())),
          List.of(new SpanLink(0x1234L, 0x5678L, 0x9abcL, "ts=2", Map.of("link.kind", "follows"))));
      out.add(s);
    }
    return out;
  }
}
