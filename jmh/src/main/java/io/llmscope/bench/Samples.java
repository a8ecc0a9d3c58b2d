package io.llmscope.bench;

import java.util.Arrays;

/** Timed repetitions of one task: wall-clock ms per measured run, and the server's own figure if any. */
record Samples(double[] wallMs, double[] serverMs) {

  /** One run of a task; returns the server-reported ms, or NaN when there is none. */
  interface Task {
    double run() throws Exception;
  }

  /** Runs {@code warmup} untimed, then {@code runs} timed. */
  static Samples time(int warmup, int runs, Task task) throws Exception {
    for (int i = 0; i < warmup; i++) task.run();
    double[] wall = new double[runs];
    double[] server = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      server[i] = task.run();
      wall[i] = (System.nanoTime() - t0) / 1e6;
    }
    return new Samples(wall, server);
  }

  double wallMedian() {
    return median(wallMs);
  }

  double serverMedian() {
    return median(serverMs);
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    if (n == 0) return Double.NaN;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
