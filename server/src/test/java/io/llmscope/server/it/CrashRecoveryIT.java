package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.server.loadgen.TrafficGenerator;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged spans survive {@code kill -9}: the forked jar is killed after N acknowledged
 * batches (and, in a second round, while batches are in flight), restarted on the same data dir,
 * and queried.
 */
class CrashRecoveryIT {
  @TempDir Path dir;

  static String countAll() {
    return "{\"from\":0,\"llmOnly\":false,\"metrics\":[\"count\",\"sum(input_tokens)\"]}";
  }

  static long[] countAndInput(ServerProcess s) throws Exception {
    ServerProcess.Response r = s.query(countAll());
    assertEquals(200, r.status(), r.body().toString());
    if (r.body().get("rows").isEmpty()) return new long[] {0, 0};
    return new long[] {r.body().get("rows").get(0).get(0).asLong(), r.body().get("rows").get(0).get(1).asLong()};
  }

  @Test
  void acknowledgedBatchesSurviveSigkill() throws Exception {
    Path data = dir.resolve("data");
    long now = System.currentTimeMillis();
    TrafficGenerator gen = new TrafficGenerator(11, now - 3_600_000L, now, 6_000);
    int batches = 0;
    try (ServerProcess s = ServerProcess.start(data)) {
      while (gen.hasNext()) {
        HttpResponse<byte[]> r = s.postOtlp(gen.nextBatch(512).toByteArray(), "application/x-protobuf", null);
        assertEquals(200, r.statusCode());
        batches++;
      }
      s.kill(); // SIGKILL right after the last acknowledgement
      assertFalse(s.process.isAlive());
    }
    TrafficGenerator.Totals sent = gen.totals();
    assertTrue(batches > 10, "batches " + batches);
    try (ServerProcess s = ServerProcess.start(data)) {
      assertEquals(200, s.getRaw("/readyz", null).statusCode(), "/readyz once recovered and listening");
      long[] got = countAndInput(s);
      assertEquals(sent.allSpans(), got[0], "spans after restart");
      assertEquals(sent.inputTokens(), got[1], "input tokens after restart");
      assertEquals(sent.llmSpans(), s.count("{\"from\":0,\"metrics\":[\"count\"]}"));
      assertEquals(got[0], s.get("/api/v1/status").get("spans").asLong());
    }
  }

  @Test
  void killedMidStreamKeepsEveryAcknowledgedSpan() throws Exception {
    Path data = dir.resolve("data2");
    long now = System.currentTimeMillis();
    AtomicLong acked = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    try (ServerProcess s = ServerProcess.start(data)) {
      // Pre-build the batches so the kill lands while requests are in flight.
      TrafficGenerator gen = new TrafficGenerator(12, now - 3_600_000L, now, 40_000);
      List<byte[]> bodies = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      while (gen.hasNext()) {
        ExportTraceServiceRequest req = gen.nextBatch(512);
        bodies.add(req.toByteArray());
        sizes.add(TrafficGenerator.spanCount(req));
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int lane = t;
        tasks.add(pool.submit(() -> {
          for (int i = lane; i < bodies.size(); i += 4) {
            sent.addAndGet(sizes.get(i));
            try {
              HttpResponse<byte[]> r = s.postOtlp(bodies.get(i), "application/x-protobuf", null);
              if (r.statusCode() == 200) acked.addAndGet(sizes.get(i));
            } catch (Exception e) {
              return; // the server died under us
            }
          }
        }));
      }
      while (acked.get() < 20_000) Thread.sleep(5);
      s.kill();
      for (Future<?> f : tasks) f.get();
      pool.shutdown();
    }
    try (ServerProcess s = ServerProcess.start(data)) {
      long got = countAndInput(s)[0];
      assertTrue(got >= acked.get(), "lost acknowledged spans: stored " + got + " < acked " + acked.get());
      assertTrue(got <= sent.get(), "stored " + got + " > sent " + sent.get());
    }
  }

  @Test
  void sigtermExitsZeroAndKeepsData() throws Exception {
    Path data = dir.resolve("data3");
    long now = System.currentTimeMillis();
    TrafficGenerator gen = new TrafficGenerator(13, now - 3_600_000L, now, 1_000);
    try (ServerProcess s = ServerProcess.start(data)) {
      while (gen.hasNext()) assertEquals(200, s.postOtlp(gen.nextBatch(512).toByteArray(), "application/x-protobuf", null).statusCode());
      long t0 = System.nanoTime();
      assertEquals(0, s.terminate(), s.logText());
      assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "SIGTERM took over 10 s");
    }
    try (ServerProcess s = ServerProcess.start(data)) {
      assertEquals(gen.totals().allSpans(), countAndInput(s)[0]);
    }
  }
}
