package io.llmscope.query;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;

/**
 * A field named in a query, resolved against the canonical catalogue: a dimension, a measure,
 * an id field, or an original attribute ({@code attr.KEY}) or resource attribute
 * ({@code resource.KEY}).
 */
record FieldRef(String name, Kind kind, Dim dim, Measure measure, String key) {
  enum Kind { DIM, MEASURE, TRACE_ID, SPAN_ID, PARENT_SPAN_ID, ATTR, RESOURCE }

  boolean numeric() {
    return kind == Kind.MEASURE;
  }

  static FieldRef resolve(String name, String where) {
    if (name == null || name.isBlank()) throw new QueryException(where + ": field name is missing");
    Dim d = Dim.byName(name);
    if (d != null) return new FieldRef(name, Kind.DIM, d, null, null);
    Measure m = Measure.byName(name);
    if (m != null) return new FieldRef(name, Kind.MEASURE, null, m, null);
    switch (name) {
      case "trace_id": return new FieldRef(name, Kind.TRACE_ID, null, null, null);
      case "span_id": return new FieldRef(name, Kind.SPAN_ID, null, null, null);
      case "parent_span_id": return new FieldRef(name, Kind.PARENT_SPAN_ID, null, null, null);
      default: break;
    }
    if (name.startsWith("attr.") && name.length() > 5) return new FieldRef(name, Kind.ATTR, null, null, name.substring(5));
    if (name.startsWith("resource.") && name.length() > 9) return new FieldRef(name, Kind.RESOURCE, null, null, name.substring(9));
    if (name.startsWith("score.")) {
      throw new QueryException(where + ": quality scores ('" + name + "') are not stored yet");
    }
    throw new QueryException(where + ": unknown field '" + name + "'");
  }
}
