package io.llmscope.alerting;

import io.llmscope.query.FieldRef;
import io.llmscope.query.Query;
import io.llmscope.query.QueryEngine;
import io.llmscope.query.QueryResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one rule at one instant: runs its typed query over the window ending at {@code at} and
 * turns each group's value into an {@link Observation}. The scheduler, {@code evaluate} and
 * backtests all call this, so they cannot disagree.
 */
final class RuleEvaluator {
  private final QueryEngine queries;

  RuleEvaluator(QueryEngine queries) {
    this.queries = queries;
  }

  List<Observation> evaluate(String tenant, AlertRule rule, long at) {
    return switch (rule.kind()) {
      case THRESHOLD -> threshold(tenant, rule, at);
      case ANOMALY, DRIFT, BUDGET -> throw new RuleException(rule.kind().name().toLowerCase() + " rules are not evaluated yet");
    };
  }

  private List<Observation> threshold(String tenant, AlertRule rule, long at) {
    List<Observation> out = new ArrayList<>();
    for (Map.Entry<Map<String, String>, Double> g : values(tenant, rule, at - rule.windowMs(), at).entrySet()) {
      double v = g.getValue();
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("metric", rule.metric());
      detail.put("op", rule.op());
      detail.put("threshold", rule.threshold());
      out.add(new Observation(g.getKey(), v, rule.breaks(v), detail));
    }
    return out;
  }

  /** The rule's metric per group over [from, to); a group with no value reads NaN. */
  Map<Map<String, String>, Double> values(String tenant, AlertRule rule, long from, long to) {
    Query t = rule.query();
    Query q = new Query(from, to, t.filters(), t.groupBy(), 0, t.metrics(), List.of(), queries.limits().maxLimit(), t.llmOnly(), false);
    QueryResult r = queries.query(tenant, q);
    Map<Map<String, String>, Double> out = new LinkedHashMap<>();
    int ng = t.groupBy().size();
    for (List<Object> row : r.rows()) {
      Map<String, String> labels = new LinkedHashMap<>();
      for (int g = 0; g < ng; g++) {
        FieldRef f = t.groupBy().get(g);
        labels.put(f.name(), row.get(g) == null ? "" : String.valueOf(row.get(g)));
      }
      Object v = row.get(ng);
      out.put(labels, v instanceof Number n ? n.doubleValue() : Double.NaN);
    }
    return out;
  }
}
