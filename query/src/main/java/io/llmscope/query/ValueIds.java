package io.llmscope.query;

import java.util.Arrays;

/**
 * Query-wide ids of one group field's values: id 0 is absent (null), then 1, 2, ... in order of
 * first sight. Open addressing over a long[] of (hash, id) pairs, so a probe touches one array
 * and compares strings only on a hash match: grouping by a field with tens of thousands of values
 * (users, sessions) maps each segment's whole dictionary through here.
 */
final class ValueIds {
  private long[] slots = new long[64]; // (hash << 32) | id; 0 = empty (ids start at 1)
  private String[] values = new String[16];
  private int size = 1; // id 0: absent

  int size() {
    return size;
  }

  String value(int id) {
    return values[id];
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
    int id = size++;
    if (id == values.length) values = Arrays.copyOf(values, id * 2);
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
    long[] old = slots;
    slots = new long[old.length * 2];
    for (long slot : old) if (slot != 0) insert((int) (slot >>> 32), (int) slot);
  }

  private static int mix(int h) {
    return (h ^ (h >>> 16)) * 0x45d9f3b;
  }
}
