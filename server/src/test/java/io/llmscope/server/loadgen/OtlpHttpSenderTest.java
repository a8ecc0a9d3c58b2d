package io.llmscope.server.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpHttpSenderTest {
  private static final long START = 1_764_288_000_000L;
  private static final long END = START + 3_600_000L;

  /** A stand-in OTLP/HTTP receiver; {@link #respond} decides each answer. */
  static final class FakeReceiver implements AutoCloseable {
    interface Responder {
      void respond(HttpExchange ex, int requestNo, int spans) throws IOException;
    }

    final HttpServer server;
    final ExecutorService pool = Executors.newFixedThreadPool(4);
    final AtomicInteger requests = new AtomicInteger();
    final AtomicLong spansReceived = new AtomicLong();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final ConcurrentLinkedQueue<String> contentTypes = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> authorizations = new ConcurrentLinkedQueue<>();
    final ThreadLocal<Integer> currentSpans = new ThreadLocal<>();
    volatile Responder responder = (ex, n, spans) -> ok(ex, 0);

    FakeReceiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(pool);
      server.createContext("/v1/traces", ex -> {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try (InputStream in = ex.getRequestBody()) {
          ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
          int spans = TrafficGenerator.spanCount(req);
          contentTypes.add(String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")));
          authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          int n = requests.incrementAndGet();
          currentSpans.set(spans);
          responder.respond(ex, n, spans);
        } catch (RuntimeException e) {
          send(ex, 500, new byte[0]);
        } finally {
          ex.close();
        }
      });
      server.start();
    }

    URI target() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void ok(HttpExchange ex, long rejected) throws IOException {
      ExportTraceServiceResponse.Builder resp = ExportTraceServiceResponse.newBuilder();
      if (rejected > 0) {
        resp.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
            .setRejectedSpans(rejected)
            .setErrorMessage("too old"));
      }
      send(ex, 200, resp.build().toByteArray());
    }

    void send(HttpExchange ex, int code, byte[] body) throws IOException {
      // Counted before answering, so the count is complete when the client sees the answer.
      if (code >= 200 && code < 300) spansReceived.addAndGet(currentSpans.get());
      inFlight.decrementAndGet();
      ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    }

    @Override
    public void close() {
      server.stop(0);
      pool.shutdownNow();
    }
  }

  private FakeReceiver receiver;

  @AfterEach
  void stop() {
    if (receiver != null) receiver.close();
  }

  private static OtlpHttpSender.Result run(OtlpHttpSender sender, TrafficGenerator gen, int batch)
      throws InterruptedException {
    return sender.run(() -> gen.hasNext() ? gen.nextBatch(batch) : null);
  }

  @Test
  void acknowledgesEverySpanTheServerAccepts() throws Exception {
    receiver = new FakeReceiver();
    receiver.responder = (ex, n, spans) -> {
      sleep(5); // keep requests overlapping so concurrency shows
      receiver.ok(ex, 0);
    };
    OtlpHttpSender sender = new OtlpHttpSender(receiver.target(), Map.of("Authorization", "Bearer k1"), 3, 0);
    TrafficGenerator gen = new TrafficGenerator(1, START, END, 3_000);
    OtlpHttpSender.Result r = run(sender, gen, 100);

    long all = gen.totals().allSpans();
    assertEquals(all, r.spansSent());
    assertEquals(all, r.acknowledgedSpans());
    assertEquals(all, receiver.spansReceived.get());
    assertEquals(receiver.requests.get(), r.batches());
    assertEquals(0, r.rejectedSpans());
    assertEquals(0, r.failedSpans());
    assertEquals(0, r.retries());
    assertTrue(r.allAcknowledged());
    assertTrue(receiver.maxInFlight.get() >= 2 && receiver.maxInFlight.get() <= 3,
        "in flight: " + receiver.maxInFlight.get());
    assertTrue(receiver.contentTypes.stream().allMatch("application/x-protobuf"::equals));
    assertTrue(receiver.authorizations.stream().allMatch("Bearer k1"::equals));
  }

  @Test
  void subtractsPartialSuccessRejections() throws Exception {
    receiver = new FakeReceiver();
    receiver.responder = (ex, n, spans) -> receiver.ok(ex, n % 2 == 0 ? 3 : 0);
    OtlpHttpSender sender = new OtlpHttpSender(receiver.target(), Map.of(), 1, 0);
    TrafficGenerator gen = new TrafficGenerator(2, START, END, 1_000);
    OtlpHttpSender.Result r = run(sender, gen, 64);

    long evenRequests = r.batches() / 2;
    assertEquals(3 * evenRequests, r.rejectedSpans());
    assertEquals(gen.totals().allSpans() - 3 * evenRequests, r.acknowledgedSpans());
    assertEquals(0, r.failedSpans());
    assertFalse(r.allAcknowledged());
  }

  @Test
  void retries503HonouringRetryAfter() throws Exception {
    receiver = new FakeReceiver();
    receiver.responder = (ex, n, spans) -> {
      if (n == 1) {
        ex.getResponseHeaders().set("Retry-After", "1");
        receiver.send(ex, 503, new byte[0]);
      } else {
        receiver.ok(ex, 0);
      }
    };
    OtlpHttpSender sender = new OtlpHttpSender(receiver.target(), Map.of(), 1, 0);
    TrafficGenerator gen = new TrafficGenerator(3, START, END, 200);
    long t0 = System.nanoTime();
    OtlpHttpSender.Result r = run(sender, gen, 1_000);
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertEquals(1, r.batches(), "one batch, sent twice");
    assertEquals(2, receiver.requests.get());
    assertEquals(1, r.retries());
    assertEquals(gen.totals().allSpans(), r.acknowledgedSpans());
    assertEquals(gen.totals().allSpans(), receiver.spansReceived.get());
    assertTrue(r.allAcknowledged());
    assertTrue(ms >= 900, "waited for Retry-After: " + ms + " ms");
  }

  @Test
  void retries429AndGivesUpEventually() throws Exception {
    receiver = new FakeReceiver();
    receiver.responder = (ex, n, spans) -> {
      ex.getResponseHeaders().set("Retry-After", "0.05");
      receiver.send(ex, 429, "slow down".getBytes());
    };
    OtlpHttpSender sender = new OtlpHttpSender(receiver.target(), Map.of(), 1, 0);
    long t0 = System.nanoTime();
    OtlpHttpSender.Outcome o = sender.send(new TrafficGenerator(4, START, END, 10).nextBatch(100).toByteArray(), 10);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(o.failed());
    assertEquals(OtlpHttpSender.MAX_ATTEMPTS, receiver.requests.get());
    assertTrue(o.detail().contains("429"), o.detail());
    assertTrue(ms >= 50 * (OtlpHttpSender.MAX_ATTEMPTS - 1), "waited between attempts: " + ms + " ms");
    OtlpHttpSender.Result r = sender.snapshot(0);
    assertEquals(10, r.failedSpans());
    assertEquals(1, r.failedBatches());
    assertEquals(OtlpHttpSender.MAX_ATTEMPTS - 1, r.retries());
  }

  @Test
  void otherErrorsFailAtOnce() throws Exception {
    receiver = new FakeReceiver();
    receiver.responder = (ex, n, spans) -> receiver.send(ex, 400, "bad".getBytes());
    OtlpHttpSender sender = new OtlpHttpSender(receiver.target(), Map.of(), 2, 0);
    TrafficGenerator gen = new TrafficGenerator(5, START, END, 500);
    OtlpHttpSender.Result r = run(sender, gen, 100);
    assertEquals(receiver.requests.get(), r.batches(), "no retries on 400");
    assertEquals(gen.totals().allSpans(), r.failedSpans());
    assertEquals(r.batches(), r.failedBatches());
    assertEquals(0, r.acknowledgedSpans());
    assertFalse(r.allAcknowledged());
  }

  @Test
  void pacesToTheRequestedRate() throws Exception {
    receiver = new FakeReceiver();
    OtlpHttpSender sender = new OtlpHttpSender(receiver.target(), Map.of(), 2, 4_000);
    TrafficGenerator gen = new TrafficGenerator(6, START, END, 1_100); // ~2,000 spans in all
    long t0 = System.nanoTime();
    OtlpHttpSender.Result r = run(sender, gen, 100);
    double seconds = (System.nanoTime() - t0) / 1e9;
    // The first batch goes at once; the rest are spread at 4,000 spans/s.
    double expected = (gen.totals().allSpans() - 100) / 4_000.0;
    assertTrue(seconds >= expected * 0.9, "took " + seconds + "s, expected >= " + expected);
    assertTrue(r.allAcknowledged());
  }

  @Test
  void stopsEarlyWhenTheTargetIsUnreachable() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    OtlpHttpSender sender = new OtlpHttpSender(URI.create("http://127.0.0.1:" + port), Map.of(), 2, 0).maxAttempts(2);
    TrafficGenerator gen = new TrafficGenerator(7, START, END, 100_000);
    long t0 = System.nanoTime();
    OtlpHttpSender.Result r = run(sender, gen, 100);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 5_000, "gave up quickly: " + ms + " ms");
    assertTrue(gen.hasNext(), "generation stopped early");
    assertEquals(0, r.acknowledgedSpans());
    assertEquals(r.spansSent(), r.failedSpans());
    assertEquals(r.batches(), r.failedBatches());
    assertTrue(r.batches() < 50, "batches " + r.batches());
    assertFalse(r.allAcknowledged());
  }

  @Test
  void validatesTargetAndHeaders() {
    assertEquals(URI.create("http://h:1/v1/traces"), OtlpHttpSender.tracesEndpoint(URI.create("http://h:1")));
    assertEquals(URI.create("http://h:1/v1/traces"), OtlpHttpSender.tracesEndpoint(URI.create("http://h:1/")));
    assertEquals(URI.create("http://h:1/v1/traces"), OtlpHttpSender.tracesEndpoint(URI.create("http://h:1/v1/traces")));
    assertThrows(IllegalArgumentException.class, () -> OtlpHttpSender.tracesEndpoint(URI.create("h:1")));
    assertThrows(IllegalArgumentException.class,
        () -> new OtlpHttpSender(URI.create("http://h:1"), Map.of("Host", "x"), 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new OtlpHttpSender(URI.create("http://h:1"), Map.of(), 0, 0));
  }

  @Test
  void parsesRetryAfter() {
    assertEquals(2_000, OtlpHttpSender.retryAfterMs("2", 1));
    assertEquals(OtlpHttpSender.MAX_RETRY_WAIT_MS, OtlpHttpSender.retryAfterMs("3600", 1));
    assertEquals(0, OtlpHttpSender.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", 1), "a date in the past");
    long backoff = OtlpHttpSender.retryAfterMs(null, 1);
    assertTrue(backoff >= 50 && backoff <= 100, "first backoff " + backoff);
    assertEquals(0, OtlpHttpSender.rejectedSpans(new byte[0]));
    assertEquals(0, OtlpHttpSender.rejectedSpans("{}".getBytes()));
    List<Long> samples = List.of(
        OtlpHttpSender.rejectedSpans(ExportTraceServiceResponse.newBuilder()
            .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(7))
            .build()
            .toByteArray()));
    assertEquals(List.of(7L), samples);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
