package io.llmscope.storage.segment;

import io.llmscope.storage.format.CheckedRead;
import io.llmscope.storage.format.CorruptSegmentException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * A segment's trace lookup, kept in {@code index.bin}: a Bloom filter of all its trace ids, and
 * per record batch of {@code trace_id.arrow} its position, CRC and a Bloom filter of its ids, so
 * a lookup reads (and checks) only the file's head, tail and the batches that may hold the trace.
 */
record TraceIndex(int traceCount, int batchRows, int bloomHashes, int headLength, long headCrc, long tailOffset,
    int tailLength, long tailCrc, long[] bloom, Batch[] batches) {

  /** One record batch of trace_id.arrow: where it is, its CRC, and a Bloom filter of its trace ids. */
  record Batch(ArrowBlock block, long crc, long[] bloom) {}

  /** False when no span of the trace is in the segment; true when one may be. */
  boolean mayContain(long hi, long lo) {
    return SegmentBloom.mayContain(bloom, bloomHashes, hi, lo);
  }

  /** Loads record batch k of trace_id.arrow (from the column cache or the file). */
  interface BatchLoad {
    SegmentColumns.TraceIds load(int k) throws IOException;
  }

  /** Exact, sorted row numbers of the trace; empty if none. */
  int[] rowsOf(long hi, long lo, BatchLoad load) throws IOException {
    int[] out = new int[0];
    int count = 0;
    if (!mayContain(hi, lo)) return out;
    for (int k = 0; k < batches.length; k++) {
      if (!SegmentBloom.mayContain(batches[k].bloom(), bloomHashes, hi, lo)) continue;
      SegmentColumns.TraceIds ids = load.load(k);
      int base = k * batchRows;
      for (int i = 0; i < ids.size(); i++) {
        if (ids.hi()[i] == hi && ids.lo()[i] == lo) {
          if (count == out.length) out = Arrays.copyOf(out, Math.max(8, count * 2));
          out[count++] = base + i;
        }
      }
    }
    return Arrays.copyOf(out, count);
  }

  /** The trace ids of record batch {@code k}, read with the file's head and tail, each region CRC-checked. */
  SegmentColumns.TraceIds readBatch(int k, CheckedFiles files, int rows) throws IOException {
    String name = SegmentFormat.fileName(SegmentFormat.TRACE_ID);
    Path file = files.path(name);
    long length = files.stored(name).length();
    ArrowBlock block = batches[k].block();
    long blockLength = block.getMetadataLength() + block.getBodyLength();
    if (tailOffset + tailLength != length || block.getOffset() < headLength || block.getOffset() + blockLength > tailOffset) {
      throw new CorruptSegmentException(file, "size or layout does not match the index");
    }
    byte[][] r = files.regions(name, new long[] {0, tailOffset, block.getOffset()},
        new int[] {headLength, tailLength, (int) blockLength});
    CheckedRead.checkCrc(file, r[0], headCrc, "head");
    CheckedRead.checkCrc(file, r[1], tailCrc, "tail");
    CheckedRead.checkCrc(file, r[2], batches[k].crc(), "record batch " + k);
    SegmentColumns.TraceIds ids = SegmentColumns.readTraceBlock(file, length, new long[] {0, tailOffset, block.getOffset()}, r, block);
    int want = Math.min(batchRows, rows - k * batchRows);
    if (ids.size() != want) throw new CorruptSegmentException(file, "record batch " + k + " has " + ids.size() + " rows");
    return ids;
  }
}
