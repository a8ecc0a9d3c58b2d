package io.llmscope.server.it;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The result of every export an SDK exporter was asked for, to wait on once the last span or
 * record has ended. Not {@code forceFlush}: the SDK's simple processors hand their live set of
 * pending exports to {@code CompletableResultCode.ofAll}, which reads its size and then iterates
 * it; an export that completes in between leaves the count above zero, and the flush never
 * completes (opentelemetry-java 1.56). That hung ScoresIT on slow machines, with the server idle.
 */
final class RecordedExports {
  private final List<CompletableResultCode> results = new ArrayList<>();

  SpanExporter spans(SpanExporter exporter) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return record(exporter.export(spans));
      }

      @Override
      public CompletableResultCode flush() {
        return exporter.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return exporter.shutdown();
      }
    };
  }

  LogRecordExporter logs(LogRecordExporter exporter) {
    return new LogRecordExporter() {
      @Override
      public CompletableResultCode export(Collection<LogRecordData> logs) {
        return record(exporter.export(logs));
      }

      @Override
      public CompletableResultCode flush() {
        return exporter.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return exporter.shutdown();
      }
    };
  }

  private synchronized CompletableResultCode record(CompletableResultCode result) {
    results.add(result);
    return result;
  }

  /** Waits for every export asked for so far; true when all succeeded within the time. */
  boolean allSucceeded(long timeout, TimeUnit unit) {
    List<CompletableResultCode> asked;
    synchronized (this) {
      asked = List.copyOf(results);
    }
    return CompletableResultCode.ofAll(asked).join(timeout, unit).isSuccess();
  }
}
