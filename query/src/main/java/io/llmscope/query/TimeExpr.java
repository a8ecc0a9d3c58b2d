package io.llmscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the API's times ("now", "now-15m", ISO-8601, epoch ms) and durations ("1m", "5m", "1h"). */
final class TimeExpr {
  private static final Pattern RELATIVE = Pattern.compile("now\\s*-\\s*(\\d+)\\s*(ms|s|m|h|d|w)");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");

  private TimeExpr() {}

  /** Epoch ms of a time value; {@code what} names the field in the error message. */
  static long parseTime(JsonNode node, long nowMs, String what) {
    if (node == null || node.isNull()) throw new QueryException("'" + what + "' is required");
    if (node.isIntegralNumber()) return node.asLong();
    if (!node.isTextual()) throw new QueryException("'" + what + "' must be ISO-8601, epoch ms or now[-N{s,m,h,d}], got " + node);
    return parseTime(node.asText(), nowMs, what);
  }

  static long parseTime(String text, long nowMs, String what) {
    String t = text.trim();
    if (t.equals("now")) return nowMs;
    Matcher m = RELATIVE.matcher(t);
    if (m.matches()) return nowMs - unitMs(Long.parseLong(m.group(1)), m.group(2));
    if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    try {
      return Instant.parse(t).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(t).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw new QueryException("'" + what + "' is not a valid time: '" + text
            + "' (use ISO-8601 like 2026-11-27T00:00:00Z, epoch ms, now or now-15m)");
      }
    }
  }

  static long parseDuration(String text, String what) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) throw new QueryException("'" + what + "' is not a valid duration: '" + text + "' (use e.g. 30s, 1m, 1h, 1d)");
    long ms = unitMs(Long.parseLong(m.group(1)), m.group(2));
    if (ms <= 0) throw new QueryException("'" + what + "' must be positive: '" + text + "'");
    return ms;
  }

  private static long unitMs(long n, String unit) {
    return switch (unit) {
      case "ms" -> n;
      case "s" -> n * 1000L;
      case "m" -> n * 60_000L;
      case "h" -> n * 3_600_000L;
      case "d" -> n * 86_400_000L;
      case "w" -> n * 7 * 86_400_000L;
      default -> throw new IllegalStateException(unit);
    };
  }
}
