package io.llmscope.alerting.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The configured notifiers, each with its own bounded queue and delivery thread. {@link #send}
 * only queues, so neither the evaluation that calls it nor another notifier ever waits for a
 * receiver.
 *
 * <p>Meters ({@code /metrics}, Prometheus names):
 *
 * <ul>
 *   <li>{@code llmscope_alert_notifications_total{notifier, outcome}}: {@code delivered} (2xx),
 *       {@code retried} (each attempt after a 5xx, 429, timeout or connection error),
 *       {@code failed} (another 4xx, or {@code maxAttempts} used up), {@code dropped} (pushed out of
 *       a full queue, or unsent at shutdown);
 *   <li>{@code llmscope_alert_notifier_queue{notifier}}: notifications waiting;
 *   <li>{@code llmscope_alert_notifications_unrouted_total}: names in a {@link #send} list that no
 *       notifier has (a rule naming a notifier the config lacks).
 * </ul>
 */
public final class Notifiers implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Notifiers.class.getName());
  /** How long {@link #close()} lets the queues drain. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
  private static final int LOGGED_UNKNOWN = 1000; // names warned about once each, then no more

  private final Map<String, Notifier> byName;
  private final MeterRegistry registry;
  private final Counter unrouted;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private Notifiers(Map<String, Notifier> byName, MeterRegistry registry, Counter unrouted) {
    this.byName = byName;
    this.registry = registry;
    this.unrouted = unrouted;
  }

  /**
   * Starts one delivery thread per notifier and registers its meters in {@code registry}.
   *
   * @throws IllegalArgumentException when two configs share a name
   */
  public static Notifiers start(List<NotifierConfig> configs, MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Map<String, NotifierConfig> checked = new LinkedHashMap<>();
    for (NotifierConfig c : configs) {
      if (checked.putIfAbsent(c.name(), c) != null) throw new IllegalArgumentException("two notifiers are named '" + c.name() + "'");
    }
    Map<String, Notifier> byName = new LinkedHashMap<>();
    try {
      checked.forEach((name, c) -> byName.put(name, new Notifier(c, registry)));
    } catch (RuntimeException e) {
      // Do not leave the threads of the ones already started running for nobody.
      for (Notifier n : byName.values()) {
        n.stopAccepting();
        try {
          n.stopNow();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
      throw e;
    }
    Counter unrouted = Counter.builder(Notifier.METER + ".unrouted")
        .description("alert notifications sent to a notifier name the config does not have")
        .register(registry);
    return new Notifiers(Collections.unmodifiableMap(byName), registry, unrouted); // config order
  }

  /** The notifiers' names in config order, for checking a rule's {@code notify} list. */
  public Set<String> names() {
    return byName.keySet();
  }

  /**
   * Queues {@code n} at each notifier named (a name given twice is sent once) and returns at once.
   * An unknown name is counted ({@code unrouted}) and logged, not thrown; so is a send after
   * {@link #close}, as {@code dropped}.
   */
  public void send(Notification n, Collection<String> notifierNames) {
    Objects.requireNonNull(n, "notification");
    Objects.requireNonNull(notifierNames, "notifierNames");
    for (String name : new LinkedHashSet<>(notifierNames)) {
      Notifier to = byName.get(name);
      if (to != null) {
        to.offer(n);
        continue;
      }
      unrouted.increment();
      if (warned.size() < LOGGED_UNKNOWN && warned.add(name)) {
        LOG.warning("rule '" + n.rule() + "' of tenant '" + n.tenant() + "' notifies '" + name
            + "', which is not a configured notifier (known: " + String.join(", ", byName.keySet()) + ")");
      }
    }
  }

  /** Per notifier, how its most recent notifications (up to 100) ended, oldest first. */
  public Map<String, List<Delivery>> deliveries() {
    Map<String, List<Delivery>> out = new LinkedHashMap<>();
    byName.forEach((name, n) -> out.put(name, n.recent()));
    return out;
  }

  /** Notifications waiting at {@code notifier} (0 for an unknown name). */
  public int queued(String notifier) {
    Notifier n = byName.get(notifier);
    return n == null ? 0 : n.depth();
  }

  /** {@link #close(Duration)} with {@link #DEFAULT_GRACE}. */
  @Override
  public void close() {
    close(DEFAULT_GRACE);
  }

  /**
   * Stops taking notifications, lets every queue drain for up to {@code grace} (retries included),
   * then stops the threads: what is still queued is counted dropped, the one in flight failed. The
   * meters are removed, so a new {@code Notifiers} on the same registry starts its own (close the
   * old one first: both would share the meters of a notifier name). Idempotent.
   */
  public void close(Duration grace) {
    if (!closed.compareAndSet(false, true)) {
      LOG.fine("notifiers already closed");
      return;
    }
    byName.values().forEach(Notifier::stopAccepting);
    long deadline = System.nanoTime() + grace.toNanos();
    boolean interrupted = false;
    for (Notifier n : byName.values()) {
      try {
        if (!n.awaitDrained(deadline)) LOG.warning("notifier " + n.config.name() + " did not drain within " + grace);
        n.stopNow();
      } catch (InterruptedException e) {
        interrupted = true;
        deadline = System.nanoTime(); // asked to hurry: no more grace for the others
        try {
          n.stopNow();
        } catch (InterruptedException again) {
          // keep stopping the others
        }
      }
    }
    registry.remove(unrouted);
    if (interrupted) Thread.currentThread().interrupt();
  }
}
