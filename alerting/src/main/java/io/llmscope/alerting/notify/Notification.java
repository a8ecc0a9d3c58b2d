package io.llmscope.alerting.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One alert transition to deliver: an alert of {@code rule} for one group ({@code groupLabels})
 * started firing, or resolved.
 *
 * @param id stable for this transition (see {@link #idOf}): a retry or a second send of the same
 *     transition carries the same id, so a receiver can drop the repeat
 * @param tenant whose data the rule watched
 * @param rule the rule's name
 * @param ruleType {@code threshold}, {@code anomaly}, {@code drift} or {@code budget}
 * @param severity as the rule sets it (e.g. {@code warning}, {@code critical}); may be empty
 * @param state {@link State#FIRING} or {@link State#RESOLVED}
 * @param groupLabels the group the alert is for, {@code GROUP_FIELD -> VALUE} (empty: ungrouped)
 * @param labels the rule's own {@code labels}
 * @param annotations text for people: {@code summary}, {@code description}, and the value,
 *     threshold or statistic as text
 * @param value the metric (or statistic) that fired or resolved the alert
 * @param startsAt epoch ms the alert started firing
 * @param endsAt epoch ms it resolved; 0 while firing
 * @param generatorURL a link back to the rule or query in LLMScope; may be null
 */
public record Notification(
    String id,
    String tenant,
    String rule,
    String ruleType,
    String severity,
    State state,
    Map<String, String> groupLabels,
    Map<String, String> labels,
    Map<String, String> annotations,
    double value,
    long startsAt,
    long endsAt,
    String generatorURL) {

  /** An alert's state as notified; pending alerts are not notified. */
  public enum State {
    FIRING,
    RESOLVED;

    /** {@code firing} / {@code resolved}, the spelling in the payloads. */
    public String text() {
      return this == FIRING ? "firing" : "resolved";
    }
  }

  public Notification {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(state, "state");
    ruleType = ruleType == null ? "" : ruleType;
    severity = severity == null ? "" : severity;
    // Sorted copies: payloads list labels in one order whatever map the caller built.
    groupLabels = sortedCopy(groupLabels);
    labels = sortedCopy(labels);
    annotations = sortedCopy(annotations);
    if (state == State.FIRING && endsAt != 0) {
      throw new IllegalArgumentException("a firing notification has no endsAt, got " + endsAt);
    }
    if (state == State.RESOLVED && endsAt < startsAt) {
      throw new IllegalArgumentException("a resolved notification ends at or after it starts: startsAt "
          + startsAt + ", endsAt " + endsAt);
    }
    if (id == null) id = idOf(tenant, rule, groupLabels, startsAt, state);
  }

  /** A notification whose {@link #id} is {@link #idOf} its transition. */
  public Notification(String tenant, String rule, String ruleType, String severity, State state,
      Map<String, String> groupLabels, Map<String, String> labels, Map<String, String> annotations,
      double value, long startsAt, long endsAt, String generatorURL) {
    this(null, tenant, rule, ruleType, severity, state, groupLabels, labels, annotations, value, startsAt,
        endsAt, generatorURL);
  }

  /** The firing alert of a group. */
  public static Notification firing(String tenant, String rule, String ruleType, String severity,
      Map<String, String> groupLabels, Map<String, String> labels, Map<String, String> annotations,
      double value, long startsAt, String generatorURL) {
    return new Notification(tenant, rule, ruleType, severity, State.FIRING, groupLabels, labels, annotations,
        value, startsAt, 0, generatorURL);
  }

  /** This firing notification's alert, resolved at {@code endsAt} with {@code value}. */
  public Notification resolved(long endsAt, double value, Map<String, String> annotations) {
    return new Notification(tenant, rule, ruleType, severity, State.RESOLVED, groupLabels, labels,
        annotations, value, startsAt, endsAt, generatorURL);
  }

  /**
   * 32 hex digits of SHA-256 over tenant, rule, the sorted group labels, startsAt and state: the
   * same alert episode's firing and resolve get two ids, each stable however often it is sent.
   */
  public static String idOf(String tenant, String rule, Map<String, String> groupLabels, long startsAt, State state) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JRE has SHA-256
    }
    // Each part ends in a 0 byte, which no Java string needs in a label, so no two inputs collide.
    update(sha, tenant);
    update(sha, rule);
    for (Map.Entry<String, String> e : new TreeMap<>(groupLabels).entrySet()) {
      update(sha, e.getKey());
      update(sha, e.getValue());
    }
    update(sha, Long.toString(startsAt));
    update(sha, state.name());
    byte[] digest = sha.digest();
    return HexFormat.of().formatHex(digest, 0, 16);
  }

  private static void update(MessageDigest sha, String s) {
    sha.update(s.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
  }

  private static Map<String, String> sortedCopy(Map<String, String> m) {
    if (m == null || m.isEmpty()) return Map.of();
    TreeMap<String, String> copy = new TreeMap<>();
    m.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "label name"), v == null ? "" : v));
    return Collections.unmodifiableMap(copy);
  }
}
