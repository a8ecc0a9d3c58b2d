package io.llmscope.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmscope.query.TimeExpr;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One receiver of alert notifications, as the config's {@code notifiers:} list gives it:
 *
 * <pre>
 * notifiers:
 *   - name: oncall              # [A-Za-z0-9_.-]+, what a rule's notify list names
 *     type: alertmanager        # webhook | alertmanager | slack
 *     url: http://am:9093       # alertmanager: the base URL or .../api/v2/alerts
 *     headers: {Authorization: Bearer X}   # optional, sent with every POST
 *     timeout: 5s               # per attempt (connect and answer); text like 500ms, 5s, 1m, or ms
 *     maxAttempts: 5            # attempts per notification, the first included
 *     initialBackoff: 500ms     # before the first retry, doubled after each, up to maxBackoff
 *     maxBackoff: 30s
 *     queueSize: 1000           # notifications waiting; when full the oldest is dropped
 * </pre>
 *
 * A notifier retries a POST answered 5xx or 429, or not answered (connection refused, timeout),
 * after the backoff or the receiver's {@code Retry-After} (at most {@code maxBackoff}); any other
 * answer ends it. A retry repeats the payload's id, so a receiver that got a timed-out attempt
 * can drop the repeat.
 */
public record NotifierConfig(
    String name,
    Type type,
    URI url,
    Map<String, String> headers,
    Duration timeout,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    int queueSize) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  public static final int DEFAULT_QUEUE_SIZE = 1000;
  static final int MAX_ATTEMPTS_LIMIT = 100;
  static final int QUEUE_SIZE_LIMIT = 1_000_000;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final String AM_PATH = "/api/v2/alerts";
  private static final Set<String> KEYS = Set.of("name", "type", "url", "headers", "timeout", "maxAttempts",
      "initialBackoff", "maxBackoff", "queueSize");

  /** The payload format. */
  public enum Type {
    /** Generic JSON of the notification (fields in the package comment). */
    WEBHOOK,
    /** Alertmanager's API v2: {@code POST /api/v2/alerts} with a list of one alert. */
    ALERTMANAGER,
    /** A Slack incoming webhook ({@code text} and {@code blocks}). */
    SLACK;

    /** The config's spelling. */
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public NotifierConfig {
    String who = "notifier '" + name + "'";
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a notifier name is letters, digits, '_', '.' or '-', not '" + name + "'");
    }
    Objects.requireNonNull(type, who + ": type");
    String bad = urlProblem(url);
    if (bad != null) throw new IllegalArgumentException(who + ": url " + bad);
    headers = headers == null || headers.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    for (Map.Entry<String, String> h : headers.entrySet()) {
      String p = headerProblem(h.getKey(), h.getValue());
      if (p != null) throw new IllegalArgumentException(who + ": header '" + h.getKey() + "' " + p);
    }
    requirePositive(timeout, who + ": timeout");
    requirePositive(initialBackoff, who + ": initialBackoff");
    requirePositive(maxBackoff, who + ": maxBackoff");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(who + ": maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
    }
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new IllegalArgumentException(who + ": maxAttempts must be 1 to " + MAX_ATTEMPTS_LIMIT + ", not " + maxAttempts);
    }
    if (queueSize < 1 || queueSize > QUEUE_SIZE_LIMIT) {
      throw new IllegalArgumentException(who + ": queueSize must be 1 to " + QUEUE_SIZE_LIMIT + ", not " + queueSize);
    }
  }

  /** A notifier with every default. */
  public static NotifierConfig of(String name, Type type, URI url) {
    return new NotifierConfig(name, type, url, Map.of(), DEFAULT_TIMEOUT, DEFAULT_MAX_ATTEMPTS,
        DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_QUEUE_SIZE);
  }

  public NotifierConfig withHeaders(Map<String, String> headers) {
    return new NotifierConfig(name, type, url, headers, timeout, maxAttempts, initialBackoff, maxBackoff, queueSize);
  }

  public NotifierConfig withTimeout(Duration timeout) {
    return new NotifierConfig(name, type, url, headers, timeout, maxAttempts, initialBackoff, maxBackoff, queueSize);
  }

  public NotifierConfig withRetries(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    return new NotifierConfig(name, type, url, headers, timeout, maxAttempts, initialBackoff, maxBackoff, queueSize);
  }

  public NotifierConfig withQueueSize(int queueSize) {
    return new NotifierConfig(name, type, url, headers, timeout, maxAttempts, initialBackoff, maxBackoff, queueSize);
  }

  /**
   * Where the POST goes: {@code url} itself, or for {@code alertmanager} the URL with
   * {@code /api/v2/alerts} added unless it already ends so ({@code http://am:9093},
   * {@code http://am:9093/}, {@code http://am:9093/api/v2/alerts} all post to the last).
   */
  public URI endpoint() {
    if (type != Type.ALERTMANAGER) return url;
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    if (path.endsWith(AM_PATH) || path.endsWith(AM_PATH + "/")) return url;
    while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
    try {
      return new URI(url.getScheme(), url.getRawAuthority(), null, null, null).resolve(path + AM_PATH);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e); // parts of a URI that parsed
    }
  }

  /**
   * Reads the config's {@code notifiers:} list. Each problem goes to {@code problems}, naming the key
   * by its path under {@code at} (e.g. {@code config key 'notifiers[1].url' must be an http(s) URL,
   * not 'ftp://x'}), and its entry is left out. A missing or null list is no notifiers.
   */
  public static List<NotifierConfig> read(JsonNode list, String at, List<String> problems) {
    List<NotifierConfig> out = new ArrayList<>();
    if (list == null || list.isNull() || list.isMissingNode()) return out;
    if (!list.isArray()) {
      problems.add("config key '" + at + "' must be a list of notifiers, not " + describe(list));
      return out;
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String path = at + "[" + i + "]";
      NotifierConfig c = entry(list.get(i), path, problems);
      if (c == null) continue;
      Integer before = seen.putIfAbsent(c.name(), i);
      if (before != null) {
        problems.add("config key '" + path + ".name' repeats notifier '" + c.name() + "' of " + at + "[" + before + "]");
      } else {
        out.add(c);
      }
    }
    return out;
  }

  /** {@link #read(JsonNode, String, List)} that throws one exception listing every problem. */
  public static List<NotifierConfig> parse(JsonNode list, String at) {
    List<String> problems = new ArrayList<>();
    List<NotifierConfig> out = read(list, at, problems);
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
    return out;
  }

  /** One entry of the list at {@code path}, or null after adding its problems. */
  static NotifierConfig entry(JsonNode e, String path, List<String> problems) {
    if (e == null || !e.isObject()) {
      problems.add("config key '" + path + "' must be a mapping {name, type, url, ...}, not " + describe(e));
      return null;
    }
    int before = problems.size();
    List<String> unknown = new ArrayList<>();
    e.fieldNames().forEachRemaining(f -> {
      if (!KEYS.contains(f)) unknown.add(f);
    });
    for (String f : unknown) {
      problems.add("unknown config key '" + path + "." + f + "' (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
    }

    String name = null;
    JsonNode n = e.get("name");
    if (n == null || n.isNull()) {
      problems.add("config key '" + path + ".name' is missing");
    } else if (!n.isTextual() || !NAME.matcher(n.asText()).matches()) {
      problems.add("config key '" + path + ".name' must be letters, digits, '_', '.' or '-', not " + describe(n));
    } else {
      name = n.asText();
    }

    Type type = null;
    JsonNode t = e.get("type");
    if (t == null || t.isNull()) {
      problems.add("config key '" + path + ".type' is missing (webhook, alertmanager or slack)");
    } else {
      for (Type candidate : Type.values()) {
        if (t.isTextual() && candidate.text().equals(t.asText().trim().toLowerCase(Locale.ROOT))) type = candidate;
      }
      if (type == null) problems.add("config key '" + path + ".type' must be webhook, alertmanager or slack, not " + describe(t));
    }

    URI url = null;
    JsonNode u = e.get("url");
    if (u == null || u.isNull()) {
      problems.add("config key '" + path + ".url' is missing");
    } else if (!u.isTextual()) {
      problems.add("config key '" + path + ".url' must be an http(s) URL, not " + describe(u));
    } else {
      try {
        URI parsed = new URI(u.asText().trim());
        String p = urlProblem(parsed);
        if (p != null) {
          problems.add("config key '" + path + ".url' " + p);
        } else {
          url = parsed;
        }
      } catch (URISyntaxException ex) {
        problems.add("config key '" + path + ".url' must be an http(s) URL, not " + describe(u) + " (" + ex.getReason() + ")");
      }
    }

    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode h = e.get("headers");
    if (h != null && !h.isNull()) {
      if (!h.isObject()) {
        problems.add("config key '" + path + ".headers' must be a mapping of header names to values, not " + describe(h));
      } else {
        h.fields().forEachRemaining(f -> {
          String at = path + ".headers." + f.getKey();
          if (!f.getValue().isValueNode() || f.getValue().isNull()) {
            problems.add("config key '" + at + "' must be a text value, not " + describe(f.getValue()));
            return;
          }
          String p = headerProblem(f.getKey(), f.getValue().asText());
          if (p != null) {
            problems.add("config key '" + at + "' " + p);
          } else {
            headers.put(f.getKey(), f.getValue().asText());
          }
        });
      }
    }

    Duration timeout = duration(e, "timeout", path, DEFAULT_TIMEOUT, problems);
    Duration initial = duration(e, "initialBackoff", path, DEFAULT_INITIAL_BACKOFF, problems);
    Duration max = duration(e, "maxBackoff", path, DEFAULT_MAX_BACKOFF, problems);
    if (initial != null && max != null && max.compareTo(initial) < 0) {
      problems.add("config key '" + path + ".maxBackoff' (" + max.toMillis() + " ms) is below initialBackoff ("
          + initial.toMillis() + " ms)");
    }
    int attempts = integer(e, "maxAttempts", path, DEFAULT_MAX_ATTEMPTS, MAX_ATTEMPTS_LIMIT, problems);
    int queue = integer(e, "queueSize", path, DEFAULT_QUEUE_SIZE, QUEUE_SIZE_LIMIT, problems);
    if (problems.size() != before) return null;
    return new NotifierConfig(name, type, url, headers, timeout, attempts, initial, max, queue);
  }

  private static Duration duration(JsonNode e, String key, String path, Duration dflt, List<String> problems) {
    JsonNode d = e.get(key);
    if (d == null || d.isNull()) return dflt;
    String at = "config key '" + path + "." + key + "'";
    long ms;
    if (d.isIntegralNumber() && d.canConvertToLong()) {
      ms = d.longValue(); // a bare number is milliseconds
    } else if (d.isTextual()) {
      try {
        ms = TimeExpr.durationMs(d.asText(), at);
      } catch (IllegalArgumentException ex) {
        problems.add(ex.getMessage());
        return null;
      }
    } else {
      problems.add(at + " must be a duration like 500ms, 5s or 1m, or milliseconds, not " + describe(d));
      return null;
    }
    if (ms <= 0) {
      problems.add(at + " must be positive, not " + describe(d));
      return null;
    }
    return Duration.ofMillis(ms);
  }

  private static int integer(JsonNode e, String key, String path, int dflt, int limit, List<String> problems) {
    JsonNode v = e.get(key);
    if (v == null || v.isNull()) return dflt;
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1 || v.intValue() > limit) {
      problems.add("config key '" + path + "." + key + "' must be an integer from 1 to " + limit + ", not " + describe(v));
      return dflt;
    }
    return v.intValue();
  }

  private static String urlProblem(URI url) {
    if (url == null) return "is missing";
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      return "must be an http(s) URL, not '" + url + "'";
    }
    return null;
  }

  /** Why the JDK client would refuse this header (restricted names such as Host, bad characters), or null. */
  private static String headerProblem(String name, String value) {
    try {
      HttpRequest.newBuilder(URI.create("http://localhost/")).header(name, value);
      return null;
    } catch (IllegalArgumentException ex) {
      return "cannot be sent: " + ex.getMessage();
    }
  }

  private static void requirePositive(Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive, not " + d);
  }

  private static String describe(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) return "nothing";
    if (n.isTextual()) return "'" + n.asText() + "'";
    if (n.isObject()) return "a mapping";
    if (n.isArray()) return "a list";
    return n.toString();
  }
}
