package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmscope.server.loadgen.TrafficGenerator;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query that makes one group per span, with five percentiles, ordered and cut to ten rows, on
 * the jar with a small heap ({@code -Xmx384m}) holding 250k LLM spans (about 470k spans in all):
 * before the query memory bounds it ran the heap out (500 OutOfMemoryError, and sealing failed
 * beside it). Now it answers its ten rows, or is refused with a 4xx naming the limit, and the
 * server goes on serving: ready, counting every span, taking and sealing new spans.
 */
class QueryMemoryIT {
  static final long LLM_SPANS = 250_000;
  static final long SEED = 20261127;
  static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
  static final long T1 = T0 + 24 * 3_600_000L;
  static final String RANGE = "\"from\":" + T0 + ",\"to\":" + T1;
  static final String QUERY = "{" + RANGE + ",\"groupBy\":[\"span_id\"],"
      + "\"metrics\":[\"p50(duration_ms)\",\"p90(duration_ms)\",\"p95(duration_ms)\",\"p99(duration_ms)\",\"p99(output_tokens)\"],"
      + "\"orderBy\":[{\"column\":\"p99(duration_ms)\",\"desc\":true}],\"limit\":10}";

  @TempDir Path dir;

  @Test
  void aGroupPerSpanQueryOnASmallHeapAnswersOrIsRefusedAndTheServerGoesOn() throws Exception {
    Path config = dir.resolve("config.yaml");
    // Far-out retention: the data lies in the past. Quick sealing: new spans seal within seconds.
    Files.writeString(config, "retention: 36500d\nstorage:\n  sealAgeMs: 1000\n");
    try (ServerProcess s = ServerProcess.start(List.of("-Xmx384m"), dir.resolve("data"), "--config", config.toString())) {
      TrafficGenerator gen = new TrafficGenerator(SEED, T0, T1, LLM_SPANS);
      long total = load(s, gen);
      SegmentsIT.awaitSealed(s);
      assertEquals(total, s.get("/api/v1/status").get("spans").asLong());

      ServerProcess.Response r = s.query(QUERY);
      if (r.status() == 200) {
        JsonNode rows = r.body().get("rows");
        assertEquals(10, rows.size(), r.body().toString());
        assertEquals(LLM_SPANS, r.body().get("stats").get("totalRows").asLong(), "one group per LLM span");
        // A group of one span: each percentile is its duration, so the first row is the longest span.
        double longest = s.query("{" + RANGE + ",\"metrics\":[\"max(duration_ms)\"]}").body().get("rows").get(0).get(0).asDouble();
        assertEquals(longest, rows.get(0).get(4).asDouble(), 0.0, rows.toString());
        for (int i = 1; i < rows.size(); i++) {
          assertTrue(rows.get(i - 1).get(4).asDouble() >= rows.get(i).get(4).asDouble(), "descending: " + rows);
          assertEquals(rows.get(i).get(1).asDouble(), rows.get(i).get(4).asDouble(), 0.0, "one value: p50 = p99: " + rows.get(i));
        }
      } else {
        assertTrue(r.status() >= 400 && r.status() < 500, r.status() + " " + r.body());
        String error = r.body().get("error").asText();
        assertTrue(error.contains("query.maxQueryMemoryBytes") || error.contains("query.maxGroups"), error);
      }
      System.out.printf("QueryMemoryIT: %d spans, group-per-span query -> %d %s%n", total, r.status(),
          r.status() == 200 ? r.body().get("stats") : r.body());

      // The server goes on: ready, counting, taking new spans and sealing them.
      assertEquals(200, s.getRaw("/readyz", null).statusCode());
      assertEquals(LLM_SPANS, s.count("{" + RANGE + ",\"metrics\":[\"count\"]}"));
      TrafficGenerator more = new TrafficGenerator(SEED + 1, T0, T1, 1000);
      long added = load(s, more);
      SegmentsIT.awaitSealed(s);
      assertEquals(total + added, s.get("/api/v1/status").get("spans").asLong());
      assertEquals(LLM_SPANS + 1000, s.count("{" + RANGE + ",\"metrics\":[\"count\"]}"));
      assertTrue(s.process.isAlive());
      assertFalse(s.logText().contains("OutOfMemoryError"), "no OutOfMemoryError in the server log:\n" + s.logText());
    }
  }

  /** Sends the generator's spans, two requests in flight; returns how many. */
  private static long load(ServerProcess s, TrafficGenerator gen) throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(2);
    long sent = 0;
    try {
      Deque<Future<?>> inFlight = new ArrayDeque<>();
      while (gen.hasNext()) {
        ExportTraceServiceRequest req = gen.nextBatch(2048);
        byte[] body = req.toByteArray();
        if (inFlight.size() >= 2) inFlight.removeFirst().get();
        inFlight.addLast(senders.submit(() -> {
          HttpResponse<byte[]> resp = s.postOtlp(body, "application/x-protobuf", null);
          assertEquals(200, resp.statusCode(), () -> new String(resp.body()));
          return null;
        }));
        sent += TrafficGenerator.spanCount(req);
      }
      for (Future<?> f : inFlight) f.get();
    } finally {
      senders.shutdownNow();
    }
    assertEquals(gen.totals().allSpans(), sent);
    return sent;
  }
}
