package io.llmscope.server;

import io.llmscope.server.loadgen.OtlpHttpSender;
import io.llmscope.server.loadgen.TrafficGenerator;
import java.net.URI;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code serve --demo}: feeds synthetic GenAI traffic into this server over its own OTLP/HTTP
 * port, exactly as an exporting service would. On an empty store it first back-fills the last
 * 24 h, then sends a trickle of live traffic every second until stopped.
 */
final class DemoTraffic implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DemoTraffic.class.getName());
  static final long BACKFILL_LLM_SPANS = 200_000;
  static final int LIVE_LLM_SPANS_PER_SECOND = 20;

  private final Thread thread;
  private volatile boolean stopped;

  DemoTraffic(int otlpHttpPort, Map<String, String> headers, boolean backfill) {
    URI target = URI.create("http://127.0.0.1:" + otlpHttpPort);
    OtlpHttpSender sender = new OtlpHttpSender(target, headers, 2, 0);
    thread = new Thread(() -> run(sender, backfill), "llmscope-demo");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run(OtlpHttpSender sender, boolean backfill) {
    try {
      long seed = System.currentTimeMillis();
      if (backfill) {
        long now = System.currentTimeMillis();
        TrafficGenerator history = new TrafficGenerator(seed, now - 86_400_000L, now, BACKFILL_LLM_SPANS);
        OtlpHttpSender.Result r = sender.run(() -> history.hasNext() ? history.nextBatch(512) : null);
        LOG.info("demo: back-filled " + r.acknowledgedSpans() + " spans over the last 24 h");
      }
      while (!stopped) {
        long now = System.currentTimeMillis();
        TrafficGenerator live = new TrafficGenerator(++seed, now - 1000, now, LIVE_LLM_SPANS_PER_SECOND);
        while (live.hasNext() && !stopped) {
          var batch = live.nextBatch(512);
          sender.send(batch.toByteArray(), TrafficGenerator.spanCount(batch));
        }
        Thread.sleep(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "demo traffic stopped", e);
    }
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
  }
}
