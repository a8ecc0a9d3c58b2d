package io.llmscope.alerting.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmscope.alerting.notify.Delivery.Outcome;
import io.llmscope.alerting.notify.NotifierConfig.Type;
import io.llmscope.alerting.notify.Receiver.Answer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Notifiers against real HTTP receivers on ephemeral ports. */
class NotifiersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final long T0 = Instant.parse("2026-11-27T00:00:00Z").toEpochMilli();
  static final long T1 = T0 + TimeUnit.MINUTES.toMillis(20);
  static final String GENERATOR = "http://llmscope:8080/#/rules/cost-spike";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    // Receivers first: that answers every gated request, so the notifiers' close needs no grace.
    for (AutoCloseable c : open) if (c instanceof Receiver) c.close();
    for (AutoCloseable c : open) if (!(c instanceof Receiver)) c.close();
  }

  static Notification firing() {
    return Notification.firing("acme", "cost-spike", "threshold", "critical",
        Map.of("model", "gpt-4o"), Map.of("team", "ml"),
        Map.of("summary", "Spend above $10/h", "value", "12.5", "threshold", "10"),
        12.5, T0, GENERATOR);
  }

  static Notification resolved() {
    return firing().resolved(T1, 3.25, Map.of("summary", "Spend above $10/h", "value", "3.25", "threshold", "10"));
  }

  static Notification numbered(int i) {
    return Notification.firing("acme", "rule-" + i, "threshold", "warning", Map.of(), Map.of(), Map.of(), i, T0, null);
  }

  private Receiver receiver(Receiver r) {
    open.add(r);
    return r;
  }

  private Notifiers start(NotifierConfig... configs) {
    Notifiers n = Notifiers.start(List.of(configs), registry);
    open.add(n);
    return n;
  }

  /** Fast retries so the tests do not sleep for the production backoff. */
  private static NotifierConfig config(String name, Type type, URI url) {
    return NotifierConfig.of(name, type, url).withRetries(5, Duration.ofMillis(10), Duration.ofMillis(40));
  }

  @Test
  void webhookAndAlertmanagerGetFiringAndResolveExactlyOnceEach() throws Exception {
    Receiver hook = receiver(Receiver.always(200));
    Receiver am = receiver(Receiver.always(200));
    Notifiers notifiers = start(
        config("hook", Type.WEBHOOK, hook.url("/alerts/in")).withHeaders(Map.of("Authorization", "Bearer s3cret")),
        config("am", Type.ALERTMANAGER, am.url("")));

    notifiers.send(firing(), List.of("hook", "am"));
    notifiers.send(resolved(), List.of("am", "hook"));
    hook.await(2);
    am.await(2);
    notifiers.close(); // nothing can arrive after this: the counts below are final
    List<Receiver.Request> hooks = hook.requests();
    List<Receiver.Request> ams = am.requests();
    assertEquals(2, hooks.size());
    assertEquals(2, ams.size());

    // webhook, firing
    Receiver.Request h1 = hooks.get(0);
    assertEquals("POST", h1.method());
    assertEquals("/alerts/in", h1.path());
    assertEquals("application/json", h1.header("Content-Type"));
    assertEquals("Bearer s3cret", h1.header("Authorization"));
    JsonNode w = h1.json();
    assertEquals(1, w.get("version").asInt());
    assertEquals(firing().id(), w.get("id").asText());
    assertEquals("firing", w.get("status").asText());
    assertEquals("acme", w.get("tenant").asText());
    assertEquals("cost-spike", w.get("rule").asText());
    assertEquals("threshold", w.get("ruleType").asText());
    assertEquals("critical", w.get("severity").asText());
    assertEquals(Map.of("model", "gpt-4o"), map(w.get("groupLabels")));
    assertEquals(Map.of("team", "ml"), map(w.get("labels")));
    assertEquals(Map.of("summary", "Spend above $10/h", "value", "12.5", "threshold", "10"), map(w.get("annotations")));
    assertEquals(12.5, w.get("value").asDouble());
    assertEquals(T0, w.get("startsAt").asLong());
    assertTrue(w.get("endsAt").isNull());
    assertEquals(GENERATOR, w.get("generatorURL").asText());
    assertEquals(14, w.size(), w.toString());

    // webhook, resolved
    JsonNode wr = hooks.get(1).json();
    assertEquals(resolved().id(), wr.get("id").asText());
    assertFalse(wr.get("id").asText().equals(w.get("id").asText()));
    assertEquals("resolved", wr.get("status").asText());
    assertEquals(3.25, wr.get("value").asDouble());
    assertEquals(T0, wr.get("startsAt").asLong());
    assertEquals(T1, wr.get("endsAt").asLong());
    assertEquals("3.25", wr.get("annotations").get("value").asText());

    // Alertmanager, firing: the base URL got the API path
    Receiver.Request a1 = ams.get(0);
    assertEquals("POST", a1.method());
    assertEquals("/api/v2/alerts", a1.path());
    assertEquals("application/json", a1.header("Content-Type"));
    JsonNode list = a1.json();
    assertTrue(list.isArray());
    assertEquals(1, list.size());
    JsonNode alert = list.get(0);
    Map<String, String> labels = Map.of("alertname", "cost-spike", "tenant", "acme", "severity", "critical",
        "model", "gpt-4o", "team", "ml");
    assertEquals(labels, map(alert.get("labels")));
    assertEquals(Map.of("summary", "Spend above $10/h", "value", "12.5", "threshold", "10"), map(alert.get("annotations")));
    assertEquals("2026-11-27T00:00:00Z", alert.get("startsAt").asText());
    assertNull(alert.get("endsAt"), "a firing alert has no end");
    assertEquals(GENERATOR, alert.get("generatorURL").asText());
    assertEquals(4, alert.size(), alert.toString());

    // Alertmanager, resolved: the same labels (the same alert to Alertmanager), now with an end
    JsonNode ar = ams.get(1).json().get(0);
    assertEquals(labels, map(ar.get("labels")));
    assertEquals("2026-11-27T00:00:00Z", ar.get("startsAt").asText());
    assertEquals("2026-11-27T00:20:00Z", ar.get("endsAt").asText());
    assertEquals("3.25", ar.get("annotations").get("value").asText());
    assertEquals(GENERATOR, ar.get("generatorURL").asText());
  }

  @Test
  void slackGetsReadableTextOnFiringAndResolve() throws Exception {
    Receiver slack = receiver(Receiver.always(200));
    Notifiers notifiers = start(config("chat", Type.SLACK, slack.url("/services/T000/B000/XXXX")));
    notifiers.send(firing(), List.of("chat"));
    notifiers.send(resolved(), List.of("chat"));
    slack.await(2);
    notifiers.close();
    List<Receiver.Request> got = slack.requests();
    assertEquals(2, got.size());
    assertEquals("/services/T000/B000/XXXX", got.get(0).path());

    JsonNode f = got.get(0).json();
    assertEquals("[FIRING] cost-spike (critical) — tenant=acme, model=gpt-4o — value 12.5", f.get("text").asText());
    JsonNode blocks = f.get("blocks");
    assertEquals(2, blocks.size());
    assertEquals("section", blocks.get(0).get("type").asText());
    assertEquals("mrkdwn", blocks.get(0).get("text").get("type").asText());
    assertEquals("*[FIRING] cost-spike (critical)*\nSpend above $10/h\n<" + GENERATOR + "|Open in LLMScope>",
        blocks.get(0).get("text").get("text").asText());
    assertEquals("context", blocks.get(1).get("type").asText());
    assertEquals("tenant=acme, model=gpt-4o — value 12.5 — since 2026-11-27T00:00:00Z",
        blocks.get(1).get("elements").get(0).get("text").asText());

    JsonNode r = got.get(1).json();
    assertEquals("[RESOLVED] cost-spike (critical) — tenant=acme, model=gpt-4o — value 3.25", r.get("text").asText());
    assertEquals("tenant=acme, model=gpt-4o — value 3.25 — from 2026-11-27T00:00:00Z to 2026-11-27T00:20:00Z",
        r.get("blocks").get(1).get("elements").get(0).get("text").asText());
  }

  @Test
  void alertmanagerUrlWithThePathOrAPrefixPostsToTheApi() throws Exception {
    Receiver am = receiver(Receiver.always(200));
    Notifiers notifiers = start(
        config("full", Type.ALERTMANAGER, am.url("/api/v2/alerts")),
        config("prefixed", Type.ALERTMANAGER, am.url("/alertmanager/")));
    notifiers.send(firing(), List.of("full"));
    am.await(1);
    notifiers.send(firing(), List.of("prefixed"));
    List<Receiver.Request> got = am.await(2);
    assertEquals("/api/v2/alerts", got.get(0).path());
    assertEquals("/alertmanager/api/v2/alerts", got.get(1).path());
  }

  @Test
  void twoServerErrorsThenSuccessIsThreeAttemptsAndOneDelivery() throws Exception {
    Receiver flaky = receiver(new Receiver(n -> Answer.of(n <= 2 ? 500 : 200)));
    Notifiers notifiers = start(config("flaky", Type.WEBHOOK, flaky.url("/")));
    notifiers.send(firing(), List.of("flaky"));
    Delivery d = awaitDelivery(notifiers, "flaky", x -> true); // final: the one notification has ended

    assertEquals(Outcome.DELIVERED, d.outcome());
    assertEquals(3, d.attempts());
    assertEquals(200, d.status());
    assertEquals(firing().id(), d.notificationId());
    List<Receiver.Request> got = flaky.requests();
    assertEquals(3, got.size());
    for (Receiver.Request r : got) assertEquals(firing().id(), r.json().get("id").asText(), "a retry repeats the id");
    assertEquals(1, notifiers.deliveries().get("flaky").size(), "delivered once");
    assertEquals(1.0, count("flaky", "delivered"));
    assertEquals(2.0, count("flaky", "retried"));
    assertEquals(0.0, count("flaky", "failed"));
    assertEquals(0.0, count("flaky", "dropped"));
  }

  @Test
  void failingReceiverGetsRetriesAndDelaysNobody() throws Exception {
    // 500 at once, then its retry hangs until the end of the test: "bad" is provably still retrying below.
    Receiver failing = receiver(new Receiver(n -> n == 1 ? Answer.of(500) : Answer.gated(500)));
    Receiver healthy = receiver(Receiver.always(200));
    Notifiers notifiers = start(
        config("bad", Type.ALERTMANAGER, failing.url("")).withTimeout(Duration.ofMinutes(5)),
        config("good", Type.WEBHOOK, healthy.url("/")));

    for (int i = 0; i < 3; i++) notifiers.send(numbered(i), List.of("bad", "good"));
    List<Receiver.Request> got = healthy.await(3);
    failing.await(2); // the first attempt and its retry

    assertEquals(List.of("rule-0", "rule-1", "rule-2"), got.stream().map(r -> r.json().get("rule").asText()).toList());
    assertEquals(3, awaitDeliveries(notifiers, "good", 3).size());
    assertTrue(notifiers.deliveries().get("bad").isEmpty(), "bad has not finished its first notification");
    assertEquals(2, notifiers.queued("bad"));
    assertEquals(0, notifiers.queued("good"));
    assertEquals(3.0, count("good", "delivered"));
    assertEquals(1.0, count("bad", "retried"));
    assertEquals(0.0, count("bad", "delivered") + count("bad", "failed"));
  }

  @Test
  void silentReceiverTimesOutIsRetriedAndDelaysNobody() throws Exception {
    // The first request is never answered (until the test ends); the second is.
    Receiver silent = receiver(new Receiver(n -> n == 1 ? Answer.gated(200) : Answer.of(200)));
    Receiver healthy = receiver(Receiver.always(200));
    Receiver hung = receiver(new Receiver(n -> Answer.gated(200)));
    Notifiers notifiers = start(
        config("silent", Type.WEBHOOK, silent.url("/")).withTimeout(Duration.ofSeconds(1)),
        config("hung", Type.WEBHOOK, hung.url("/")).withTimeout(Duration.ofMinutes(5)),
        config("good", Type.SLACK, healthy.url("/")));

    notifiers.send(firing(), List.of("silent", "hung", "good"));
    notifiers.send(resolved(), List.of("silent", "hung", "good"));
    healthy.await(2);
    hung.await(1);
    assertEquals(2, awaitDeliveries(notifiers, "good", 2).size());
    assertTrue(notifiers.deliveries().get("hung").isEmpty(), "hung is still waiting for its first answer");
    assertEquals(1, notifiers.queued("hung"));

    // silent: the unanswered attempt timed out and was retried, and then the resolve went through
    List<Delivery> s = awaitDeliveries(notifiers, "silent", 2);
    assertEquals(Outcome.DELIVERED, s.get(0).outcome());
    assertEquals(2, s.get(0).attempts());
    assertEquals(Outcome.DELIVERED, s.get(1).outcome());
    assertEquals(1, s.get(1).attempts());
    assertEquals(3, silent.requests().size());
    assertEquals(1.0, count("silent", "retried"));
  }

  @Test
  void givesUpAfterMaxAttemptsOnServerErrors() throws Exception {
    Receiver broken = receiver(new Receiver(n -> new Answer(503, null, "upstream down", false)));
    Notifiers notifiers = start(config("broken", Type.WEBHOOK, broken.url("/")).withRetries(3, Duration.ofMillis(5), Duration.ofMillis(20)));
    notifiers.send(firing(), List.of("broken"));
    Delivery d = awaitDelivery(notifiers, "broken", x -> true);

    assertEquals(Outcome.FAILED, d.outcome());
    assertEquals(3, d.attempts());
    assertEquals(503, d.status());
    assertTrue(d.detail().contains("upstream down"), d.detail());
    assertEquals(3, broken.requests().size());
    assertEquals(2.0, count("broken", "retried"));
    assertEquals(1.0, count("broken", "failed"));
    assertEquals(0.0, count("broken", "delivered"));
  }

  @Test
  void clientErrorsAreNotRetriedButTooManyRequestsIs() throws Exception {
    Receiver refusing = receiver(new Receiver(n -> new Answer(400, null, "{\"error\":\"bad alert\"}", false)));
    Receiver throttling = receiver(new Receiver(n -> n == 1 ? new Answer(429, "0", "", false) : Answer.of(200)));
    Notifiers notifiers = start(
        config("refusing", Type.ALERTMANAGER, refusing.url("")),
        config("throttling", Type.WEBHOOK, throttling.url("/")));
    notifiers.send(firing(), List.of("refusing", "throttling"));
    Delivery refused = awaitDelivery(notifiers, "refusing", x -> true);
    Delivery throttled = awaitDelivery(notifiers, "throttling", x -> true);

    assertEquals(Outcome.FAILED, refused.outcome());
    assertEquals(1, refused.attempts());
    assertEquals(400, refused.status());
    assertTrue(refused.detail().contains("bad alert"), refused.detail());
    assertEquals(1, refusing.requests().size());
    assertEquals(0.0, count("refusing", "retried"));
    assertEquals(1.0, count("refusing", "failed"));

    assertEquals(Outcome.DELIVERED, throttled.outcome());
    assertEquals(2, throttled.attempts());
    assertEquals(1.0, count("throttling", "retried"));
  }

  @Test
  void fullQueueDropsTheOldestAndKeepsArrivalOrder() throws Exception {
    Receiver slow = receiver(new Receiver(n -> n == 1 ? Answer.gated(200) : Answer.of(200)));
    Notifiers notifiers = start(config("slow", Type.WEBHOOK, slow.url("/")).withTimeout(Duration.ofMinutes(5)).withQueueSize(2));
    notifiers.send(numbered(0), List.of("slow"));
    slow.await(1); // 0 is in flight, out of the queue
    for (int i = 1; i <= 4; i++) notifiers.send(numbered(i), List.of("slow"));

    assertEquals(2, notifiers.queued("slow"));
    assertEquals(2.0, count("slow", "dropped"));
    List<Delivery> dropped = notifiers.deliveries().get("slow");
    assertEquals(List.of("rule-1", "rule-2"), dropped.stream().map(Delivery::rule).toList());
    for (Delivery d : dropped) {
      assertEquals(Outcome.DROPPED, d.outcome());
      assertEquals(0, d.attempts());
    }
    assertTrue(scrape().contains("llmscope_alert_notifier_queue{notifier=\"slow\"} 2.0"), scrape());

    slow.gate.countDown();
    slow.await(3);
    awaitDeliveries(notifiers, "slow", 5);
    assertEquals(3.0, count("slow", "delivered"));
    notifiers.close();
    List<Receiver.Request> got = slow.requests();
    assertEquals(List.of("rule-0", "rule-3", "rule-4"), got.stream().map(r -> r.json().get("rule").asText()).toList());
  }

  @Test
  void closeDrainsTheQueueAndLaterSendsAreDropped() throws Exception {
    Receiver ok = receiver(Receiver.always(200));
    Notifiers notifiers = start(config("ok", Type.WEBHOOK, ok.url("/")));
    for (int i = 0; i < 20; i++) notifiers.send(numbered(i), List.of("ok"));
    notifiers.close(Duration.ofSeconds(30));
    assertEquals(20, ok.requests().size(), "close delivers what was queued");

    notifiers.send(numbered(99), List.of("ok"));
    notifiers.close(); // a second close is a no-op
    assertEquals(20, ok.requests().size());
    List<Delivery> ds = notifiers.deliveries().get("ok");
    assertEquals(Outcome.DROPPED, ds.get(ds.size() - 1).outcome());
    assertFalse(scrape().contains("notifier=\"ok\""), "close removes the notifier's meters");
  }

  @Test
  void closeAfterTheGraceCountsTheRest() throws Exception {
    Receiver hung = receiver(new Receiver(n -> Answer.gated(200)));
    Notifiers notifiers = start(config("hung", Type.WEBHOOK, hung.url("/")).withTimeout(Duration.ofMinutes(5)));
    notifiers.send(numbered(0), List.of("hung"));
    hung.await(1);
    notifiers.send(numbered(1), List.of("hung"));
    notifiers.send(numbered(2), List.of("hung"));
    notifiers.close(Duration.ofMillis(50));

    List<Delivery> ds = notifiers.deliveries().get("hung");
    assertEquals(3, ds.size());
    Map<String, Outcome> byRule = new TreeMap<>();
    for (Delivery d : ds) byRule.put(d.rule(), d.outcome());
    assertEquals(Map.of("rule-0", Outcome.FAILED, "rule-1", Outcome.DROPPED, "rule-2", Outcome.DROPPED), byRule);
  }

  @Test
  void unknownNotifierIsCountedOnceNotThrownAndRepeatedNamesSendOnce() throws Exception {
    Receiver ok = receiver(Receiver.always(200));
    Notifiers notifiers = start(config("ok", Type.WEBHOOK, ok.url("/")));
    notifiers.send(firing(), List.of("ok", "nope", "ok", "nope"));
    awaitDelivery(notifiers, "ok", x -> true);
    assertTrue(scrape().contains("llmscope_alert_notifications_unrouted_total 1.0"), scrape());
    notifiers.close();
    assertEquals(1, ok.requests().size());
  }

  @Test
  void metersAreNamedAsMetricsShowsThem() throws Exception {
    Receiver flaky = receiver(new Receiver(n -> Answer.of(n == 1 ? 502 : 200)));
    Notifiers notifiers = start(config("flaky", Type.WEBHOOK, flaky.url("/")));
    notifiers.send(firing(), List.of("flaky"));
    awaitDelivery(notifiers, "flaky", x -> true);
    String text = scrape();
    assertTrue(text.contains("llmscope_alert_notifications_total{notifier=\"flaky\",outcome=\"delivered\"} 1.0"), text);
    assertTrue(text.contains("llmscope_alert_notifications_total{notifier=\"flaky\",outcome=\"retried\"} 1.0"), text);
    assertTrue(text.contains("llmscope_alert_notifications_total{notifier=\"flaky\",outcome=\"failed\"} 0.0"), text);
    assertTrue(text.contains("llmscope_alert_notifications_total{notifier=\"flaky\",outcome=\"dropped\"} 0.0"), text);
    assertTrue(text.contains("llmscope_alert_notifier_queue{notifier=\"flaky\"} 0.0"), text);
  }

  @Test
  void twoNotifiersWithOneNameAreRefused() {
    NotifierConfig a = NotifierConfig.of("x", Type.WEBHOOK, URI.create("http://localhost:1/"));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Notifiers.start(List.of(a, a), registry));
    assertTrue(e.getMessage().contains("'x'"), e.getMessage());
  }

  private String scrape() {
    return registry.scrape();
  }

  private double count(String notifier, String outcome) {
    return registry.get(Notifier.METER).tag("notifier", notifier).tag("outcome", outcome).counter().count();
  }

  private static Map<String, String> map(JsonNode o) {
    return JSON.convertValue(o, JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
  }

  /** The first delivery of {@code notifier} that matches, once there is one; fails after 30 s. */
  static Delivery awaitDelivery(Notifiers notifiers, String notifier, Predicate<Delivery> which)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (Delivery d : notifiers.deliveries().get(notifier)) if (which.test(d)) return d;
      Thread.sleep(5);
    }
    throw new TimeoutException("no delivery at " + notifier + ": " + notifiers.deliveries());
  }

  /** The deliveries of {@code notifier} once there are at least {@code count}; fails after 30 s. */
  static List<Delivery> awaitDeliveries(Notifiers notifiers, String notifier, int count)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      List<Delivery> ds = notifiers.deliveries().get(notifier);
      if (ds.size() >= count) return ds;
      Thread.sleep(5);
    }
    throw new TimeoutException("not " + count + " deliveries at " + notifier + ": " + notifiers.deliveries());
  }
}
