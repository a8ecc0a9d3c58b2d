package io.llmscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/v1/compare}: two cohorts (filter sets, each optionally with its own time range)
 * measured on the same metrics, and per metric the difference b − a with a 95% confidence interval
 * and the test fit for it ({@link CompareTests}). Values are the query engine's own, exact; tests run
 * on every value up to {@link QueryLimits#compareSampleValues()} per cohort, on a uniform sample beyond.
 */
final class Comparison {
  static final List<String> DEFAULT_METRICS =
      List.of("count", "error_rate", "p50(duration_ms)", "p95(duration_ms)", "avg(cost_usd)", "avg(input_tokens)", "avg(output_tokens)");
  private static final double ALPHA = 0.05;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Comparison() {}

  /** One cohort's answer: each requested metric, its count and errors, and the samples the tests need. */
  private record Cohort(Query query, List<Object> row, int samplesFrom) {}

  static ObjectNode run(QueryEngine engine, String tenant, JsonNode body, long nowMs, java.util.Set<String> scoreNames) {
    if (body == null || !body.isObject()) throw new QueryException("compare body must be a JSON object with 'a' and 'b'");
    List<String> metrics = new ArrayList<>();
    JsonNode m = body.get("metrics");
    if (m == null || m.isNull()) {
      metrics.addAll(DEFAULT_METRICS);
      for (String name : scoreNames) metrics.add("avg(score." + name + ")");
    } else {
      if (!m.isArray() || m.isEmpty()) throw new QueryException("'metrics' must be a non-empty array, e.g. [\"p95(duration_ms)\"]");
      for (int i = 0; i < m.size(); i++) {
        if (!m.get(i).isTextual()) throw new QueryException("metrics[" + i + "]: must be a string");
        metrics.add(m.get(i).asText());
      }
    }
    List<Metric> parsed = new ArrayList<>();
    for (int i = 0; i < metrics.size(); i++) parsed.add(Metric.parse(metrics.get(i), i));
    Cohort a = cohort(engine, tenant, body, "a", parsed, nowMs);
    Cohort b = cohort(engine, tenant, body, "b", parsed, nowMs);

    ObjectNode out = JSON.createObjectNode();
    describe(out.putObject("a"), a);
    describe(out.putObject("b"), b);
    ArrayNode rows = out.putArray("metrics");
    for (int i = 0; i < parsed.size(); i++) rows.add(compare(parsed.get(i), i, a, b));
    return out;
  }

  /** The cohort's query: its filters and time range (the body's when it names none) and every metric plus its samples. */
  private static Cohort cohort(QueryEngine engine, String tenant, JsonNode body, String name, List<Metric> metrics, long nowMs) {
    JsonNode c = body.get(name);
    if (c == null || !c.isObject()) throw new QueryException("'" + name + "' must be an object, e.g. {\"filters\": [...]}");
    ObjectNode q = JSON.createObjectNode();
    for (String key : List.of("from", "to")) {
      JsonNode v = c.has(key) ? c.get(key) : body.get(key);
      if (v != null) q.set(key, v);
    }
    if (c.has("filters")) q.set("filters", c.get("filters"));
    if (body.has("llmOnly")) q.set("llmOnly", body.get("llmOnly"));
    q.putArray("metrics").add("count");
    Query base;
    try {
      base = Query.fromJson(q, nowMs, engine.limits());
    } catch (QueryException e) {
      throw new QueryException(name + ": " + e.getMessage());
    }
    List<Metric> all = new ArrayList<>(List.of(Metric.of("count"), Metric.of("error_count")));
    all.addAll(metrics);
    int samplesFrom = all.size();
    for (Metric m : metrics) all.add(m.kind() == Metric.Kind.AVG || m.kind() == Metric.Kind.QUANTILE ? Metric.sample(m.field()) : Metric.of("count"));
    Query full = new Query(base.fromMs(), base.toMs(), base.filters(), List.of(), 0, all, List.of(), 1, base.llmOnly(), false);
    return new Cohort(full, engine.query(tenant, full).rows().get(0), samplesFrom);
  }

  private static void describe(ObjectNode o, Cohort c) {
    o.put("from", c.query().fromMs());
    o.put("to", c.query().toMs());
    ArrayNode f = o.putArray("filters");
    for (Filter filter : c.query().filters()) f.add(filter.toString());
    o.put("count", ((Number) c.row().get(0)).longValue());
    o.put("errors", ((Number) c.row().get(1)).longValue());
  }

  private static ObjectNode compare(Metric m, int i, Cohort a, Cohort b) {
    ObjectNode o = JSON.createObjectNode();
    o.put("metric", m.label());
    Object va = a.row().get(2 + i);
    Object vb = b.row().get(2 + i);
    put(o, "a", va);
    put(o, "b", vb);
    boolean both = va instanceof Number && vb instanceof Number;
    double x = both ? ((Number) va).doubleValue() : Double.NaN;
    double y = both ? ((Number) vb).doubleValue() : Double.NaN;
    put(o, "difference", both ? y - x : null);
    put(o, "relativeDifference", both && x != 0 ? (y - x) / Math.abs(x) : null);
    CompareTests.Outcome t = null;
    long na;
    long nb;
    boolean sampled = false;
    switch (m.kind()) {
      case AVG, QUANTILE -> {
        MetricState.Sampled sa = (MetricState.Sampled) a.row().get(a.samplesFrom() + i);
        MetricState.Sampled sb = (MetricState.Sampled) b.row().get(b.samplesFrom() + i);
        na = sa.seen();
        nb = sb.seen();
        sampled = sa.values().length < na || sb.values().length < nb;
        t = m.kind() == Metric.Kind.AVG ? CompareTests.welch(sa.values(), sb.values())
            : CompareTests.mannWhitney(sa.values(), sb.values(), m.quantile());
      }
      case ERROR_RATE -> {
        na = ((Number) a.row().get(0)).longValue();
        nb = ((Number) b.row().get(0)).longValue();
        t = CompareTests.twoProportions(((Number) a.row().get(1)).longValue(), na, ((Number) b.row().get(1)).longValue(), nb);
      }
      default -> { // totals and extremes: a difference, no test
        na = ((Number) a.row().get(0)).longValue();
        nb = ((Number) b.row().get(0)).longValue();
      }
    }
    o.put("nA", na);
    o.put("nB", nb);
    if (t == null) {
      o.putNull("ci95");
      o.putNull("test");
      o.putNull("statistic");
      o.putNull("pValue");
      o.putNull("significant");
    } else {
      if (m.kind() == Metric.Kind.QUANTILE && both) {
        // The interval is centred on the samples' quantile difference; re-centre it on the exact one.
        double half = (t.ciHigh() - t.ciLow()) / 2;
        o.putArray("ci95").add(y - x - half).add(y - x + half);
      } else {
        o.putArray("ci95").add(t.ciLow()).add(t.ciHigh());
      }
      o.put("test", t.test());
      put(o, "statistic", t.statistic());
      o.put("pValue", t.pValue());
      o.put("significant", t.pValue() < ALPHA);
    }
    o.put("sampled", sampled);
    return o;
  }

  private static void put(ObjectNode o, String key, Object v) {
    if (v == null || (v instanceof Double d && !Double.isFinite(d))) o.putNull(key);
    else if (v instanceof Long l) o.put(key, l);
    else o.put(key, ((Number) v).doubleValue());
  }
}
