package io.llmscope.query;

import java.util.Arrays;

/**
 * Open-addressing hash table from fixed-width long keys (group ids and time bucket) to dense
 * group numbers 0..size-1. Keys are stored flat in one long[]; no boxing. Growth is charged to the
 * query's memory budget before it is allocated.
 */
final class GroupTable {
  private final int width;
  private long[] keys;
  private int[] table; // group number + 1, 0 = empty
  private int size;
  private final QueryMemory.Account memory;

  GroupTable(int width, QueryMemory.Account memory) {
    this.memory = memory;
    this.width = Math.max(1, width);
    this.keys = new long[16 * this.width];
    this.table = new int[64];
  }

  int size() {
    return size;
  }

  long key(int group, int part) {
    return keys[group * width + part];
  }

  /** The group number of the key in {@code probe[0..width)}, adding it when new. */
  int findOrAdd(long[] probe) {
    int mask = table.length - 1;
    int h = hash(probe) & mask;
    while (true) {
      int g = table[h] - 1;
      if (g < 0) break;
      if (equalsAt(g, probe)) return g;
      h = (h + 1) & mask;
    }
    int g = size;
    if ((g + 1) * width > keys.length) {
      memory.chargeGrowth(keys.length, keys.length * 2L, Long.BYTES);
      keys = Arrays.copyOf(keys, keys.length * 2);
    }
    System.arraycopy(probe, 0, keys, g * width, width);
    size++;
    table[h] = g + 1;
    if (size * 2 > table.length) rehash();
    return g;
  }

  private boolean equalsAt(int g, long[] probe) {
    int base = g * width;
    for (int i = 0; i < width; i++) if (keys[base + i] != probe[i]) return false;
    return true;
  }

  private int hash(long[] k) {
    long h = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < width; i++) {
      h ^= k[i];
      h *= 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return (int) (h ^ (h >>> 32));
  }

  private void rehash() {
    memory.chargeGrowth(table.length, table.length * 2L, Integer.BYTES);
    int[] t = new int[table.length * 2];
    int mask = t.length - 1;
    long[] probe = new long[width];
    for (int g = 0; g < size; g++) {
      System.arraycopy(keys, g * width, probe, 0, width);
      int h = hash(probe) & mask;
      while (t[h] != 0) h = (h + 1) & mask;
      t[h] = g + 1;
    }
    table = t;
  }
}
