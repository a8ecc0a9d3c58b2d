package io.llmscope.storage;

/**
 * Fault injection for crash tests: when the system property {@code llmscope.crash.at} names a
 * point the store reaches, the process halts there at once, as if killed with SIGKILL.
 * Points: {@code seal-segment-written}, {@code manifest-pending-written}, {@code manifest-renamed},
 * {@code compaction-segment-written}, {@code retention-before-manifest}.
 */
final class CrashPoints {
  private CrashPoints() {}

  static void reached(String point) {
    // Read each time, so a test driver can arm a point right before the step it wants torn.
    if (point.equals(System.getProperty("llmscope.crash.at"))) {
      System.err.println("llmscope: crash point " + point + " reached, halting");
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
  }
}
