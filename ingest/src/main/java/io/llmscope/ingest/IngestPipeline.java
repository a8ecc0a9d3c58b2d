package io.llmscope.ingest;

import io.llmscope.ingest.pricing.PriceTable;
import io.llmscope.storage.AppendResult;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageBusyException;
import io.llmscope.storage.StorageFullException;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Score;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Decode → normalise → append, shared by both protocols. Runs on worker threads: an append
 * waits for the WAL, which must never happen on an event loop.
 */
final class IngestPipeline {
  private final Storage storage;
  private final SpanNormaliser normaliser;
  private final IngestMetrics metrics;
  private final AtomicInteger inflight = new AtomicInteger();
  private final int maxInflight;
  private final int maxBodyBytes;
  private final ContentPolicy content;
  private final SpanPricer pricer;

  /** {@code prices} (each tenant's table) null: store only the costs spans report. */
  IngestPipeline(Storage storage, IngestMetrics metrics, IngestConfig config, Function<String, PriceTable> prices) {
    this.pricer = prices == null ? null : new SpanPricer(prices, metrics);
    this.storage = storage;
    this.metrics = metrics;
    this.maxInflight = config.maxInflightRequests();
    this.maxBodyBytes = config.maxBodyBytes();
    this.content = new ContentPolicy(config.captureContent(), config.maxContentChars());
    this.normaliser = new SpanNormaliser(System::currentTimeMillis, config.maxFutureSkewMs(),
        new SpanNormaliser.SpanLimits(config.maxAttributesPerSpan(), config.maxEventsPerSpan(), config.maxLinksPerSpan()));
  }

  /**
   * The whole export on a worker thread: admission, decode, normalise, append. Fails with
   * {@link IngestRejected} for the client's fault or an overload, with anything else when the
   * spans could not be stored.
   */
  Future<ExportTraceServiceResponse> export(Vertx vertx, String tenant, byte[] body, boolean gzip, boolean json) {
    return admitted(vertx, "spans", () -> ingest(tenant, decode(body, gzip, json)));
  }

  /** One export's work on a worker thread. */
  private interface Work<R> {
    R run() throws BadPayloadException;
  }

  /** Admission, then the work on a worker thread, its failures turned into the client's answers. */
  private <R> Future<R> admitted(Vertx vertx, String what, Work<R> work) {
    if (!tryAdmit()) {
      return Future.failedFuture(new IngestRejected(IngestRejected.Reason.BUSY, "server is busy"));
    }
    return vertx.executeBlocking(() -> {
      try {
        return work.run();
      } catch (BadPayloadException e) {
        metrics.requestsRejected.increment();
        throw new IngestRejected(e.tooLarge() ? IngestRejected.Reason.TOO_LARGE : IngestRejected.Reason.BAD_PAYLOAD,
            e.getMessage());
      } catch (StorageFullException e) {
        metrics.requestsFull.increment();
        throw new IngestRejected(IngestRejected.Reason.BUSY, "cannot store " + what + " now: " + e.getMessage());
      } catch (StorageBusyException e) {
        metrics.requestsThrottled.increment();
        throw new IngestRejected(IngestRejected.Reason.BUSY, "server is busy: " + e.getMessage());
      }
    }, false).onComplete(ar -> release());
  }

  /** Reserves a slot for one request; false when the server is saturated. */
  private boolean tryAdmit() {
    if (inflight.incrementAndGet() > maxInflight) {
      inflight.decrementAndGet();
      metrics.requestsThrottled.increment();
      return false;
    }
    return true;
  }

  private void release() {
    inflight.decrementAndGet();
  }

  int maxBodyBytes() {
    return maxBodyBytes;
  }

  IngestMetrics metrics() {
    return metrics;
  }

  /** Body as sent (maybe gzip) → request, per encoding. */
  private ExportTraceServiceRequest decode(byte[] body, boolean gzip, boolean json) throws BadPayloadException {
    metrics.bytesReceived.add(body.length);
    byte[] plain = gzip ? Payloads.gunzip(body, maxBodyBytes) : body;
    return json ? TraceDecoder.decodeJson(plain) : TraceDecoder.decodeProtobuf(plain);
  }

  /** Normalises and durably appends; the response carries the spans rejected. */
  private ExportTraceServiceResponse ingest(String tenant, ExportTraceServiceRequest request) {
    metrics.requests.increment();
    NormalisedBatch batch = normaliser.normalise(request);
    List<Score> scores = new ArrayList<>(0);
    List<Integer> scoredSpan = new ArrayList<>(0); // the span index of each score
    List<LlmSpan> spans = batch.spans();
    for (int i = 0; i < spans.size(); i++) {
      LlmSpan span = spans.get(i);
      if (pricer != null) pricer.price(tenant, span); // before content capture may cut what it reads
      metrics.scoresSkipped.add(EvaluationScores.fromSpan(span, scores));
      while (scoredSpan.size() < scores.size()) scoredSpan.add(i);
      content.apply(span);
    }
    AppendResult appended = storage.append(tenant, spans);
    // Only a stored span's scores: a later copy of a span loses, events and all. After the spans, so a
    // failure here fails the export and its retry stores the spans once and these scores.
    List<Score> kept = new ArrayList<>(scores.size());
    for (int k = 0; k < scores.size(); k++) if (appended.stored(scoredSpan.get(k))) kept.add(scores.get(k));
    appendScores(tenant, kept);
    metrics.spansAccepted.add(appended.stored() + appended.duplicates());
    metrics.spansDuplicate.add(appended.duplicates());
    int rejected = batch.rejected() + appended.refused();
    if (rejected == 0) return ExportTraceServiceResponse.getDefaultInstance();
    metrics.spansRejected.add(rejected);
    String message = batch.rejectionMessage();
    if (appended.refused() > 0) {
      String refusal = appended.refused() == 1 ? appended.refusals().get(0)
          : appended.refused() + " spans refused; first: " + appended.refusals().get(0);
      message = message == null ? refusal : message + "; " + refusal;
    }
    return ExportTraceServiceResponse.newBuilder()
        .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected).setErrorMessage(message))
        .build();
  }

  private void appendScores(String tenant, List<Score> scores) {
    AppendResult stored = storage.appendScores(tenant, scores);
    metrics.scoresAccepted.add(stored.stored() + stored.duplicates());
    metrics.scoresDuplicate.add(stored.duplicates());
  }

  /**
   * An OTLP log export: its {@code gen_ai.evaluation.result} records become scores (see
   * {@link EvaluationScores#fromLogs}), other records are acknowledged and dropped. Fails as
   * {@link #export} does.
   */
  Future<ExportLogsServiceResponse> exportLogs(Vertx vertx, String tenant, byte[] body, boolean gzip, boolean json) {
    return admitted(vertx, "scores", () -> {
      metrics.bytesReceived.add(body.length);
      byte[] plain = gzip ? Payloads.gunzip(body, maxBodyBytes) : body;
      ExportLogsServiceRequest request = json ? TraceDecoder.decodeLogsJson(plain) : TraceDecoder.decodeLogsProtobuf(plain);
      metrics.requests.increment();
      appendScores(tenant, EvaluationScores.fromLogs(request, System.currentTimeMillis()));
      return ExportLogsServiceResponse.getDefaultInstance();
    });
  }

  void countRejectedRequest() {
    metrics.requestsRejected.increment();
  }
}
