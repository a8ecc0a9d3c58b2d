package io.llmscope.server.loadgen;

import io.llmscope.query.TimeExpr;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code llmscope loadgen}: sends the synthetic GenAI dataset of BENCHMARKS.md over OTLP/HTTP
 * protobuf. Progress goes to stderr about once a second; the last line on stdout is
 *
 * <pre>loadgen done spans=ACK llm_spans=N seconds=S spans_per_s=R acknowledged=ACK rejected=R failed=F</pre>
 *
 * where {@code spans}/{@code acknowledged} are spans the server acknowledged, {@code rejected} spans
 * it refused through {@code partial_success}, and {@code failed} spans of batches that never got a
 * 2xx. Exit code 0 when every span was acknowledged, 1 otherwise.
 */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    description = "Send realistic synthetic GenAI traces over OTLP/HTTP protobuf.")
public class LoadgenCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--target", required = true, paramLabel = "URL",
      description = "OTLP/HTTP base URL, e.g. http://127.0.0.1:4318 (POSTs to URL/v1/traces).")
  String target;

  @Option(names = "--spans", required = true, paramLabel = "N",
      description = "Number of LLM spans to send; root and tool spans come on top.")
  long spans;

  @Option(names = "--batch", defaultValue = "512", paramLabel = "N",
      description = "Spans per request, all kinds counted (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--concurrency", defaultValue = "2", paramLabel = "C",
      description = "Requests in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--rate", paramLabel = "SPANS_PER_S",
      description = "Pace sending to this many spans per second (default: unlimited).")
  Double rate;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
      description = "Random seed; the same seed gives the same data (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--start", paramLabel = "ISO",
      description = "Earliest span start time: ISO-8601, epoch ms, now or now-2h (default: --end minus 24h).")
  String start;

  @Option(names = "--end", paramLabel = "ISO",
      description = "End of the time range, exclusive: ISO-8601, epoch ms, now or now-1h (default: now).")
  String end;

  @Option(names = "--header", paramLabel = "K=V",
      description = "Extra HTTP header, repeatable, e.g. --header Authorization='Bearer KEY'.")
  Map<String, String> headers = new LinkedHashMap<>();

  public LoadgenCommand() {}

  @Override
  public Integer call() throws Exception {
    if (spans < 0) throw usage("--spans must be >= 0");
    if (batch < 1) throw usage("--batch must be >= 1");
    if (concurrency < 1) throw usage("--concurrency must be >= 1");
    if (rate != null && !(rate > 0)) throw usage("--rate must be > 0");
    long endMs;
    long startMs;
    try {
      endMs = end == null ? System.currentTimeMillis() : parseTime("--end", end);
      startMs = start == null ? endMs - 24L * 3600 * 1000 : parseTime("--start", start);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (startMs >= endMs) throw usage("--start must be before --end");

    OtlpHttpSender sender;
    try {
      sender = new OtlpHttpSender(URI.create(target), headers, concurrency, rate == null ? 0 : rate);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    TrafficGenerator gen = new TrafficGenerator(seed, startMs, endMs, spans);
    PrintStream err = System.err;
    err.printf(Locale.ROOT, "loadgen: %d LLM spans to %s, batch=%d concurrency=%d rate=%s range=[%s, %s)%n",
        spans, sender.endpoint(), batch, concurrency, rate == null ? "unlimited" : fmt(rate),
        Instant.ofEpochMilli(startMs), Instant.ofEpochMilli(endMs));

    long t0 = System.nanoTime();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loadgen-progress");
      t.setDaemon(true);
      return t;
    });
    long[] last = {t0, 0};
    ticker.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      long acked = sender.acknowledgedSpans();
      double recent = (acked - last[1]) / ((now - last[0]) / 1e9);
      last[0] = now;
      last[1] = acked;
      err.printf(Locale.ROOT, "loadgen: %d spans acknowledged, %s spans/s (%.0fs)%n",
          acked, fmt(recent), (now - t0) / 1e9);
    }, 1, 1, TimeUnit.SECONDS);

    OtlpHttpSender.Result r;
    try {
      r = sender.run(() -> gen.hasNext() ? gen.nextBatch(batch) : null);
    } finally {
      ticker.shutdownNow();
    }
    TrafficGenerator.Totals totals = gen.totals();
    double seconds = r.seconds();
    double perSecond = seconds > 0 ? r.acknowledgedSpans() / seconds : 0;
    err.printf(Locale.ROOT, "loadgen: %d batches, %d spans generated (%d LLM), %d retries, %d failed batches%n",
        r.batches(), totals.allSpans(), totals.llmSpans(), r.retries(), r.failedBatches());
    System.out.printf(Locale.ROOT,
        "loadgen done spans=%d llm_spans=%d seconds=%.3f spans_per_s=%.0f acknowledged=%d rejected=%d failed=%d%n",
        r.acknowledgedSpans(), totals.llmSpans(), seconds, perSecond,
        r.acknowledgedSpans(), r.rejectedSpans(), r.failedSpans());
    System.out.flush();
    return r.allAcknowledged() ? 0 : 1;
  }

  /** A time as {@link TimeExpr} reads it (ISO-8601, a date-time without zone as UTC, epoch ms, now, now-1h). */
  static long parseTime(String option, String text) {
    return TimeExpr.timeMs(text, System.currentTimeMillis(), option);
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.0f", v);
  }
}
