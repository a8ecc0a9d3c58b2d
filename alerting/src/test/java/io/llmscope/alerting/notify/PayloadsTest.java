package io.llmscope.alerting.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Payload details the receiver tests do not reach: clashes, odd names, odd values. */
class PayloadsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Notification odd() {
    Map<String, String> groups = new LinkedHashMap<>();
    groups.put("gen_ai.request.model", "gpt-4o");
    groups.put("9lives", "x");
    groups.put("tenant", "spoof");
    groups.put("user", "");
    return Notification.firing("acme", "a<b>&c", "budget", "", groups,
        Map.of("alertname", "other", "severity", "page", "team", "ml", "gen_ai.request.model", "rule-label"),
        Map.of(), Double.NaN, 0, null);
  }

  @Test
  void alertmanagerLabelsKeepTheAlertIdentity() {
    Map<String, String> labels = Payloads.amLabels(odd());
    assertEquals("a<b>&c", labels.get("alertname"), "the rule, not a rule label");
    assertEquals("acme", labels.get("tenant"), "the tenant, not a group label");
    assertEquals("gpt-4o", labels.get("gen_ai_request_model"), "the group label wins over a rule label");
    assertEquals("page", labels.get("severity"), "no severity field: the rule's label stands");
    assertEquals("x", labels.get("_9lives"));
    assertEquals("ml", labels.get("team"));
    assertFalse(labels.containsKey("user"), "an empty value is an absent label");
    assertEquals(6, labels.size(), labels.toString());
    for (String name : labels.keySet()) assertTrue(name.matches("[a-zA-Z_][a-zA-Z0-9_]*"), name);
  }

  @Test
  void severityFieldWinsOverARuleLabel() {
    Notification n = Notification.firing("t", "r", "threshold", "critical", Map.of(), Map.of("severity", "low"), Map.of(), 1, 0, null);
    assertEquals("critical", Payloads.amLabels(n).get("severity"));
  }

  @Test
  void oddValuesStayValidJson() throws Exception {
    Notification n = odd();
    JsonNode w = JSON.readTree(Payloads.body(NotifierConfig.Type.WEBHOOK, n));
    assertTrue(w.get("value").isNull(), "NaN is not a JSON number");
    assertTrue(w.get("generatorURL").isNull());
    assertEquals("", w.get("severity").asText());

    JsonNode a = JSON.readTree(Payloads.body(NotifierConfig.Type.ALERTMANAGER, n)).get(0);
    assertNull(a.get("generatorURL"), "no URL: no field (Alertmanager checks its format)");
    assertEquals("NaN", a.get("annotations").get("value").asText());
    assertEquals("1970-01-01T00:00:00Z", a.get("startsAt").asText());

    JsonNode s = JSON.readTree(Payloads.body(NotifierConfig.Type.SLACK, n));
    assertEquals("[FIRING] a&lt;b&gt;&amp;c — tenant=acme, 9lives=x, gen_ai.request.model=gpt-4o, tenant=spoof, user= — value NaN",
        s.get("text").asText());
    assertEquals("*[FIRING] a&lt;b&gt;&amp;c*", s.get("blocks").get(0).get("text").get("text").asText());
  }

  @Test
  void slackSectionStaysUnderItsLimit() throws Exception {
    Notification n = Notification.firing("t", "r", "drift", "warning", Map.of(), Map.of(),
        Map.of("description", "x".repeat(5000)), 1, 0, "http://llmscope/r");
    String text = JSON.readTree(Payloads.body(NotifierConfig.Type.SLACK, n)).get("blocks").get(0).get("text").get("text").asText();
    assertTrue(text.length() <= 3000, "length " + text.length());
    assertTrue(text.endsWith("…\n<http://llmscope/r|Open in LLMScope>"), text.substring(text.length() - 60));
  }

  @Test
  void numbersAreShortAndPlain() {
    assertEquals("12.5", Payloads.number(12.5));
    assertEquals("0", Payloads.number(0));
    assertEquals("1200", Payloads.number(1200));
    assertEquals("0.333333", Payloads.number(1.0 / 3));
    assertEquals("0.000123", Payloads.number(0.000123));
    assertEquals("-2", Payloads.number(-2));
    assertEquals("123457000", Payloads.number(123456789));
    assertEquals("Infinity", Payloads.number(Double.POSITIVE_INFINITY));
  }

  @Test
  void retryAfterReadsSecondsAndDates() {
    assertEquals(Duration.ofSeconds(3), Notifier.retryAfter(Optional.of("3")));
    assertEquals(Duration.ZERO, Notifier.retryAfter(Optional.of("0")));
    assertNull(Notifier.retryAfter(Optional.of("-1")));
    assertNull(Notifier.retryAfter(Optional.of("soon")));
    assertNull(Notifier.retryAfter(Optional.empty()));
    assertEquals(Duration.ZERO, Notifier.retryAfter(Optional.of("Wed, 21 Oct 2015 07:28:00 GMT")), "a past date: now");
    String inAnHour = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusHours(1));
    Duration d = Notifier.retryAfter(Optional.of(inAnHour));
    assertTrue(d.compareTo(Duration.ofMinutes(30)) > 0 && d.compareTo(Duration.ofMinutes(60)) <= 0, String.valueOf(d));
  }
}
