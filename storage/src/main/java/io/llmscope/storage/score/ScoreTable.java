package io.llmscope.storage.score;

import com.carrotsearch.hppc.LongHashSet;
import io.llmscope.storage.model.Score;
import io.llmscope.storage.scan.ScoreView;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One tenant's scores in memory. Writers are serialised by {@link ScoreStore}; readers never lock:
 * a trace's array is replaced, never changed, and a bit per trace hash (set before the array is
 * published) lets a scan skip unscored traces without a map lookup.
 */
final class ScoreTable implements ScoreView {
  /** Trace-hash bits: 2^22 bits (512 KiB) keep false positives under 5% up to ~200k scored traces. */
  private static final int BITS_LOG2 = 22;

  private record TraceKey(long hi, long lo) {}

  private final ConcurrentHashMap<TraceKey, Score[]> byTrace = new ConcurrentHashMap<>();
  private final AtomicLongArray traceBits = new AtomicLongArray(1 << (BITS_LOG2 - 6));
  private final ConcurrentSkipListMap<String, Long> names = new ConcurrentSkipListMap<>();
  private final LongHashSet identities = new LongHashSet();
  /**
   * One instance of each name, source and short label: every decoded score carried its own copies,
   * and at 1M scores they were a third of the table's heap.
   */
  private final Map<String, String> shared = new HashMap<>();
  private static final int SHARED_MAX = 100_000;
  private static final int SHARED_LABEL_CHARS = 64;
  private long size;

  /** True when a score with this identity is stored already (writer side only). */
  boolean contains(Score s) {
    return identities.contains(s.identity());
  }

  /** Adds a score; the caller checked {@link #contains} and holds the writer lock. */
  void add(Score score) {
    Score s = shared(score);
    identities.add(s.identity());
    int bit = bit(s.traceIdHi(), s.traceIdLo());
    traceBits.getAndUpdate(bit >>> 6, w -> w | (1L << bit));
    byTrace.compute(new TraceKey(s.traceIdHi(), s.traceIdLo()), (k, old) -> {
      if (old == null) return new Score[] {s};
      Score[] grown = Arrays.copyOf(old, old.length + 1);
      grown[old.length] = s;
      return grown;
    });
    names.merge(s.name(), 1L, Long::sum);
    size++;
  }

  long size() {
    return size;
  }

  private Score shared(Score s) {
    String name = share(s.name());
    String source = share(s.source());
    String label = s.label() != null && s.label().length() <= SHARED_LABEL_CHARS ? share(s.label()) : s.label();
    if (name == s.name() && source == s.source() && label == s.label()) return s;
    return new Score(s.traceIdHi(), s.traceIdLo(), s.spanId(), name, s.value(), label, s.comment(), source,
        s.timestampMs(), s.id());
  }

  private String share(String v) {
    if (v == null) return null;
    String known = shared.get(v);
    if (known != null) return known;
    if (shared.size() < SHARED_MAX) shared.put(v, v);
    return v;
  }

  @Override
  public boolean mayHaveTrace(long traceIdHi, long traceIdLo) {
    int bit = bit(traceIdHi, traceIdLo);
    return (traceBits.get(bit >>> 6) & (1L << bit)) != 0;
  }

  @Override
  public Score[] ofTrace(long traceIdHi, long traceIdLo) {
    Score[] s = byTrace.get(new TraceKey(traceIdHi, traceIdLo));
    return s == null ? NONE : s;
  }

  @Override
  public Map<String, Long> names() {
    return Collections.unmodifiableMap(new TreeMap<>(names));
  }

  @Override
  public boolean hasName(String name) {
    return names.containsKey(name);
  }

  @Override
  public boolean isEmpty() {
    return names.isEmpty();
  }

  /** Every score, trace by trace (the rewrite after damage). */
  Iterable<Score[]> traces() {
    return byTrace.values();
  }

  private static int bit(long hi, long lo) {
    long h = (hi ^ Long.rotateLeft(lo, 29)) * 0x9E3779B97F4A7C15L;
    return (int) (h >>> (64 - BITS_LOG2));
  }
}
