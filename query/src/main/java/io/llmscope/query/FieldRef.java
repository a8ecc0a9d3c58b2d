package io.llmscope.query;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;

/**
 * A field named in a query, resolved against the {@link Fields} catalogue: a dimension, a
 * measure, an id field, or an original attribute ({@code attr.KEY}) or resource attribute
 * ({@code resource.KEY}), or a quality score ({@code score.NAME}).
 *
 * @param name the field as the query names it (also its column name)
 * @param dim the dimension when {@code kind} is {@link Kind#DIM}, else null
 * @param measure the measure when {@code kind} is {@link Kind#MEASURE}, else null
 * @param key the attribute key of {@link Kind#ATTR} and {@link Kind#RESOURCE}, the score name of
 *     {@link Kind#SCORE}, else null
 */
public record FieldRef(String name, Kind kind, Dim dim, Measure measure, String key) {
  /** What a field reads. */
  public enum Kind { DIM, MEASURE, TRACE_ID, SPAN_ID, PARENT_SPAN_ID, ATTR, RESOURCE, SCORE }

  /**
   * True for numeric fields (measures and scores): they take ordering filters and numeric metrics.
   * A score ({@code key} is its name) also has a label: it takes {@code =} on labels and groups by them.
   */
  public boolean numeric() {
    return kind == Kind.MEASURE || kind == Kind.SCORE;
  }

  /** The field named {@code name}; throws {@link QueryException} naming it when there is none. */
  public static FieldRef of(String name) {
    return resolve(name, "field");
  }

  /** As {@link #of}; {@code where} says where the name was written (e.g. {@code groupBy[0]}) in the error. */
  static FieldRef resolve(String name, String where) {
    return Fields.resolve(name, where);
  }
}
