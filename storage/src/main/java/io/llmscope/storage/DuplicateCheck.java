package io.llmscope.storage;

import com.carrotsearch.hppc.IntArrayList;
import com.carrotsearch.hppc.LongIntHashMap;
import io.llmscope.storage.model.Ids;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.scan.ColumnBatch;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the spans of an append that are stored already: the same (tenant, trace id, span id) in
 * one of the tenant's heads, active or being sealed, in one of its segments, or earlier in the
 * same append. OTLP exporters resend a whole batch after a timeout or a 503; the first copy stored
 * wins and later ones are acknowledged and dropped, so a retried span never counts twice. Runs
 * under the write lock, so two appends of one span cannot both pass.
 *
 * <p>Heads answer from a hash table. A segment is asked only when its start-time range holds the
 * span's start (a resent span keeps its times, and live traffic is newer than every segment) and
 * its trace filter admits the trace; only then are its trace index and span ids read.
 */
final class DuplicateCheck {
  private DuplicateCheck() {}

  /** Positions in {@code spans} of the copies to drop; empty when every span is new. */
  static BitSet duplicates(List<LlmSpan> spans, List<LiveHead> heads, List<Segment> segments) {
    BitSet dups = new BitSet();
    long newestSegmentStart = Long.MIN_VALUE;
    for (Segment seg : segments) newestSegmentStart = Math.max(newestSegmentStart, seg.info.maxStartNanos());
    LongIntHashMap firstInAppend = spans.size() > 1 ? new LongIntHashMap(spans.size()) : null;
    Map<Segment, IntArrayList> askSegment = null;
    for (int i = 0; i < spans.size(); i++) {
      LlmSpan s = spans.get(i);
      if (firstInAppend != null) {
        long key = Ids.spanKey(s.traceIdHi, s.traceIdLo, s.spanId);
        int first = firstInAppend.getOrDefault(key, -1);
        if (first < 0) {
          firstInAppend.put(key, i);
        } else if (sameSpan(spans.get(first), s)) {
          dups.set(i);
          continue;
        }
      }
      if (inHeads(s, heads)) {
        dups.set(i);
        continue;
      }
      if (s.startNanos > newestSegmentStart) continue;
      for (Segment seg : segments) {
        if (s.startNanos < seg.info.minStartNanos() || s.startNanos > seg.info.maxStartNanos()) continue;
        if (!seg.reader.mayContainTrace(s.traceIdHi, s.traceIdLo)) continue;
        if (askSegment == null) askSegment = new IdentityHashMap<>();
        askSegment.computeIfAbsent(seg, k -> new IntArrayList()).add(i);
      }
    }
    if (askSegment != null) {
      for (Map.Entry<Segment, IntArrayList> e : askSegment.entrySet()) inSegment(spans, e.getKey(), e.getValue(), dups);
    }
    return dups;
  }

  private static boolean inHeads(LlmSpan s, List<LiveHead> heads) {
    for (LiveHead h : heads) if (h.block.containsSpan(s.traceIdHi, s.traceIdLo, s.spanId)) return true;
    return false;
  }

  /** Marks the candidates whose trace holds a row with their span id; one view reads the ids once. */
  private static void inSegment(List<LlmSpan> spans, Segment seg, IntArrayList candidates, BitSet dups) {
    ColumnBatch view = seg.reader.batch();
    long[] spanIds = null;
    for (int c = 0; c < candidates.size(); c++) {
      int i = candidates.get(c);
      if (dups.get(i)) continue;
      LlmSpan s = spans.get(i);
      int[] rows = seg.reader.rowsOfTrace(s.traceIdHi, s.traceIdLo);
      if (rows.length == 0) continue;
      if (spanIds == null) spanIds = view.spanIds();
      for (int row : rows) {
        if (spanIds[row] == s.spanId) {
          dups.set(i);
          break;
        }
      }
    }
  }

  private static boolean sameSpan(LlmSpan a, LlmSpan b) {
    return a.spanId == b.spanId && a.traceIdHi == b.traceIdHi && a.traceIdLo == b.traceIdLo;
  }
}
