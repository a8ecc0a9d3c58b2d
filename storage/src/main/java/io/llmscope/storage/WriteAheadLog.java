package io.llmscope.storage;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The write-ahead log: one Chronicle Queue document per appended batch. Not thread-safe; the
 * owner ({@link Storage}) serialises appends, syncs and replays.
 */
final class WriteAheadLog implements Closeable {
  private final SingleChronicleQueue queue;
  private final ExcerptAppender appender;
  private long bytesWritten;

  WriteAheadLog(Path dir) {
    this.queue = SingleChronicleQueueBuilder.binary(dir.toFile())
        .rollCycle(RollCycles.FAST_HOURLY)
        .build();
    this.appender = queue.createAppender();
    // Appends come from whichever worker thread holds the storage lock.
    appender.singleThreadedCheckDisabled(true);
  }

  /** Appends one encoded batch; returns its WAL index. */
  long append(Bytes<?> encoded) {
    long len = encoded.readRemaining();
    try (DocumentContext dc = appender.writingDocument()) {
      dc.wire().bytes().write(encoded);
    }
    bytesWritten += len;
    return appender.lastIndexAppended();
  }

  void sync() {
    appender.sync();
  }

  /** Feeds every document from the start to the consumer, in order; returns how many. */
  long replay(Consumer<Bytes<?>> consumer) {
    long n = 0;
    try (ExcerptTailer tailer = queue.createTailer()) {
      tailer.singleThreadedCheckDisabled(true);
      tailer.toStart();
      while (true) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) break;
          Bytes<?> bytes = dc.wire().bytes();
          bytesWritten += bytes.readRemaining();
          consumer.accept(bytes);
          n++;
        }
      }
    }
    return n;
  }

  /** Payload bytes held in the log (document bodies, not the sparse pre-allocated file size). */
  long bytes() {
    return bytesWritten;
  }

  @Override
  public void close() {
    appender.close();
    queue.close();
  }
}
