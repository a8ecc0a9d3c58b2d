package io.llmscope.alerting;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The alert state machine of one rule: per group, pending (breaking, not yet for {@code for}) →
 * firing → resolved (no longer breaking; the alert is gone). {@link #step} returns the transitions
 * of one evaluation: a group firing or resolving is reported once, not once per cycle.
 */
final class AlertTracker {
  /** A group's live alert. */
  static final class Alert {
    final Map<String, String> labels;
    State state = State.PENDING;
    long activeSince;
    long firingSince;
    double value;
    double peak = Double.NaN;
    /** When this firing alert was last handed to notifiers (not stored: a restart re-sends soon). */
    long lastSent;

    Alert(Map<String, String> labels, long since) {
      this.labels = Map.copyOf(labels);
      this.activeSince = since;
    }
  }

  enum State { PENDING, FIRING, RESOLVED }

  /** A firing or resolving alert, as notifiers and history see it. */
  record Transition(Map<String, String> labels, State state, long startsAt, long at, double value, double peak,
      Map<String, Object> detail) {}

  private final Map<Map<String, String>, Alert> alerts = new HashMap<>();

  List<Transition> step(AlertRule rule, List<Observation> observations, long at) {
    List<Transition> out = new ArrayList<>();
    Map<Map<String, String>, Observation> breaking = new HashMap<>();
    for (Observation o : observations) if (o.breaching()) breaking.put(o.labels(), o);
    for (Iterator<Alert> it = alerts.values().iterator(); it.hasNext(); ) {
      Alert a = it.next();
      if (breaking.containsKey(a.labels)) continue;
      it.remove();
      if (a.state == State.FIRING) out.add(new Transition(a.labels, State.RESOLVED, a.firingSince, at, a.value, a.peak, Map.of()));
    }
    for (Observation o : breaking.values()) {
      Alert a = alerts.computeIfAbsent(o.labels(), l -> new Alert(l, at));
      a.value = o.value();
      a.peak = Double.isNaN(a.peak) ? o.value() : Math.max(a.peak, o.value());
      if (a.state == State.PENDING && at - a.activeSince >= rule.forMs()) {
        a.state = State.FIRING;
        a.firingSince = at;
        a.lastSent = at;
        out.add(new Transition(a.labels, State.FIRING, at, at, a.value, a.peak, o.detail()));
      }
    }
    return out;
  }

  List<Alert> alerts() {
    return new ArrayList<>(alerts.values());
  }

  /** Restores a live alert read back from the data dir. */
  void restore(Alert a) {
    alerts.put(a.labels, a);
  }
}
