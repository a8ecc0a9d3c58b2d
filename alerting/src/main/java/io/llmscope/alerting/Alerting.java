package io.llmscope.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmscope.query.QueryEngine;
import io.llmscope.storage.TenantSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The alerting module's entry point (API.md "Alerting", DESIGN.md point 8): each tenant's rules,
 * a scheduler that evaluates them every {@code intervalMs}, the alert state machine, history, and
 * backtests. Live cycles, {@link #evaluateAt} and {@link #backtest} all run {@link RuleEvaluator}
 * then {@link AlertTracker}: the same code at any instant. Rules, live alerts and history are kept
 * per tenant in the data dir ({@link TenantSettings}, written atomically) and survive restarts; a
 * transition is written before it is sent, so a restart never sends it again. Thread-safe.
 */
public final class Alerting implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Alerting.class.getName());
  static final String RULES = "alert-rules";
  static final String STATE = "alert-state";
  /** History entries kept per tenant. */
  static final int HISTORY = 10_000;

  /**
   * A firing or resolving alert, for notifiers. {@code repeat}: the reminder of an alert still firing
   * (sent every {@link #RESEND_MS}), which receivers that expire alerts, such as Alertmanager, need;
   * a transition is sent once, with {@code repeat} false.
   */
  public record Event(String tenant, String rule, String type, String severity, Map<String, String> labels,
      Map<String, String> ruleLabels, List<String> notifiers, String state, double value, long startsAt, long endsAt,
      Map<String, Object> detail, boolean repeat) {}

  /** How often a firing alert is re-announced: under Alertmanager's default resolve_timeout (5m), as Prometheus does. */
  public static final long RESEND_MS = 60_000;

  private final QueryEngine queries;
  private final TenantSettings settings;
  private final RuleEvaluator evaluator;
  private final long intervalMs;
  private final LongSupplier clock;
  private final Consumer<Event> sink;
  private final Map<String, TenantAlerts> tenants = new ConcurrentHashMap<>();
  private ScheduledExecutorService scheduler;
  /** Notifier names a rule may list; null: not checked. */
  private volatile java.util.Set<String> notifierNames;

  /** One tenant's rules, live alerts and history; guarded by itself. */
  private static final class TenantAlerts {
    final Map<String, AlertRule> rules = new LinkedHashMap<>();
    final Map<String, AlertTracker> trackers = new LinkedHashMap<>();
    final Deque<ObjectNode> history = new ArrayDeque<>();
    /** Rules the config file defines: not stored, and not changed through the API. */
    final java.util.Set<String> fromConfig = new java.util.HashSet<>();
  }

  /** The tenant of a config-file rule that names none. */
  public static final String DEFAULT_TENANT = "default";

  /**
   * The problems of config-file rule entries ({@code {name, tenant?, type, ...}}), each prefixed
   * with {@code at[i]}; empty when every entry is a rule.
   */
  public static List<String> check(JsonNode entries, String at, io.llmscope.query.QueryLimits limits) {
    List<String> problems = new ArrayList<>();
    if (entries == null || entries.isNull()) return problems;
    if (!entries.isArray()) {
      problems.add(at + ": must be a list of rules");
      return problems;
    }
    for (int i = 0; i < entries.size(); i++) {
      try {
        configEntry(entries.get(i), limits);
      } catch (RuleException e) {
        problems.add(at + "[" + i + "]." + e.getMessage());
      }
    }
    return problems;
  }

  private static Map.Entry<String, AlertRule> configEntry(JsonNode e, io.llmscope.query.QueryLimits limits) {
    if (e == null || !e.isObject()) throw new RuleException("rule: must be a mapping");
    ObjectNode body = e.deepCopy();
    String tenant = body.has("tenant") ? body.remove("tenant").asText() : DEFAULT_TENANT;
    JsonNode name = body.get("name");
    if (name == null || !name.isTextual()) throw new RuleException("name: is required");
    return Map.entry(tenant, RuleParser.parse(name.asText(), body, limits));
  }

  /** Adds the config file's rules (checked by {@link #check}); they replace stored rules of the same name. */
  public void configure(JsonNode entries) {
    if (entries == null || entries.isNull()) return;
    for (JsonNode e : entries) {
      Map.Entry<String, AlertRule> r = configEntry(e, queries.limits());
      checkNotifiers(r.getValue());
      TenantAlerts t = tenant(r.getKey());
      synchronized (t) {
        AlertRule rule = r.getValue();
        t.rules.put(rule.name(), rule);
        t.trackers.putIfAbsent(rule.name(), new AlertTracker());
        t.fromConfig.add(rule.name());
      }
    }
  }

  // Replaced by meters(registry); until then they count into a registry nobody reads.
  private Timer cycleTimer = Timer.builder("llmscope.alert.evaluation").register(new SimpleMeterRegistry());
  private Counter ruleFailures = Counter.builder("llmscope.alert.rule.failures").register(new SimpleMeterRegistry());

  /** Reads every tenant's rules and alert state from {@code settings}. */
  public Alerting(QueryEngine queries, TenantSettings settings, long intervalMs, LongSupplier clock, Consumer<Event> sink)
      throws IOException {
    this.queries = queries;
    this.settings = settings;
    this.evaluator = new RuleEvaluator(queries);
    this.intervalMs = intervalMs;
    this.clock = clock;
    this.sink = sink;
    for (Map.Entry<String, byte[]> e : settings.readAll(RULES).entrySet()) {
      TenantAlerts t = tenant(e.getKey());
      for (JsonNode r : RuleParser.JSON.readTree(e.getValue())) {
        AlertRule rule = RuleParser.parse(r.get("name").asText(), r.get("body"), queries.limits());
        t.rules.put(rule.name(), rule);
        t.trackers.put(rule.name(), new AlertTracker());
      }
    }
    for (Map.Entry<String, byte[]> e : settings.readAll(STATE).entrySet()) {
      TenantAlerts t = tenant(e.getKey());
      AlertState.read(RuleParser.JSON.readTree(e.getValue()), t.trackers, t.history);
    }
  }

  private TenantAlerts tenant(String tenant) {
    return tenants.computeIfAbsent(tenant, k -> new TenantAlerts());
  }

  /** The notifiers rules may name: a rule naming another is refused (400), as a typo would lose its alerts. */
  public Alerting notifiers(java.util.Set<String> names) {
    this.notifierNames = java.util.Set.copyOf(names);
    return this;
  }

  private void checkNotifiers(AlertRule rule) {
    java.util.Set<String> known = notifierNames;
    if (known == null) return;
    for (String n : rule.notifiers()) {
      if (!known.contains(n)) throw new RuleException("notify: no notifier '" + n + "' in the config file (known: " + new java.util.TreeSet<>(known) + ")");
    }
  }

  /** Starts the scheduler: every rule of every tenant is evaluated each interval. */
  public synchronized void start() {
    if (scheduler != null) return;
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "llmscope-alerting");
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        cycle(clock.getAsLong());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "alert evaluation cycle failed; the next one retries", e);
      }
    }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  /** One live cycle at {@code now}: every tenant's rules, their transitions persisted, then sent. */
  public void cycle(long now) {
    long t0 = System.nanoTime();
    for (Map.Entry<String, TenantAlerts> e : tenants.entrySet()) {
      String tenant = e.getKey();
      TenantAlerts t = e.getValue();
      List<Event> events = new ArrayList<>();
      synchronized (t) {
        try (QueryEngine.Session session = queries.session(tenant)) {
          evaluateAll(tenant, t, now, session, events);
        }
        persist(tenant, t);
      }
      for (Event ev : events) {
        try {
          sink.accept(ev);
        } catch (RuntimeException ex) {
          LOG.log(Level.WARNING, "could not hand alert " + ev.rule() + " to the notifiers", ex);
        }
      }
    }
    cycleTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
  }

  /** Every rule of one tenant at {@code now}, in one session; transitions and reminders go to {@code events}. */
  private void evaluateAll(String tenant, TenantAlerts t, long now, QueryEngine.Session session, List<Event> events) {
    RuleEvaluator.Reads reads = new RuleEvaluator.Reads(session);
    for (AlertRule rule : t.rules.values()) evaluator.plan(rule, now, reads);
    for (AlertRule rule : t.rules.values()) {
      List<Observation> obs;
      try {
        obs = evaluator.evaluate(tenant, rule, now, reads);
      } catch (RuntimeException ex) {
        ruleFailures.increment();
        LOG.log(Level.WARNING, "rule " + rule.name() + " of tenant " + tenant + " failed to evaluate", ex);
        continue;
      }
      AlertTracker tracker = t.trackers.get(rule.name());
      for (AlertTracker.Transition tr : tracker.step(rule, obs, now)) {
        events.add(event(tenant, rule, tr, false));
        remember(t, rule, tr);
      }
      for (AlertTracker.Alert a : tracker.alerts()) {
        if (a.state != AlertTracker.State.FIRING || now - a.lastSent < RESEND_MS) continue;
        a.lastSent = now;
        events.add(event(tenant, rule, new AlertTracker.Transition(a.labels, AlertTracker.State.FIRING, a.firingSince, now,
            a.value, a.peak, Map.of()), true));
      }
    }
  }

  /**
   * Registers the engine's meters: {@code llmscope_alert_evaluation_seconds} (one live cycle, every
   * tenant), {@code llmscope_alert_rule_failures_total} (rule evaluations that threw), and
   * {@code llmscope_alert_rules} / {@code llmscope_alert_firing} (rules, and alerts firing now).
   */
  public Alerting meters(MeterRegistry registry) {
    cycleTimer = Timer.builder("llmscope.alert.evaluation").description("time of one alert evaluation cycle over every tenant's rules")
        .publishPercentiles(0.5, 0.99).register(registry);
    ruleFailures = Counter.builder("llmscope.alert.rule.failures").description("rule evaluations that failed (logged; the rule is retried next cycle)")
        .register(registry);
    Gauge.builder("llmscope.alert.rules", this, a -> a.count(false)).description("alert rules, every tenant").register(registry);
    Gauge.builder("llmscope.alert.firing", this, a -> a.count(true)).description("alerts firing now, every tenant").register(registry);
    return this;
  }

  private double count(boolean firing) {
    long n = 0;
    for (TenantAlerts t : tenants.values()) {
      synchronized (t) {
        if (!firing) {
          n += t.rules.size();
          continue;
        }
        for (AlertTracker tr : t.trackers.values()) {
          for (AlertTracker.Alert a : tr.alerts()) if (a.state == AlertTracker.State.FIRING) n++;
        }
      }
    }
    return n;
  }

  private static Event event(String tenant, AlertRule rule, AlertTracker.Transition tr, boolean repeat) {
    boolean resolved = tr.state() == AlertTracker.State.RESOLVED;
    return new Event(tenant, rule.name(), rule.kind().name().toLowerCase(java.util.Locale.ROOT), rule.severity(), tr.labels(),
        rule.labels(), rule.notifiers(), resolved ? "resolved" : "firing", tr.value(), tr.startsAt(), resolved ? tr.at() : 0,
        tr.detail(), repeat);
  }

  private static void remember(TenantAlerts t, AlertRule rule, AlertTracker.Transition tr) {
    t.history.addLast(AlertState.historyEntry(rule.name(), tr));
    while (t.history.size() > HISTORY) t.history.removeFirst();
  }

  private void persist(String tenant, TenantAlerts t) {
    try {
      settings.write(STATE, tenant, RuleParser.JSON.writeValueAsBytes(AlertState.write(t.trackers, t.history)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store the alert state of tenant " + tenant, e);
    }
  }

  private void persistRules(String tenant, TenantAlerts t) {
    ArrayNode arr = RuleParser.JSON.createArrayNode();
    for (AlertRule r : t.rules.values()) {
      if (!t.fromConfig.contains(r.name())) arr.addObject().put("name", r.name()).set("body", r.source());
    }
    try {
      settings.write(RULES, tenant, RuleParser.JSON.writeValueAsBytes(arr));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store the alert rules of tenant " + tenant, e);
    }
  }

  /**
   * Adds or replaces a rule from a JSON or YAML body; throws {@link RuleException} naming the field.
   * A replaced rule starts with no live alerts. Returns the stored rule.
   */
  public JsonNode putRule(String tenant, String name, String body) {
    AlertRule rule = RuleParser.parse(name, RuleParser.tree(body), queries.limits());
    checkNotifiers(rule);
    TenantAlerts t = tenant(tenant);
    synchronized (t) {
      refuseConfigRule(t, name);
      t.rules.put(name, rule);
      t.trackers.put(name, new AlertTracker());
      persistRules(tenant, t);
      persist(tenant, t);
    }
    return ruleJson(rule).put("origin", "api");
  }

  /** Removes a rule and its live alerts; false when the tenant has no such rule. */
  public boolean deleteRule(String tenant, String name) {
    TenantAlerts t = tenants.get(tenant);
    if (t == null) return false;
    synchronized (t) {
      refuseConfigRule(t, name);
      if (t.rules.remove(name) == null) return false;
      t.trackers.remove(name);
      persistRules(tenant, t);
      persist(tenant, t);
      return true;
    }
  }

  private static void refuseConfigRule(TenantAlerts t, String name) {
    if (t.fromConfig.contains(name)) {
      throw new RuleException("rule '" + name + "' is defined in the config file; change it there");
    }
  }

  /** The tenant's rules as stored. */
  public ArrayNode rules(String tenant) {
    ArrayNode out = RuleParser.JSON.createArrayNode();
    TenantAlerts t = tenants.get(tenant);
    if (t == null) return out;
    synchronized (t) {
      for (AlertRule r : t.rules.values()) {
        ObjectNode o = ruleJson(r);
        o.put("origin", t.fromConfig.contains(r.name()) ? "config" : "api");
        out.add(o);
      }
    }
    return out;
  }

  private static ObjectNode ruleJson(AlertRule r) {
    ObjectNode o = r.source().deepCopy();
    o.put("name", r.name());
    return o;
  }

  /** Live alerts; {@code state} {@code firing}, {@code pending} or null for both. */
  public ArrayNode alerts(String tenant, String state) {
    ArrayNode out = RuleParser.JSON.createArrayNode();
    TenantAlerts t = tenants.get(tenant);
    if (t == null) return out;
    synchronized (t) {
      for (Map.Entry<String, AlertTracker> e : t.trackers.entrySet()) {
        for (AlertTracker.Alert a : e.getValue().alerts()) {
          String s = a.state.name().toLowerCase(java.util.Locale.ROOT);
          if (state == null || state.equals(s)) out.add(AlertState.alertJson(e.getKey(), a));
        }
      }
    }
    return out;
  }

  /** Firing and resolved transitions with {@code from <= at < to}, oldest first. */
  public ArrayNode history(String tenant, long from, long to) {
    ArrayNode out = RuleParser.JSON.createArrayNode();
    TenantAlerts t = tenants.get(tenant);
    if (t == null) return out;
    synchronized (t) {
      for (ObjectNode h : t.history) {
        long at = h.get("at").asLong();
        if (at >= from && at < to) out.add(h);
      }
    }
    return out;
  }

  /**
   * Every rule as of {@code at}: replays each rule from {@code at − for − interval} to {@code at}
   * with a fresh state machine (the live code), and returns the alerts pending or firing at {@code at}.
   */
  public ArrayNode evaluateAt(String tenant, long at) {
    ArrayNode out = RuleParser.JSON.createArrayNode();
    try (QueryEngine.Session session = queries.session(tenant)) {
    for (AlertRule rule : rulesOf(tenant)) {
      AlertTracker tracker = new AlertTracker();
      // Steps ending exactly at {@code at}, as far back as {@code for} needs.
      long steps = rule.forMs() / intervalMs + 1;
      for (long k = steps; k >= 0; k--) {
        long step = at - k * intervalMs;
        RuleEvaluator.Reads reads = new RuleEvaluator.Reads(session);
        evaluator.plan(rule, step, reads);
        tracker.step(rule, evaluator.evaluate(tenant, rule, step, reads), step);
      }
      for (AlertTracker.Alert a : tracker.alerts()) out.add(AlertState.alertJson(rule.name(), a));
    }
    }
    return out;
  }

  /** What the rule would have fired over [from, to), evaluated every interval: its episodes. */
  public ArrayNode backtest(String tenant, String name, long from, long to) {
    AlertRule rule = null;
    for (AlertRule r : rulesOf(tenant)) if (r.name().equals(name)) rule = r;
    if (rule == null) return null;
    ArrayNode episodes = RuleParser.JSON.createArrayNode();
    Map<Map<String, String>, ObjectNode> open = new LinkedHashMap<>();
    AlertTracker tracker = new AlertTracker();
    try (QueryEngine.Session session = queries.session(tenant)) {
      for (long at = from; at < to; at += intervalMs) {
        RuleEvaluator.Reads reads = new RuleEvaluator.Reads(session);
        evaluator.plan(rule, at, reads);
        List<Observation> obs = evaluator.evaluate(tenant, rule, at, reads);
        for (AlertTracker.Transition tr : tracker.step(rule, obs, at)) {
          if (tr.state() == AlertTracker.State.FIRING) {
            ObjectNode ep = episodes.addObject();
            ep.set("labels", RuleParser.JSON.valueToTree(tr.labels()));
            ep.put("start", tr.at());
            ep.putNull("end");
            ep.put("peak", tr.value());
            ep.set("detail", RuleParser.JSON.valueToTree(tr.detail()));
            open.put(tr.labels(), ep);
          } else {
            ObjectNode ep = open.remove(tr.labels());
            if (ep != null) ep.put("end", tr.at());
          }
        }
        for (AlertTracker.Alert a : tracker.alerts()) {
          ObjectNode ep = open.get(a.labels);
          if (ep != null && a.value > ep.get("peak").asDouble()) ep.put("peak", a.value);
        }
      }
    }
    return episodes;
  }

  private List<AlertRule> rulesOf(String tenant) {
    TenantAlerts t = tenants.get(tenant);
    if (t == null) return List.of();
    synchronized (t) {
      return new ArrayList<>(t.rules.values());
    }
  }

  /** The evaluation interval. */
  public long intervalMs() {
    return intervalMs;
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) scheduler.shutdownNow();
  }
}
