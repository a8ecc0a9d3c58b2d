package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class TimeExprTest {
  private static final long NOW = 1_764_288_000_000L; // 2025-11-28T00:00:00Z
  private static final long DAY = 86_400_000L;

  @Test
  void durationsInEveryUnit() {
    assertEquals(500, TimeExpr.durationMs("500ms", "d"));
    assertEquals(30_000, TimeExpr.durationMs("30s", "d"));
    assertEquals(300_000, TimeExpr.durationMs("5m", "d"));
    assertEquals(3_600_000, TimeExpr.durationMs("1h", "d"));
    assertEquals(DAY, TimeExpr.durationMs("1d", "d"));
    assertEquals(14 * DAY, TimeExpr.durationMs("2w", "d"));
    assertEquals(30 * DAY, TimeExpr.durationMs("30d", "d"));
    assertEquals(0, TimeExpr.durationMs("0s", "d"));
    assertEquals(60_000, TimeExpr.durationMs(" 1 m ", "d"));
  }

  @Test
  void compoundDurationsAddUp() {
    assertEquals(5_400_000, TimeExpr.durationMs("1h30m", "d"));
    assertEquals(90_500, TimeExpr.durationMs("1m 30s 500ms", "d"));
    assertEquals(15 * DAY + 1, TimeExpr.durationMs("2w1d1ms", "d"));
  }

  @Test
  void badDurationsNameTheValue() {
    for (String bad : new String[] {"", "fast", "10", "-5s", "1.5h", "5 minutes", "s", "1y", "5mm"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TimeExpr.durationMs(bad, "config key 'retention'"), bad);
      assertTrue(e.getMessage().startsWith("config key 'retention' is not a valid duration: '" + bad + "'"), e.getMessage());
    }
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> TimeExpr.durationMs("99999999999999999w", "x"));
    assertTrue(big.getMessage().contains("too long"), big.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TimeExpr.durationMs(null, "x"));
  }

  @Test
  void timesInEveryForm() {
    assertEquals(NOW, TimeExpr.timeMs("now", NOW, "t"));
    assertEquals(NOW - 15 * 60_000, TimeExpr.timeMs("now-15m", NOW, "t"));
    assertEquals(NOW - 14 * DAY, TimeExpr.timeMs("now - 2w", NOW, "t"));
    assertEquals(NOW - 5_400_000, TimeExpr.timeMs("now-1h30m", NOW, "t"));
    assertEquals(NOW, TimeExpr.timeMs("1764288000000", 0, "t"));
    assertEquals(NOW, TimeExpr.timeMs("2025-11-28T00:00:00Z", 0, "t"));
    assertEquals(NOW, TimeExpr.timeMs("2025-11-28T01:00:00+01:00", 0, "t"));
    assertEquals(NOW, TimeExpr.timeMs("2025-11-28T00:00:00", 0, "t"), "no offset: UTC");
    assertEquals(NOW + 250, TimeExpr.timeMs("2025-11-28T00:00:00.250Z", 0, "t"));
  }

  @Test
  void badTimesNameTheValue() {
    for (String bad : new String[] {"", "yesterday", "now-", "now-fast", "now+5m", "2025-13-01T00:00:00Z", "noon"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeExpr.timeMs(bad, NOW, "--start"), bad);
      assertTrue(e.getMessage().startsWith("--start is not a valid time: '" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void queryFieldsKeepTheirMessagesAndExceptions() {
    assertEquals(14 * DAY, TimeExpr.parseDuration("2w", "step"));
    assertEquals(500, TimeExpr.parseDuration("500ms", "step"));
    QueryException zero = assertThrows(QueryException.class, () -> TimeExpr.parseDuration("0m", "step"));
    assertEquals("'step' must be positive: '0m'", zero.getMessage());
    QueryException bad = assertThrows(QueryException.class, () -> TimeExpr.parseDuration("fast", "step"));
    assertTrue(bad.getMessage().startsWith("'step' is not a valid duration: 'fast'"), bad.getMessage());

    assertEquals(NOW - DAY, TimeExpr.parseTime(TextNode.valueOf("now-1d"), NOW, "from"));
    assertEquals(123, TimeExpr.parseTime(IntNode.valueOf(123), NOW, "from"));
    QueryException time = assertThrows(QueryException.class, () -> TimeExpr.parseTime("yesterday", NOW, "from"));
    assertTrue(time.getMessage().startsWith("'from' is not a valid time: 'yesterday'"), time.getMessage());
    assertThrows(QueryException.class, () -> TimeExpr.parseTime((com.fasterxml.jackson.databind.JsonNode) null, NOW, "from"));
  }
}
