package io.llmscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Turns the JSON body of {@code POST /api/v1/query} into a {@link QuerySpec}, or a precise 400. */
final class QueryParser {
  private static final Set<String> KNOWN = Set.of("from", "to", "filters", "groupBy", "step", "metrics", "orderBy", "limit", "llmOnly");

  private final int defaultLimit;
  private final int maxLimit;
  private final int maxBuckets;

  QueryParser(int defaultLimit, int maxLimit, int maxBuckets) {
    this.defaultLimit = defaultLimit;
    this.maxLimit = maxLimit;
    this.maxBuckets = maxBuckets;
  }

  QuerySpec parse(JsonNode body, long nowMs) {
    if (body == null || !body.isObject()) throw new QueryException("query body must be a JSON object");
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!KNOWN.contains(f)) throw new QueryException("unknown query property '" + f + "'; expected one of " + KNOWN);
    }
    long from = TimeExpr.parseTime(body.get("from"), nowMs, "from");
    long to = body.hasNonNull("to") ? TimeExpr.parseTime(body.get("to"), nowMs, "to") : nowMs;
    if (to < from) throw new QueryException("'to' (" + to + ") is before 'from' (" + from + ")");

    List<Filter> filters = new ArrayList<>();
    JsonNode fs = body.get("filters");
    if (fs != null && !fs.isNull()) {
      if (!fs.isArray()) throw new QueryException("'filters' must be an array");
      for (int i = 0; i < fs.size(); i++) filters.add(parseFilter(fs.get(i), "filters[" + i + "]"));
    }

    List<FieldRef> groupBy = new ArrayList<>();
    JsonNode gb = body.get("groupBy");
    if (gb != null && !gb.isNull()) {
      if (!gb.isArray()) throw new QueryException("'groupBy' must be an array of field names");
      for (int i = 0; i < gb.size(); i++) {
        String where = "groupBy[" + i + "]";
        if (!gb.get(i).isTextual()) throw new QueryException(where + " must be a field name");
        FieldRef f = FieldRef.resolve(gb.get(i).asText(), where);
        if (f.numeric()) throw new QueryException(where + ": cannot group by measure '" + f.name() + "'; group by dimensions");
        groupBy.add(f);
      }
    }

    long step = 0;
    JsonNode st = body.get("step");
    if (st != null && !st.isNull()) {
      step = st.isIntegralNumber() ? st.asLong() : TimeExpr.parseDuration(st.asText(), "step");
      if (step <= 0) throw new QueryException("'step' must be positive");
      long buckets = (to - from) / step + 1;
      if (buckets > maxBuckets) {
        throw new QueryException("'step' " + st.asText() + " makes " + buckets + " buckets over the range; at most " + maxBuckets + " allowed");
      }
    }

    JsonNode ms = body.get("metrics");
    if (ms == null || !ms.isArray() || ms.isEmpty()) throw new QueryException("'metrics' must be a non-empty array, e.g. [\"count\"]");
    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      if (!ms.get(i).isTextual()) throw new QueryException("metrics[" + i + "] must be a string");
      metrics.add(Metric.parse(ms.get(i).asText(), i));
    }

    List<String> columns = new ArrayList<>();
    if (step > 0) columns.add("time");
    for (FieldRef g : groupBy) columns.add(g.name());
    for (Metric m : metrics) columns.add(m.label());

    List<QuerySpec.Order> orders = new ArrayList<>();
    JsonNode ob = body.get("orderBy");
    if (ob != null && !ob.isNull()) {
      if (!ob.isArray()) throw new QueryException("'orderBy' must be an array of {column, desc}");
      for (int i = 0; i < ob.size(); i++) {
        JsonNode o = ob.get(i);
        String col = o.isTextual() ? o.asText() : o.path("column").asText(null);
        if (col == null) throw new QueryException("orderBy[" + i + "]: 'column' is required");
        int idx = columns.indexOf(col);
        if (idx < 0) {
          // Accept the metric as written by the user even when normalised differently.
          for (int m = 0; m < metrics.size() && idx < 0; m++) {
            if (ms.get(m).asText().trim().equals(col)) idx = columns.size() - metrics.size() + m;
          }
        }
        if (idx < 0) throw new QueryException("orderBy[" + i + "]: unknown column '" + col + "'; columns are " + columns);
        orders.add(new QuerySpec.Order(idx, o.path("desc").asBoolean(false)));
      }
    }

    int limit = defaultLimit;
    JsonNode lim = body.get("limit");
    if (lim != null && !lim.isNull()) {
      if (!lim.canConvertToInt() || lim.asInt() <= 0) throw new QueryException("'limit' must be a positive integer");
      limit = Math.min(lim.asInt(), maxLimit);
    }
    JsonNode llm = body.get("llmOnly");
    if (llm != null && !llm.isNull() && !llm.isBoolean()) throw new QueryException("'llmOnly' must be true or false");
    boolean llmOnly = llm == null || llm.isNull() || llm.asBoolean();
    return new QuerySpec(from, to, filters, groupBy, step, metrics, orders, limit, llmOnly);
  }

  private static Filter parseFilter(JsonNode f, String where) {
    if (f == null || !f.isObject()) throw new QueryException(where + " must be an object {field, op, value}");
    FieldRef field = FieldRef.resolve(f.path("field").asText(null), where);
    String opText = f.path("op").asText("=");
    Filter.Op op = Filter.Op.of(opText);
    if (op == null) throw new QueryException(where + ": unknown op '" + opText + "'; use =, !=, in, not_in, >, >=, <, <=, exists, contains");
    JsonNode v = f.get("value");
    if (op == Filter.Op.EXISTS) {
      boolean want = v == null || v.isNull() || v.asBoolean(true);
      return new Filter(field, op, List.of(), new double[] {want ? 1 : 0});
    }
    if (v == null || v.isNull()) throw new QueryException(where + ": 'value' is required for op '" + opText + "'");
    List<JsonNode> values = new ArrayList<>();
    if (op.multi()) {
      if (!v.isArray()) throw new QueryException(where + ": op '" + opText + "' needs an array value");
      v.forEach(values::add);
    } else {
      if (v.isArray() || v.isObject()) throw new QueryException(where + ": op '" + opText + "' needs a single value");
      values.add(v);
    }
    if (field.numeric()) {
      if (op == Filter.Op.CONTAINS) throw new QueryException(where + ": 'contains' needs a string field, '" + field.name() + "' is numeric");
      double[] nums = new double[values.size()];
      for (int i = 0; i < nums.length; i++) {
        JsonNode n = values.get(i);
        try {
          nums[i] = n.isNumber() ? n.asDouble() : Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
          throw new QueryException(where + ": '" + n.asText() + "' is not a number for numeric field '" + field.name() + "'");
        }
      }
      return new Filter(field, op, List.of(), nums);
    }
    if (op.ordering()) throw new QueryException(where + ": op '" + opText + "' needs a numeric field, '" + field.name() + "' is a string");
    List<String> strings = new ArrayList<>();
    for (JsonNode n : values) {
      String s = n.asText();
      // Ids are stored as lower-case hex; accept any case from users.
      if (field.kind() == FieldRef.Kind.TRACE_ID || field.kind() == FieldRef.Kind.SPAN_ID
          || field.kind() == FieldRef.Kind.PARENT_SPAN_ID) {
        s = s.toLowerCase(java.util.Locale.ROOT);
      }
      strings.add(s);
    }
    return new Filter(field, op, List.copyOf(strings), new double[0]);
  }
}
