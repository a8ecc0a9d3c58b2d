package io.llmscope.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The graceful stop of the OTLP listeners. Until {@link #drain} it counts the requests in
 * progress. From then on a request that arrives is refused: the listener answers it at once with
 * 503 / UNAVAILABLE and a retry hint, and over HTTP/1.1 with {@code Connection: close}, so the
 * client opens no further request on a connection about to close. Requests taken before finish.
 *
 * <p>{@link #drain} completes once none is in progress and none has arrived for {@link #QUIET_MS},
 * or when the grace period is over; only then do the listeners close. Closing at once would cut
 * the request a client sends just after its previous answer: the server never sees it, the client
 * gets a closed connection. The quiet spell gives that request its 503 instead. (The dashboards
 * module has the same class for the API port: modules share no code but storage.)
 */
final class Drain {
  static final long QUIET_MS = 200;

  private final AtomicInteger inProgress = new AtomicInteger();
  private volatile boolean draining;
  private volatile long lastArrivalNanos = System.nanoTime();

  /** A request arrived: true if it is taken ({@link #done} once it is answered), false if it must be refused. */
  boolean take() {
    lastArrivalNanos = System.nanoTime();
    if (draining) return false;
    inProgress.incrementAndGet();
    return true;
  }

  /** A request {@link #take} took is answered (or its connection is gone). */
  void done() {
    inProgress.decrementAndGet();
  }

  boolean draining() {
    return draining;
  }

  /** Starts refusing; completes when quiet, or after {@code graceMs} whatever is still in progress. */
  Future<Void> drain(Vertx vertx, long graceMs) {
    draining = true;
    long start = System.nanoTime();
    long quiet = TimeUnit.MILLISECONDS.toNanos(Math.min(QUIET_MS, graceMs));
    long grace = TimeUnit.MILLISECONDS.toNanos(graceMs);
    Promise<Void> drained = Promise.promise();
    vertx.setPeriodic(10, timer -> {
      long now = System.nanoTime();
      boolean idle = inProgress.get() == 0 && now - start >= quiet && now - lastArrivalNanos >= quiet;
      if (idle || now - start >= grace) {
        vertx.cancelTimer(timer);
        drained.tryComplete();
      }
    });
    return drained.future();
  }
}
