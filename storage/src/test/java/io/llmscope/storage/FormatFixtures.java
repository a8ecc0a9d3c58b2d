package io.llmscope.storage;

import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.scan.ColumnBatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The format fixtures of {@code storage/src/test/resources/format-fixtures} (see its README), for
 * the tests of any module: each folder, and a working copy of its data directory.
 */
public final class FormatFixtures {
  private FormatFixtures() {}

  /** Every fixture folder, oldest first; found from the storage module or a sibling module. */
  public static List<Path> folders() {
    Path here = Path.of("").toAbsolutePath();
    for (Path root : List.of(here.resolve("src/test/resources/format-fixtures"),
        here.resolveSibling("storage").resolve("src/test/resources/format-fixtures"))) {
      if (Files.isDirectory(root)) {
        try (Stream<Path> list = Files.list(root)) {
          return list.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException("no format-fixtures folder from " + here);
  }

  /** Settings that keep the fixture's old spans (no retention) and seal only when asked. */
  public static StorageConfig config(Path dataDir) {
    return StorageConfig.builder(dataDir).retentionMs(Long.MAX_VALUE / 4).sealAgeMs(Long.MAX_VALUE / 4)
        .maintenanceIntervalMs(3_600_000L).build();
  }

  /** A working copy of the fixture's data directory in {@code to}; gzipped WAL files are unpacked sparsely. */
  public static Path copyStore(Path fixture, Path to) throws IOException {
    Path from = fixture.resolve("store");
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
          if (!zero) { // Chronicle preallocates: leave the zeros as holes
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

  /** Every span of the tenant with its detail, as the store reads it back (canonical columns and detail). */
  public static List<LlmSpan> spans(Storage storage, String tenant) {
    List<LlmSpan> out = new ArrayList<>();
    try (StoreSnapshot snap = storage.snapshot(tenant)) {
      for (ColumnBatch b : snap.batches()) {
        for (int row = 0; row < b.size(); row++) {
          LlmSpan s = b.span(row);
          s.detail = b.detail(row);
          out.add(s);
        }
      }
    }
    return out;
  }
}
