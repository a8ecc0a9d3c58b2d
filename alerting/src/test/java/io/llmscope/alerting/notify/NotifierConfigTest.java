package io.llmscope.alerting.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmscope.alerting.notify.NotifierConfig.Type;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifierConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  /** The problems of reading {@code list}; every entry but one named 'good' has a problem and is left out. */
  private static List<String> problems(String list) throws Exception {
    List<String> problems = new ArrayList<>();
    List<NotifierConfig> read = NotifierConfig.read(json(list), "notifiers", problems);
    for (NotifierConfig c : read) assertEquals("good", c.name(), "a bad entry is left out");
    return problems;
  }

  @Test
  void defaults() throws Exception {
    List<NotifierConfig> cs = NotifierConfig.parse(json("[{'name': 'hook', 'type': 'webhook', 'url': 'http://h:1/x'}]"), "notifiers");
    NotifierConfig c = cs.get(0);
    assertEquals("hook", c.name());
    assertEquals(Type.WEBHOOK, c.type());
    assertEquals(URI.create("http://h:1/x"), c.url());
    assertEquals(Map.of(), c.headers());
    assertEquals(Duration.ofSeconds(5), c.timeout());
    assertEquals(5, c.maxAttempts());
    assertEquals(Duration.ofMillis(500), c.initialBackoff());
    assertEquals(Duration.ofSeconds(30), c.maxBackoff());
    assertEquals(1000, c.queueSize());
    assertEquals(c, NotifierConfig.of("hook", Type.WEBHOOK, URI.create("http://h:1/x")));
  }

  @Test
  void everyField() throws Exception {
    NotifierConfig c = NotifierConfig.parse(json("[{'name': 'oncall', 'type': 'Alertmanager', 'url': 'https://am.example:9093',"
        + " 'headers': {'Authorization': 'Bearer x', 'X-Scope-OrgID': 'acme'}, 'timeout': '2s', 'maxAttempts': 3,"
        + " 'initialBackoff': 250, 'maxBackoff': '1m', 'queueSize': 10}]"), "notifiers").get(0);
    assertEquals(Type.ALERTMANAGER, c.type());
    assertEquals(Map.of("Authorization", "Bearer x", "X-Scope-OrgID", "acme"), c.headers());
    assertEquals(Duration.ofSeconds(2), c.timeout());
    assertEquals(3, c.maxAttempts());
    assertEquals(Duration.ofMillis(250), c.initialBackoff(), "a bare number is milliseconds");
    assertEquals(Duration.ofMinutes(1), c.maxBackoff());
    assertEquals(10, c.queueSize());
  }

  @Test
  void alertmanagerEndpointGetsTheApiPathOnce() {
    for (String url : List.of("http://am:9093", "http://am:9093/", "http://am:9093/api/v2/alerts")) {
      assertEquals(URI.create("http://am:9093/api/v2/alerts"),
          NotifierConfig.of("am", Type.ALERTMANAGER, URI.create(url)).endpoint(), url);
    }
    assertEquals(URI.create("https://u:p@gw/team/am/api/v2/alerts"),
        NotifierConfig.of("am", Type.ALERTMANAGER, URI.create("https://u:p@gw/team/am//")).endpoint());
    assertEquals(URI.create("http://h/hook"), NotifierConfig.of("h", Type.WEBHOOK, URI.create("http://h/hook")).endpoint());
  }

  @Test
  void errorsNameTheField() throws Exception {
    assertEquals(List.of("config key 'notifiers[1].url' must be an http(s) URL, not 'ftp://x/y'"),
        problems("[{'name': 'good', 'type': 'webhook', 'url': 'http://a/'}, {'name': 'b', 'type': 'slack', 'url': 'ftp://x/y'}]"));
    assertEquals(List.of("config key 'notifiers[0].url' must be an http(s) URL, not '/relative'"),
        problems("[{'name': 'a', 'type': 'webhook', 'url': '/relative'}]"));
    assertEquals(List.of("config key 'notifiers[0].type' must be webhook, alertmanager or slack, not 'pagerduty'"),
        problems("[{'name': 'a', 'type': 'pagerduty', 'url': 'http://a/'}]"));
    assertEquals(List.of("config key 'notifiers[0].name' is missing",
            "config key 'notifiers[0].type' is missing (webhook, alertmanager or slack)",
            "config key 'notifiers[0].url' is missing"),
        problems("[{}]"));
    assertEquals(List.of("config key 'notifiers[0].name' must be letters, digits, '_', '.' or '-', not 'on call'"),
        problems("[{'name': 'on call', 'type': 'webhook', 'url': 'http://a/'}]"));
    assertEquals(List.of("config key 'notifiers[0].maxAttempts' must be an integer from 1 to 100, not 0"),
        problems("[{'name': 'a', 'type': 'webhook', 'url': 'http://a/', 'maxAttempts': 0}]"));
    assertEquals(List.of("config key 'notifiers[0].queueSize' must be an integer from 1 to 1000000, not 'big'"),
        problems("[{'name': 'a', 'type': 'webhook', 'url': 'http://a/', 'queueSize': 'big'}]"));
    assertEquals(List.of("config key 'notifiers[0].timeout' must be positive, not 0"),
        problems("[{'name': 'a', 'type': 'webhook', 'url': 'http://a/', 'timeout': 0}]"));
    assertEquals(List.of("config key 'notifiers[0].timeout' is not a valid duration: 'soon' (use e.g. 500ms, 30s, 5m, 1h, 1d, 2w or 1h30m)"),
        problems("[{'name': 'a', 'type': 'webhook', 'url': 'http://a/', 'timeout': 'soon'}]"));
    assertEquals(List.of("config key 'notifiers[0].maxBackoff' (100 ms) is below initialBackoff (1000 ms)"),
        problems("[{'name': 'a', 'type': 'webhook', 'url': 'http://a/', 'initialBackoff': '1s', 'maxBackoff': '100ms'}]"));
    assertEquals(List.of("unknown config key 'notifiers[0].retries' (known: headers, initialBackoff, maxAttempts, maxBackoff,"
            + " name, queueSize, timeout, type, url)"),
        problems("[{'name': 'a', 'type': 'webhook', 'url': 'http://a/', 'retries': 3}]"));
    assertEquals(List.of("config key 'notifiers[0].headers' must be a mapping of header names to values, not a list"),
        problems("[{'name': 'a', 'type': 'webhook', 'url': 'http://a/', 'headers': []}]"));
    assertEquals(List.of("config key 'notifiers' must be a list of notifiers, not a mapping"), problems("{}"));
    assertEquals(List.of("config key 'notifiers[0]' must be a mapping {name, type, url, ...}, not 'hook'"), problems("['hook']"));
  }

  @Test
  void aHeaderTheClientWouldRefuseIsAConfigError() throws Exception {
    List<String> p = problems("[{'name': 'a', 'type': 'webhook', 'url': 'http://a/', 'headers': {'Host': 'b'}}]");
    assertEquals(1, p.size());
    assertTrue(p.get(0).startsWith("config key 'notifiers[0].headers.Host' cannot be sent: "), p.get(0));
  }

  @Test
  void aRepeatedNameIsAnError() throws Exception {
    List<String> problems = new ArrayList<>();
    List<NotifierConfig> read = NotifierConfig.read(json("[{'name': 'a', 'type': 'webhook', 'url': 'http://a/'},"
        + " {'name': 'a', 'type': 'slack', 'url': 'http://b/'}]"), "alerting.notifiers", problems);
    assertEquals(List.of("config key 'alerting.notifiers[1].name' repeats notifier 'a' of alerting.notifiers[0]"), problems);
    assertEquals(1, read.size());
  }

  @Test
  void parseThrowsEveryProblemAndNoListIsNoNotifiers() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NotifierConfig.parse(json("[{'name': 'a', 'type': 'x', 'url': 'http://a/', 'maxAttempts': -1}]"), "notifiers"));
    assertEquals("config key 'notifiers[0].type' must be webhook, alertmanager or slack, not 'x'; "
        + "config key 'notifiers[0].maxAttempts' must be an integer from 1 to 100, not -1", e.getMessage());
    assertEquals(List.of(), NotifierConfig.parse(null, "notifiers"));
    assertEquals(List.of(), NotifierConfig.parse(json("null"), "notifiers"));
  }

  @Test
  void theConstructorChecksToo() {
    URI ok = URI.create("http://a/");
    assertThrows(IllegalArgumentException.class, () -> NotifierConfig.of("a b", Type.WEBHOOK, ok));
    assertThrows(IllegalArgumentException.class, () -> NotifierConfig.of("a", Type.WEBHOOK, URI.create("mailto:x@y")));
    assertThrows(IllegalArgumentException.class, () -> NotifierConfig.of("a", Type.WEBHOOK, ok).withQueueSize(0));
    assertThrows(IllegalArgumentException.class, () -> NotifierConfig.of("a", Type.WEBHOOK, ok).withTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> NotifierConfig.of("a", Type.WEBHOOK, ok).withRetries(3, Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }
}
