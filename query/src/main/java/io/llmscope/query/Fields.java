package io.llmscope.query;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue of queryable fields (API.md "Canonical fields"): every dimension, the id fields,
 * every measure, and the name patterns {@code attr.KEY}, {@code resource.KEY} and
 * {@code score.NAME}. Query parsing resolves names here and {@code GET /api/v1/fields} lists it,
 * so a field is named in one place only.
 */
public final class Fields {
  /** The value type of a field as the API reports it. */
  public enum Type {
    STRING("string"), NUMBER("number");

    private final String json;

    Type(String json) {
      this.json = json;
    }

    /** {@code "string"} or {@code "number"}. */
    public String json() {
      return json;
    }
  }

  /**
   * One catalogue entry.
   *
   * @param name the field name, or for a pattern its shape (e.g. {@code attr.KEY})
   * @param type its value type
   * @param pattern true for a name pattern: {@code prefix} followed by any key
   * @param prefix what a name matching the pattern starts with (e.g. {@code attr.}); null for a fixed name
   */
  public record Field(String name, Type type, boolean pattern, String prefix) {}

  private record Entry(Field field, FieldRef.Kind kind, Dim dim, Measure measure) {}

  private static final List<Entry> ENTRIES;
  private static final List<Field> FIELDS;
  private static final Map<String, Entry> BY_NAME = new HashMap<>();

  static {
    List<Entry> e = new ArrayList<>();
    for (Dim d : Dim.values()) e.add(new Entry(new Field(d.fieldName(), Type.STRING, false, null), FieldRef.Kind.DIM, d, null));
    e.add(new Entry(new Field("trace_id", Type.STRING, false, null), FieldRef.Kind.TRACE_ID, null, null));
    e.add(new Entry(new Field("span_id", Type.STRING, false, null), FieldRef.Kind.SPAN_ID, null, null));
    e.add(new Entry(new Field("parent_span_id", Type.STRING, false, null), FieldRef.Kind.PARENT_SPAN_ID, null, null));
    for (Measure m : Measure.values()) {
      e.add(new Entry(new Field(m.fieldName(), Type.NUMBER, false, null), FieldRef.Kind.MEASURE, null, m));
    }
    e.add(new Entry(new Field("attr.KEY", Type.STRING, true, "attr."), FieldRef.Kind.ATTR, null, null));
    e.add(new Entry(new Field("resource.KEY", Type.STRING, true, "resource."), FieldRef.Kind.RESOURCE, null, null));
    e.add(new Entry(new Field("score.NAME", Type.NUMBER, true, "score."), FieldRef.Kind.SCORE, null, null));
    ENTRIES = List.copyOf(e);
    List<Field> f = new ArrayList<>();
    for (Entry entry : ENTRIES) {
      f.add(entry.field());
      if (!entry.field().pattern()) BY_NAME.put(entry.field().name(), entry);
    }
    FIELDS = Collections.unmodifiableList(f);
  }

  private Fields() {}

  /** Every field and pattern, dimensions first, then ids, measures and patterns. */
  public static List<Field> all() {
    return FIELDS;
  }

  /** The field a query name refers to; {@code where} prefixes the error (e.g. {@code filters[0]}). */
  static FieldRef resolve(String name, String where) {
    if (name == null || name.isBlank()) throw new QueryException(where + ": field name is missing");
    Entry fixed = BY_NAME.get(name);
    if (fixed != null) return new FieldRef(name, fixed.kind(), fixed.dim(), fixed.measure(), null);
    for (Entry e : ENTRIES) {
      Field f = e.field();
      if (!f.pattern() || !name.startsWith(f.prefix())) continue;
      if (name.length() > f.prefix().length()) return new FieldRef(name, e.kind(), null, null, name.substring(f.prefix().length()));
    }
    throw new QueryException(where + ": unknown field '" + name + "'");
  }
}
