package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM under load, on the built jar: the server stops taking requests, answers every one it
 * took, flushes the WAL and exits 0; after a restart every acknowledged span is there, once.
 *
 * <p>Client threads post OTLP batches in a loop over HTTP/1.1, HTTP/2 (h2c) and gRPC, and one
 * queries the API port in a loop. Each request
 * must end in a complete answer (OK, or 503 / UNAVAILABLE: nothing stored, retry later) or in a
 * failure to connect (nothing was sent). Anything else — a connection closed or reset under a
 * request that went out, a GOAWAY that cancels a stream, a timeout — is a request the server
 * dropped. Like OTLP exporters, the clients wait out a refusal before their next request.
 */
class ShutdownIT {
  static final int SPANS_PER_REQUEST = 50;
  static final int WARM_UP_ACKS = 5;
  static final String COUNT = "{\"from\":\"now-1h\",\"metrics\":[\"count\"]}";

  @TempDir Path dir;

  /** What every client saw. */
  static final class Tally {
    final AtomicLong acked = new AtomicLong();
    final AtomicLong ackedSpans = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong notConnected = new AtomicLong();
    final ConcurrentLinkedQueue<String> dropped = new ConcurrentLinkedQueue<>();
  }

  /** ACKED: the batch is stored; ANSWERED: a query answered; REFUSED: 503 / UNAVAILABLE, retry later. */
  enum Outcome { ACKED, ANSWERED, REFUSED }

  /** One protocol's client: sends one batch and says how it was answered, or throws. */
  @FunctionalInterface
  interface Sender {
    Outcome send(byte[] body) throws Exception;
  }

  @Test
  void sigtermAnswersEveryRequestItTookAndLosesNoAcknowledgedSpan() throws Exception {
    Path data = dir.resolve("data");
    Tally tally = new Tally();
    AtomicBoolean stop = new AtomicBoolean();
    Vertx vertx = Vertx.vertx();
    GrpcClient grpc = GrpcClient.client(vertx);
    try (ServerProcess s = ServerProcess.start(data)) {
      List<String> names = List.of("http/1.1-a", "http/1.1-b", "h2c", "grpc-a", "grpc-b", "query");
      List<Sender> senders = List.of(http(s, HttpClient.Version.HTTP_1_1), http(s, HttpClient.Version.HTTP_1_1),
          http(s, HttpClient.Version.HTTP_2), grpc(grpc, s.grpcPort), grpc(grpc, s.grpcPort), query(s));
      List<AtomicLong> acksPerClient = new ArrayList<>();
      List<Thread> clients = new ArrayList<>();
      for (int i = 0; i < senders.size(); i++) {
        AtomicLong acks = new AtomicLong();
        acksPerClient.add(acks);
        Sender sender = senders.get(i);
        String name = names.get(i);
        Random rnd = new Random(i);
        Thread t = new Thread(() -> sendInALoop(name, sender, rnd, tally, acks, stop), "client-" + name);
        clients.add(t);
        t.start();
      }
      // SIGTERM once every client is in full swing.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (acksPerClient.stream().anyMatch(a -> a.get() < WARM_UP_ACKS) && System.nanoTime() < deadline) Thread.sleep(10);
      assertTrue(acksPerClient.stream().allMatch(a -> a.get() >= WARM_UP_ACKS),
          "every client got going: " + acksPerClient + " " + tally.dropped);
      long before = System.nanoTime();
      int exit = s.terminate();
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
      stop.set(true);
      for (Thread t : clients) t.join(30_000);
      System.out.println("ShutdownIT: exit " + exit + " after " + tookMs + " ms; " + tally.acked + " requests acknowledged, "
          + tally.refused + " refused, " + tally.notConnected + " not connected, " + tally.dropped.size() + " dropped");
      assertEquals(0, exit, "exit code after SIGTERM\n" + s.logText());
      assertTrue(tally.dropped.isEmpty(), tally.dropped.size() + " requests got no answer: " + tally.dropped + "\n" + s.logText());
    } finally {
      grpc.close().await(5, TimeUnit.SECONDS);
      vertx.close().await(5, TimeUnit.SECONDS);
    }
    try (ServerProcess again = ServerProcess.start(data)) {
      assertEquals(tally.ackedSpans.get(), again.count(COUNT),
          "every acknowledged span is stored, once (" + tally.acked + " requests acknowledged, " + tally.refused + " refused)");
      assertEquals(0, again.terminate());
    }
  }

  static void sendInALoop(String name, Sender sender, Random rnd, Tally tally, AtomicLong acks, AtomicBoolean stop) {
    while (!stop.get()) {
      byte[] body = TestRequests.chat(rnd, "shutdown-" + name, "gpt-4o", SPANS_PER_REQUEST, 1, 1).toByteArray();
      try {
        Outcome outcome = sender.send(body);
        if (outcome == Outcome.ANSWERED) {
          acks.incrementAndGet();
        } else if (outcome == Outcome.ACKED) {
          acks.incrementAndGet();
          tally.acked.incrementAndGet();
          tally.ackedSpans.addAndGet(SPANS_PER_REQUEST);
        } else {
          tally.refused.incrementAndGet();
          Thread.sleep(1000); // Retry-After: 1
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (causedBy(e, ConnectException.class)) {
          tally.notConnected.incrementAndGet(); // nothing was sent
          sleep(50);
        } else {
          tally.dropped.add(name + ": " + e);
        }
      }
    }
  }

  /** OTLP/HTTP protobuf; a refusal must carry Retry-After. */
  static Sender http(ServerProcess s, HttpClient.Version version) {
    HttpClient http = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
    return body -> {
      HttpRequest req = HttpRequest.newBuilder(URI.create(s.otlpUrl())).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 200) return Outcome.ACKED;
      if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) return Outcome.REFUSED;
      throw new IllegalStateException("HTTP " + r.statusCode() + " " + r.headers().map());
    };
  }

  /** A count query on the API port (the batch is not sent); a refusal must carry Retry-After. */
  static Sender query(ServerProcess s) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    return body -> {
      HttpRequest req = HttpRequest.newBuilder(URI.create(s.apiUrl("/api/v1/query"))).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(COUNT)).build();
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && r.body().contains("\"rows\"")) return Outcome.ANSWERED;
      if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) return Outcome.REFUSED;
      throw new IllegalStateException("HTTP " + r.statusCode() + " " + r.body());
    };
  }

  /** OTLP/gRPC through the Vert.x client (no retries of its own, unlike an SDK exporter). */
  static Sender grpc(GrpcClient client, int port) {
    return body -> {
      GrpcClientRequest<Buffer, Buffer> req = client.request(SocketAddress.inetSocketAddress(port, "127.0.0.1"),
          GrpcBadInputIT.EXPORT).await(30, TimeUnit.SECONDS);
      GrpcStatus status = req.send(Buffer.buffer(body))
          .compose(resp -> resp.last().transform(ar -> Future.succeededFuture(resp.status())))
          .await(30, TimeUnit.SECONDS);
      if (status == GrpcStatus.OK) return Outcome.ACKED;
      if (status == GrpcStatus.UNAVAILABLE) return Outcome.REFUSED;
      throw new IllegalStateException("gRPC " + status);
    };
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) if (type.isInstance(t)) return true;
    return false;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
