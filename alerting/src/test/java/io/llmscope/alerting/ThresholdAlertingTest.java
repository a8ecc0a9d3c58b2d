package io.llmscope.alerting;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmscope.query.QueryEngine;
import io.llmscope.query.QueryLimits;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A threshold rule over real storage with a planted incident: a p95 latency regression of one model
 * from a given minute for half an hour, beside a control model. Live cycles, backtests and
 * evaluate-at agree; each transition is reported once, also across a reopen; tenants are apart.
 */
class ThresholdAlertingTest {
  static final long T0 = (System.currentTimeMillis() / 86_400_000L - 1) * 86_400_000L;
  static final long MIN = 60_000L;
  static final long INCIDENT_FROM = T0 + 120 * MIN;
  static final long INCIDENT_TO = T0 + 150 * MIN;
  static final String RULE = "{\"type\": \"threshold\", \"query\": {\"groupBy\": [\"model\"], \"metric\": \"p95(duration_ms)\"},"
      + " \"window\": \"5m\", \"for\": \"2m\", \"op\": \">\", \"threshold\": 1000, \"severity\": \"page\", \"labels\": {\"team\": \"llm\"}}";

  @TempDir Path dir;
  Storage storage;
  QueryEngine queries;
  final List<Alerting.Event> sent = new CopyOnWriteArrayList<>();

  @BeforeEach
  void load() throws Exception {
    storage = Storage.open(StorageConfig.defaults(dir.resolve("data")));
    queries = new QueryEngine(storage, () -> T0 + 86_400_000L, QueryLimits.DEFAULTS);
    Random rnd = new Random(11);
    List<LlmSpan> spans = new ArrayList<>();
    long id = 1;
    for (long t = T0; t < T0 + 240 * MIN; t += 2_000) { // four hours, a call per model every 2 s
      for (String model : List.of("gpt-4o", "claude")) {
        boolean slow = model.equals("gpt-4o") && t >= INCIDENT_FROM && t < INCIDENT_TO;
        LlmSpan s = new LlmSpan();
        s.traceIdLo = id;
        s.spanId = id++;
        s.llm = true;
        s.startNanos = t * 1_000_000L;
        long ms = slow ? 2000 + rnd.nextInt(1000) : 200 + rnd.nextInt(300);
        s.endNanos = s.startNanos + ms * 1_000_000L;
        s.dim(Dim.MODEL, model).dim(Dim.STATUS, "ok").measure(Measure.DURATION_MS, ms);
        s.detail = SpanDetail.EMPTY;
        spans.add(s);
      }
    }
    storage.append("a", spans);
    storage.sealNow();
  }

  @AfterEach
  void close() {
    queries.close();
    storage.close();
  }

  private Alerting open() throws Exception {
    return new Alerting(queries, storage.settings(), 30_000, () -> T0, sent::add);
  }

  @Test
  void liveCyclesFireOnceAndResolveOnceForThePlantedGroupOnly() throws Exception {
    try (Alerting alerting = open()) {
      alerting.putRule("a", "slow", RULE);
      for (long at = T0 + 60 * MIN; at < T0 + 140 * MIN; at += 30_000) alerting.cycle(at);
      List<Alerting.Event> reminders = sent.stream().filter(Alerting.Event::repeat).toList();
      sent.removeAll(reminders);
      assertEquals(1, sent.size(), "fired once: " + sent);
      // Still firing after the transition: reminders once a minute, same alert (for Alertmanager).
      assertFalse(reminders.isEmpty());
      for (Alerting.Event r : reminders) {
        assertEquals("firing", r.state());
        assertEquals(sent.get(0).startsAt(), r.startsAt());
      }
      assertEquals((T0 + 140 * MIN - sent.get(0).startsAt() - 1) / Alerting.RESEND_MS, reminders.size());
      Alerting.Event fired = sent.get(0);
      assertEquals("firing", fired.state());
      assertEquals(Map.of("model", "gpt-4o"), fired.labels());
      assertEquals("page", fired.severity());
      assertEquals(Map.of("team", "llm"), fired.ruleLabels());
      // The window must hold enough slow calls for p95 to pass 1000 (5% of 5 min), then 2 min pending.
      assertTrue(fired.startsAt() > INCIDENT_FROM && fired.startsAt() <= INCIDENT_FROM + 4 * MIN, "fired at " + fired.startsAt());
      assertTrue(fired.value() > 1000);
      JsonNode live = alerting.alerts("a", "firing");
      assertEquals(1, live.size());
    }
    try (Alerting alerting = open()) { // reopened: the firing alert is there, and not sent again
      assertEquals(1, alerting.alerts("a", "firing").size());
      for (long at = T0 + 140 * MIN; at < T0 + 200 * MIN; at += 30_000) alerting.cycle(at);
      sent.removeIf(Alerting.Event::repeat);
      assertEquals(2, sent.size(), "resolved once: " + sent);
      Alerting.Event resolved = sent.get(1);
      assertEquals("resolved", resolved.state());
      assertEquals(sent.get(0).startsAt(), resolved.startsAt());
      assertTrue(resolved.endsAt() >= INCIDENT_TO && resolved.endsAt() <= INCIDENT_TO + 6 * MIN, "resolved at " + resolved.endsAt());
      assertEquals(0, alerting.alerts("a", null).size());
      JsonNode history = alerting.history("a", 0, Long.MAX_VALUE);
      assertEquals(2, history.size());
      assertEquals("firing", history.get(0).get("state").asText());
      assertEquals("resolved", history.get(1).get("state").asText());
    }
  }

  @Test
  void aBacktestReturnsExactlyThePlantedEpisodeAndEvaluateAtAgreesWithIt() throws Exception {
    try (Alerting alerting = open()) {
      alerting.putRule("a", "slow", RULE);
      JsonNode episodes = alerting.backtest("a", "slow", T0, T0 + 240 * MIN);
      assertEquals(1, episodes.size(), episodes.toString());
      JsonNode ep = episodes.get(0);
      assertEquals("gpt-4o", ep.get("labels").get("model").asText());
      long start = ep.get("start").asLong();
      long end = ep.get("end").asLong();
      assertTrue(start > INCIDENT_FROM && start <= INCIDENT_FROM + 4 * MIN, ep.toString());
      assertTrue(end >= INCIDENT_TO && end <= INCIDENT_TO + 6 * MIN, ep.toString());
      assertTrue(ep.get("peak").asDouble() >= 2000);
      // Evaluate-at, inside and outside the episode, by the same code.
      JsonNode during = alerting.evaluateAt("a", start + 5 * MIN);
      assertEquals(1, during.size(), during.toString());
      assertEquals("firing", during.get(0).get("state").asText());
      assertEquals(0, alerting.evaluateAt("a", T0 + 60 * MIN).size());
      assertEquals(0, alerting.evaluateAt("a", end + 5 * MIN).size());
      assertTrue(sent.isEmpty(), "backtests and evaluate-at send nothing");
      assertNull(alerting.backtest("a", "nope", T0, T0 + MIN));
    }
  }

  @Test
  void rulesArePerTenantPersistedAndValidated() throws Exception {
    try (Alerting alerting = open()) {
      alerting.putRule("a", "slow", RULE);
      alerting.putRule("a", "yaml-rule", "type: threshold\nquery:\n  metric: error_rate\nwindow: 10m\nthreshold: 0.1\n");
      assertEquals(0, alerting.rules("b").size());
      for (long at = T0 + 120 * MIN; at < T0 + 130 * MIN; at += 30_000) alerting.cycle(at);
      assertEquals(0, alerting.alerts("b", null).size());
    }
    try (Alerting alerting = open()) {
      JsonNode rules = alerting.rules("a");
      assertEquals(2, rules.size());
      assertEquals("slow", rules.get(0).get("name").asText());
      assertEquals("error_rate", rules.get(1).get("query").get("metric").asText());
      assertTrue(alerting.deleteRule("a", "yaml-rule"));
      assertFalse(alerting.deleteRule("b", "slow"));
    }
    Map<String, String> bad = Map.of(
        "{\"query\": {\"metric\": \"count\"}, \"window\": \"5m\", \"threshold\": 1}", "type: is required",
        "{\"type\": \"sometimes\"}", "type: 'sometimes' is not one of",
        "{\"type\": \"threshold\", \"window\": \"5m\", \"threshold\": 1}", "query: is required",
        "{\"type\": \"threshold\", \"query\": {\"metric\": \"p95(model)\"}, \"window\": \"5m\", \"threshold\": 1}", "query: metric: p95() needs a numeric field",
        "{\"type\": \"threshold\", \"query\": {\"metric\": \"count\", \"filters\": [{\"field\": \"nope\", \"op\": \"=\", \"value\": 1}]}, \"window\": \"5m\", \"threshold\": 1}", "query: filters[0]: unknown field 'nope'",
        "{\"type\": \"threshold\", \"query\": {\"metric\": \"count\"}, \"window\": \"soon\", \"threshold\": 1}", "window: 'soon' is not a duration",
        "{\"type\": \"threshold\", \"query\": {\"metric\": \"count\"}, \"window\": \"5m\"}", "threshold: is required",
        "{\"type\": \"threshold\", \"query\": {\"metric\": \"count\"}, \"window\": \"5m\", \"threshold\": 1, \"op\": \"~\"}", "op: '~' is not one of",
        "{\"type\": \"threshold\", \"query\": {\"metric\": \"count\"}, \"window\": \"5m\", \"threshold\": 1, \"budget\": 5}", "budget: not a field of a threshold rule",
        "{\"type\": \"budget\", \"period\": \"week\", \"budget\": 5}", "period: 'week' is not day, month or a rolling window");
    try (Alerting alerting = open()) {
      for (Map.Entry<String, String> e : bad.entrySet()) {
        RuleException ex = assertThrows(RuleException.class, () -> alerting.putRule("a", "bad", e.getKey()), e.getKey());
        assertTrue(ex.getMessage().contains(e.getValue()), ex.getMessage() + " should contain " + e.getValue());
      }
      assertThrows(RuleException.class, () -> alerting.putRule("a", "bad name!", RULE));
      assertThrows(RuleException.class, () -> alerting.putRule("a", "x", "{not json: ["));
      assertEquals(1, alerting.rules("a").size(), "nothing bad was stored");
    }
  }

  @Test
  void configFileRulesAreEvaluatedButNotChangedThroughTheApi() throws Exception {
    JsonNode entries = RuleParser.tree("- {name: cfg-slow, tenant: a, type: threshold, query: {groupBy: [model], metric: 'p95(duration_ms)'},"
        + " window: 5m, op: '>', threshold: 1000}\n");
    assertTrue(Alerting.check(entries, "rules", QueryLimits.DEFAULTS).isEmpty());
    try (Alerting alerting = open()) {
      alerting.configure(entries);
      assertEquals("config", alerting.rules("a").get(0).get("origin").asText());
      RuleException e = assertThrows(RuleException.class, () -> alerting.putRule("a", "cfg-slow", RULE));
      assertTrue(e.getMessage().contains("defined in the config file"), e.getMessage());
      assertThrows(RuleException.class, () -> alerting.deleteRule("a", "cfg-slow"));
      assertEquals(1, alerting.backtest("a", "cfg-slow", T0, T0 + 240 * MIN).size());
    }
    try (Alerting alerting = open()) {
      assertEquals(0, alerting.rules("a").size(), "config rules are not stored: the file is their home");
    }
  }
}
