package io.llmscope.alerting;

import io.llmscope.alerting.notify.Notification;
import java.util.LinkedHashMap;
import java.util.Map;

/** An alert transition as the notifiers send it: the summary and the detector's detail as annotations. */
public final class AlertNotifications {
  private AlertNotifications() {}

  public static Notification of(Alerting.Event e) {
    boolean firing = e.state().equals("firing");
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("summary", (firing ? "" : "resolved: ") + e.rule() + " (" + e.type() + ") for "
        + (e.labels().isEmpty() ? "all traffic" : e.labels().toString()) + ": value " + text(e.value()));
    for (Map.Entry<String, Object> d : e.detail().entrySet()) {
      Object v = d.getValue();
      annotations.put(d.getKey(), v instanceof Double x ? text(x) : String.valueOf(v));
    }
    return new Notification(e.tenant(), e.rule(), e.type(), e.severity(), firing ? Notification.State.FIRING : Notification.State.RESOLVED,
        e.labels(), e.ruleLabels(), annotations, e.value(), e.startsAt(), firing ? 0 : Math.max(e.endsAt(), e.startsAt()), null);
  }

  private static String text(double v) {
    if (!Double.isFinite(v)) return "n/a";
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.6g", v);
  }
}
