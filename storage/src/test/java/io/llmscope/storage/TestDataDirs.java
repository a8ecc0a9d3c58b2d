package io.llmscope.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Data directories for tests of recovery (test-jar helper, also used by the server's ITs). */
public final class TestDataDirs {
  private TestDataDirs() {}

  /**
   * Copies a data directory as a backup or a move to another volume would, without its lock file
   * (the copy is a different directory for whoever opens it).
   */
  public static void copyWithoutLock(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else if (!p.getFileName().toString().equals("lock")) Files.copy(p, target);
      }
    }
  }
}
