package io.llmscope.ingest;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Counters of the ingest path, read by the server's status and published on /metrics through
 * {@link #bindTo} (Prometheus names: {@code llmscope_ingest_*_total}).
 */
public final class IngestMetrics implements MeterBinder {
  final LongAdder requests = new LongAdder();
  final LongAdder spansAccepted = new LongAdder();
  final LongAdder spansRejected = new LongAdder();
  final LongAdder spansDuplicate = new LongAdder();
  final LongAdder spansUnpriced = new LongAdder();
  final LongAdder requestsFull = new LongAdder();
  final LongAdder requestsRejected = new LongAdder();
  final LongAdder requestsThrottled = new LongAdder();
  final LongAdder bytesReceived = new LongAdder();
  final LongAdder scoresAccepted = new LongAdder();
  final LongAdder scoresDuplicate = new LongAdder();
  final LongAdder scoresSkipped = new LongAdder();

  public long requests() { return requests.sum(); }
  public long spansAccepted() { return spansAccepted.sum(); }
  public long spansRejected() { return spansRejected.sum(); }
  public long spansDuplicate() { return spansDuplicate.sum(); }
  public long spansUnpriced() { return spansUnpriced.sum(); }
  public long requestsFull() { return requestsFull.sum(); }
  public long requestsRejected() { return requestsRejected.sum(); }
  public long requestsThrottled() { return requestsThrottled.sum(); }
  public long bytesReceived() { return bytesReceived.sum(); }
  public long scoresAccepted() { return scoresAccepted.sum(); }
  public long scoresDuplicate() { return scoresDuplicate.sum(); }
  public long scoresSkipped() { return scoresSkipped.sum(); }

  /** Registers every counter as a function counter over this object (no copy, no second count). */
  @Override
  public void bindTo(MeterRegistry registry) {
    counter(registry, "llmscope.ingest.requests", null, IngestMetrics::requests,
        "OTLP export requests decoded (gRPC and HTTP), whether or not all their spans were kept");
    counter(registry, "llmscope.ingest.spans.accepted", null, IngestMetrics::spansAccepted,
        "spans appended to the WAL and acknowledged");
    counter(registry, "llmscope.ingest.spans.rejected", null, IngestMetrics::spansRejected,
        "spans refused inside accepted requests (reported back as partial_success)");
    counter(registry, "llmscope.ingest.spans.duplicate", null, IngestMetrics::spansDuplicate,
        "spans acknowledged but not stored again: the tenant had stored the same trace and span id (a retry)");
    counter(registry, "llmscope.ingest.spans.unpriced", null, IngestMetrics::spansUnpriced,
        "model calls stored without a cost: no reported cost and no price for their model or no token count to"
            + " price (query them with"
            + " llmOnly and cost_usd exists false)");
    counter(registry, "llmscope.ingest.requests.disk.full", null, IngestMetrics::requestsFull,
        "requests answered 503 / UNAVAILABLE because the data volume had less free space than storage.minFreeBytes");
    counter(registry, "llmscope.ingest.requests.rejected", null, IngestMetrics::requestsRejected,
        "requests refused whole: malformed, too large, unsupported content type or unauthenticated");
    counter(registry, "llmscope.ingest.requests.throttled", null, IngestMetrics::requestsThrottled,
        "requests answered 503 / UNAVAILABLE because too many were in flight or the heads were full");
    counter(registry, "llmscope.ingest.scores.accepted", null, IngestMetrics::scoresAccepted,
        "quality scores read from span events, span attributes and OTLP log records, stored and acknowledged");
    counter(registry, "llmscope.ingest.scores.duplicate", null, IngestMetrics::scoresDuplicate,
        "quality scores acknowledged but not stored again (a retry of one stored before)");
    counter(registry, "llmscope.ingest.scores.skipped", null, IngestMetrics::scoresSkipped,
        "evaluation events or attributes on spans without a usable name or value (the span itself is kept)");
    counter(registry, "llmscope.ingest", BaseUnits.BYTES, IngestMetrics::bytesReceived,
        "OTLP request body bytes received, as sent (before gunzip)");
  }

  private void counter(MeterRegistry registry, String name, String unit, ToDoubleFunction<IngestMetrics> f, String help) {
    FunctionCounter.builder(name, this, f).baseUnit(unit).description(help).register(registry);
  }
}
