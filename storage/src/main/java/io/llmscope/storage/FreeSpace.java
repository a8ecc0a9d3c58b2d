package io.llmscope.storage;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space of the data directory's volume against {@code storage.minFreeBytes}. The WAL is
 * memory-mapped: a write into a page the volume has no room for faults (SIGBUS) instead of failing,
 * so appends stop while the margin is short, before any write can meet a full disk. One statfs call
 * per check, cheap next to a WAL append.
 */
final class FreeSpace {
  private final Path dir;
  private final FileStore store;
  private final long minFreeBytes;

  FreeSpace(Path dir, long minFreeBytes) throws IOException {
    this.dir = dir;
    this.store = Files.getFileStore(dir);
    this.minFreeBytes = minFreeBytes;
  }

  /** Why appends must wait, or null when the volume has room. */
  String problem() {
    if (minFreeBytes == 0) return null;
    long free;
    try {
      free = store.getUsableSpace();
    } catch (IOException e) {
      return "cannot read the free space of " + dir + ": " + e.getMessage();
    }
    if (free >= minFreeBytes) return null;
    return "disk full: " + free + " bytes free on the volume of " + dir + ", below storage.minFreeBytes ("
        + minFreeBytes + ")";
  }
}
