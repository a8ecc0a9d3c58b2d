package io.llmscope.storage.segment;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded columns of sealed segments (whole, or the record batches point reads touch), least
 * recently used first out, within a byte budget.
 * Sealed segments never change, so a decoded column is good for as long as its segment is open:
 * an alerting round every 30 s or a dashboard refreshing its panels reads the same recent
 * segments again and again, and without the cache each read decodes (and allocates, mostly as
 * humongous arrays the collector works hard to reclaim) the same columns anew. Cached arrays are
 * shared by every reader and never written. One per store; thread-safe.
 */
public final class ColumnCache {
  /** A column kept for a segment; the reader's identity tells segments apart (a merged segment is a new reader). */
  private record Key(SegmentReader segment, String column) {}

  private record Entry(Object value, long bytes, boolean point) {}

  private final long capacityBytes;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long usedBytes;
  /** The part of {@link #usedBytes} holding record batches of point reads ({@link #putBlock}). */
  private long pointBytes;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  /** {@code capacityBytes} 0 keeps nothing. */
  public ColumnCache(long capacityBytes) {
    if (capacityBytes < 0) throw new IllegalArgumentException("capacityBytes must be >= 0, got " + capacityBytes);
    this.capacityBytes = capacityBytes;
  }

  /** A cache that keeps nothing (tools and tests that open segments on their own). */
  public static final ColumnCache NONE = new ColumnCache(0);

  @SuppressWarnings("unchecked")
  <T> T get(SegmentReader segment, String column) {
    if (capacityBytes == 0) return null;
    Entry e;
    synchronized (this) {
      e = entries.get(new Key(segment, column));
    }
    (e == null ? misses : hits).incrementAndGet();
    return e == null ? null : (T) e.value();
  }

  /** Keeps {@code value} unless it alone would take more than a quarter of the budget. */
  void put(SegmentReader segment, String column, Object value, long bytes) {
    put(segment, column, new Entry(value, heapBytes(bytes), false));
  }

  /** G1's region size, 0 when the collector is another (its arrays take their size). */
  private static final long REGION_BYTES = regionBytes();

  private static long regionBytes() {
    try {
      var vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (!Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())) return 0;
      return Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
    } catch (RuntimeException | LinkageError e) {
      return 0;
    }
  }

  /**
   * What an array of {@code bytes} takes in the heap: G1 gives an array over half a region
   * (humongous) whole regions of its own, so a segment's 2 MiB column takes 3 MiB at a 1 GB
   * heap. Counting that keeps the budget what the heap really spends.
   */
  static long heapBytes(long bytes) {
    long withHeader = bytes + 16;
    if (REGION_BYTES == 0 || withHeader <= REGION_BYTES / 2) return bytes;
    return (withHeader + REGION_BYTES - 1) / REGION_BYTES * REGION_BYTES;
  }

  /**
   * Keeps one record batch a point read decoded, in the same least-recently-used budget as whole
   * columns. (Capping these at a quarter or half of the budget, to shield the whole columns alert
   * rounds reread, made the newest 100 spans of a busy user on 1M LLM spans cycle through more
   * batches than the cap held: an LRU cycle a little larger than its budget hits nothing, and
   * that list went from 18 to 184-192 ms. A batch decoded whole for one row is the real cost.)
   */
  void putBlock(SegmentReader segment, String key, Object value, long bytes) {
    put(segment, key, new Entry(value, heapBytes(bytes), true));
  }

  private void put(SegmentReader segment, String column, Entry entry) {
    if (entry.bytes() > capacityBytes / 4) return;
    synchronized (this) {
      Entry old = entries.put(new Key(segment, column), entry);
      if (old != null) forget(old);
      usedBytes += entry.bytes();
      if (entry.point()) pointBytes += entry.bytes();
      Iterator<Entry> it = entries.values().iterator();
      while (usedBytes > capacityBytes && it.hasNext()) {
        forget(it.next());
        it.remove();
      }
    }
  }

  private void forget(Entry e) {
    usedBytes -= e.bytes();
    if (e.point()) pointBytes -= e.bytes();
  }

  /** Drops a closed segment's columns. */
  synchronized void evict(SegmentReader segment) {
    Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, Entry> e = it.next();
      if (e.getKey().segment() == segment) {
        forget(e.getValue());
        it.remove();
      }
    }
  }

  public long capacityBytes() {
    return capacityBytes;
  }

  public synchronized long usedBytes() {
    return usedBytes;
  }

  /** The part of {@link #usedBytes} that holds record batches of point reads. */
  public synchronized long pointBytes() {
    return pointBytes;
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }
}
