package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad OTLP/HTTP requests get the right status and message, and the server keeps serving. */
class BadInputIT {
  static final int LIMIT = 64 * 1024;
  @TempDir static Path dir;
  static ServerProcess server;
  static final Random RND = new Random(7);
  static int goodSpans;

  @BeforeAll
  static void start() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "ingest:\n  maxBodyBytes: " + LIMIT + "\n");
    server = ServerProcess.start(dir.resolve("data"), "--config", config.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.ISO_8859_1);
  }

  /** A valid request right after each bad one proves the server still serves. */
  private static void assertStillServing() throws Exception {
    byte[] good = TestRequests.chat(RND, "bad-input-check", "gpt-4o", 3, 10, 5).toByteArray();
    HttpResponse<byte[]> r = server.postOtlp(good, "application/x-protobuf", null);
    assertEquals(200, r.statusCode(), text(r));
    goodSpans += 3;
    assertEquals(goodSpans, server.count("{\"from\":\"now-1h\",\"filters\":[{\"field\":\"service\",\"op\":\"=\",\"value\":\"bad-input-check\"}],\"metrics\":[\"count\"]}"));
  }

  @Test
  void garbageProtobufIs400() throws Exception {
    byte[] garbage = new byte[4096];
    RND.nextBytes(garbage);
    HttpResponse<byte[]> r = server.postOtlp(garbage, "application/x-protobuf", null);
    assertEquals(400, r.statusCode());
    assertTrue(text(r).toLowerCase().contains("protobuf"), text(r));
    assertStillServing();
  }

  @Test
  void truncatedProtobufIs400() throws Exception {
    byte[] full = TestRequests.chat(RND, "x", "gpt-4o", 20, 10, 5).toByteArray();
    HttpResponse<byte[]> r = server.postOtlp(Arrays.copyOf(full, full.length / 2), "application/x-protobuf", null);
    assertEquals(400, r.statusCode(), text(r));
    assertStillServing();
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    HttpResponse<byte[]> r = server.postOtlp("hello".getBytes(), "text/plain", null);
    assertEquals(415, r.statusCode());
    assertTrue(text(r).contains("unsupported content type"), text(r));
    assertStillServing();
  }

  @Test
  void malformedJsonIs400WithMessage() throws Exception {
    HttpResponse<byte[]> r = server.postOtlp("{\"resourceSpans\": [".getBytes(), "application/json", null);
    assertEquals(400, r.statusCode());
    assertTrue(server.JSON.readTree(r.body()).get("message").asText().length() > 5, text(r));
    assertStillServing();
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    byte[] big = TestRequests.chat(RND, "x", "gpt-4o", 2000, 10, 5).toByteArray();
    assertTrue(big.length > LIMIT);
    HttpResponse<byte[]> r = server.postOtlp(big, "application/x-protobuf", null);
    assertEquals(413, r.statusCode());
    assertStillServing();
  }

  @Test
  void gzipBombIs413AndBadGzipIs400() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(new byte[LIMIT * 8]);
    }
    assertTrue(bytes.size() < LIMIT);
    HttpResponse<byte[]> r = server.postOtlp(bytes.toByteArray(), "application/x-protobuf", "gzip");
    assertEquals(413, r.statusCode(), text(r));
    r = server.postOtlp("not gzip at all".getBytes(), "application/x-protobuf", "gzip");
    assertEquals(400, r.statusCode(), text(r));
    assertStillServing();
  }

  @Test
  void gzipProtobufIsAccepted() throws Exception {
    byte[] body = TestRequests.chat(RND, "gzip-ok", "gpt-4o", 7, 10, 5).toByteArray();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(body);
    }
    HttpResponse<byte[]> r = server.postOtlp(bytes.toByteArray(), "application/x-protobuf", "gzip");
    assertEquals(200, r.statusCode(), text(r));
    assertEquals(7, server.count("{\"from\":\"now-1h\",\"filters\":[{\"field\":\"service\",\"op\":\"=\",\"value\":\"gzip-ok\"}],\"metrics\":[\"count\"]}"));
  }

  @Test
  void badQueriesAre400WithTheProblemNamed() throws Exception {
    ServerProcess.Response r = server.query("{\"from\":\"now-1h\",\"metrics\":[\"count\"],\"groupBy\":[\"nope\"]}");
    assertEquals(400, r.status());
    assertTrue(r.body().get("error").asText().contains("unknown field 'nope'"), r.body().toString());
    r = server.query("not json");
    assertEquals(400, r.status());
    assertStillServing();
  }
}
