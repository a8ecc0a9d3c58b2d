package io.llmscope.ingest;

import io.llmscope.storage.model.LlmSpan;
import java.util.List;

/**
 * The outcome of normalising one export request: the kept spans (model calls and all others), the
 * number of rejected spans and a message for OTLP partial success ({@code null} when none were
 * rejected).
 */
record NormalisedBatch(List<LlmSpan> spans, int rejected, String rejectionMessage) {}
