package io.llmscope.storage;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection for crash tests: when the system property {@code llmscope.crash.at} names a
 * point the store reaches, the process halts there at once, as if killed with SIGKILL; with
 * {@code llmscope.crash.skip=N} it passes the point N times first (to crash in the middle of a
 * job that reaches it once per segment).
 * Points: {@code seal-segment-written}, {@code manifest-pending-written}, {@code manifest-renamed},
 * {@code compaction-segment-written}, {@code retention-before-manifest},
 * {@code reprice-segment-written}, {@code reprice-segment-committed}.
 */
final class CrashPoints {
  private static final AtomicInteger PASSED = new AtomicInteger();

  private CrashPoints() {}

  static void reached(String point) {
    // Read each time, so a test driver can arm a point right before the step it wants torn.
    if (point.equals(System.getProperty("llmscope.crash.at"))
        && PASSED.getAndIncrement() >= Integer.getInteger("llmscope.crash.skip", 0)) {
      System.err.println("llmscope: crash point " + point + " reached, halting");
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
  }
}
