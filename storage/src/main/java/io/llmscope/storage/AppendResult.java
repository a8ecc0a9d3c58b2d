package io.llmscope.storage;

import java.util.List;

/**
 * What {@link Storage#append} did with a batch: every span is stored, a duplicate of a span
 * stored before (acknowledged, not stored again), or refused with a reason.
 *
 * @param refusals one message per refused span, naming it and the limit it broke
 */
public record AppendResult(int stored, int duplicates, List<String> refusals) {
  public static final AppendResult NOTHING = new AppendResult(0, 0, List.of());

  public AppendResult {
    refusals = List.copyOf(refusals);
  }

  public int refused() {
    return refusals.size();
  }
}
