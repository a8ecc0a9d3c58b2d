package io.llmscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of times and durations, for the query API, the config file and the command line.
 *
 * <ul>
 *   <li>A <b>duration</b> is one or more {@code NUMBER UNIT} parts, units {@code ms}, {@code s},
 *       {@code m}, {@code h}, {@code d} (24 h), {@code w} (7 d): {@code 500ms}, {@code 30s},
 *       {@code 5m}, {@code 1h}, {@code 1d}, {@code 2w}, {@code 1h30m}.
 *   <li>A <b>time</b> is {@code now}, {@code now-DURATION} ({@code now-15m}), epoch milliseconds,
 *       or ISO-8601: an instant ({@code 2026-11-27T00:00:00Z}), a date-time with offset
 *       ({@code 2026-11-27T01:00:00+01:00}) or without one, read as UTC ({@code 2026-11-27T00:00:00}).
 * </ul>
 *
 * The public methods throw {@link IllegalArgumentException} with a message that starts with the
 * caller's label ({@code what}); the query paths throw {@link QueryException} (HTTP 400) instead.
 */
public final class TimeExpr {
  private static final String UNITS = "(ms|s|m|h|d|w)";
  private static final Pattern DURATION = Pattern.compile("(?:\\d+\\s*" + UNITS + "\\s*)+");
  private static final Pattern PART = Pattern.compile("(\\d+)\\s*" + UNITS);
  private static final Pattern RELATIVE = Pattern.compile("now\\s*-\\s*(.+)");
  private static final String DURATION_HELP = "use e.g. 500ms, 30s, 5m, 1h, 1d, 2w or 1h30m";
  private static final String TIME_HELP = "use ISO-8601 like 2026-11-27T00:00:00Z, epoch ms, now or now-15m";

  private TimeExpr() {}

  /**
   * Milliseconds of a duration such as {@code 30s}, {@code 2w} or {@code 1h30m} (zero allowed).
   *
   * @param what how the message names the value, e.g. {@code "config key 'retention'"}
   * @throws IllegalArgumentException when {@code text} is not a duration or does not fit a long
   */
  public static long durationMs(String text, String what) {
    String t = text == null ? "" : text.trim();
    if (!DURATION.matcher(t).matches()) {
      throw new IllegalArgumentException(what + " is not a valid duration: '" + text + "' (" + DURATION_HELP + ")");
    }
    long ms = 0;
    try {
      Matcher part = PART.matcher(t);
      while (part.find()) ms = Math.addExact(ms, unitMs(Long.parseLong(part.group(1)), part.group(2)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(what + " is too long a duration: '" + text + "'");
    }
    return ms;
  }

  /**
   * Epoch milliseconds of a time: {@code now}, {@code now-DURATION}, epoch ms or ISO-8601 (see the
   * class comment).
   *
   * @param nowMs what {@code now} means
   * @param what how the message names the value, e.g. {@code "--start"}
   * @throws IllegalArgumentException when {@code text} is none of these
   */
  public static long timeMs(String text, long nowMs, String what) {
    String t = text == null ? "" : text.trim();
    if (t.equals("now")) return nowMs;
    Matcher rel = RELATIVE.matcher(t);
    if (rel.matches() && DURATION.matcher(rel.group(1).trim()).matches()) {
      return nowMs - durationMs(rel.group(1), what);
    }
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
      // next form
    }
    try {
      return OffsetDateTime.parse(t).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      // next form
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(what + " is not a valid time: '" + text + "' (" + TIME_HELP + ")");
    }
  }

  /** Epoch ms of a query's time value (integer epoch ms or text); {@code what} names the field. */
  static long parseTime(JsonNode node, long nowMs, String what) {
    if (node == null || node.isNull()) throw new QueryException("'" + what + "' is required");
    if (node.isIntegralNumber()) return node.asLong();
    if (!node.isTextual()) throw new QueryException("'" + what + "' must be ISO-8601, epoch ms or now[-N{s,m,h,d}], got " + node);
    return parseTime(node.asText(), nowMs, what);
  }

  /** {@link #timeMs} for a query field: the error is a {@link QueryException} naming it. */
  static long parseTime(String text, long nowMs, String what) {
    try {
      return timeMs(text, nowMs, "'" + what + "'");
    } catch (IllegalArgumentException e) {
      throw new QueryException(e.getMessage());
    }
  }

  /** {@link #durationMs} for a query field, which must be positive: the error is a {@link QueryException}. */
  static long parseDuration(String text, String what) {
    long ms;
    try {
      ms = durationMs(text, "'" + what + "'");
    } catch (IllegalArgumentException e) {
      throw new QueryException(e.getMessage());
    }
    if (ms <= 0) throw new QueryException("'" + what + "' must be positive: '" + text + "'");
    return ms;
  }

  private static long unitMs(long n, String unit) {
    return switch (unit) {
      case "ms" -> n;
      case "s" -> Math.multiplyExact(n, 1000L);
      case "m" -> Math.multiplyExact(n, 60_000L);
      case "h" -> Math.multiplyExact(n, 3_600_000L);
      case "d" -> Math.multiplyExact(n, 86_400_000L);
      case "w" -> Math.multiplyExact(n, 7 * 86_400_000L);
      default -> throw new IllegalStateException(unit);
    };
  }
}
