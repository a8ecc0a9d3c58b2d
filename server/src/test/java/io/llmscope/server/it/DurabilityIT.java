package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that once lost acknowledged spans, sent to the real jar: a 2 MB span with a million
 * empty links (which asked for a 26 MB WAL record and left the data dir unreadable), and a batch
 * sent again and again as exporters retry.
 */
class DurabilityIT {
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String COUNT = "{\"from\":0,\"to\":\"9999-12-31T23:59:59Z\",\"llmOnly\":false,"
      + "\"metrics\":[\"count\",\"count_distinct(span_id)\",\"sum(input_tokens)\"]}";
  @TempDir Path dir;

  /** One chat span with {@code links} empty links: about 2 bytes of protobuf each. */
  private static ExportTraceServiceRequest withLinks(Random rnd, int links) {
    ExportTraceServiceRequest r = TestRequests.chat(rnd, "links", "gpt-4o", 1, 10, 1);
    Span.Builder span = r.getResourceSpans(0).getScopeSpans(0).getSpans(0).toBuilder();
    for (int i = 0; i < links; i++) span.addLinks(Span.Link.getDefaultInstance());
    return r.toBuilder().setResourceSpans(0, r.getResourceSpans(0).toBuilder()
        .setScopeSpans(0, r.getResourceSpans(0).getScopeSpans(0).toBuilder().setSpans(0, span))).build();
  }

  private static long[] counts(ServerProcess s) throws Exception {
    ServerProcess.Response r = s.query(COUNT);
    assertEquals(200, r.status(), r.body().toString());
    JsonNode row = r.body().get("rows").get(0);
    return new long[] {row.get(0).asLong(), row.get(1).asLong(), row.get(2).asLong()};
  }

  private static ExportTraceServiceResponse post(ServerProcess s, ExportTraceServiceRequest r) throws Exception {
    HttpResponse<byte[]> res = s.postOtlp(r.toByteArray(), PROTOBUF, null);
    assertEquals(200, res.statusCode(), new String(res.body()));
    return ExportTraceServiceResponse.parseFrom(res.body());
  }

  @Test
  void aSpanWithAMillionLinksGetsAFinalAnswerAndEverySpanAroundItSurvivesRestarts() throws Exception {
    Random rnd = new Random(1);
    Path data = dir.resolve("data");
    ExportTraceServiceRequest huge = withLinks(rnd, 1_000_000);
    assertTrue(huge.getSerializedSize() > 2_000_000);
    try (ServerProcess s = ServerProcess.start(data)) {
      post(s, TestRequests.chat(rnd, "before", "gpt-4o", 50, 100, 1));
      ExportTraceServiceResponse r = post(s, huge);
      assertFalse(r.hasPartialSuccess(), "kept, with its links cut to ingest.maxLinksPerSpan");
      String trace = OracleTable.hex(huge.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId());
      JsonNode span = s.get("/api/v1/traces/" + trace).get("spans").get(0);
      assertEquals(128, span.get("links").size());
      assertEquals(1_000_000 - 128, span.get("dropped_links_count").asLong());
      post(s, TestRequests.chat(rnd, "after", "gpt-4o", 50, 100, 1));
      assertArrayEquals(new long[] {101, 101, 10_010}, counts(s));
      s.terminate();
    }
    // Without the link limit the span cannot fit one WAL record: refused by name, never a retryable 503.
    Path config = dir.resolve("nolimit.yaml");
    Files.writeString(config, "ingest:\n  maxLinksPerSpan: 2000000\n");
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      assertArrayEquals(new long[] {101, 101, 10_010}, counts(s), "after SIGTERM and restart");
      ExportTraceServiceResponse r = post(s, withLinks(rnd, 1_000_000));
      assertEquals(1, r.getPartialSuccess().getRejectedSpans());
      assertTrue(r.getPartialSuccess().getErrorMessage().contains("storage.maxWalRecordBytes (8388608)"),
          r.getPartialSuccess().getErrorMessage());
      post(s, TestRequests.chat(rnd, "after", "gpt-4o", 50, 100, 1));
      s.kill();
    }
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      assertArrayEquals(new long[] {151, 151, 15_010}, counts(s), "after kill -9 and restart");
    }
  }

  @Test
  void theSameBatchSentAgainInTheHeadAfterASealAfterCompactionAndAfterRestartCountsOnce() throws Exception {
    Random rnd = new Random(2);
    Path data = dir.resolve("data");
    Path config = dir.resolve("small-segments.yaml");
    Files.writeString(config, "storage:\n  sealRows: 200\n  compactBelowRows: 100000\n");
    ExportTraceServiceRequest batch = TestRequests.chat(rnd, "retry", "gpt-4o", 300, 7, 1);
    long[] once = {300, 300, 2100};
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      post(s, batch);
      post(s, batch);
      assertArrayEquals(once, counts(s), "again while in the head");
      awaitStatus(s, st -> st.get("headRows").asLong() == 0, "the head sealed");
      post(s, batch);
      assertArrayEquals(once, counts(s), "again after a seal");
      post(s, TestRequests.chat(rnd, "other", "gpt-4o", 250, 1, 1));
      awaitStatus(s, st -> st.get("headRows").asLong() == 0 && st.get("segments").asLong() == 1, "segments compacted");
      post(s, batch);
      assertArrayEquals(new long[] {550, 550, 2350}, counts(s), "again after compaction");
      s.terminate();
    }
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      post(s, batch);
      assertArrayEquals(new long[] {550, 550, 2350}, counts(s), "again after restart");
      String trace = OracleTable.hex(batch.getResourceSpans(0).getScopeSpans(0).getSpans(7).getTraceId());
      JsonNode spans = s.get("/api/v1/traces/" + trace).get("spans");
      Set<String> ids = new HashSet<>();
      for (JsonNode span : spans) assertTrue(ids.add(span.get("span_id").asText()), "listed once: " + spans);
      assertEquals(1, ids.size());
      s.kill();
    }
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      assertArrayEquals(new long[] {550, 550, 2350}, counts(s), "after WAL replay");
    }
  }

  @Test
  void aSpanTimedAtTheLastNanosecondIsRejectedAndStatusAndQueriesToTheYear9999StayRight() throws Exception {
    Random rnd = new Random(4);
    ExportTraceServiceRequest r = TestRequests.chat(rnd, "times", "gpt-4o", 2, 5, 1);
    Span last = r.getResourceSpans(0).getScopeSpans(0).getSpans(1).toBuilder()
        .setStartTimeUnixNano(-1L).setEndTimeUnixNano(-1L).build(); // 2^64 - 1 ns, unsigned
    r = r.toBuilder().setResourceSpans(0, r.getResourceSpans(0).toBuilder()
        .setScopeSpans(0, r.getResourceSpans(0).getScopeSpans(0).toBuilder().setSpans(1, last))).build();
    try (ServerProcess s = ServerProcess.start(dir.resolve("data"))) {
      ExportTraceServiceResponse res = post(s, r);
      assertEquals(1, res.getPartialSuccess().getRejectedSpans());
      assertTrue(res.getPartialSuccess().getErrorMessage().contains("18446744073709551615 is after 2262"),
          res.getPartialSuccess().getErrorMessage());
      JsonNode status = s.get("/api/v1/status");
      assertEquals(1, status.get("spans").asLong());
      long now = System.currentTimeMillis();
      assertTrue(status.get("oldest").asLong() > now - 3_600_000L && status.get("newest").asLong() <= now, status.toString());
      assertArrayEquals(new long[] {1, 1, 5}, counts(s), "a query to 9999-12-31 counts it");
    }
  }

  private static void awaitStatus(ServerProcess s, Predicate<JsonNode> done, String what) throws Exception {
    for (int i = 0; i < 300; i++) {
      if (done.test(s.get("/api/v1/status"))) return;
      Thread.sleep(100);
    }
    fail("timed out waiting for " + what + ": " + s.get("/api/v1/status"));
  }
}
