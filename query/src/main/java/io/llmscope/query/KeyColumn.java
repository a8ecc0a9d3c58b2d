package io.llmscope.query;

import io.llmscope.storage.model.Ids;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A string-valued field of one batch as (row → local id, local id → value). Dimensions come
 * straight from storage; ids and attributes are materialised for the batch.
 */
record KeyColumn(int[] ids, Dictionary dictionary) {

  static KeyColumn of(ColumnBatch b, FieldRef f) {
    return of(b, f, null);
  }

  /** As {@link #of(ColumnBatch, FieldRef)}; a score groups by its latest label on each row ({@code scores} required). */
  static KeyColumn of(ColumnBatch b, FieldRef f, BatchScores scores) {
    return switch (f.kind()) {
      case DIM -> new KeyColumn(b.dimIds(f.dim()), b.dictionary(f.dim()));
      case TRACE_ID -> materialise(b, r -> Ids.traceHex(b.traceIdHi()[r], b.traceIdLo()[r]));
      case SPAN_ID -> materialise(b, r -> Ids.spanHex(b.spanIds()[r]));
      case PARENT_SPAN_ID -> materialise(b, r -> b.parentSpanIds()[r] == 0 ? null : Ids.spanHex(b.parentSpanIds()[r]));
      case ATTR -> materialise(b, r -> text(detail(b, r).attributes().get(f.key())));
      case RESOURCE -> materialise(b, r -> text(detail(b, r).resource().get(f.key())));
      case SCORE -> {
        ScoreColumn c = scores.of(f.key());
        yield materialise(b, c::latestText);
      }
      case MEASURE -> throw new IllegalArgumentException("measure " + f.name() + " has no key column");
    };
  }

  private static SpanDetail detail(ColumnBatch b, int row) {
    SpanDetail d = b.detail(row);
    return d == null ? SpanDetail.EMPTY : d;
  }

  /** The text form of an attribute value, as queries compare and group it. */
  static String text(Object v) {
    if (v == null) return null;
    if (v instanceof String s) return s;
    if (v instanceof byte[] bytes) return java.util.Base64.getEncoder().encodeToString(bytes);
    return v.toString();
  }

  private interface RowText {
    String at(int row);
  }

  private static KeyColumn materialise(ColumnBatch b, RowText text) {
    LocalDictionary dict = new LocalDictionary();
    int[] ids = new int[b.size()];
    for (int r = 0; r < ids.length; r++) ids[r] = dict.add(text.at(r));
    return new KeyColumn(ids, dict);
  }

  private static final class LocalDictionary implements Dictionary {
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> values = new ArrayList<>(List.of(""));

    LocalDictionary() {
      values.set(0, null);
    }

    int add(String v) {
      if (v == null) return ABSENT;
      return ids.computeIfAbsent(v, k -> {
        values.add(k);
        return values.size() - 1;
      });
    }

    @Override public int size() { return values.size(); }
    @Override public String value(int id) { return values.get(id); }
    @Override public int idOf(String value) { return value == null ? ABSENT : ids.getOrDefault(value, -1); }
  }
}
