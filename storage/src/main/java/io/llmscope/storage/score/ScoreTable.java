package io.llmscope.storage.score;

import com.carrotsearch.hppc.LongHashSet;
import io.llmscope.storage.model.Score;
import io.llmscope.storage.scan.ScoreView;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One tenant's scores in memory, column by column in arrival order, with an open-addressing hash of
 * traces whose slots hold the newest score of their trace (each score links to its trace's previous
 * one). A score as an object, keyed by a trace-key object in a concurrent map, took ~160 bytes and
 * a 10M-span store's million scores a sixth of a 1 GB heap; here a score takes ~70.
 *
 * <p>Writers are serialised by {@link ScoreStore}; readers never lock. A writer fills a score's
 * columns (growing them into copies first, published before use) and only then stores it in its
 * slot with release semantics; a reader loads the slot with acquire semantics before it reads the
 * columns, so whatever a slot names is there to read. A rehash builds the new slots whole before
 * publishing them; a reader still on the old ones sees the table as it was.
 */
final class ScoreTable implements ScoreView {
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(int[].class);
  private static final int FIRST_CAPACITY = 1024;

  /** The columns and the trace slots, replaced (never changed in place below {@code size}) as they grow. */
  private static final class Columns {
    final long[] hi;
    final long[] lo;
    final long[] span;
    final long[] time;
    final double[] value;
    /** Index + 1 of the trace's previous score; 0 for its first. */
    final int[] previous;
    final String[] name;
    final String[] label;
    final String[] comment;
    final String[] source;
    final String[] id;

    Columns(int capacity) {
      hi = new long[capacity];
      lo = new long[capacity];
      span = new long[capacity];
      time = new long[capacity];
      value = new double[capacity];
      previous = new int[capacity];
      name = new String[capacity];
      label = new String[capacity];
      comment = new String[capacity];
      source = new String[capacity];
      id = new String[capacity];
    }

    Columns(Columns c, int capacity) {
      hi = Arrays.copyOf(c.hi, capacity);
      lo = Arrays.copyOf(c.lo, capacity);
      span = Arrays.copyOf(c.span, capacity);
      time = Arrays.copyOf(c.time, capacity);
      value = Arrays.copyOf(c.value, capacity);
      previous = Arrays.copyOf(c.previous, capacity);
      name = Arrays.copyOf(c.name, capacity);
      label = Arrays.copyOf(c.label, capacity);
      comment = Arrays.copyOf(c.comment, capacity);
      source = Arrays.copyOf(c.source, capacity);
      id = Arrays.copyOf(c.id, capacity);
    }

    Score score(int i) {
      return new Score(hi[i], lo[i], span[i], name[i], value[i], label[i], comment[i], source[i], time[i], id[i]);
    }
  }

  private volatile Columns columns = new Columns(FIRST_CAPACITY);
  /** Per slot, index + 1 of the newest score of the trace hashed there; 0 = empty. Under half full. */
  private volatile int[] slots = new int[2 * FIRST_CAPACITY];
  private int traces;
  /** Scores added; written by the writer only, read by queries as the {@link #version}. */
  private volatile int size;

  private final ConcurrentSkipListMap<String, Long> names = new ConcurrentSkipListMap<>();
  private final LongHashSet identities = new LongHashSet();
  /** One instance of each name, source and short label (decoded scores carry copies of their own). */
  private final Map<String, String> shared = new HashMap<>();
  private static final int SHARED_MAX = 100_000;
  private static final int SHARED_LABEL_CHARS = 64;

  /** True when a score with this identity is stored already (writer side only). */
  boolean contains(Score s) {
    return identities.contains(s.identity());
  }

  /** Adds a score; the caller checked {@link #contains} and holds the writer lock. */
  void add(Score s) {
    identities.add(s.identity());
    if (size == Integer.MAX_VALUE - 1) throw new IllegalStateException("score table full");
    Columns c = columns;
    if (size == c.hi.length) columns = c = new Columns(c, (int) Math.min(Integer.MAX_VALUE - 1, 2L * size));
    int i = size;
    c.hi[i] = s.traceIdHi();
    c.lo[i] = s.traceIdLo();
    c.span[i] = s.spanId();
    c.time[i] = s.timestampMs();
    c.value[i] = s.value();
    c.name[i] = share(s.name());
    c.source[i] = share(s.source());
    c.label[i] = s.label() != null && s.label().length() <= SHARED_LABEL_CHARS ? share(s.label()) : s.label();
    c.comment[i] = s.comment();
    c.id[i] = s.id();
    int[] t = slots;
    int slot = find(t, s.traceIdHi(), s.traceIdLo());
    int head = (int) SLOT.getAcquire(t, slot);
    c.previous[i] = head;
    SLOT.setRelease(t, slot, i + 1);
    size = i + 1;
    if (head == 0 && ++traces * 2 > t.length) slots = rehash(c, size, t.length * 2);
    names.merge(s.name(), 1L, Long::sum);
  }

  long size() {
    return size;
  }

  @Override
  public long version() {
    return size;
  }

  private String share(String v) {
    if (v == null) return null;
    String known = shared.get(v);
    if (known != null) return known;
    if (shared.size() < SHARED_MAX) shared.put(v, v);
    return v;
  }

  /** The slot of the trace, or the empty slot where it would go. */
  private int find(int[] t, long hi, long lo) {
    int mask = t.length - 1;
    for (int s = hash(hi, lo) & mask; ; s = (s + 1) & mask) {
      int head = (int) SLOT.getAcquire(t, s);
      if (head == 0) return s;
      Columns c = columns; // read after the slot: holds every score the slot names
      if (c.hi[head - 1] == hi && c.lo[head - 1] == lo) return s;
    }
  }

  private static int[] rehash(Columns c, int size, int length) {
    int[] t = new int[length];
    int mask = length - 1;
    for (int head : newestOfEachTrace(c, size)) {
      int s = hash(c.hi[head - 1], c.lo[head - 1]) & mask;
      while (t[s] != 0) s = (s + 1) & mask;
      t[s] = head;
    }
    return t;
  }

  /** The newest score (index + 1) of every trace of the first n, from the columns alone. */
  private static int[] newestOfEachTrace(Columns c, int n) {
    // A score whose index + 1 is no later score's "previous" is its trace's newest.
    boolean[] superseded = new boolean[n + 1];
    for (int i = 0; i < n; i++) superseded[c.previous[i]] = true;
    int[] heads = new int[n];
    int k = 0;
    for (int i = 1; i <= n; i++) if (!superseded[i]) heads[k++] = i;
    return Arrays.copyOf(heads, k);
  }

  /** Index + 1 of the newest score of the trace, 0 when it has none. */
  private int newest(long hi, long lo) {
    int[] t = slots;
    return (int) SLOT.getAcquire(t, find(t, hi, lo));
  }

  @Override
  public boolean mayHaveTrace(long traceIdHi, long traceIdLo) {
    return newest(traceIdHi, traceIdLo) != 0;
  }

  @Override
  public Score[] ofTrace(long traceIdHi, long traceIdLo) {
    int head = newest(traceIdHi, traceIdLo);
    if (head == 0) return NONE;
    Columns c = columns;
    int n = 0;
    for (int i = head; i != 0; i = c.previous[i - 1]) n++;
    Score[] out = new Score[n];
    for (int i = head; i != 0; i = c.previous[i - 1]) out[--n] = c.score(i - 1);
    return out;
  }

  @Override
  public void forEachOfTrace(long traceIdHi, long traceIdLo, ScoreConsumer to) {
    int head = newest(traceIdHi, traceIdLo);
    if (head == 0) return;
    Columns c = columns;
    int previous = c.previous[head - 1];
    if (previous == 0) { // most traces have one score: no array to put them in order
      to.accept(c.span[head - 1], c.name[head - 1], c.value[head - 1], c.label[head - 1], c.time[head - 1]);
      return;
    }
    int n = 0;
    for (int i = head; i != 0; i = c.previous[i - 1]) n++;
    int[] order = new int[n];
    for (int i = head; i != 0; i = c.previous[i - 1]) order[--n] = i - 1;
    for (int i : order) to.accept(c.span[i], c.name[i], c.value[i], c.label[i], c.time[i]);
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

  /** Every score, trace by trace (the rewrite after damage; writer side). */
  Iterable<Score[]> traces() {
    Columns c = columns;
    List<Score[]> all = new ArrayList<>(traces);
    for (int head : newestOfEachTrace(c, size)) all.add(ofTrace(c.hi[head - 1], c.lo[head - 1]));
    return all;
  }

  private static int hash(long hi, long lo) {
    long h = (hi ^ Long.rotateLeft(lo, 29)) * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32);
  }
}
