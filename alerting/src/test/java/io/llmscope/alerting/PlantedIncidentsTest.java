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
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nine days of generated traffic with daily seasonality and planted incidents, each beside control
 * groups without one: a cost spike of one service in one hour (anomaly), a user crossing a rolling
 * budget (budget), an input-token distribution shift and a finish-reason mix change of one prompt,
 * and one prompt's completions turning to another language (drift, of numbers, a mix and captured
 * content). Backtests over the last day return exactly the planted episodes, and nothing for the
 * controls or at quiet hours.
 */
class PlantedIncidentsTest {
  static final long HOUR = 3_600_000L;
  static final long DAY = 24 * HOUR;
  /** Midnight UTC eight days ago: history from DAY0 − 1 day to DAY0 + 8 days. */
  static final long END = (System.currentTimeMillis() / DAY - 1) * DAY;
  static final long START = END - 9 * DAY;
  static final long SPIKE_HOUR = END - 10 * HOUR; // 14:00 on the last day
  static final long SHIFT_FROM = END - 6 * HOUR;
  static final long BUDGET_FROM = END - 5 * HOUR;
  static final long CONTENT_FROM = END - 4 * HOUR;
  static final String[] ENGLISH = ("the quarterly report shows revenue growth across every region while costs stayed flat and "
      + "customers renewed their contracts earlier than expected because support answered faster").split(" ");
  static final String[] SPANISH = ("el informe trimestral muestra que los ingresos crecieron en todas las regiones mientras los "
      + "costes se mantuvieron y los clientes renovaron sus contratos antes de lo previsto").split(" ");
  static final String[] SERVICES = {"chat-api", "search", "billing"};
  static final String[] PROMPTS = {"summary", "answer"};

  @TempDir static Path dir;
  static Storage storage;
  static QueryEngine queries;
  static Alerting alerting;

  @BeforeAll
  static void load() throws Exception {
    storage = Storage.open(StorageConfig.defaults(dir.resolve("data")));
    queries = new QueryEngine(storage, () -> END, QueryLimits.DEFAULTS);
    Random rnd = new Random(20261202);
    List<LlmSpan> spans = new ArrayList<>();
    long id = 1;
    for (long t = START; t < END; t += 60_000) { // a call per service per minute
      double hourOfDay = (t % DAY) / (double) HOUR;
      double season = 1 + 0.5 * Math.sin((hourOfDay - 6) / 24 * 2 * Math.PI); // busy afternoons
      for (int s = 0; s < SERVICES.length; s++) {
        String service = SERVICES[s];
        String prompt = PROMPTS[(int) (id % 2)];
        boolean spike = service.equals("search") && t >= SPIKE_HOUR && t < SPIKE_HOUR + HOUR;
        boolean shifted = prompt.equals("answer") && t >= SHIFT_FROM;
        LlmSpan sp = new LlmSpan();
        sp.traceIdLo = id;
        sp.spanId = id++;
        sp.llm = true;
        sp.startNanos = t * 1_000_000L + s;
        sp.endNanos = sp.startNanos + 300_000_000L;
        double input = Math.exp((shifted ? 8 : 6) + 0.3 * rnd.nextGaussian());
        String finish = shifted ? (rnd.nextDouble() < 0.6 ? "length" : "stop") : (rnd.nextDouble() < 0.05 ? "length" : "stop");
        double cost = 0.01 * season * (0.8 + 0.4 * rnd.nextDouble()) * (spike ? 20 : 1);
        String user = "user-" + (id % 5);
        sp.dim(Dim.SERVICE, service).dim(Dim.MODEL, "gpt-4o").dim(Dim.STATUS, "ok").dim(Dim.PROMPT_NAME, prompt)
            .dim(Dim.FINISH_REASON, finish).dim(Dim.USER, user);
        sp.measure(Measure.DURATION_MS, 300).measure(Measure.INPUT_TOKENS, Math.round(input)).measure(Measure.COST_USD, cost);
        boolean spanish = prompt.equals("summary") && t >= CONTENT_FROM;
        sp.detail = content(rnd, prompt, spanish ? SPANISH : ENGLISH);
        spans.add(sp);
      }
      if (t >= BUDGET_FROM && t % 120_000 == 0) { // one user's agent runs up a bill (a service of its own)
        LlmSpan sp = new LlmSpan();
        sp.traceIdLo = id;
        sp.spanId = id++;
        sp.llm = true;
        sp.startNanos = t * 1_000_000L + 7;
        sp.endNanos = sp.startNanos + 300_000_000L;
        sp.dim(Dim.SERVICE, "agents").dim(Dim.MODEL, "gpt-4o").dim(Dim.STATUS, "ok").dim(Dim.USER, "user-3");
        sp.measure(Measure.DURATION_MS, 300).measure(Measure.COST_USD, 0.5);
        sp.detail = SpanDetail.EMPTY;
        spans.add(sp);
      }
    }
    storage.append("t", spans);
    storage.sealNow();
    alerting = new Alerting(queries, storage.settings(), 10 * 60_000, () -> END, e -> { });
  }

  /** Captured messages as GenAI JSON attributes: a fixed instruction and a completion of random words. */
  static SpanDetail content(Random rnd, String prompt, String[] words) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 14; i++) text.append(i == 0 ? "" : " ").append(words[rnd.nextInt(words.length)]);
    String input = "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Write a " + prompt
        + " of the attached quarterly report for the board.\"}]}]";
    String output = "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"" + text + "\"}],\"finish_reason\":\"stop\"}]";
    return new SpanDetail(java.util.Map.of("gen_ai.input.messages", input, "gen_ai.output.messages", output), java.util.Map.of(),
        "", "", "", "", List.of(), List.of());
  }

  @AfterAll
  static void close() {
    alerting.close();
    queries.close();
    storage.close();
  }

  private static JsonNode lastDay(String rule, String body) {
    alerting.putRule("t", rule, body);
    return alerting.backtest("t", rule, END - DAY, END);
  }

  @Test
  void aCostSpikeOfOneServiceIsTheOnlyAnomalyOfTheDay() {
    JsonNode episodes = lastDay("spend-spike", "{\"type\": \"anomaly\", \"query\": {\"groupBy\": [\"service\"], \"metric\": \"sum(cost_usd)\","
        + " \"filters\": [{\"field\": \"service\", \"op\": \"!=\", \"value\": \"agents\"}]},"
        + " \"window\": \"1h\", \"baseline\": \"7d\", \"sensitivity\": 6, \"direction\": \"up\", \"minValue\": 0.1}");
    assertEquals(1, episodes.size(), episodes.toString());
    JsonNode ep = episodes.get(0);
    assertEquals("search", ep.get("labels").get("service").asText());
    long start = ep.get("start").asLong();
    long end = ep.get("end").asLong();
    assertTrue(start > SPIKE_HOUR && start <= SPIKE_HOUR + 30 * 60_000, ep.toString());
    assertTrue(end > SPIKE_HOUR + HOUR && end <= SPIKE_HOUR + 2 * HOUR, ep.toString());
  }

  @Test
  void oneUserCrossesARollingBudget() {
    JsonNode episodes = lastDay("user-budget", "{\"type\": \"budget\", \"query\": {\"groupBy\": [\"user\"]}, \"budget\": 60, \"period\": \"24h\"}");
    assertEquals(1, episodes.size(), episodes.toString());
    JsonNode ep = episodes.get(0);
    assertEquals("user-3", ep.get("labels").get("user").asText());
    assertTrue(ep.get("start").asLong() > BUDGET_FROM, ep.toString());
    assertTrue(ep.get("end").isNull(), "still over at the end of the day: " + ep);
  }

  @Test
  void anInputTokenShiftAndAFinishReasonMixChangeOfOnePromptDrift() {
    JsonNode tokens = lastDay("token-drift", "{\"type\": \"drift\", \"query\": {\"groupBy\": [\"prompt_name\"]}, \"field\": \"input_tokens\","
        + " \"method\": \"psi\", \"window\": \"2h\", \"baseline\": \"1d\"}");
    assertEquals(1, tokens.size(), tokens.toString());
    assertEquals("answer", tokens.get(0).get("labels").get("prompt_name").asText());
    long start = tokens.get(0).get("start").asLong();
    assertTrue(start > SHIFT_FROM && start <= SHIFT_FROM + 2 * HOUR, tokens.toString());

    JsonNode mix = lastDay("finish-mix", "{\"type\": \"drift\", \"query\": {\"groupBy\": [\"prompt_name\"]}, \"field\": \"finish_reason\","
        + " \"method\": \"js\", \"window\": \"1h\", \"baseline\": \"1d\"}");
    assertEquals(1, mix.size(), mix.toString());
    assertEquals("answer", mix.get(0).get("labels").get("prompt_name").asText());

    // The evaluation says what moved.
    JsonNode now = alerting.evaluateAt("t", END - 60_000);
    boolean named = false;
    for (JsonNode a : now) if (a.get("rule").asText().equals("finish-mix")) named = true;
    assertTrue(named, now.toString());
  }

  @Test
  void oneAnswerTurningToAnotherLanguageIsAContentDrift() {
    JsonNode episodes = lastDay("content-drift", "{\"type\": \"drift\", \"query\": {\"groupBy\": [\"prompt_name\"]},"
        + " \"field\": \"content\", \"method\": \"js\", \"window\": \"1h\", \"baseline\": \"1d\"}");
    assertEquals(1, episodes.size(), episodes.toString());
    JsonNode ep = episodes.get(0);
    assertEquals("summary", ep.get("labels").get("prompt_name").asText());
    long start = ep.get("start").asLong();
    assertTrue(start > CONTENT_FROM && start <= CONTENT_FROM + HOUR, ep.toString());

    // The episode names the side that moved, the method, and grams that moved.
    assertEquals("output", ep.at("/detail/side").asText(), ep.toString());
    assertEquals("js", ep.at("/detail/method").asText(), ep.toString());
    assertTrue(ep.at("/detail/moved").size() > 0, ep.toString());

    // The prompt side did not move: a rule on it stays quiet all day.
    assertEquals(0, lastDay("input-drift", "{\"type\": \"drift\", \"query\": {\"groupBy\": [\"prompt_name\"]},"
        + " \"field\": \"content.input\", \"method\": \"js\", \"window\": \"1h\", \"baseline\": \"1d\"}").size());
  }

  @Test
  void controlsStayQuietAllWeek() {
    // The same anomaly rule over the eight history days before the incident day: nothing.
    alerting.putRule("t", "quiet", "{\"type\": \"anomaly\", \"query\": {\"groupBy\": [\"service\"], \"metric\": \"sum(cost_usd)\"},"
        + " \"window\": \"1h\", \"baseline\": \"7d\", \"sensitivity\": 6, \"minValue\": 0.1}");
    JsonNode episodes = alerting.backtest("t", "quiet", START + 7 * DAY, END - DAY);
    assertEquals(0, episodes.size(), episodes.toString());
  }
}
