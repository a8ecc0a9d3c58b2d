package io.llmscope.storage;

import java.util.BitSet;
import java.util.List;

/**
 * What {@link Storage#append} did with a batch: every span is stored, a duplicate of a span
 * stored before (acknowledged, not stored again), or refused with a reason.
 *
 * @param refusals one message per refused span, naming it and the limit it broke
 * @param notStored the indexes, in the appended list, of the duplicates and refused spans
 */
public record AppendResult(int stored, int duplicates, List<String> refusals, BitSet notStored) {
  public static final AppendResult NOTHING = new AppendResult(0, 0, List.of());

  public AppendResult {
    refusals = List.copyOf(refusals);
    notStored = (BitSet) notStored.clone();
  }

  /** A result that does not say which items were not stored (scores: they are not linked to a list). */
  public AppendResult(int stored, int duplicates, List<String> refusals) {
    this(stored, duplicates, refusals, new BitSet());
  }

  public int refused() {
    return refusals.size();
  }

  /** True when the item at {@code index} of the appended list was stored by this append. */
  public boolean stored(int index) {
    return !notStored.get(index);
  }
}
