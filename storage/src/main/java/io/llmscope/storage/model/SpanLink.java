package io.llmscope.storage.model;

import java.util.Map;

/** A span link as received; ids as in {@link LlmSpan}. */
public record SpanLink(
    long traceIdHi, long traceIdLo, long spanId, String traceState, Map<String, Object> attributes) {}
