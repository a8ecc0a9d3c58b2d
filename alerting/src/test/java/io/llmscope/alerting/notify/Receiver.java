package io.llmscope.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * A real HTTP receiver on an ephemeral loopback port. It records every request and answers the
 * n-th (1-based) with what {@link #answer} says; an answer may first wait on {@link #gate}, which
 * stands for a receiver that does not answer until the test lets it.
 */
final class Receiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One received request. */
  record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) return e.getValue().get(0);
      }
      return null;
    }
  }

  /** What to answer: a status, an optional Retry-After, a body, and whether to wait on the gate first. */
  record Answer(int status, String retryAfter, String body, boolean gated) {
    static Answer of(int status) {
      return new Answer(status, null, "", false);
    }

    static Answer gated(int status) {
      return new Answer(status, null, "", true);
    }
  }

  final CountDownLatch gate = new CountDownLatch(1);
  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-receiver");
    t.setDaemon(true);
    return t;
  });
  private final IntFunction<Answer> answer;
  private final List<Request> requests = new ArrayList<>();

  Receiver(IntFunction<Answer> answer) {
    this.answer = answer;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(pool); // a gated request must not hold up the next one
    server.start();
  }

  /** Answers every request {@code status}. */
  static Receiver always(int status) {
    return new Receiver(n -> Answer.of(status));
  }

  URI url(String path) {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + path);
  }

  private void handle(HttpExchange ex) throws IOException {
    int n;
    byte[] body = ex.getRequestBody().readAllBytes();
    synchronized (this) {
      requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), body));
      n = requests.size();
      notifyAll();
    }
    Answer a = answer.apply(n);
    if (a.gated()) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (a.retryAfter() != null) ex.getResponseHeaders().add("Retry-After", a.retryAfter());
    byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
    try {
      ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) ex.getResponseBody().write(out);
    } catch (IOException e) {
      // the client gave up on this request (a timeout): nothing to answer
    } finally {
      ex.close();
    }
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests once there are at least {@code count}; fails after 30 s. */
  synchronized List<Request> await(int count) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (requests.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new TimeoutException("got " + requests.size() + " of " + count + " requests");
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    gate.countDown();
    server.stop(0);
    pool.shutdownNow();
  }
}
