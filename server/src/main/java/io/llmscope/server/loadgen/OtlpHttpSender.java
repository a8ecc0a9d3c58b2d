package io.llmscope.server.loadgen;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Sends OTLP trace batches over HTTP/1.1 protobuf ({@code POST TARGET/v1/traces}) with a fixed
 * number of requests in flight and optional span-rate pacing.
 *
 * <p>A producer thread pulls and serializes batches while {@code concurrency} sender threads post
 * them, so generation overlaps sending. 429, 502, 503 and 504 answers (and refused connections) are
 * retried, honouring {@code Retry-After} up to {@value #MAX_RETRY_WAIT_MS} ms per wait and {@value
 * #MAX_ATTEMPTS} attempts in all. A 2xx answer acknowledges the batch's spans minus the {@code
 * partial_success.rejected_spans} of its {@code ExportTraceServiceResponse}; anything else, or
 * exhausted retries, counts the batch's spans as failed. Other I/O errors are not retried: the
 * server may have stored the batch, and a resend would count spans twice. When the target stays
 * unreachable through all retries, the run stops early and the batches already queued count as
 * failed.
 */
public final class OtlpHttpSender {
  /** Attempts per batch, the first included. */
  public static final int MAX_ATTEMPTS = 8;
  /** Longest single wait before a retry. */
  public static final long MAX_RETRY_WAIT_MS = 30_000;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_LOGGED_FAILURES = 10;
  private static final String CANNOT_CONNECT = "cannot connect to ";

  private final URI endpoint;
  private final Map<String, String> headers;
  private final int concurrency;
  private final double spansPerSecond;
  private final HttpClient client;
  private int maxAttempts = MAX_ATTEMPTS;

  private final Object paceLock = new Object();
  private long nextSendNs = Long.MIN_VALUE;

  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong spansSent = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong failedSpans = new AtomicLong();
  private final AtomicLong failedBatches = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong loggedFailures = new AtomicLong();
  /** Set when the target stayed unreachable through all retries: stop, don't wait out every batch. */
  private volatile boolean unreachable;

  /**
   * @param target {@code http://HOST:PORT} (a path ending in {@code /v1/traces} is used as is)
   * @param headers extra request headers, e.g. {@code Authorization}
   * @param concurrency requests in flight, at least 1
   * @param spansPerSecond pacing; 0 or less means unlimited
   * @throws IllegalArgumentException for a bad target or a header the HTTP client does not allow
   */
  public OtlpHttpSender(URI target, Map<String, String> headers, int concurrency, double spansPerSecond) {
    Objects.requireNonNull(target, "target");
    if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1");
    this.endpoint = tracesEndpoint(target);
    this.headers = new LinkedHashMap<>(headers == null ? Map.of() : headers);
    this.concurrency = concurrency;
    this.spansPerSecond = spansPerSecond;
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    request(new byte[0]); // validates the headers now rather than on the first send
  }

  /** For tests: fewer attempts per batch. */
  OtlpHttpSender maxAttempts(int attempts) {
    if (attempts < 1) throw new IllegalArgumentException("attempts must be >= 1");
    this.maxAttempts = attempts;
    return this;
  }

  /** {@code TARGET/v1/traces}, or the target itself when it already names that path. */
  static URI tracesEndpoint(URI target) {
    String scheme = target.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || target.getHost() == null) {
      throw new IllegalArgumentException("target must look like http://HOST:PORT, got " + target);
    }
    String s = target.toString();
    if (s.endsWith("/v1/traces")) return target;
    while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
    return URI.create(s + "/v1/traces");
  }

  public URI endpoint() {
    return endpoint;
  }

  /** What happened so far; final once {@link #run} returned. */
  public Result snapshot(long elapsedNanos) {
    return new Result(batches.get(), spansSent.get(), acknowledged.get(), rejected.get(),
        failedSpans.get(), failedBatches.get(), retries.get(), elapsedNanos);
  }

  /** Spans acknowledged so far (for progress reports; safe from any thread). */
  public long acknowledgedSpans() {
    return acknowledged.get();
  }

  /**
   * Sends every batch {@code source} yields until it returns null. {@code source} is called from
   * one producer thread only.
   */
  public Result run(Supplier<ExportTraceServiceRequest> source) throws InterruptedException {
    long t0 = System.nanoTime();
    BlockingQueue<Item> queue = new ArrayBlockingQueue<>(2 * concurrency + 2);
    Throwable[] producerError = new Throwable[1];
    Thread producer = new Thread(() -> {
      try {
        ExportTraceServiceRequest req;
        while (!unreachable && (req = source.get()) != null) {
          int spans = TrafficGenerator.spanCount(req);
          if (spans == 0) continue;
          queue.put(new Item(req.toByteArray(), spans));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable t) {
        producerError[0] = t;
      } finally {
        for (int i = 0; i < concurrency; i++) {
          try {
            queue.put(Item.END);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }, "loadgen-producer");
    producer.setDaemon(true);
    producer.start();

    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Thread w = new Thread(() -> {
        try {
          Item item;
          while ((item = queue.take()) != Item.END) {
            pace(item.spans);
            send(item.body, item.spans);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "loadgen-sender-" + i);
      w.setDaemon(true);
      w.start();
      workers.add(w);
    }
    try {
      producer.join();
      for (Thread w : workers) w.join();
    } catch (InterruptedException e) {
      producer.interrupt();
      for (Thread w : workers) w.interrupt();
      throw e;
    }
    if (producerError[0] != null) {
      throw new IllegalStateException("batch generation failed", producerError[0]);
    }
    return snapshot(System.nanoTime() - t0);
  }

  /** Posts one serialized batch of {@code spans} spans (retrying as described) and counts it. */
  public Outcome send(byte[] body, int spans) throws InterruptedException {
    batches.incrementAndGet();
    spansSent.addAndGet(spans);
    Outcome o = unreachable ? new Outcome(0, 0, true, "not sent: " + endpoint + " is unreachable") : post(body, spans);
    acknowledged.addAndGet(o.acknowledged());
    rejected.addAndGet(o.rejected());
    if (o.failed()) {
      failedSpans.addAndGet(spans);
      failedBatches.incrementAndGet();
      if (loggedFailures.incrementAndGet() <= MAX_LOGGED_FAILURES) {
        System.err.println("loadgen: batch of " + spans + " spans failed: " + o.detail());
      }
    }
    return o;
  }

  private Outcome post(byte[] body, int spans) throws InterruptedException {
    String last = "";
    for (int attempt = 1; ; attempt++) {
      long waitMs;
      try {
        HttpResponse<byte[]> resp = client.send(request(body), HttpResponse.BodyHandlers.ofByteArray());
        int code = resp.statusCode();
        if (code >= 200 && code < 300) {
          long rej = Math.min(spans, rejectedSpans(resp.body()));
          return new Outcome(spans - rej, rej, false, "HTTP " + code);
        }
        last = "HTTP " + code + snippet(resp.body());
        if (!(code == 429 || code == 502 || code == 503 || code == 504)) {
          return new Outcome(0, 0, true, last);
        }
        waitMs = retryAfterMs(resp.headers().firstValue("Retry-After").orElse(null), attempt);
      } catch (ConnectException | HttpConnectTimeoutException e) {
        last = CANNOT_CONNECT + endpoint + ": " + e;
        waitMs = backoffMs(attempt);
      } catch (IOException e) {
        return new Outcome(0, 0, true, e.toString());
      }
      if (attempt >= maxAttempts) {
        if (last.startsWith(CANNOT_CONNECT)) unreachable = true;
        return new Outcome(0, 0, true, last + " (gave up after " + attempt + " attempts)");
      }
      retries.incrementAndGet();
      Thread.sleep(waitMs);
    }
  }

  private HttpRequest request(byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, String> h : headers.entrySet()) b.header(h.getKey(), h.getValue());
    return b.build();
  }

  /** partial_success.rejected_spans of a protobuf response; 0 when absent or unreadable. */
  static long rejectedSpans(byte[] body) {
    if (body == null || body.length == 0) return 0;
    try {
      return Math.max(0, ExportTraceServiceResponse.parseFrom(body).getPartialSuccess().getRejectedSpans());
    } catch (InvalidProtocolBufferException e) {
      return 0;
    }
  }

  /** Retry-After as delta-seconds or an HTTP date, bounded; exponential backoff when absent. */
  static long retryAfterMs(String header, int attempt) {
    if (header != null) {
      String h = header.trim();
      try {
        return clampWait((long) (Double.parseDouble(h) * 1000));
      } catch (NumberFormatException notSeconds) {
        try {
          long at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
          return clampWait(at - System.currentTimeMillis());
        } catch (RuntimeException notDate) {
          // fall through to backoff
        }
      }
    }
    return backoffMs(attempt);
  }

  private static long backoffMs(int attempt) {
    long base = Math.min(5_000, 100L << Math.min(attempt - 1, 10));
    return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }

  private static long clampWait(long ms) {
    return Math.max(0, Math.min(MAX_RETRY_WAIT_MS, ms));
  }

  private static String snippet(byte[] body) {
    if (body == null || body.length == 0) return "";
    String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
    return ": " + s;
  }

  /** Spreads sends so the long-run rate stays at {@code spansPerSecond}; no catch-up bursts. */
  private void pace(int spans) throws InterruptedException {
    if (!(spansPerSecond > 0)) return;
    long at;
    synchronized (paceLock) {
      long now = System.nanoTime();
      at = nextSendNs == Long.MIN_VALUE ? now : Math.max(now, nextSendNs);
      nextSendNs = at + (long) (spans * 1e9 / spansPerSecond);
    }
    long wait;
    while ((wait = at - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
      if (Thread.interrupted()) throw new InterruptedException();
    }
  }

  /** The result of one batch. {@code acknowledged + rejected} is the batch size unless failed. */
  public record Outcome(long acknowledged, long rejected, boolean failed, String detail) {}

  /** Totals of a run, counted in spans unless named batches. */
  public record Result(
      long batches,
      long spansSent,
      long acknowledgedSpans,
      long rejectedSpans,
      long failedSpans,
      long failedBatches,
      long retries,
      long elapsedNanos) {
    public double seconds() {
      return elapsedNanos / 1e9;
    }

    /** True when every span of every batch was acknowledged. */
    public boolean allAcknowledged() {
      return failedBatches == 0 && rejectedSpans == 0 && acknowledgedSpans == spansSent;
    }
  }

  private record Item(byte[] body, int spans) {
    static final Item END = new Item(new byte[0], 0);
  }
}
