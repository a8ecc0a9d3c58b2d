package io.llmscope.storage.segment;

import io.llmscope.storage.scan.Dictionary;
import java.util.Arrays;

/**
 * A segment's own dictionary for one dimension: values sorted (by {@link String#compareTo}), dense
 * ids 1..n, id 0 absent. Immutable and thread-safe; {@link #idOf} is a binary search.
 */
final class SegmentDictionary implements Dictionary {
  static final SegmentDictionary EMPTY = new SegmentDictionary(new String[0]);

  private final String[] values; // values[i] has id i + 1

  SegmentDictionary(String[] sortedValues) {
    this.values = sortedValues;
  }

  @Override
  public int size() {
    return values.length + 1;
  }

  @Override
  public String value(int id) {
    return id == ABSENT ? null : values[id - 1];
  }

  @Override
  public boolean sorted() {
    return true;
  }

  @Override
  public int idOf(String value) {
    if (value == null) return ABSENT;
    int i = Arrays.binarySearch(values, value);
    return i < 0 ? -1 : i + 1;
  }
}
