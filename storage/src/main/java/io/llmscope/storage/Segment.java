package io.llmscope.storage;

import io.llmscope.storage.format.Directories;
import io.llmscope.storage.segment.ColumnCache;
import io.llmscope.storage.segment.SegmentInfo;
import io.llmscope.storage.segment.SegmentReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A live sealed segment: its reader plus a reference count. The store holds one reference while
 * the segment is in the manifest; query snapshots hold one while they read. When a compaction
 * or retention drops it, the files are deleted once the last reader lets go.
 */
final class Segment {
  private static final Logger LOG = Logger.getLogger(Segment.class.getName());

  final String name;
  final Path dir;
  final SegmentReader reader;
  final SegmentInfo info;
  final RefCount refs = new RefCount(this::release);
  private volatile boolean dropped;

  Segment(String name, Path dir, SegmentReader reader) {
    this.name = name;
    this.dir = dir;
    this.reader = reader;
    this.info = reader.info();
  }

  static Segment open(String name, Path dir, ColumnCache cache) throws IOException {
    return new Segment(name, dir, SegmentReader.open(dir, cache));
  }

  Manifest.Entry entry() {
    return new Manifest.Entry(name, info.tenant(), info.rows(), info.minStartNanos(), info.maxStartNanos(), info.bytesOnDisk());
  }

  /** Drops the store's reference; files go when readers are done. */
  void drop() {
    dropped = true;
    refs.decRef();
  }

  private void release() {
    reader.close();
    if (dropped) {
      try {
        deleteRecursively(dir);
      } catch (IOException e) {
        LOG.log(Level.WARNING, "could not delete dropped segment " + dir, e);
      }
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    Directories.deleteRecursively(dir);
  }
}
