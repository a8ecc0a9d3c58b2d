package io.llmscope.query;

import java.util.Arrays;

/**
 * Query-wide ids of one group field's values: id 0 is absent (null), then 1, 2, ... in order of
 * first sight. Open addressing over a long[] of (hash, id) pairs, so a probe touches one array
 * and compares strings only on a hash match: grouping by a field with tens of thousands of values
 * (users, sessions) maps each segment's whole dictionary through here. The values kept and the
 * arrays' growth are charged to the query's memory budget: grouping by span or trace id keeps one
 * string per span.
 */
final class ValueIds {
  private final QueryMemory.Account memory;
  private long[] slots = new long[64]; // (hash << 32) | id; 0 = empty (ids start at 1)
  private String[] values = new String[16];
  private int size = 1; // id 0: absent
  // Ids ordered by value, for merging sorted dictionaries; ids from `sortedUpTo` on are not in it yet.
  private int[] byValue = new int[0];
  private int sortedUpTo = 1;

  ValueIds() {
    this(QueryMemory.unbounded().account());
  }

  ValueIds(QueryMemory.Account memory) {
    this.memory = memory;
  }

  int size() {
    return size;
  }

  String value(int id) {
    return values[id];
  }

  /**
   * Ids of every value of a dictionary whose values ascend with their ids (a sealed segment's):
   * one merge against the values known so far instead of a hash probe per value. With tens of
   * thousands of users per segment the probes, each a few cache misses, were most of a query.
   */
  int[] idsOfSorted(io.llmscope.storage.scan.Dictionary d) {
    addUnsorted();
    int n = d.size();
    int[] out = new int[n];
    int[] added = new int[n];
    int fresh = 0;
    int at = 0;
    for (int local = 1; local < n; local++) {
      String v = d.value(local);
      while (at < byValue.length && values[byValue[at]].compareTo(v) < 0) at++;
      if (at < byValue.length && values[byValue[at]].equals(v)) {
        out[local] = byValue[at];
      } else {
        out[local] = added[fresh++] = idOf(v);
      }
    }
    sortedUpTo = size;
    if (fresh > 0) byValue = mergeByValue(byValue, Arrays.copyOf(added, fresh)); // both ascend by value
    return out;
  }

  /** Brings ids added by {@link #idOf} since the last merge into the by-value order. */
  private void addUnsorted() {
    if (sortedUpTo == size) return;
    Integer[] ids = new Integer[size - sortedUpTo];
    for (int i = 0; i < ids.length; i++) ids[i] = sortedUpTo + i;
    Arrays.sort(ids, (a, b) -> values[a].compareTo(values[b]));
    int[] sorted = new int[ids.length];
    for (int i = 0; i < ids.length; i++) sorted[i] = ids[i];
    byValue = mergeByValue(byValue, sorted);
    sortedUpTo = size;
  }

  private int[] mergeByValue(int[] a, int[] b) {
    memory.chargeGrowth(a.length, a.length + b.length, Integer.BYTES);
    int[] out = new int[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length && j < b.length) out[k++] = values[a[i]].compareTo(values[b[j]]) <= 0 ? a[i++] : b[j++];
    while (i < a.length) out[k++] = a[i++];
    while (j < b.length) out[k++] = b[j++];
    return out;
  }

  /** The id of {@code value}, adding it when new; 0 for null. */
  int idOf(String value) {
    if (value == null) return 0;
    int h = value.hashCode();
    int mask = slots.length - 1;
    for (int i = mix(h) & mask; ; i = (i + 1) & mask) {
      long slot = slots[i];
      if (slot == 0) break;
      if ((int) (slot >>> 32) == h) {
        int id = (int) slot;
        if (values[id].equals(value)) return id;
      }
    }
    memory.charge(QueryMemory.STRING_OVERHEAD + value.length());
    int id = size++;
    if (id == values.length) {
      memory.chargeGrowth(id, id * 2L, Integer.BYTES); // compressed references
      values = Arrays.copyOf(values, id * 2);
    }
    values[id] = value;
    insert(h, id);
    if (size * 2 > slots.length) rehash();
    return id;
  }

  private void insert(int h, int id) {
    int mask = slots.length - 1;
    int i = mix(h) & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = ((long) h << 32) | id;
  }

  private void rehash() {
    memory.chargeGrowth(slots.length, slots.length * 2L, Long.BYTES);
    long[] old = slots;
    slots = new long[old.length * 2];
    for (long slot : old) if (slot != 0) insert((int) (slot >>> 32), (int) slot);
  }

  private static int mix(int h) {
    return (h ^ (h >>> 16)) * 0x45d9f3b;
  }
}
