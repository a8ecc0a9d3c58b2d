package io.llmscope.bench;

import io.llmscope.alerting.Alerting;
import io.llmscope.query.QueryEngine;
import io.llmscope.query.QueryLimits;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Issue 11's cost-of-evaluation figure: one alerting cycle of R rules over a store of N spans
 * spread over eight days, in-process (no HTTP). Rules mix thresholds (two windows, three group-bys,
 * eleven filter sets, many metrics), anomalies (1 h against 7 days) and daily budgets, as a tenant
 * with many dashboards' worth of rules would have. Prints each cycle's time and the median.
 *
 * <pre>java -cp jmh/target/benchmarks.jar io.llmscope.bench.AlertCycleBench SPANS RULES [CYCLES [COLUMN_CACHE_MB]]</pre>
 *
 * The column cache defaults to the store's (a quarter of the heap); 0 turns it off.
 */
public final class AlertCycleBench {
  private static final String[] SERVICES = {"chat-api", "search", "billing", "agents", "support", "docs", "mail", "voice", "batch", "eval"};
  private static final String[] MODELS = new String[20];
  private static final String[] METRICS = {"count", "error_rate", "p95(duration_ms)", "p50(duration_ms)", "p99(duration_ms)",
      "sum(cost_usd)", "avg(cost_usd)", "sum(input_tokens)", "avg(input_tokens)", "sum(output_tokens)", "avg(output_tokens)",
      "max(duration_ms)", "error_count", "avg(duration_ms)", "p90(duration_ms)"};

  static {
    for (int i = 0; i < MODELS.length; i++) MODELS[i] = "model-" + i;
  }

  public static void main(String[] args) throws Exception {
    long spans = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    int rules = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int cycles = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    long cacheBytes = args.length > 3 ? Long.parseLong(args[3]) << 20 : StorageConfig.defaultColumnCacheBytes();
    Path dir = Files.createTempDirectory("alert-bench");
    long day = 86_400_000L;
    long end = (System.currentTimeMillis() / day) * day;
    long start = end - 8 * day;
    try (Storage storage = Storage.open(StorageConfig.builder(dir).sealRows(512 * 1024).maxHeadRows(4 * 1024 * 1024)
        .columnCacheBytes(cacheBytes).build());
         QueryEngine queries = new QueryEngine(storage, () -> end, QueryLimits.DEFAULTS)) {
      long t0 = System.nanoTime();
      load(storage, spans, start, end);
      storage.sealNow();
      System.out.printf("loaded %,d spans in %.1f s; column cache %d MB%n", spans, (System.nanoTime() - t0) / 1e9, cacheBytes >> 20);
      Alerting alerting = new Alerting(queries, storage.settings(), 30_000, () -> end, e -> { });
      Random rnd = new Random(7);
      for (int r = 0; r < rules; r++) alerting.putRule("t", "rule-" + r, rule(r, rnd));
      long[] ms = new long[cycles];
      for (int c = 0; c < cycles; c++) {
        long at = end - (cycles - c) * 30_000L;
        long s = System.nanoTime();
        alerting.cycle(at);
        ms[c] = (System.nanoTime() - s) / 1_000_000L;
        System.out.printf("cycle %d: %d ms%n", c, ms[c]);
      }
      long[] sorted = ms.clone();
      Arrays.sort(sorted);
      System.out.printf("%d rules on %,d spans: median cycle %d ms (min %d, max %d)%n", rules, spans, sorted[cycles / 2], sorted[0],
          sorted[cycles - 1]);
      alerting.close();
    }
  }

  /** 70% thresholds, 20% anomalies, 10% daily budgets. */
  private static String rule(int r, Random rnd) {
    String filter = r % 11 == 10 ? "" : "\"filters\": [{\"field\": \"service\", \"op\": \"=\", \"value\": \"" + SERVICES[r % 11 % 10] + "\"}], ";
    String groupBy = switch (r % 3) {
      case 0 -> "[\"model\"]";
      case 1 -> "[\"service\"]";
      default -> "[\"service\", \"model\"]";
    };
    String metric = METRICS[rnd.nextInt(METRICS.length)];
    int kind = r % 10;
    if (kind < 7) {
      return "{\"type\": \"threshold\", \"query\": {" + filter + "\"groupBy\": " + groupBy + ", \"metric\": \"" + metric + "\"},"
          + " \"window\": \"" + (r % 2 == 0 ? "5m" : "1h") + "\", \"threshold\": " + rnd.nextInt(1000) + "}";
    }
    if (kind < 9) {
      return "{\"type\": \"anomaly\", \"query\": {" + filter + "\"groupBy\": " + groupBy + ", \"metric\": \"" + metric + "\"},"
          + " \"window\": \"1h\", \"baseline\": \"7d\"}";
    }
    return "{\"type\": \"budget\", \"query\": {\"groupBy\": [\"user\"]}, \"budget\": " + (10 + rnd.nextInt(100)) + ", \"period\": \"day\", \"projected\": true}";
  }

  private static void load(Storage storage, long n, long start, long end) {
    Random rnd = new Random(1);
    List<LlmSpan> batch = new ArrayList<>(4096);
    double step = (double) (end - start) / n;
    for (long i = 0; i < n; i++) {
      LlmSpan s = new LlmSpan();
      s.traceIdHi = 1;
      s.traceIdLo = i + 1;
      s.spanId = i + 1;
      s.llm = true;
      s.startNanos = (start + (long) (i * step)) * 1_000_000L;
      long ms = 100 + rnd.nextInt(2000);
      s.endNanos = s.startNanos + ms * 1_000_000L;
      s.dim(Dim.SERVICE, SERVICES[rnd.nextInt(SERVICES.length)]).dim(Dim.MODEL, MODELS[rnd.nextInt(MODELS.length)])
          .dim(Dim.USER, "user-" + rnd.nextInt(500)).dim(Dim.STATUS, rnd.nextInt(50) == 0 ? "error" : "ok").dim(Dim.OPERATION, "chat");
      s.measure(Measure.DURATION_MS, ms).measure(Measure.INPUT_TOKENS, rnd.nextInt(4000)).measure(Measure.OUTPUT_TOKENS, rnd.nextInt(800))
          .measure(Measure.COST_USD, rnd.nextInt(1000) / 100_000.0);
      s.detail = SpanDetail.EMPTY;
      batch.add(s);
      if (batch.size() == 4096) {
        append(storage, batch);
        batch = new ArrayList<>(4096);
      }
    }
    if (!batch.isEmpty()) append(storage, batch);
  }

  /** Appends, waiting while sealing catches up (the store's back-pressure). */
  private static void append(Storage storage, List<LlmSpan> batch) {
    while (true) {
      try {
        storage.append("t", batch);
        return;
      } catch (io.llmscope.storage.StorageBusyException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
