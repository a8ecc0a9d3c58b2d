package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw gRPC calls with bad messages get INVALID_ARGUMENT / RESOURCE_EXHAUSTED; good ones still work. */
class GrpcBadInputIT {
  static final int LIMIT = 64 * 1024;
  static final ServiceMethod<Buffer, Buffer> EXPORT = ServiceMethod.client(
      ServiceName.create("opentelemetry.proto.collector.trace.v1.TraceService"), "Export",
      GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY);

  @TempDir static Path dir;
  static ServerProcess server;
  static Vertx vertx;
  static GrpcClient client;
  static final Random RND = new Random(5);

  @BeforeAll
  static void start() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "ingest:\n  maxBodyBytes: " + LIMIT + "\n");
    server = ServerProcess.start(dir.resolve("data"), "--config", config.toString());
    vertx = Vertx.vertx();
    client = GrpcClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) client.close().await(5, TimeUnit.SECONDS);
    if (vertx != null) vertx.close().await(5, TimeUnit.SECONDS);
    if (server != null) server.close();
  }

  record Result(GrpcStatus status, String message, Buffer body) {}

  static Result call(byte[] message) throws Exception {
    GrpcClientRequest<Buffer, Buffer> req = client.request(SocketAddress.inetSocketAddress(server.grpcPort, "127.0.0.1"), EXPORT)
        .await(10, TimeUnit.SECONDS);
    // Attach to the response inside the callback, so no message can slip past unread.
    return req.send(Buffer.buffer(message))
        .compose(resp -> resp.last().transform(ar ->
            Future.succeededFuture(new Result(resp.status(), resp.statusMessage(), ar.succeeded() ? ar.result() : null))))
        .await(10, TimeUnit.SECONDS);
  }

  void assertStillServing() throws Exception {
    Result ok = call(TestRequests.chat(RND, "grpc-check", "gpt-4o", 2, 1, 1).toByteArray());
    assertEquals(GrpcStatus.OK, ok.status(), ok.message());
    assertNotNull(ExportTraceServiceResponse.parseFrom(ok.body().getBytes()));
  }

  @Test
  void garbageAndTruncatedMessagesAreInvalidArgument() throws Exception {
    byte[] garbage = new byte[2048];
    RND.nextBytes(garbage);
    Result r = call(garbage);
    assertEquals(GrpcStatus.INVALID_ARGUMENT, r.status());
    assertNotNull(r.message());
    assertStillServing();
    byte[] full = TestRequests.chat(RND, "x", "gpt-4o", 10, 1, 1).toByteArray();
    r = call(Arrays.copyOf(full, full.length - 7));
    assertEquals(GrpcStatus.INVALID_ARGUMENT, r.status());
    assertStillServing();
  }

  @Test
  void oversizedMessageIsResourceExhausted() throws Exception {
    byte[] big = TestRequests.chat(RND, "x", "gpt-4o", 2000, 1, 1).toByteArray();
    assertTrue(big.length > LIMIT);
    Result r = call(big);
    assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, r.status(), r.message());
    assertStillServing();
  }
}
