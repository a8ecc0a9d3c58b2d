package io.llmscope.ingest;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the ingest path, read by the server's /metrics and status. */
public final class IngestMetrics {
  final LongAdder requests = new LongAdder();
  final LongAdder spansAccepted = new LongAdder();
  final LongAdder spansRejected = new LongAdder();
  final LongAdder requestsRejected = new LongAdder();
  final LongAdder requestsThrottled = new LongAdder();
  final LongAdder bytesReceived = new LongAdder();

  public long requests() { return requests.sum(); }
  public long spansAccepted() { return spansAccepted.sum(); }
  public long spansRejected() { return spansRejected.sum(); }
  public long requestsRejected() { return requestsRejected.sum(); }
  public long requestsThrottled() { return requestsThrottled.sum(); }
  public long bytesReceived() { return bytesReceived.sum(); }
}
