package io.llmscope.ingest;

import io.llmscope.storage.model.ContentKeys;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What happens to prompt and completion text: kept, capped at {@code maxChars} characters per
 * value, or dropped ({@code capture=false}). Everything else in a span's detail is kept as sent.
 * Content is recognised by attribute key in every supported dialect and by the GenAI message
 * event names.
 */
final class ContentPolicy {
  static final String TRUNCATED_SUFFIX = "…[truncated]";
  /** Keys that hold text only inside a message event: elsewhere they mean something else. */
  private static final Set<String> EVENT_TEXT_KEYS = Set.of("content", "message", "body");
  private static final List<String> PREFIXES = concat(ContentKeys.INPUT_PREFIXES, ContentKeys.OUTPUT_PREFIXES);
  private static final Set<String> MESSAGE_EVENTS = union(ContentKeys.INPUT_EVENTS, ContentKeys.OUTPUT_EVENTS,
      Set.of(ContentKeys.OPERATION_DETAILS_EVENT));

  private final boolean capture;
  private final int maxChars;

  ContentPolicy(boolean capture, int maxChars) {
    this.capture = capture;
    this.maxChars = maxChars;
  }

  static boolean isContentKey(String key, boolean inMessageEvent) {
    if (ContentKeys.INPUT.contains(key) || ContentKeys.OUTPUT.contains(key)) return true;
    if (inMessageEvent && EVENT_TEXT_KEYS.contains(key)) return true;
    for (String p : PREFIXES) if (key.startsWith(p)) return true;
    return false;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    Set<String> out = new java.util.HashSet<>();
    for (Set<String> s : sets) out.addAll(s);
    return Set.copyOf(out);
  }

  /** Applies the policy to the span's detail in place (a new detail when anything changed). */
  void apply(LlmSpan span) {
    SpanDetail d = span.detail;
    Map<String, Object> attributes = filter(d.attributes(), false);
    List<SpanEvent> events = d.events();
    List<SpanEvent> changed = null;
    for (int i = 0; i < events.size(); i++) {
      SpanEvent e = events.get(i);
      Map<String, Object> attrs = filter(e.attributes(), MESSAGE_EVENTS.contains(e.name()));
      if (attrs != e.attributes()) {
        if (changed == null) changed = new ArrayList<>(events);
        changed.set(i, new SpanEvent(e.timeNanos(), e.name(), attrs));
      }
    }
    if (attributes != d.attributes() || changed != null) {
      span.detail = new SpanDetail(attributes, d.resource(), d.scopeName(), d.scopeVersion(), d.traceState(),
          d.statusMessage(), changed == null ? events : List.copyOf(changed), d.links(), d.droppedAttributes(),
          d.droppedEvents(), d.droppedLinks());
    }
  }

  /** The same map when nothing needs changing (the common case), else a filtered copy. */
  private Map<String, Object> filter(Map<String, Object> attrs, boolean messageEvent) {
    Map<String, Object> out = null;
    for (Map.Entry<String, Object> e : attrs.entrySet()) {
      if (!isContentKey(e.getKey(), messageEvent)) continue;
      Object v = e.getValue();
      Object replacement;
      if (!capture) {
        replacement = null;
      } else if (v instanceof String s && s.length() > maxChars) {
        replacement = s.substring(0, maxChars) + TRUNCATED_SUFFIX;
      } else {
        continue;
      }
      if (out == null) out = new LinkedHashMap<>(attrs);
      if (replacement == null) out.remove(e.getKey()); else out.put(e.getKey(), replacement);
    }
    return out == null ? attrs : out;
  }
}
