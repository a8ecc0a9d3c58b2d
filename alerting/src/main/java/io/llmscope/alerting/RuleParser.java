package io.llmscope.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.llmscope.alerting.detect.Anomaly;
import io.llmscope.alerting.detect.Direction;
import io.llmscope.alerting.detect.Drift;
import io.llmscope.query.FieldRef;
import io.llmscope.query.Metric;
import io.llmscope.query.Query;
import io.llmscope.query.QueryException;
import io.llmscope.query.QueryLimits;
import io.llmscope.query.TimeExpr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads rule bodies (JSON or YAML) into {@link AlertRule}s; every problem names its field. */
final class RuleParser {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final long DAY_MS = 86_400_000L;
  private static final Set<String> COMMON = Set.of("name", "type", "query", "window", "for", "severity", "labels", "notify");
  private static final Map<AlertRule.Kind, Set<String>> OWN = Map.of(
      AlertRule.Kind.THRESHOLD, Set.of("op", "threshold"),
      AlertRule.Kind.ANOMALY, Set.of("baseline", "sensitivity", "direction", "minValue"),
      AlertRule.Kind.DRIFT, Set.of("field", "method", "threshold", "baseline"),
      AlertRule.Kind.BUDGET, Set.of("budget", "period", "projected"));

  private RuleParser() {}

  /** A JSON or YAML text (YAML is a superset; JSON bodies parse the same either way). */
  static JsonNode tree(String body) {
    try {
      JsonNode n = YAML.readTree(body);
      if (n == null || n.isMissingNode()) throw new RuleException("rule body is empty");
      return n;
    } catch (IOException e) {
      throw new RuleException("rule body is neither JSON nor YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** The rule {@code name} from its body; the body's own {@code name}, when given, must agree. */
  static AlertRule parse(String name, JsonNode body, QueryLimits limits) {
    if (name == null || !name.matches("[A-Za-z0-9_.:-]{1,128}")) {
      throw new RuleException("rule name must be 1 to 128 characters of letters, digits, '_', '-', '.', ':'");
    }
    if (body == null || !body.isObject()) throw new RuleException("rule body must be an object");
    if (body.has("name") && !name.equals(body.get("name").asText())) {
      throw new RuleException("name: '" + body.get("name").asText() + "' differs from the rule's path name '" + name + "'");
    }
    String typeText = text(body, "type", true);
    AlertRule.Kind kind;
    try {
      kind = AlertRule.Kind.valueOf(typeText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new RuleException("type: '" + typeText + "' is not one of threshold, anomaly, drift, budget");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!COMMON.contains(f) && !OWN.get(kind).contains(f)) {
        throw new RuleException(f + ": not a field of a " + typeText + " rule (its fields: " + COMMON + " and " + OWN.get(kind) + ")");
      }
    }
    JsonNode q = body.get("query");
    if (q == null && kind != AlertRule.Kind.BUDGET && kind != AlertRule.Kind.DRIFT) throw new RuleException("query: is required");
    if (q != null && !q.isObject()) throw new RuleException("query: must be an object with filters, groupBy, metric");
    String metric = q == null ? null : text(q, "metric", false);
    if (metric == null) {
      if (kind == AlertRule.Kind.BUDGET) metric = "sum(cost_usd)";
      else if (kind == AlertRule.Kind.DRIFT) metric = "count";
      else throw new RuleException("query.metric: is required, e.g. \"p95(duration_ms)\"");
    }
    Query query = query(q, metric, limits);

    long window = duration(body, "window", kind == AlertRule.Kind.BUDGET ? 0 : -1);
    long forMs = duration(body, "for", 0);
    String severity = body.has("severity") ? text(body, "severity", true) : "warning";
    Map<String, String> labels = new LinkedHashMap<>();
    JsonNode l = body.get("labels");
    if (l != null && !l.isNull()) {
      if (!l.isObject()) throw new RuleException("labels: must be an object of strings");
      for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode()) throw new RuleException("labels." + e.getKey() + ": must be a string");
        labels.put(e.getKey(), e.getValue().asText());
      }
    }
    List<String> notify = new ArrayList<>();
    JsonNode n = body.get("notify");
    if (n != null && !n.isNull()) {
      if (n.isTextual()) notify.add(n.asText());
      else if (n.isArray()) for (int i = 0; i < n.size(); i++) notify.add(n.get(i).asText());
      else throw new RuleException("notify: must be a notifier name or a list of them");
    }

    String op = null;
    double threshold = Double.NaN;
    long baseline = 0;
    double sensitivity = Double.NaN;
    Direction direction = null;
    double minValue = 0;
    String field = null;
    FieldRef driftField = null;
    String method = null;
    double budget = Double.NaN;
    String period = null;
    long periodMs = 0;
    boolean projected = false;
    switch (kind) {
      case THRESHOLD -> {
        op = body.has("op") ? text(body, "op", true) : ">";
        if (!Set.of(">", ">=", "<", "<=").contains(op)) throw new RuleException("op: '" + op + "' is not one of >, >=, <, <=");
        threshold = number(body, "threshold", Double.NaN);
      }
      case ANOMALY -> {
        baseline = duration(body, "baseline", 7 * DAY_MS);
        if (baseline < DAY_MS || baseline % DAY_MS != 0) throw new RuleException("baseline: must be whole days, e.g. 7d");
        if (window > DAY_MS) throw new RuleException("window: at most 1d for an anomaly rule (it compares the same window on past days)");
        sensitivity = number(body, "sensitivity", Anomaly.DEFAULT_SENSITIVITY);
        if (sensitivity <= 0) throw new RuleException("sensitivity: must be > 0");
        String d = body.has("direction") ? text(body, "direction", true) : "up";
        try {
          direction = Direction.parse(d);
        } catch (IllegalArgumentException e) {
          throw new RuleException("direction: '" + d + "' is not one of up, down, both");
        }
        minValue = number(body, "minValue", 0);
      }
      case DRIFT -> {
        field = text(body, "field", true);
        boolean content = AlertRule.CONTENT_FIELDS.contains(field);
        if (!content) {
          try {
            driftField = FieldRef.of(field);
          } catch (QueryException e) {
            throw new RuleException("field: " + e.getMessage() + " (or one of " + String.join(", ", AlertRule.CONTENT_FIELDS) + ")");
          }
        }
        method = body.has("method") ? text(body, "method", true) : "psi";
        Drift.Method m;
        try {
          m = Drift.Method.parse(method);
        } catch (IllegalArgumentException e) {
          throw new RuleException("method: '" + method + "' is not one of psi, js, ks");
        }
        if (m == Drift.Method.KS && (content || !driftField.numeric())) {
          throw new RuleException("method: ks needs a numeric field, '" + field + "' is not");
        }
        threshold = number(body, "threshold", m.defaultThreshold());
        baseline = duration(body, "baseline", 7 * DAY_MS);
      }
      case BUDGET -> {
        budget = number(body, "budget", Double.NaN);
        if (!(budget > 0)) throw new RuleException("budget: must be a USD amount > 0");
        period = text(body, "period", true);
        if (!period.equals("day") && !period.equals("month")) {
          try {
            periodMs = TimeExpr.durationMs(period, "period");
          } catch (IllegalArgumentException e) {
            throw new RuleException("period: '" + period + "' is not day, month or a rolling window such as 24h");
          }
        }
        projected = body.has("projected") && bool(body, "projected");
        if (projected && periodMs > 0) throw new RuleException("projected: only a day or month budget can be projected, not a rolling window");
      }
    }
    return new AlertRule(name, kind, query, window, forMs, severity, Map.copyOf(labels), List.copyOf(notify), op, threshold,
        baseline, sensitivity, direction, minValue, field, method, budget, period, periodMs, projected, body.deepCopy());
  }

  /** The rule's query through the query module's own parser, so its errors read as a query's do. */
  private static Query query(JsonNode q, String metric, QueryLimits limits) {
    ObjectNode body = JSON.createObjectNode();
    body.put("from", 0).put("to", 1);
    if (q != null) {
      for (Iterator<String> it = q.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!Set.of("filters", "groupBy", "metric", "llmOnly").contains(f)) {
          throw new RuleException("query." + f + ": not a field of a rule's query (filters, groupBy, metric, llmOnly)");
        }
      }
      if (q.has("filters")) body.set("filters", q.get("filters"));
      if (q.has("groupBy")) body.set("groupBy", q.get("groupBy"));
      if (q.has("llmOnly")) body.set("llmOnly", q.get("llmOnly"));
    }
    ArrayNode metrics = body.putArray("metrics");
    metrics.add(metric);
    try {
      Metric.of(metric);
      return Query.fromJson(body, 0, limits);
    } catch (QueryException e) {
      throw new RuleException("query: " + e.getMessage().replace("metrics[0]", "metric"));
    }
  }

  private static String text(JsonNode n, String field, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) throw new RuleException(field + ": is required");
      return null;
    }
    if (!v.isTextual()) throw new RuleException(field + ": must be a string");
    return v.asText();
  }

  private static double number(JsonNode n, String field, double dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (Double.isNaN(dflt)) throw new RuleException(field + ": is required");
      return dflt;
    }
    if (!v.isNumber() || !Double.isFinite(v.asDouble())) throw new RuleException(field + ": must be a number");
    return v.asDouble();
  }

  private static boolean bool(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (!v.isBoolean()) throw new RuleException(field + ": must be true or false");
    return v.asBoolean();
  }

  /** A duration field; {@code dflt} -1 makes it required. */
  private static long duration(JsonNode n, String field, long dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (dflt < 0) throw new RuleException(field + ": is required, e.g. \"5m\"");
      return dflt;
    }
    long ms;
    if (v.isIntegralNumber()) {
      ms = v.asLong();
    } else if (v.isTextual()) {
      try {
        ms = TimeExpr.durationMs(v.asText(), field);
      } catch (IllegalArgumentException e) {
        throw new RuleException(field + ": '" + v.asText() + "' is not a duration such as 30s, 5m, 1h, 7d");
      }
    } else {
      throw new RuleException(field + ": must be a duration such as \"5m\"");
    }
    if (ms < 0 || (dflt < 0 && ms == 0)) throw new RuleException(field + ": must be positive");
    return ms;
  }
}
