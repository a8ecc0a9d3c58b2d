package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --demo} back-fills a day of traffic on an empty store and keeps live traffic coming. */
class DemoIT {
  @TempDir Path dir;

  private static boolean sleep(long ms) throws InterruptedException {
    Thread.sleep(ms);
    return true;
  }

  private static boolean fewModelsIn(JsonNode rows) {
    for (JsonNode row : rows) if (row.get(2).asLong() < 5) return true;
    return false;
  }

  @Test
  void demoBackfillsADayAndKeepsSending() throws Exception {
    try (ServerProcess s = ServerProcess.start(dir.resolve("data"), "--demo")) {
      long deadline = System.currentTimeMillis() + 120_000;
      long spans = 0;
      while (System.currentTimeMillis() < deadline && spans < 300_000) {
        Thread.sleep(500);
        spans = s.get("/api/v1/status").get("spans").asLong();
      }
      assertTrue(spans >= 300_000, "back-fill stored only " + spans + " spans");
      // Traffic across the whole last day, hour by hour, with several models. The back-fill is
      // sent oldest first, so wait for the last hours to arrive (and fill: live traffic may open
      // the current hour while the back-fill is still on the one before).
      JsonNode rows;
      do {
        ServerProcess.Response r = s.query("{\"from\":\"now-24h\",\"step\":\"1h\",\"metrics\":[\"count\",\"count_distinct(model)\"]}");
        assertEquals(200, r.status());
        rows = r.body().get("rows");
      } while ((rows.size() < 24 || fewModelsIn(rows)) && System.currentTimeMillis() < deadline && sleep(200));
      assertTrue(rows.size() >= 24, "hours with data: " + rows.size());
      for (JsonNode row : rows) assertTrue(row.get(2).asLong() >= 5, "models in hour " + row);
      long before = s.count("{\"from\":\"now-10m\",\"metrics\":[\"count\"]}");
      Thread.sleep(2500);
      assertTrue(s.count("{\"from\":\"now-10m\",\"metrics\":[\"count\"]}") > before, "no live demo traffic");
    }
  }
}
