package io.llmscope.storage.model;

import java.util.List;
import java.util.Map;

/**
 * Everything about a span that aggregations never read: the original attributes, resource
 * attributes, scope, events and links, kept so the trace view shows the span exactly as sent.
 *
 * <p>Attribute values are one of: {@code String}, {@code Long}, {@code Double}, {@code Boolean},
 * {@code byte[]}, {@code List<Object>} (OTLP array) or {@code Map<String, Object>} (OTLP kvlist),
 * nested freely; an OTLP empty value is {@code null}. Maps keep the order received.
 */
public record SpanDetail(
    Map<String, Object> attributes,
    Map<String, Object> resource,
    String scopeName,
    String scopeVersion,
    String traceState,
    String statusMessage,
    List<SpanEvent> events,
    List<SpanLink> links) {

  public static final SpanDetail EMPTY =
      new SpanDetail(Map.of(), Map.of(), "", "", "", "", List.of(), List.of());
}
