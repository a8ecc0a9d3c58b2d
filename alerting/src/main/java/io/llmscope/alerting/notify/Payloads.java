package io.llmscope.alerting.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three bodies a notifier POSTs ({@code Content-Type: application/json}).
 *
 * <h2>webhook</h2>
 *
 * One object per notification:
 *
 * <pre>
 * {"version": 1,                      // of this format; a new field does not change it
 *  "id": "5f0c...",                   // Notification.id: stable per transition, for dedupe
 *  "status": "firing",                // or "resolved"
 *  "tenant": "acme", "rule": "cost-spike", "ruleType": "threshold", "severity": "critical",
 *  "groupLabels": {"model": "gpt-4o"},    // the group the alert is for ({} when ungrouped)
 *  "labels": {"team": "ml"},              // the rule's labels
 *  "annotations": {"summary": "...", "value": "12.5", "threshold": "10"},
 *  "value": 12.5,                     // null when not a finite number
 *  "startsAt": 1764201600000,         // epoch ms
 *  "endsAt": null,                    // epoch ms once resolved
 *  "generatorURL": "http://..."}      // or null
 * </pre>
 *
 * <h2>alertmanager</h2>
 *
 * Alertmanager API v2 {@code postableAlerts}: a list of one alert,
 *
 * <pre>
 * [{"labels": {"alertname": "cost-spike", "tenant": "acme", "severity": "critical",
 *              "model": "gpt-4o", "team": "ml"},
 *   "annotations": {"summary": "...", "value": "12.5"},
 *   "startsAt": "2026-11-27T00:00:00Z",
 *   "endsAt": "2026-11-27T00:20:00Z",  // only once resolved
 *   "generatorURL": "http://..."}]     // only when known
 * </pre>
 *
 * Labels are the rule's labels, then {@code severity}, then the group labels, then {@code tenant}
 * and {@code alertname} (the rule): a later one wins a clash, so no rule label can merge two groups
 * into one Alertmanager alert. Names are made Prometheus-safe ({@code gen_ai.model} becomes
 * {@code gen_ai_model}); empty values are left out, as Alertmanager treats them as absent. The
 * annotations get {@code value} unless the notification has one. A firing alert has no
 * {@code endsAt}, so Alertmanager resolves it by itself after its {@code resolve_timeout} unless it
 * is sent again: a caller that wants it to stay firing re-sends the firing notification (same id)
 * more often than that.
 *
 * <h2>slack</h2>
 *
 * An incoming-webhook message: {@code text} is the one line a phone shows,
 * {@code [FIRING] cost-spike (critical) — tenant=acme, model=gpt-4o — value 12.5}, and
 * {@code blocks} repeat it in bold with the summary, description and a link to the generator URL.
 */
final class Payloads {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SLACK_SECTION_LIMIT = 3000; // Slack refuses longer section texts

  private Payloads() {}

  static byte[] body(NotifierConfig.Type type, Notification n) {
    Object tree = switch (type) {
      case WEBHOOK -> webhook(n);
      case ALERTMANAGER -> alertmanager(n);
      case SLACK -> slack(n);
    };
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree of text and numbers always writes
    }
  }

  static ObjectNode webhook(Notification n) {
    ObjectNode o = JSON.createObjectNode();
    o.put("version", 1);
    o.put("id", n.id());
    o.put("status", n.state().text());
    o.put("tenant", n.tenant());
    o.put("rule", n.rule());
    o.put("ruleType", n.ruleType());
    o.put("severity", n.severity());
    putMap(o.putObject("groupLabels"), n.groupLabels());
    putMap(o.putObject("labels"), n.labels());
    putMap(o.putObject("annotations"), n.annotations());
    if (Double.isFinite(n.value())) {
      o.put("value", n.value());
    } else {
      o.putNull("value");
    }
    o.put("startsAt", n.startsAt());
    if (n.state() == Notification.State.RESOLVED) {
      o.put("endsAt", n.endsAt());
    } else {
      o.putNull("endsAt");
    }
    o.put("generatorURL", n.generatorURL());
    return o;
  }

  static ArrayNode alertmanager(Notification n) {
    ArrayNode list = JSON.createArrayNode();
    ObjectNode a = list.addObject();
    putMap(a.putObject("labels"), amLabels(n));
    Map<String, String> annotations = new LinkedHashMap<>(n.annotations());
    annotations.putIfAbsent("value", number(n.value()));
    putMap(a.putObject("annotations"), annotations);
    a.put("startsAt", Instant.ofEpochMilli(n.startsAt()).toString());
    if (n.state() == Notification.State.RESOLVED) a.put("endsAt", Instant.ofEpochMilli(n.endsAt()).toString());
    if (n.generatorURL() != null && !n.generatorURL().isEmpty()) a.put("generatorURL", n.generatorURL());
    return list;
  }

  /** The label set that identifies the alert in Alertmanager (order of precedence in the class comment). */
  static Map<String, String> amLabels(Notification n) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", n.rule());
    labels.put("tenant", n.tenant());
    Map<String, String> rest = new LinkedHashMap<>();
    n.labels().forEach((k, v) -> rest.put(labelName(k), v));
    if (!n.severity().isEmpty()) rest.put("severity", n.severity());
    n.groupLabels().forEach((k, v) -> rest.put(labelName(k), v));
    rest.forEach((k, v) -> {
      if (!v.isEmpty()) labels.putIfAbsent(k, v);
    });
    return labels;
  }

  static ObjectNode slack(Notification n) {
    ObjectNode o = JSON.createObjectNode();
    String head = "[" + n.state().name() + "] " + n.rule() + (n.severity().isEmpty() ? "" : " (" + n.severity() + ")");
    String tail = labelText(n) + " — value " + number(n.value());
    o.put("text", escape(head + " — " + tail));
    ArrayNode blocks = o.putArray("blocks");
    StringBuilder section = new StringBuilder("*").append(escape(head)).append("*");
    String summary = n.annotations().get("summary");
    if (summary != null && !summary.isEmpty()) section.append('\n').append(escape(summary));
    String description = n.annotations().get("description");
    if (description != null && !description.isEmpty()) section.append('\n').append(escape(description));
    String link = n.generatorURL() != null && !n.generatorURL().isEmpty()
        ? "\n<" + n.generatorURL().replace("|", "%7C").replace(">", "%3E") + "|Open in LLMScope>" : "";
    if (section.length() + link.length() > SLACK_SECTION_LIMIT) {
      section.setLength(Math.max(0, SLACK_SECTION_LIMIT - link.length() - 1));
      section.append('…');
    }
    section.append(link);
    ObjectNode s = blocks.addObject().put("type", "section");
    s.putObject("text").put("type", "mrkdwn").put("text", section.toString());
    String when = n.state() == Notification.State.RESOLVED
        ? "from " + Instant.ofEpochMilli(n.startsAt()) + " to " + Instant.ofEpochMilli(n.endsAt())
        : "since " + Instant.ofEpochMilli(n.startsAt());
    ObjectNode ctx = blocks.addObject().put("type", "context");
    ctx.putArray("elements").addObject().put("type", "mrkdwn").put("text", escape(tail + " — " + when));
    return o;
  }

  /** {@code tenant=acme, model=gpt-4o}: the tenant, then the group labels. */
  private static String labelText(Notification n) {
    List<String> parts = new ArrayList<>();
    parts.add("tenant=" + n.tenant());
    n.groupLabels().forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(", ", parts);
  }

  /** Six significant digits, no exponent and no trailing zeros: {@code 12.5}, {@code 0.000123}, {@code 1200}. */
  static String number(double v) {
    if (!Double.isFinite(v)) return Double.toString(v);
    if (v == 0) return "0";
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  /** A Prometheus label name: {@code [a-zA-Z_][a-zA-Z0-9_]*}, other characters become {@code _}. */
  static String labelName(String name) {
    StringBuilder b = new StringBuilder(name.length() + 1);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
      if (i == 0 && c >= '0' && c <= '9') b.append('_').append(c);
      else b.append(ok ? c : '_');
    }
    return b.length() == 0 ? "_" : b.toString();
  }

  /** Slack's mrkdwn needs only these three escaped. */
  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static void putMap(ObjectNode o, Map<String, String> m) {
    m.forEach(o::put);
  }
}
