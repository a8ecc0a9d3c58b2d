package io.llmscope.storage.head;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanFlags;

/** Fixed-capacity column arrays for a run of head rows; filled once, by the single writer. */
final class HeadChunk {
  static final int CAPACITY = 8192;

  final long[] start = new long[CAPACITY];
  final long[] end = new long[CAPACITY];
  final long[] traceHi = new long[CAPACITY];
  final long[] traceLo = new long[CAPACITY];
  final long[] spanId = new long[CAPACITY];
  final long[] parentId = new long[CAPACITY];
  final int[][] dims = new int[Dim.COUNT][CAPACITY];
  final double[][] measures = new double[Measure.COUNT][CAPACITY];
  final byte[] flags = new byte[CAPACITY];
  // Where each row's detail sits in the WAL: the document index and the offset inside it.
  final long[] walIndex = new long[CAPACITY];
  final int[] detailOffset = new int[CAPACITY];
  long minStart = Long.MAX_VALUE;
  long maxStart = Long.MIN_VALUE;

  void set(int row, LlmSpan s, StringDictionary[] dicts, long walDocument, int walDetailOffset) {
    start[row] = s.startNanos;
    end[row] = s.endNanos;
    traceHi[row] = s.traceIdHi;
    traceLo[row] = s.traceIdLo;
    spanId[row] = s.spanId;
    parentId[row] = s.parentSpanId;
    for (int d = 0; d < Dim.COUNT; d++) dims[d][row] = dicts[d].add(s.dims[d]);
    for (int m = 0; m < Measure.COUNT; m++) measures[m][row] = s.measures[m];
    flags[row] = (byte) SpanFlags.of(s);
    walIndex[row] = walDocument;
    detailOffset[row] = walDetailOffset;
    if (s.startNanos < minStart) minStart = s.startNanos;
    if (s.startNanos > maxStart) maxStart = s.startNanos;
  }
}
