package io.llmscope.storage.model;

import java.util.Map;

/** A span event as received; attribute values follow {@link SpanDetail}'s value model. */
public record SpanEvent(long timeNanos, String name, Map<String, Object> attributes) {}
