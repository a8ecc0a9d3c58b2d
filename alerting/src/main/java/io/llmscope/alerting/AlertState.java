package io.llmscope.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The JSON form of a tenant's live alerts and history, as stored in the data dir and as the API
 * shows them: {@code {"alerts": [{rule, labels, state, since, firingSince, value, peak}], "history": [...]}}.
 */
final class AlertState {
  private AlertState() {}

  static ObjectNode alertJson(String rule, AlertTracker.Alert a) {
    ObjectNode o = RuleParser.JSON.createObjectNode();
    o.put("rule", rule);
    o.put("state", a.state.name().toLowerCase(java.util.Locale.ROOT));
    o.set("labels", RuleParser.JSON.valueToTree(a.labels));
    number(o, "value", a.value);
    number(o, "peak", a.peak);
    o.put("since", a.state == AlertTracker.State.FIRING ? a.firingSince : a.activeSince);
    o.put("activeSince", a.activeSince);
    return o;
  }

  static ObjectNode historyEntry(String rule, AlertTracker.Transition tr) {
    ObjectNode o = RuleParser.JSON.createObjectNode();
    o.put("rule", rule);
    o.put("state", tr.state().name().toLowerCase(java.util.Locale.ROOT));
    o.set("labels", RuleParser.JSON.valueToTree(tr.labels()));
    o.put("at", tr.at());
    o.put("startsAt", tr.startsAt());
    number(o, "value", tr.value());
    return o;
  }

  static ObjectNode write(Map<String, AlertTracker> trackers, Deque<ObjectNode> history) {
    ObjectNode out = RuleParser.JSON.createObjectNode();
    ArrayNode alerts = out.putArray("alerts");
    for (Map.Entry<String, AlertTracker> e : trackers.entrySet()) {
      for (AlertTracker.Alert a : e.getValue().alerts()) alerts.add(alertJson(e.getKey(), a).put("firingSince", a.firingSince));
    }
    ArrayNode h = out.putArray("history");
    history.forEach(h::add);
    return out;
  }

  /** Restores live alerts of rules that still exist, and the history. */
  static void read(JsonNode state, Map<String, AlertTracker> trackers, Deque<ObjectNode> history) {
    for (JsonNode a : state.path("alerts")) {
      AlertTracker t = trackers.get(a.get("rule").asText());
      if (t == null) continue;
      Map<String, String> labels = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = a.get("labels").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        labels.put(e.getKey(), e.getValue().asText());
      }
      AlertTracker.Alert alert = new AlertTracker.Alert(labels, a.get("activeSince").asLong());
      alert.state = AlertTracker.State.valueOf(a.get("state").asText().toUpperCase(java.util.Locale.ROOT));
      alert.firingSince = a.path("firingSince").asLong();
      alert.value = a.path("value").isNumber() ? a.get("value").asDouble() : Double.NaN;
      alert.peak = a.path("peak").isNumber() ? a.get("peak").asDouble() : Double.NaN;
      t.restore(alert);
    }
    for (JsonNode h : state.path("history")) history.addLast((ObjectNode) h);
  }

  private static void number(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) o.put(key, v);
    else o.putNull(key);
  }
}
