package io.llmscope.alerting.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One receiver: its bounded queue and the one thread that empties it in arrival order, POSTing
 * each notification until it is delivered, refused or out of attempts. Nothing here runs on the
 * caller's thread but {@link #offer}, which only takes a lock no HTTP call ever holds, so a slow
 * receiver delays only its own queue.
 */
final class Notifier {
  private static final Logger LOG = Logger.getLogger(Notifier.class.getName());
  static final String METER = "llmscope.alert.notifications";
  static final String QUEUE_METER = "llmscope.alert.notifier.queue";
  static final int RECENT = 100;
  private static final int DETAIL_BYTES = 512;

  final NotifierConfig config;
  private final HttpClient http;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Notification> queue = new ArrayDeque<>();
  private final ArrayDeque<Delivery> recent = new ArrayDeque<>();
  private final Thread thread;
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter delivered;
  private final Counter retried;
  private final Counter failed;
  private final Counter dropped;
  private boolean closed; // under lock: offer drops, the thread stops once the queue is empty
  private long drops; // under lock; for logging every so many

  Notifier(NotifierConfig config, MeterRegistry registry) {
    this.config = config;
    this.registry = registry;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1) // receivers are plain webhooks; no h2c upgrade dance
        .connectTimeout(config.timeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    delivered = counter(Delivery.Outcome.DELIVERED.text());
    retried = counter("retried");
    failed = counter(Delivery.Outcome.FAILED.text());
    dropped = counter(Delivery.Outcome.DROPPED.text());
    meters.add(Gauge.builder(QUEUE_METER, this, Notifier::depth)
        .tag("notifier", config.name())
        .description("notifications waiting for their notifier's delivery thread")
        .register(registry));
    thread = new Thread(this::run, "llmscope-notify-" + config.name());
    thread.setDaemon(true); // a stuck receiver must not keep the JVM alive; close() drains first
    thread.start();
  }

  private Counter counter(String outcome) {
    // One description for every series: Prometheus shows a single HELP line per name.
    Counter c = Counter.builder(METER)
        .tag("notifier", config.name())
        .tag("outcome", outcome)
        .description("alert notifications by notifier and outcome: delivered (2xx), retried (each retry after a"
            + " 5xx, 429, timeout or connection error), failed (another 4xx, or out of attempts), dropped (pushed"
            + " out of a full queue, or unsent at shutdown)")
        .register(registry);
    meters.add(c);
    return c;
  }

  /** Queues {@code n}; when the queue is full the oldest waiting one is dropped for it. Never blocks on I/O. */
  void offer(Notification n) {
    Notification lost = null;
    boolean refused;
    lock.lock();
    try {
      refused = closed;
      if (!refused) {
        if (queue.size() >= config.queueSize()) lost = queue.pollFirst();
        queue.addLast(n);
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    // Dropping the oldest keeps the latest news: a resolve is worth more than the firing before it.
    if (refused) drop(n, "notifier is shut down");
    if (lost != null) drop(lost, "queue full (" + config.queueSize() + ")");
  }

  int depth() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  List<Delivery> recent() {
    lock.lock();
    try {
      return List.copyOf(recent);
    } finally {
      lock.unlock();
    }
  }

  /** Stops taking notifications; the thread delivers what is queued, then ends. */
  void stopAccepting() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the thread ended or {@code deadlineNanos} (System.nanoTime) passed. */
  boolean awaitDrained(long deadlineNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    if (left > 0) TimeUnit.NANOSECONDS.timedJoin(thread, left);
    return !thread.isAlive();
  }

  /** After the grace: abandons the one in flight (failed) and the queued ones (dropped), removes the meters. */
  void stopNow() throws InterruptedException {
    thread.interrupt();
    thread.join(TimeUnit.SECONDS.toMillis(5));
    List<Notification> left;
    lock.lock();
    try {
      left = new ArrayList<>(queue);
      queue.clear();
    } finally {
      lock.unlock();
    }
    for (Notification n : left) drop(n, "not sent before shutdown");
    for (Meter m : meters) registry.remove(m);
  }

  private void run() {
    while (true) {
      Notification n;
      lock.lock();
      try {
        while (queue.isEmpty() && !closed) changed.awaitUninterruptibly();
        n = queue.pollFirst();
        if (n == null) return; // closed and drained
      } finally {
        lock.unlock();
      }
      try {
        deliver(n);
      } catch (InterruptedException e) {
        record(n, Delivery.Outcome.FAILED, 0, 0, "interrupted by shutdown");
        failed.increment();
        return;
      } catch (RuntimeException e) {
        // One notification that cannot be sent must not end the notifier for all later ones.
        LOG.log(Level.WARNING, "notifier " + config.name() + ": cannot send " + n.id(), e);
        record(n, Delivery.Outcome.FAILED, 0, 0, String.valueOf(e));
        failed.increment();
      }
    }
  }

  private void deliver(Notification n) throws InterruptedException {
    HttpRequest.Builder rb = HttpRequest.newBuilder(config.endpoint())
        .timeout(config.timeout())
        .POST(HttpRequest.BodyPublishers.ofByteArray(Payloads.body(config.type(), n)));
    boolean typed = false;
    for (var h : config.headers().entrySet()) {
      rb.header(h.getKey(), h.getValue());
      typed |= h.getKey().equalsIgnoreCase("Content-Type");
    }
    if (!typed) rb.header("Content-Type", "application/json");
    rb.header("User-Agent", "LLMScope");
    HttpRequest request = rb.build();

    Duration backoff = config.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      Answer a = post(request);
      if (a.status >= 200 && a.status < 300) {
        delivered.increment();
        record(n, Delivery.Outcome.DELIVERED, attempt, a.status, "");
        return;
      }
      boolean retryable = a.status == 0 || a.status == 429 || a.status >= 500;
      if (!retryable || attempt >= config.maxAttempts()) {
        failed.increment();
        String why = (retryable ? "gave up after " + attempt + " attempts: " : "refused: ") + a.detail;
        record(n, Delivery.Outcome.FAILED, attempt, a.status, why);
        LOG.warning("notifier " + config.name() + ": " + n.state().text() + " " + n.rule() + " " + n.id() + " " + why);
        return;
      }
      retried.increment();
      Duration wait = backoff;
      if (a.retryAfter != null && a.retryAfter.compareTo(wait) > 0) wait = a.retryAfter;
      if (wait.compareTo(config.maxBackoff()) > 0) wait = config.maxBackoff();
      Thread.sleep(wait.toMillis()); // shutdown interrupts it
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(config.maxBackoff()) > 0) backoff = config.maxBackoff();
    }
  }

  /** What one attempt got: a status (0: no answer), the Retry-After it asked for, and a short detail. */
  private record Answer(int status, Duration retryAfter, String detail) {}

  private Answer post(HttpRequest request) throws InterruptedException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    // Only the first bytes of an answer are kept (for the detail); the rest is read and discarded.
    HttpResponse.BodyHandler<Void> handler = info -> HttpResponse.BodySubscribers.ofByteArrayConsumer(chunk -> {
      if (chunk.isPresent() && body.size() < DETAIL_BYTES) {
        byte[] b = chunk.get();
        body.write(b, 0, Math.min(b.length, DETAIL_BYTES - body.size()));
      }
    });
    CompletableFuture<HttpResponse<Void>> f = http.sendAsync(request, handler);
    try {
      // The request timeout covers only the wait for the headers; this bounds the body too.
      HttpResponse<Void> r = f.get(config.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
      // The future completes once the body is read, so it is whole here.
      String detail = "HTTP " + r.statusCode() + (body.size() == 0 ? "" : ": " + body.toString(StandardCharsets.UTF_8).strip());
      return new Answer(r.statusCode(), retryAfter(r.headers().firstValue("Retry-After")), detail);
    } catch (TimeoutException e) {
      f.cancel(true);
      return new Answer(0, null, "no answer within " + config.timeout().toMillis() + " ms");
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      String msg = c instanceof java.net.http.HttpTimeoutException
          ? "no answer within " + config.timeout().toMillis() + " ms"
          : describe(c);
      return new Answer(0, null, msg);
    }
  }

  /** {@code ConnectException: Connection refused}: the JDK client often wraps the one with a message. */
  private static String describe(Throwable t) {
    String msg = null;
    for (Throwable c = t; c != null && msg == null; c = c.getCause()) msg = c.getMessage();
    return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  /** Seconds or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(Optional<String> header) {
    if (header.isEmpty()) return null;
    String v = header.get().trim();
    try {
      long s = Long.parseLong(v);
      return s < 0 ? null : Duration.ofSeconds(s);
    } catch (NumberFormatException e) {
      // an HTTP date
    }
    try {
      Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private void drop(Notification n, String why) {
    dropped.increment();
    long count;
    lock.lock();
    try {
      count = ++drops;
    } finally {
      lock.unlock();
    }
    record(n, Delivery.Outcome.DROPPED, 0, 0, why);
    // A flooded queue drops on every send; the first and then every 100th is enough to see it.
    if (count == 1 || count % 100 == 0) {
      LOG.warning("notifier " + config.name() + ": dropped " + n.state().text() + " " + n.rule() + " " + n.id()
          + ": " + why + " (" + count + " dropped so far)");
    }
  }

  private void record(Notification n, Delivery.Outcome outcome, int attempts, int status, String detail) {
    Delivery d = new Delivery(config.name(), n.id(), n.rule(), n.state(), outcome, attempts, status, detail,
        System.currentTimeMillis());
    lock.lock();
    try {
      if (recent.size() >= RECENT) recent.pollFirst();
      recent.addLast(d);
    } finally {
      lock.unlock();
    }
  }
}
