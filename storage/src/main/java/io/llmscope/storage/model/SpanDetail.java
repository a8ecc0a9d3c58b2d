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
 *
 * <p>The dropped counts are OTLP's: what the sender dropped plus what ingest's per-span limits
 * dropped, so a span cut short says so.
 */
public record SpanDetail(
    Map<String, Object> attributes,
    Map<String, Object> resource,
    String scopeName,
    String scopeVersion,
    String traceState,
    String statusMessage,
    List<SpanEvent> events,
    List<SpanLink> links,
    int droppedAttributes,
    int droppedEvents,
    int droppedLinks) {

  public static final SpanDetail EMPTY =
      new SpanDetail(Map.of(), Map.of(), "", "", "", "", List.of(), List.of());

  /** A detail with nothing dropped. */
  public SpanDetail(Map<String, Object> attributes, Map<String, Object> resource, String scopeName,
      String scopeVersion, String traceState, String statusMessage, List<SpanEvent> events, List<SpanLink> links) {
    this(attributes, resource, scopeName, scopeVersion, traceState, statusMessage, events, links, 0, 0, 0);
  }

  public boolean droppedAny() {
    return (droppedAttributes | droppedEvents | droppedLinks) != 0;
  }
}
