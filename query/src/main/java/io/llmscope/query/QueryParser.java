package io.llmscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the JSON body of {@code POST /api/v1/query} into a {@link Query.Builder}: the wire format
 * of {@link Query}. It checks only what JSON can get wrong (an array that is an object, a metric
 * that is a number); the builder validates the rest, so both paths name problems alike.
 */
final class QueryParser {
  private static final Set<String> KNOWN = Set.of("from", "to", "filters", "groupBy", "step", "metrics", "orderBy", "limit",
      "llmOnly", "explain");

  private QueryParser() {}

  static Query.Builder parse(JsonNode body, long nowMs) {
    if (body == null || !body.isObject()) throw new QueryException("query body must be a JSON object");
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!KNOWN.contains(f)) throw new QueryException("unknown query property '" + f + "'; expected one of " + KNOWN);
    }
    Query.Builder b = Query.builder().now(nowMs);
    b.from(TimeExpr.parseTime(body.get("from"), nowMs, "from"));
    b.to(body.hasNonNull("to") ? TimeExpr.parseTime(body.get("to"), nowMs, "to") : nowMs);

    JsonNode fs = body.get("filters");
    if (fs != null && !fs.isNull()) {
      if (!fs.isArray()) {
        b.invalid(Query.Section.FILTERS, "'filters' must be an array");
      } else {
        for (int i = 0; i < fs.size(); i++) {
          JsonNode f = fs.get(i);
          if (f == null || !f.isObject()) {
            b.invalidFilter("filters[" + i + "] must be an object {field, op, value}");
            continue;
          }
          String op = f.path("op").asText("=");
          b.filter(f.path("field").asText(null), op, value(f.get("value"), op));
        }
      }
    }

    JsonNode gb = body.get("groupBy");
    if (gb != null && !gb.isNull()) {
      if (!gb.isArray()) {
        b.invalid(Query.Section.GROUP_BY, "'groupBy' must be an array of field names");
      } else {
        for (int i = 0; i < gb.size(); i++) {
          if (gb.get(i).isTextual()) b.groupBy(gb.get(i).asText());
          else b.invalidGroupBy("groupBy[" + i + "] must be a field name");
        }
      }
    }

    JsonNode st = body.get("step");
    if (st != null && !st.isNull()) {
      if (st.isIntegralNumber()) b.step(st.asLong());
      else b.step(st.asText());
    }

    JsonNode ms = body.get("metrics");
    if (ms == null || !ms.isArray() || ms.isEmpty()) {
      b.invalid(Query.Section.METRICS, "'metrics' must be a non-empty array, e.g. [\"count\"]");
    } else {
      for (int i = 0; i < ms.size(); i++) {
        if (ms.get(i).isTextual()) b.metrics(ms.get(i).asText());
        else b.invalidMetric("metrics[" + i + "] must be a string");
      }
    }

    JsonNode ob = body.get("orderBy");
    if (ob != null && !ob.isNull()) {
      if (!ob.isArray()) {
        b.invalid(Query.Section.ORDER_BY, "'orderBy' must be an array of {column, desc}");
      } else {
        for (int i = 0; i < ob.size(); i++) {
          JsonNode o = ob.get(i);
          b.orderBy(o.isTextual() ? o.asText() : o.path("column").asText(null), o.path("desc").asBoolean(false));
        }
      }
    }

    JsonNode lim = body.get("limit");
    if (lim != null && !lim.isNull()) {
      if (!lim.canConvertToInt() || lim.asInt() <= 0) b.invalid(Query.Section.LIMIT, "'limit' must be a positive integer");
      else b.limit(lim.asInt());
    }
    JsonNode llm = body.get("llmOnly");
    if (llm != null && !llm.isNull() && !llm.isBoolean()) b.invalid(Query.Section.LLM_ONLY, "'llmOnly' must be true or false");
    else b.llmOnly(llm == null || llm.isNull() || llm.asBoolean());
    JsonNode ex = body.get("explain");
    if (ex != null && !ex.isNull() && !ex.isBoolean()) b.invalid(Query.Section.EXPLAIN, "'explain' must be true or false");
    else b.explain(ex != null && ex.asBoolean());
    return b;
  }

  /**
   * A filter's JSON value as {@link Filter#of} takes it: texts and numbers as themselves (a number
   * compares with a string field as its JSON text), arrays as lists, {@code exists}' flag as a Boolean.
   */
  private static Object value(JsonNode v, String op) {
    if ("exists".equals(op)) return v == null || v.isNull() || v.asBoolean(true);
    if (v == null || v.isNull()) return null;
    if (v.isArray()) {
      List<Object> out = new ArrayList<>();
      v.forEach(e -> out.add(scalar(e)));
      return out;
    }
    if (v.isObject()) return Map.of();
    return scalar(v);
  }

  private static Object scalar(JsonNode n) {
    if (n.isTextual()) return n.textValue();
    if (n.isNumber()) return n.numberValue();
    return n.asText(); // booleans, nulls and nested containers compare by their JSON text, as always
  }
}
