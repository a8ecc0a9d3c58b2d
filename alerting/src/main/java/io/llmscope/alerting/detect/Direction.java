package io.llmscope.alerting.detect;

import java.util.Locale;

/** Which side of the baseline an anomaly rule watches: {@code up}, {@code down} or {@code both}. */
public enum Direction {
  /** Fires on values above the baseline (spend spikes). */
  UP,
  /** Fires on values below the baseline (traffic drops, outages). */
  DOWN,
  /** Fires on either side. */
  BOTH;

  /** The rule's spelling ({@code up}, {@code down}, {@code both}, any case). */
  public static Direction parse(String text) {
    if (text == null) throw new IllegalArgumentException("direction is missing; use up, down or both");
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "up": return UP;
      case "down": return DOWN;
      case "both": return BOTH;
      default: throw new IllegalArgumentException("direction '" + text + "' is not one of up, down, both");
    }
  }

  /** The rule's spelling: {@code up}, {@code down} or {@code both}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
