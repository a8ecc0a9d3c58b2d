package io.llmscope.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** One line saying what the figures were measured on. */
final class Machine {
  private Machine() {}

  static String describe() {
    String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name");
    String mem = firstValue(Path.of("/proc/meminfo"), "MemTotal");
    return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + mem + " RAM, "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
        + System.getProperty("java.version");
  }

  private static String firstValue(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (Exception e) {
      // not Linux: say so below
    }
    return "?";
  }
}
