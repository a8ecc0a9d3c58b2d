package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmscope.storage.TestDataDirs;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real small filesystem (a 64 MB tmpfs, mounted and removed by the test; skipped where mounting
 * is not allowed): loaded until full, the server answers 503 and /readyz 503 instead of faulting
 * on its memory-mapped WAL, queries go on, ingest resumes by itself when space returns, a restart
 * on the full volume serves, and after kill -9 a copy on a larger volume holds exactly the
 * acknowledged spans.
 */
class DiskFullIT {
  private static final String COUNT = "{\"from\":0,\"llmOnly\":false,\"metrics\":[\"count\",\"sum(input_tokens)\"]}";
  @TempDir Path dir;
  private Path volume;
  private final Random rnd = new Random(5);
  private long acked;
  private long ackedInput;
  private int requests;

  private boolean mount(Path at) throws Exception {
    Files.createDirectories(at);
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", at.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      System.err.println("DiskFullIT skipped: cannot mount a tmpfs here (" + out.trim() + ")");
      return false;
    }
    volume = at;
    return true;
  }

  @AfterEach
  void unmount() throws Exception {
    if (volume != null) new ProcessBuilder("umount", "-l", volume.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
  }

  /** 100 spans of about 4 kB each; every request's spans carry their own input-token count. */
  private ExportTraceServiceRequest batch() {
    long input = 1 + (requests++ % 97);
    ExportTraceServiceRequest r = TestRequests.chat(rnd, "full", "gpt-4o", 100, input, 1);
    ScopeSpans.Builder scope = r.getResourceSpans(0).getScopeSpans(0).toBuilder();
    String pad = "x".repeat(4000);
    for (int i = 0; i < scope.getSpansCount(); i++) {
      Span.Builder s = scope.getSpans(i).toBuilder().addAttributes(TestRequests.kv("pad", pad + i));
      scope.setSpans(i, s);
    }
    return r.toBuilder().setResourceSpans(0, r.getResourceSpans(0).toBuilder().setScopeSpans(0, scope)).build();
  }

  /** Posts until a request is refused; returns the refusal. */
  private HttpResponse<byte[]> loadUntilRefused(ServerProcess s) throws Exception {
    for (int i = 0; i < 2000; i++) {
      ExportTraceServiceRequest b = batch();
      HttpResponse<byte[]> r = s.postOtlp(b.toByteArray(), "application/x-protobuf", null);
      if (r.statusCode() != 200) return r;
      acked += 100;
      ackedInput += 100 * b.getResourceSpans(0).getScopeSpans(0).getSpans(0).getAttributes(3).getValue().getIntValue();
    }
    throw new AssertionError("a 64 MB volume never filled up");
  }

  private void assertStored(ServerProcess s, String when) throws Exception {
    ServerProcess.Response r = s.query(COUNT);
    assertEquals(200, r.status(), when + ": " + r.body());
    assertEquals(acked, r.body().get("rows").get(0).get(0).asLong(), when + ": every acknowledged span, nothing else");
    assertEquals(ackedInput, r.body().get("rows").get(0).get(1).asLong(), when);
  }

  private static void assertFull(ServerProcess s, HttpResponse<byte[]> refused) throws Exception {
    assertEquals(503, refused.statusCode(), new String(refused.body()));
    assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
    assertTrue(new String(refused.body()).contains("disk full"), new String(refused.body()));
    HttpResponse<String> ready = s.getRaw("/readyz", null);
    assertEquals(503, ready.statusCode());
    assertTrue(ready.body().contains("storage.minFreeBytes"), ready.body());
  }

  @Test
  void aFullVolumeRefusesWritesKeepsServingAndLosesNothingAcknowledged() throws Exception {
    assumeTrue(mount(dir.resolve("small")), "mounting a tmpfs is not allowed here");
    Path filler = volume.resolve("filler");
    Files.write(filler, new byte[16 << 20]);
    Path data = volume.resolve("data");
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "storage:\n  minFreeBytes: 8388608\n  sealRows: 2000\n");
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      assertEquals(200, s.getRaw("/readyz", null).statusCode());
      assertFull(s, loadUntilRefused(s));
      assertStored(s, "while full");
      assertTrue(s.logText().indexOf("fault occurred") < 0, "no fault on the mapped WAL: " + s.logText());

      Files.delete(filler); // space returns: ingest resumes without a restart
      HttpResponse<String> ready = null;
      for (int i = 0; i < 100 && (ready = s.getRaw("/readyz", null)).statusCode() != 200; i++) Thread.sleep(100);
      assertEquals(200, ready.statusCode(), ready.body());
      ExportTraceServiceRequest b = batch();
      assertEquals(200, s.postOtlp(b.toByteArray(), "application/x-protobuf", null).statusCode());
      acked += 100;
      ackedInput += 100 * b.getResourceSpans(0).getScopeSpans(0).getSpans(0).getAttributes(3).getValue().getIntValue();

      assertFull(s, loadUntilRefused(s));
      s.kill();
    }
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      assertStored(s, "restarted on the full volume");
      // Start-up removes a segment a kill -9 cut short mid-seal, which may free a little space: load
      // until the volume is full again (at once if nothing was freed), then writes are refused.
      assertFull(s, loadUntilRefused(s));
      s.kill();
    }
    Path big = dir.resolve("big");
    TestDataDirs.copyWithoutLock(data, big);
    try (ServerProcess s = ServerProcess.start(big)) {
      assertStored(s, "after kill -9, on a larger volume");
      assertEquals(200, s.postOtlp(batch().toByteArray(), "application/x-protobuf", null).statusCode());
    }
  }
}
