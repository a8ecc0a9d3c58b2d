package io.llmscope.storage.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.logging.Logger;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The write-ahead log: one Chronicle Queue document per appended batch, in files of one roll
 * cycle each. Appends, syncs, replay and cycle deletion are serialised by the owner
 * ({@link Storage}); {@link #readDocument} may run on any thread, each call with a tailer of its
 * own from a small pool.
 */
public final class WriteAheadLog implements Closeable {
  /** The index before every document: nothing appended, or nothing covered yet. */
  public static final long NO_INDEX = Long.MIN_VALUE;

  private static final Logger LOG = Logger.getLogger(WriteAheadLog.class.getName());

  private final Path dir;
  private final SingleChronicleQueue queue;
  private ExcerptAppender appender; // made on the first append: replay may find the last cycle damaged
  private final RollCycle rollCycle;
  private final DateTimeFormatter cycleFormat;
  private final ConcurrentLinkedQueue<ExcerptTailer> tailers = new ConcurrentLinkedQueue<>();
  /** Payload bytes per cycle still on disk. */
  private final ConcurrentSkipListMap<Integer, Long> bytesPerCycle = new ConcurrentSkipListMap<>();
  private volatile boolean closed;
  private long lastIndex = NO_INDEX;

  public WriteAheadLog(Path dir, String rollCycleName) {
    this.dir = dir;
    this.rollCycle = RollCycles.valueOf(rollCycleName);
    // Cycle file names carry only the fields their cycle needs (e.g. no minutes for hourly).
    this.cycleFormat = new DateTimeFormatterBuilder().appendPattern(rollCycle.format())
        .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
        .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
        .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
        .toFormatter().withZone(ZoneOffset.UTC);
    // Every document indexed: sealing reads spans' details back in segment order, which jumps
    // between documents, and a sparser index makes each jump scan documents (3x slower seals of
    // GenAI-sized spans); the index costs 8 bytes per document, a batch of spans. Cycle files
    // written with another spacing keep theirs and stay readable.
    this.queue = SingleChronicleQueueBuilder.binary(dir.toFile()).rollCycle(rollCycle).indexSpacing(1).build();
  }

  private ExcerptAppender appender() {
    if (appender == null) {
      appender = queue.createAppender();
      // Appends come from whichever worker thread holds the storage lock.
      appender.singleThreadedCheckDisabled(true);
    }
    return appender;
  }

  /**
   * Appends one encoded batch; returns its WAL index. A write that fails (a record larger than a
   * document may be, a fault on the mapped file) is rolled back: replay never meets half a record.
   */
  public long append(byte[] encoded, int offset, int len) {
    ExcerptAppender appender = appender();
    DocumentContext dc = appender.writingDocument();
    try {
      dc.wire().bytes().write(encoded, offset, len);
    } catch (RuntimeException | Error e) {
      dc.rollbackOnClose();
      throw e;
    } finally {
      dc.close();
    }
    lastIndex = appender.lastIndexAppended();
    bytesPerCycle.merge(rollCycle.toCycle(lastIndex), (long) len, Long::sum);
    return lastIndex;
  }

  /** Index of the last document appended or replayed, or {@link #NO_INDEX}. */
  public long lastIndex() {
    return lastIndex;
  }

  public void sync() {
    if (appender != null) appender.sync();
  }

  /** A copy of the document at {@code index}. */
  public byte[] readDocument(long index) {
    return read(index, bytes -> {
      byte[] copy = new byte[Math.toIntExact(bytes.readRemaining())];
      bytes.read(copy);
      return copy;
    });
  }

  /** Reads part of a document in place; {@code document}'s read position is the document's start. */
  public interface DocumentReader<T> {
    T read(Bytes<?> document);
  }

  /**
   * Runs {@code reader} on the document at {@code index} without copying it whole: sealing reads
   * one span's detail out of a large batch this way.
   */
  public <T> T read(long index, DocumentReader<T> reader) {
    if (closed) throw new IllegalStateException("storage is closed");
    ExcerptTailer tailer = tailers.poll();
    if (tailer == null) {
      tailer = queue.createTailer();
      tailer.singleThreadedCheckDisabled(true);
    }
    try {
      if (!tailer.moveToIndex(index)) throw new IllegalStateException("WAL document " + Long.toHexString(index) + " is gone");
      try (DocumentContext dc = tailer.readingDocument()) {
        return reader.read(dc.wire().bytes());
      }
    } finally {
      tailers.offer(tailer);
    }
  }

  /**
   * Feeds every intact document after {@code afterIndex} to the consumer with its index, in
   * order, cycle by cycle. A document the consumer finds damaged ({@link
   * SpanCodec.DamagedRecordException}) is skipped; a cycle Chronicle cannot read on to its end
   * (flipped headers, a truncated file) keeps the documents before the damage and replay moves on
   * to the next cycle. The outcome says whether anything was damaged: then nothing may be
   * appended to this log again (see {@code Storage.open}).
   */
  public Replay replay(long afterIndex, DocumentConsumer consumer) throws IOException {
    Replay r = new Replay();
    for (Map.Entry<Integer, Path> cycle : cycleFiles().entrySet()) {
      String problem = replayCycle(cycle.getKey(), afterIndex, consumer, r);
      if (problem == null && Files.size(cycle.getValue()) % CHRONICLE_FILE_GRAIN != 0) {
        problem = "its length " + Files.size(cycle.getValue()) + " is not one Chronicle writes: truncated";
      }
      if (problem != null) {
        r.damagedCycles++;
        String p = problem;
        LOG.warning(() -> "WAL cycle " + cycle.getValue().getFileName() + " is damaged: " + p
            + "; its intact records before the damage were kept");
      }
    }
    return r;
  }

  /** Chronicle grows a cycle file by whole chunks of at least this many bytes. */
  private static final long CHRONICLE_FILE_GRAIN = 64 << 10;

  /** What replay found: documents fed, damaged documents skipped, cycles not readable to their end. */
  public static final class Replay {
    public long documents;
    public long damagedRecords;
    public int damagedCycles;

    public boolean damaged() {
      return damagedRecords > 0 || damagedCycles > 0;
    }
  }

  /** Replays one cycle; returns why it could not be read to its end, or null. */
  private String replayCycle(int cycle, long afterIndex, DocumentConsumer consumer, Replay r) {
    long read = 0;
    try (ExcerptTailer tailer = queue.createTailer()) {
      tailer.singleThreadedCheckDisabled(true);
      // Counted first: counting moves the tailer (to the cycle's end), so it must not come after
      // moveToCycle, or every cycle but the first would replay nothing.
      long expected = tailer.exactExcerptsInCycle(cycle);
      if (!tailer.moveToCycle(cycle)) return null; // an empty cycle file
      while (true) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) break;
          long index = dc.index();
          if (rollCycle.toCycle(index) != cycle) break; // the next cycle: its own turn
          read++;
          Bytes<?> bytes = dc.wire().bytes();
          lastIndex = index;
          bytesPerCycle.merge(cycle, bytes.readRemaining(), Long::sum);
          if (index <= afterIndex) continue; // already in a segment
          try {
            consumer.accept(index, bytes);
            r.documents++;
          } catch (SpanCodec.DamagedRecordException e) {
            r.damagedRecords++;
            LOG.warning(() -> "skipping damaged WAL record " + Long.toHexString(index) + ": " + e.getMessage());
          }
        }
      }
      if (read < expected) return "its index lists " + expected + " records, " + read + " could be read";
      return null;
    } catch (RuntimeException | AssertionError | InternalError e) {
      return "reading stopped after " + read + " records: " + e;
    }
  }

  /** The cycle files on disk by cycle number, oldest first. */
  private SortedMap<Integer, Path> cycleFiles() throws IOException {
    SortedMap<Integer, Path> out = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.cq4")) {
      for (Path f : files) {
        Integer cycle = cycleOf(f);
        if (cycle != null) out.put(cycle, f);
      }
    }
    return out;
  }

  public interface DocumentConsumer {
    void accept(long index, Bytes<?> bytes);
  }

  /**
   * Deletes every cycle file older than the cycle holding {@code keepFromIndex}; the current
   * cycle is never deleted. Returns the number of files removed.
   */
  public int deleteCyclesBefore(long keepFromIndex) throws IOException {
    int keepCycle = Math.min(rollCycle.toCycle(keepFromIndex), queue.cycle());
    // Pooled tailers may hold a cycle file open; new ones are made on demand.
    for (ExcerptTailer t; (t = tailers.poll()) != null; ) t.close();
    int deleted = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.cq4")) {
      for (Path f : files) {
        Integer cycle = cycleOf(f);
        if (cycle != null && cycle < keepCycle) {
          Files.deleteIfExists(f);
          bytesPerCycle.remove(cycle);
          deleted++;
        }
      }
    }
    if (deleted > 0) {
      queue.refreshDirectoryListing();
      LOG.fine(() -> "deleted WAL cycles before " + keepCycle);
    }
    return deleted;
  }

  private Integer cycleOf(Path file) {
    String name = file.getFileName().toString();
    String stem = name.substring(0, name.length() - ".cq4".length());
    try {
      long ms = LocalDateTime.parse(stem, cycleFormat).toInstant(ZoneOffset.UTC).toEpochMilli();
      return (int) (ms / rollCycle.lengthInMillis());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** WAL payload bytes in the cycle files still on disk. */
  public long bytes() {
    long n = 0;
    for (Map.Entry<Integer, Long> e : bytesPerCycle.entrySet()) n += e.getValue();
    return n;
  }

  @Override
  public void close() {
    closed = true;
    for (ExcerptTailer t; (t = tailers.poll()) != null; ) t.close();
    if (appender != null) appender.close();
    queue.close();
  }
}
