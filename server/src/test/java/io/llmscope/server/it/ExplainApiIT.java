package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmscope.server.loadgen.TrafficGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code "explain": true} on the jar: the plan names every segment's decision and agrees with the stats. */
class ExplainApiIT {
  @TempDir static Path dir;
  static ServerProcess server;
  static int segments;
  static TrafficGenerator.Totals totals;

  @BeforeAll
  static void start() throws Exception {
    Path config = dir.resolve("config.yaml");
    // Small segments, sealed quickly and never compacted: several of them for the planner to choose over.
    Files.writeString(config, "storage:\n  sealRows: 3000\n  sealAgeMs: 1000\n  compactBelowRows: 1\n");
    server = ServerProcess.start(dir.resolve("data"), "--config", config.toString());
    long now = System.currentTimeMillis();
    TrafficGenerator gen = new TrafficGenerator(5, now - 4 * 3_600_000L, now, 12_000);
    while (gen.hasNext()) assertEquals(200, server.postOtlp(gen.nextBatch(512).toByteArray(), "application/x-protobuf", null).statusCode());
    totals = gen.totals();
    SegmentsIT.awaitSealed(server);
    segments = server.get("/api/v1/status").get("segments").asInt();
    assertTrue(segments >= 2, "segments: " + segments);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  /** The plan's counts against the stats, and its per-batch list against its counts. */
  static JsonNode plan(String query) throws Exception {
    ServerProcess.Response r = server.query(query);
    assertEquals(200, r.status(), r.body().toString());
    JsonNode plan = r.body().get("plan");
    assertNotNull(plan, r.body().toString());
    JsonNode stats = r.body().get("stats");
    assertEquals(segments, plan.get("segments").asInt(), plan.toString());
    assertEquals(stats.get("segmentsPruned").asInt(), plan.at("/pruned/segments").asInt());
    assertEquals(stats.get("segmentsScanned").asInt(),
        plan.at("/rollup/segments").asInt() + plan.at("/postings/segments").asInt() + plan.at("/scan/segments").asInt());
    assertEquals(stats.get("rollupCells").asLong(), plan.at("/rollup/cells").asLong());
    assertEquals(stats.get("rowsScanned").asLong(), plan.at("/postings/rows").asLong() + plan.at("/scan/rows").asLong());
    int batches = 0;
    for (String d : new String[] {"pruned", "rollup", "postings", "scan"}) batches += plan.at("/" + d + "/batches").asInt();
    assertEquals(plan.get("batches").asInt(), batches);
    assertEquals(batches, plan.get("perBatch").size() + plan.get("perBatchOmitted").asInt());
    long listedSegments = 0;
    for (JsonNode b : plan.get("perBatch")) {
      assertTrue(b.get("batch").asText().matches("seg-\\d+|head"), b.toString());
      assertTrue(b.hasNonNull("decision") && b.hasNonNull("reason") && b.get("rows").asLong() > 0, b.toString());
      if (b.get("batch").asText().startsWith("seg-")) listedSegments++;
    }
    assertEquals(segments, listedSegments);
    return plan;
  }

  @Test
  void explainedQueriesCarryTheirPlan() throws Exception {
    // Grouped by model over everything: sealed segments inside the range answer from rollups.
    JsonNode all = plan("{\"from\":\"now-5h\",\"groupBy\":[\"model\"],\"metrics\":[\"count\",\"p95(duration_ms)\"],\"explain\":true}");
    assertTrue(all.at("/rollup/segments").asInt() + all.at("/scan/segments").asInt() == segments, all.toString());
    ServerProcess.Response plain = server.query("{\"from\":\"now-5h\",\"groupBy\":[\"model\"],\"metrics\":[\"count\",\"p95(duration_ms)\"]}");
    assertFalse(plain.body().has("plan"), "no plan unless asked");
    long sum = 0;
    for (JsonNode row : plain.body().get("rows")) sum += row.get(1).asLong();
    assertEquals(totals.llmSpans(), sum);

    // Long ago: every segment pruned by time, with the reason.
    JsonNode old = plan("{\"from\":0,\"to\":1000,\"metrics\":[\"count\"],\"explain\":true}");
    assertEquals(segments, old.at("/pruned/segments").asInt());
    assertEquals(segments, old.at("/pruned/reasons/time").asInt());
    JsonNode first = old.get("perBatch").get(0);
    assertEquals("pruned", first.get("decision").asText());
    assertEquals("time", first.get("prunedBy").asText());

    // A value no segment holds: pruned by the dictionaries.
    JsonNode none = plan("{\"from\":\"now-5h\",\"filters\":[{\"field\":\"user\",\"op\":\"=\",\"value\":\"nobody-at-all\"}],"
        + "\"metrics\":[\"count\"],\"explain\":true}");
    assertEquals(segments, none.at("/pruned/reasons/dictionary").asInt());

    // A rows-only shape (grouped by a field no rollup keys) scans or filters through postings, never rollups.
    JsonNode users = plan("{\"from\":\"now-5h\",\"filters\":[{\"field\":\"service\",\"op\":\"exists\"}],\"groupBy\":[\"user\"],"
        + "\"metrics\":[\"count\"],\"explain\":true}");
    assertEquals(0, users.at("/rollup/batches").asInt());
    assertEquals(400, server.query("{\"from\":\"now-5h\",\"metrics\":[\"count\"],\"explain\":\"yes\"}").status());
  }
}
