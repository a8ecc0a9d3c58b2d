package io.llmscope.storage.head;

import com.carrotsearch.hppc.LongIntHashMap;
import io.llmscope.storage.format.DetailCodec;
import io.llmscope.storage.format.EncodedDetails;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Ids;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import io.llmscope.storage.wal.WriteAheadLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The in-memory, queryable tail of one tenant's spans: rows appended to the WAL and not yet
 * sealed. Only the columns live here; each span's detail stays in the WAL and is read back on
 * demand. One writer (under the storage lock) and any number of concurrent readers; a reader's
 * {@link #snapshot} sees a stable prefix of rows.

 *
 * <p>The store counts its references ({@code LiveHead}): WAL files a head points into are kept
 * until no snapshot reads it.
 */
public final class HeadBlock {
  /** Rows per batch of a head snapshot. */
  public static final int CHUNK_ROWS = HeadChunk.CAPACITY;

  public final String tenant;
  private final WriteAheadLog wal;
  private final StringDictionary[] dicts = new StringDictionary[Dim.COUNT];
  private volatile HeadChunk[] chunks = new HeadChunk[0];
  private volatile long rows;
  // Written by the writer before it publishes rows; readers read them after reading rows.
  private volatile long minStart = Long.MAX_VALUE;
  private volatile long maxStart = Long.MIN_VALUE;
  private volatile long firstWalIndex = Long.MAX_VALUE;
  private volatile long firstAppendMs;
  // Span identity hash → row, for the store's duplicate check; only the writer uses it.
  private final LongIntHashMap rowOfSpan = new LongIntHashMap();

  public HeadBlock(String tenant, WriteAheadLog wal) {
    this.tenant = tenant;
    this.wal = wal;
    for (int d = 0; d < Dim.COUNT; d++) dicts[d] = new StringDictionary();
  }

  /** Writer only: spans of the WAL document {@code walDocument}, with their detail offsets in it. */
  public void add(List<LlmSpan> spans, long walDocument, int[] detailOffsets) {
    if (spans.isEmpty()) return;
    if (rows == 0) {
      firstWalIndex = walDocument;
      firstAppendMs = System.currentTimeMillis();
    }
    long r = rows;
    HeadChunk[] cs = chunks;
    long lo = minStart;
    long hi = maxStart;
    for (int i = 0; i < spans.size(); i++) {
      LlmSpan s = spans.get(i);
      int idx = (int) (r / HeadChunk.CAPACITY);
      if (idx == cs.length) {
        cs = Arrays.copyOf(cs, cs.length + 1);
        cs[idx] = new HeadChunk();
        chunks = cs;
      }
      cs[idx].set((int) (r % HeadChunk.CAPACITY), s, dicts, walDocument, detailOffsets[i]);
      // A hash shared by two spans keeps the first: the second is then simply not findable.
      rowOfSpan.putIfAbsent(Ids.spanKey(s.traceIdHi, s.traceIdLo, s.spanId), (int) r);
      lo = Math.min(lo, s.startNanos);
      hi = Math.max(hi, s.startNanos);
      r++;
    }
    minStart = lo;
    maxStart = hi;
    rows = r; // publish
  }

  public long rows() {
    return rows;
  }

  /** Writer only: whether a row with this trace and span id is here. */
  public boolean containsSpan(long traceHi, long traceLo, long spanId) {
    int row = rowOfSpan.getOrDefault(Ids.spanKey(traceHi, traceLo, spanId), -1);
    if (row < 0) return false;
    HeadChunk c = chunks[row / HeadChunk.CAPACITY];
    int k = row % HeadChunk.CAPACITY;
    return c.spanId[k] == spanId && c.traceHi[k] == traceHi && c.traceLo[k] == traceLo;
  }

  public long minStartNanos() {
    return minStart;
  }

  public long maxStartNanos() {
    return maxStart;
  }

  /** WAL index of the first document with rows here; Long.MAX_VALUE while empty. */
  public long firstWalIndex() {
    return firstWalIndex;
  }

  /** Wall-clock time of the first append, for age-based sealing. */
  public long firstAppendMs() {
    return firstAppendMs;
  }

  /** The rows published so far, as batches of at most {@link HeadChunk#CAPACITY} rows. */
  public List<ColumnBatch> snapshot() {
    long r = rows;
    HeadChunk[] cs = chunks;
    List<ColumnBatch> out = new ArrayList<>(cs.length);
    for (int i = 0; i < cs.length && (long) i * HeadChunk.CAPACITY < r; i++) {
      int size = (int) Math.min(HeadChunk.CAPACITY, r - (long) i * HeadChunk.CAPACITY);
      out.add(new HeadChunkView(cs[i], size, dicts, wal));
    }
    return out;
  }

  /**
   * A fixed-size view of a chunk; the size is frozen at snapshot time. Used by one thread at a
   * time; it keeps the last WAL document it read, since neighbouring rows share documents.
   */
  private static final class HeadChunkView implements ColumnBatch, EncodedDetails {
    private final HeadChunk c;
    private final int size;
    private final StringDictionary[] dicts;
    private final WriteAheadLog wal;
    private long cachedIndex = Long.MIN_VALUE;
    private byte[] cachedDocument;

    HeadChunkView(HeadChunk c, int size, StringDictionary[] dicts, WriteAheadLog wal) {
      this.c = c;
      this.size = size;
      this.dicts = dicts;
      this.wal = wal;
    }

    @Override public int size() { return size; }
    @Override public long minStartNanos() { return c.minStart; }
    @Override public long maxStartNanos() { return c.maxStart; }
    @Override public long[] startNanos() { return c.start; }
    @Override public long[] endNanos() { return c.end; }
    @Override public long[] traceIdHi() { return c.traceHi; }
    @Override public long[] traceIdLo() { return c.traceLo; }
    @Override public long[] spanIds() { return c.spanId; }
    @Override public long[] parentSpanIds() { return c.parentId; }
    @Override public int[] dimIds(Dim dim) { return c.dims[dim.ordinal()]; }
    @Override public Dictionary dictionary(Dim dim) { return dicts[dim.ordinal()]; }
    @Override public double[] measure(Measure m) { return c.measures[m.ordinal()]; }
    @Override public byte[] flags() { return c.flags; }

    @Override
    public SpanDetail detail(int row) {
      long index = c.walIndex[row];
      if (index != cachedIndex) {
        cachedDocument = wal.readDocument(index);
        cachedIndex = index;
      }
      return DetailCodec.readDetailAt(cachedDocument, c.detailOffset[row], () -> span(row));
    }

    /** Reads just this row's detail out of its WAL document: sealing visits rows out of WAL order. */
    @Override
    public void copyDetail(int row, SegmentBytes.Out out) {
      wal.read(c.walIndex[row], doc -> {
        DetailCodec.copyAt(doc, c.detailOffset[row], out);
        return null;
      });
    }
  }
}
