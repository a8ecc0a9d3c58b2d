package io.llmscope.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.storage.format.DetailCodec;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.wal.SpanCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
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

  static Stream<Path> fixtures() throws IOException, URISyntaxException {
    Path root = Path.of(FormatFixtureTest.class.getResource("/format-fixtures").toURI());
    return Files.list(root).filter(Files::isDirectory).sorted();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void aWalDocumentOfEveryKnownVersionDecodes(Path fixture) throws IOException {
    byte[] doc = Files.readAllBytes(fixture.resolve("wal-batch.bin"));
    TreeSet<String> lines = new TreeSet<>();
    SpanCodec.readBatch(Bytes.wrapForRead(doc), (tenant, spans, offsets) -> {
      for (int i = 0; i < spans.size(); i++) {
        LlmSpan s = spans.get(i);
        s.detail = DetailCodec.readDetailAt(doc, offsets[i]);
        lines.add(FixtureDump.line(tenant, s));
      }
    });
    assertEquals(expected(fixture.resolve("wal-batch-spans.txt")), lines);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void aDataDirectoryOfEveryKnownVersionOpensWithEverySpan(Path fixture) throws IOException {
    Path dir = unpack(fixture.resolve("store"), tmp.resolve("store"));
    TreeSet<String> expected = expected(fixture.resolve("store-spans.txt"));
    StorageConfig config = StorageConfig.builder(dir).retentionMs(Long.MAX_VALUE / 4).sealAgeMs(Long.MAX_VALUE / 4)
        .maintenanceIntervalMs(3_600_000L).build();
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
      try (StoreSnapshot snap = storage.snapshot(tenant)) {
        for (ColumnBatch b : snap.batches()) {
          for (int row = 0; row < b.size(); row++) {
            LlmSpan s = b.span(row);
            s.detail = b.detail(row);
            lines.add(FixtureDump.line(tenant, s));
          }
        }
      }
    }
    return lines;
  }

  private static TreeSet<String> expected(Path file) throws IOException {
    return new TreeSet<>(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  /** Copies the fixture store, unpacking gzipped WAL files sparsely (they are mostly zeros). */
  private static Path unpack(Path from, Path to) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(from)) {
      files = new ArrayList<>(walk.filter(Files::isRegularFile).toList());
    }
    byte[] buf = new byte[1 << 16];
    for (Path f : files) {
      Path target = to.resolve(from.relativize(f).toString());
      Files.createDirectories(target.getParent());
      if (!f.getFileName().toString().endsWith(".gz")) {
        Files.copy(f, target);
        continue;
      }
      Path out = target.resolveSibling(target.getFileName().toString().replaceFirst("\\.gz$", ""));
      try (InputStream in = new GZIPInputStream(Files.newInputStream(f)); RandomAccessFile raf = new RandomAccessFile(out.toFile(), "rw")) {
        long pos = 0;
        int n;
        while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
          boolean zero = true;
          for (int i = 0; i < n && zero; i++) zero = buf[i] == 0;
          if (!zero) {
            raf.seek(pos);
            raf.write(buf, 0, n);
          }
          pos += n;
        }
        raf.setLength(pos);
      }
    }
    return to;
  }
}
