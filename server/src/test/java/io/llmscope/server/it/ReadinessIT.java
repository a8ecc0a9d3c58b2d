package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /readyz while a store with a large unsealed WAL recovers: 503 with the reason from the moment
 * the port is bound, 200 once the ready line is printed.
 */
class ReadinessIT {
  private static final String RECOVERING = "503 not ready: recovering (opening segments and replaying the write-ahead log)";
  @TempDir Path dir;

  @Test
  void readyzSaysRecoveringUntilTheWalIsReplayedThenReady() throws Exception {
    Path data = dir.resolve("data");
    Path config = dir.resolve("config.yaml");
    // Nothing is sealed: the restart replays every span from the WAL.
    Files.writeString(config, "storage:\n  sealRows: 5000000\n  maxHeadRows: 5000000\n  sealAge: 1h\n");
    Random rnd = new Random(3);
    try (ServerProcess s = ServerProcess.start(data, "--config", config.toString())) {
      for (int i = 0; i < 150; i++) {
        assertEquals(200, s.postOtlp(TestRequests.chat(rnd, "replay", "gpt-4o", 2000, 1, 1).toByteArray(),
            "application/x-protobuf", null).statusCode());
      }
      assertEquals(0, s.get("/api/v1/status").get("segments").asLong());
      s.kill();
    }
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    CompletableFuture<ServerProcess> starting = CompletableFuture.supplyAsync(() -> {
      try {
        return ServerProcess.start(data, "--config", config.toString(), "--http-port", String.valueOf(port));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // HTTP/1.1: an h2c upgrade would put every probe on one connection, which the hand-over closes.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
        .timeout(Duration.ofSeconds(5)).build();
    List<String> seen = new ArrayList<>();
    while (!starting.isDone()) {
      try {
        HttpResponse<String> r = http.send(readyz, HttpResponse.BodyHandlers.ofString());
        seen.add(r.statusCode() + " " + r.body().trim());
      } catch (IOException e) {
        // not bound yet (JVM start), or the recovery listener closed this connection as the API took over
      }
      Thread.sleep(5);
    }
    try (ServerProcess s = starting.get()) {
      assertTrue(seen.contains(RECOVERING), "saw: " + seen);
      // The ready line reaches the test a little after /readyz turns 200: the answers go 503 ... 200 ..., never back.
      int firstReady = seen.indexOf("200 ready");
      for (int i = 0; i < seen.size(); i++) {
        assertEquals(firstReady >= 0 && i >= firstReady ? "200 ready" : RECOVERING, seen.get(i), "answer " + i + " of " + seen);
      }
      HttpResponse<String> r = http.send(readyz, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(300_000, s.get("/api/v1/status").get("spans").asLong());
    }
  }
}
