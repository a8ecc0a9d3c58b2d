package io.llmscope.storage;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The write-ahead log: one Chronicle Queue document per appended batch. Appends, syncs and
 * replay are serialised by the owner ({@link Storage}); {@link #readDetail} may run on any thread
 * at any time, each call with a tailer of its own from a small pool.
 */
final class WriteAheadLog implements Closeable {
  private final SingleChronicleQueue queue;
  private final ExcerptAppender appender;
  private final ConcurrentLinkedQueue<ExcerptTailer> tailers = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;
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
      // A heap buffer copies in one bulk write; Chronicle's generic Bytes copy goes byte-wise.
      if (encoded.bytesStore().underlyingObject() instanceof byte[] array) {
        dc.wire().bytes().write(array, Math.toIntExact(encoded.readPosition()), Math.toIntExact(len));
      } else {
        dc.wire().bytes().write(encoded);
      }
    }
    bytesWritten += len;
    return appender.lastIndexAppended();
  }

  void sync() {
    appender.sync();
  }

  /** Reads the span detail at {@code offset} inside the document at {@code index}. */
  SpanDetail readDetail(long index, int offset) {
    if (closed) throw new IllegalStateException("storage is closed");
    ExcerptTailer tailer = tailers.poll();
    if (tailer == null) {
      tailer = queue.createTailer();
      tailer.singleThreadedCheckDisabled(true);
    }
    try {
      if (!tailer.moveToIndex(index)) throw new IllegalStateException("WAL document " + Long.toHexString(index) + " is gone");
      try (DocumentContext dc = tailer.readingDocument()) {
        Bytes<?> bytes = dc.wire().bytes();
        bytes.readSkip(offset);
        return SpanCodec.readDetailAt(bytes);
      }
    } finally {
      tailers.offer(tailer);
    }
  }

  /** Feeds every document from the start to the consumer with its index, in order; returns how many. */
  long replay(DocumentConsumer consumer) {
    long n = 0;
    try (ExcerptTailer tailer = queue.createTailer()) {
      tailer.singleThreadedCheckDisabled(true);
      tailer.toStart();
      while (true) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) break;
          Bytes<?> bytes = dc.wire().bytes();
          bytesWritten += bytes.readRemaining();
          consumer.accept(dc.index(), bytes);
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

  interface DocumentConsumer {
    void accept(long index, Bytes<?> bytes);
  }

  @Override
  public void close() {
    closed = true;
    for (ExcerptTailer t; (t = tailers.poll()) != null; ) t.close();
    appender.close();
    queue.close();
  }
}
