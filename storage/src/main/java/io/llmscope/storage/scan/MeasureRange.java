package io.llmscope.storage.scan;

/**
 * What a batch knows of one measure's values without reading them: how many rows hold a value,
 * and the smallest and largest. {@code min} and {@code max} mean nothing when {@code present} is 0.
 */
public record MeasureRange(int present, double min, double max) {
  /** True when some value of the batch may satisfy {@code lo <= v <= hi} (either bound may be infinite). */
  public boolean mayHold(double lo, double hi) {
    return present > 0 && max >= lo && min <= hi;
  }
}
