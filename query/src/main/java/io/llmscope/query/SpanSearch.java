package io.llmscope.query;

import io.llmscope.storage.StoreSnapshot;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.Nanos;
import io.llmscope.storage.model.SpanFlags;
import io.llmscope.storage.scan.ColumnBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * {@code GET /api/v1/spans}: the newest spans in a time range whose dimensions equal the given
 * values, canonical fields only. Batches whose newest span cannot beat the current top N are
 * skipped without reading their columns.
 */
final class SpanSearch {
  private SpanSearch() {}

  static List<LlmSpan> newest(StoreSnapshot snap, SpanQuery q, int limit) {
    long from = Nanos.fromMillis(q.fromMs());
    long to = Nanos.fromMillis(q.toMs());
    Map<Dim, String> equals = q.equals();
    // Min-heap on start time: the root is the oldest of the current top N.
    PriorityQueue<LlmSpan> top = new PriorityQueue<>(Comparator.comparingLong((LlmSpan s) -> s.startNanos)
        .thenComparingLong(s -> s.spanId));
    List<ColumnBatch> batches = new ArrayList<>(snap.batches());
    batches.sort(Comparator.comparingLong(ColumnBatch::maxStartNanos).reversed());
    for (int i = 0; i < batches.size(); i++) {
      ColumnBatch b = batches.get(i);
      batches.set(i, null); // let its decoded columns go once scanned
      if (b.size() == 0 || b.maxStartNanos() < from || b.minStartNanos() >= to) continue;
      if (top.size() == limit && b.maxStartNanos() < top.peek().startNanos) break; // sorted: nothing newer follows
      int[][] ids = new int[equals.size()][];
      int[] want = new int[equals.size()];
      int k = 0;
      boolean possible = true;
      for (Map.Entry<Dim, String> e : equals.entrySet()) {
        ids[k] = b.dimIds(e.getKey());
        want[k] = b.dictionary(e.getKey()).idOf(e.getValue());
        possible &= want[k] > 0;
        k++;
      }
      if (!possible) continue;
      long[] start = b.startNanos();
      double[] duration = q.minDurationMs() > 0 ? b.measure(Measure.DURATION_MS) : null; // as duration_ms filters read it
      byte[] flags = q.llmOnly() ? b.flags() : null;
      rows:
      for (int r = 0; r < b.size(); r++) {
        long t = start[r];
        if (t < from || t >= to) continue;
        if (top.size() == limit && t < top.peek().startNanos) continue;
        for (int f = 0; f < ids.length; f++) if (ids[f][r] != want[f]) continue rows;
        if (flags != null && (flags[r] & SpanFlags.LLM) == 0) continue;
        if (duration != null && !(duration[r] >= q.minDurationMs())) continue;
        top.add(b.span(r));
        if (top.size() > limit) top.poll();
      }
    }
    List<LlmSpan> out = new ArrayList<>(top);
    out.sort(Comparator.comparingLong((LlmSpan s) -> s.startNanos).reversed().thenComparingLong(s -> s.spanId));
    return out;
  }
}
