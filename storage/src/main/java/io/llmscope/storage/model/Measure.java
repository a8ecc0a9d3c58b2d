package io.llmscope.storage.model;

import java.util.HashMap;
import java.util.Map;

/**
 * The canonical numeric measures of a span (API.md "Canonical fields"); absent values are NaN.
 * The ordinal is part of the WAL and rollup formats: new measures go at the end, and a segment
 * written before a measure existed reads it as absent.
 */
public enum Measure {
  DURATION_MS("duration_ms"),
  INPUT_TOKENS("input_tokens"),
  OUTPUT_TOKENS("output_tokens"),
  TOTAL_TOKENS("total_tokens"),
  CACHE_READ_TOKENS("cache_read_tokens"),
  CACHE_WRITE_TOKENS("cache_write_tokens"),
  REASONING_TOKENS("reasoning_tokens"),
  COST_USD("cost_usd"),
  TTFT_MS("ttft_ms"),
  TEMPERATURE("temperature"),
  MAX_TOKENS("max_tokens"),
  // The parts of cost_usd when it was priced here (a reported cost has no parts).
  COST_INPUT_USD("cost_input_usd"),
  COST_CACHE_READ_USD("cost_cache_read_usd"),
  COST_CACHE_WRITE_USD("cost_cache_write_usd"),
  COST_OUTPUT_USD("cost_output_usd"),
  COST_REASONING_USD("cost_reasoning_usd");

  public static final int COUNT = values().length;
  private static final Measure[] VALUES = values();
  private static final Map<String, Measure> BY_NAME = new HashMap<>();

  static {
    for (Measure m : VALUES) BY_NAME.put(m.fieldName, m);
  }

  private final String fieldName;

  Measure(String fieldName) {
    this.fieldName = fieldName;
  }

  public String fieldName() {
    return fieldName;
  }

  /** The measure with this query name, or null. */
  public static Measure byName(String name) {
    return BY_NAME.get(name);
  }

  public static Measure of(int ordinal) {
    return VALUES[ordinal];
  }
}
