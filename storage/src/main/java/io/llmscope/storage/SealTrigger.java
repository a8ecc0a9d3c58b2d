package io.llmscope.storage;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a rotate-and-seal round on the store's one maintenance thread as soon as heads fill up,
 * rather than at the next scheduled round: when an active head reaches {@code sealRows}, and when
 * an append is refused at {@code maxHeadRows} (then every non-empty head is rotated, due or not,
 * so the refused batch fits once the seal is committed). Waiting for the schedule or for
 * {@code sealAgeMs} instead would refuse ingest all that time.
 *
 * <p>Requests coalesce: while a round is queued more requests add nothing, so a flood of appends
 * queues one. After a failed round, requests wait for the next scheduled round ({@link #rearm}),
 * which retries anyway: a failing disk is not hit by every append.
 */
final class SealTrigger {
  private static final Logger LOG = Logger.getLogger(SealTrigger.class.getName());

  /** One round: rotate the heads that are due (every non-empty one with {@code all}) and seal them. */
  @FunctionalInterface
  interface Round {
    void run(boolean all) throws Exception;
  }

  private final Executor maintenanceThread;
  private final Round round;
  private final AtomicBoolean queued = new AtomicBoolean();
  /** A refused append asked for every head to be rotated; the next round does so. */
  private final AtomicBoolean all = new AtomicBoolean();
  private volatile boolean failed;

  SealTrigger(Executor maintenanceThread, Round round) {
    this.maintenanceThread = maintenanceThread;
    this.round = round;
  }

  /** An active head reached {@code sealRows}. */
  void headFull() {
    request();
  }

  /** An append was refused at {@code maxHeadRows}. */
  void capReached() {
    all.set(true);
    request();
  }

  /** A scheduled round starts: requests queue rounds again, and one left pending by a failure runs. */
  void rearm() {
    failed = false;
    if (all.get()) request();
  }

  private void request() {
    if (failed || !queued.compareAndSet(false, true)) return;
    try {
      maintenanceThread.execute(this::run);
    } catch (RejectedExecutionException e) {
      queued.set(false); // the store is closing: nothing more is sealed
    }
  }

  private void run() {
    queued.set(false); // first: a request from now on queues the next round
    boolean rotateAll = all.getAndSet(false);
    try {
      round.run(rotateAll);
    } catch (Exception e) {
      if (rotateAll) all.set(true); // still wanted: rearm asks again
      failed = true;
      // Unsealed rows stay in the heads and the WAL; the next scheduled round retries.
      LOG.log(Level.WARNING, "sealing on demand failed; the next scheduled round retries", e);
    }
  }
}
