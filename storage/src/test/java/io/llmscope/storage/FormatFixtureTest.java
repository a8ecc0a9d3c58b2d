package io.llmscope.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.storage.format.DetailCodec;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.wal.SpanCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Today's code reads what earlier versions wrote: every folder of
 * {@code src/test/resources/format-fixtures} (see its README) opens with the spans it holds,
 * sealed and in the WAL, and survives being resealed and compacted by today's writer.
 */
class FormatFixtureTest {
  @TempDir Path tmp;

  static List<Path> fixtures() {
    return FormatFixtures.folders();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void aWalDocumentOfEveryKnownVersionDecodes(Path fixture) throws IOException {
    byte[] doc = Files.readAllBytes(fixture.resolve("wal-batch.bin"));
    TreeSet<String> lines = new TreeSet<>();
    SpanCodec.readBatch(Bytes.wrapForRead(doc), (tenant, spans, offsets) -> {
      for (int i = 0; i < spans.size(); i++) {
        LlmSpan s = spans.get(i);
        s.detail = DetailCodec.readDetailAt(doc, offsets[i], () -> s);
        lines.add(FixtureDump.line(tenant, s));
      }
    });
    assertEquals(expected(fixture.resolve("wal-batch-spans.txt")), lines);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void aDataDirectoryOfEveryKnownVersionOpensWithEverySpan(Path fixture) throws IOException {
    Path dir = FormatFixtures.copyStore(fixture, tmp.resolve("store"));
    TreeSet<String> expected = expected(fixture.resolve("store-spans.txt"));
    StorageConfig config = FormatFixtures.config(dir);
    try (Storage storage = Storage.open(config)) {
      assertEquals(expected, stored(storage));
      assertEquals(count(expected, "default") + count(expected, "acme"), storage.status("default").spans()
          + storage.status("acme").spans());
      assertTrue(storage.status("default").headRows() > 0, "the fixture keeps spans only in the WAL");
      assertEquals(1, storage.status("acme").segments());
      List<LlmSpan> trace = storage.trace("default", 0x5b8efff798038103L, 0xd269b633813fc60cL);
      assertEquals(expected.stream().filter(l -> l.startsWith("default 5b8efff798038103d269b633813fc60c ")).count(),
          trace.size());
      for (LlmSpan s : trace) assertTrue(expected.contains(FixtureDump.line("default", s)), () -> "trace span " + s);

      // Today's writer rewrites the old data: seal the replayed WAL, merge the segments.
      storage.sealNow();
      storage.compactNow();
      assertEquals(0, storage.status("default").headRows());
      assertEquals(expected, stored(storage));
    }
    try (Storage storage = Storage.open(config)) {
      assertEquals(expected, stored(storage));
    }
  }

  private static long count(TreeSet<String> lines, String tenant) {
    return lines.stream().filter(l -> l.startsWith(tenant + " ")).count();
  }

  /** Every span of every tenant, read through snapshots (canonical columns and detail). */
  private static TreeSet<String> stored(Storage storage) {
    TreeSet<String> lines = new TreeSet<>();
    for (String tenant : storage.tenants()) {
      for (LlmSpan s : FormatFixtures.spans(storage, tenant)) lines.add(FixtureDump.line(tenant, s));
    }
    return lines;
  }

  private static TreeSet<String> expected(Path file) throws IOException {
    return new TreeSet<>(Files.readAllLines(file, StandardCharsets.UTF_8));
  }
}
