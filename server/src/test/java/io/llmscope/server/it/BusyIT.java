package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request that would take the unsealed rows past {@code storage.maxHeadRows} is refused (OTLP/HTTP
 * 503 with Retry-After, gRPC UNAVAILABLE), stores nothing, and starts a seal at once: the same
 * request soon goes through. The heads stay below {@code storage.sealRows} and {@code sealAge} is
 * an hour, so only that seal can let it through.
 */
class BusyIT {
  static final String CONFIG = "storage:\n  sealRows: 100\n  maxHeadRows: 150\n  sealAge: 1h\n";
  static final String COUNT = "{\"from\":\"now-1h\",\"metrics\":[\"count\"]}";
  static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60); // a hang, not a timing claim

  @TempDir Path dir;

  @Test
  void aRequestPastTheHeadCapIsRefusedAndIngestResumesWithoutWaitingForTheSealAge() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), CONFIG);
    Random rnd = new Random(9);
    Vertx vertx = Vertx.vertx();
    GrpcClient grpc = GrpcClient.client(vertx);
    try (ServerProcess s = ServerProcess.start(dir.resolve("data"), "--config", config.toString())) {
      // OTLP/HTTP: 90 rows wait (below sealRows: nothing is due); 90 more would pass 150.
      assertEquals(200, post(s, batch(rnd, 90)).statusCode());
      byte[] refused = batch(rnd, 90);
      HttpResponse<byte[]> r = post(s, refused);
      assertEquals(503, r.statusCode());
      assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
      assertEquals(90, s.count(COUNT), "the refused batch is not stored");
      long deadline = System.nanoTime() + DEADLINE_NANOS;
      while (post(s, refused).statusCode() == 503) {
        assertTrue(System.nanoTime() < deadline, "ingest did not resume: " + s.get("/api/v1/status"));
        Thread.sleep(50);
      }
      assertEquals(180, s.count(COUNT));
      JsonNode status = s.get("/api/v1/status");
      assertEquals(1, status.get("segments").asInt(), "the 90 rows below sealRows were sealed: " + status);
      assertEquals(90, status.get("headRows").asInt(), "the retried batch waits in a fresh head: " + status);

      // OTLP/gRPC, the same: 90 rows wait again.
      byte[] refusedOverGrpc = batch(rnd, 90);
      assertEquals(GrpcStatus.UNAVAILABLE, export(grpc, s.grpcPort, refusedOverGrpc));
      assertEquals(180, s.count(COUNT), "the refused batch is not stored");
      deadline = System.nanoTime() + DEADLINE_NANOS;
      GrpcStatus st;
      while ((st = export(grpc, s.grpcPort, refusedOverGrpc)) == GrpcStatus.UNAVAILABLE) {
        assertTrue(System.nanoTime() < deadline, "ingest did not resume: " + s.get("/api/v1/status"));
        Thread.sleep(50);
      }
      assertEquals(GrpcStatus.OK, st);
      assertEquals(270, s.count(COUNT));
      assertEquals(90, s.get("/api/v1/status").get("headRows").asInt(), "the 90 rows before were sealed too");
      assertEquals(0, s.terminate());
    } finally {
      grpc.close().await(5, TimeUnit.SECONDS);
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  static byte[] batch(Random rnd, int spans) {
    return TestRequests.chat(rnd, "busy", "gpt-4o", spans, 1, 1).toByteArray();
  }

  static HttpResponse<byte[]> post(ServerProcess s, byte[] body) throws Exception {
    return s.postOtlp(body, "application/x-protobuf", null);
  }

  static GrpcStatus export(GrpcClient client, int port, byte[] body) throws Exception {
    GrpcClientRequest<Buffer, Buffer> req = client.request(SocketAddress.inetSocketAddress(port, "127.0.0.1"),
        GrpcBadInputIT.EXPORT).await(30, TimeUnit.SECONDS);
    return req.send(Buffer.buffer(body))
        .compose(resp -> resp.last().transform(ar -> Future.succeededFuture(resp.status())))
        .await(30, TimeUnit.SECONDS);
  }
}
