package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When sealing falls behind, OTLP/HTTP answers 503 with Retry-After, stores nothing, and recovers once sealed. */
class BusyIT {
  @TempDir Path dir;

  @Test
  void overloadedIngestAsksClientsToRetry() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "storage:\n  maxHeadRows: 100\n  sealAgeMs: 2000\n");
    Random rnd = new Random(9);
    try (ServerProcess s = ServerProcess.start(dir.resolve("data"), "--config", config.toString())) {
      assertEquals(200, s.postOtlp(TestRequests.chat(rnd, "busy", "gpt-4o", 150, 1, 1).toByteArray(), "application/x-protobuf", null).statusCode());
      HttpResponse<byte[]> r = s.postOtlp(TestRequests.chat(rnd, "busy", "gpt-4o", 5, 1, 1).toByteArray(), "application/x-protobuf", null);
      assertEquals(503, r.statusCode());
      assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
      assertEquals(150, s.count("{\"from\":\"now-1h\",\"metrics\":[\"count\"]}"), "the refused batch is not stored");
      // Once the head is sealed (after sealAgeMs) the same request goes through.
      int status = 503;
      for (int i = 0; i < 100 && status == 503; i++) {
        Thread.sleep(200);
        status = s.postOtlp(TestRequests.chat(rnd, "busy", "gpt-4o", 5, 1, 1).toByteArray(), "application/x-protobuf", null).statusCode();
      }
      assertEquals(200, status);
      assertEquals(155, s.count("{\"from\":\"now-1h\",\"metrics\":[\"count\"]}"));
    }
  }
}
