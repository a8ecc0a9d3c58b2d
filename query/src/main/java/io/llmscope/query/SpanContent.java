package io.llmscope.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmscope.storage.model.ContentKeys;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The captured prompt and completion text of a span, read from its detail under {@link ContentKeys}
 * (the keys ingest's content policy caps or drops): GenAI message attributes and events,
 * OpenInference {@code input.value} and {@code llm.input_messages.*}, OpenLLMetry
 * {@code gen_ai.prompt.*}, Langfuse and Traceloop entity input/output. Structured messages (JSON
 * text, lists, maps) give their text parts only: roles, types and ids would otherwise dominate
 * an n-gram profile of the words.
 *
 * @param input the prompt side (system instructions, user and tool messages), "" when not captured
 * @param output the completion side, "" when not captured
 */
public record SpanContent(String input, String output) {
  public static final SpanContent NONE = new SpanContent("", "");

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Fields of structured messages that are not text. */
  private static final Set<String> NOT_TEXT = Set.of("role", "type", "id", "name", "finish_reason", "tool_call_id", "index", "model",
      "mime_type", "media_type");
  /** Keys of OpenInference flattened messages that are not text (…message.role, …message.tool_calls.0.id). */
  private static final List<String> NOT_TEXT_SUFFIXES = List.of(".role", ".id", ".name", ".type", ".mime_type", ".finish_reason");

  public boolean isEmpty() {
    return input.isEmpty() && output.isEmpty();
  }

  /** The content of one span's detail. */
  public static SpanContent of(SpanDetail d) {
    if (d == null) return NONE;
    StringBuilder in = new StringBuilder();
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Object> a : d.attributes().entrySet()) {
      String k = a.getKey();
      if (ContentKeys.INPUT.contains(k) || (startsWithAny(k, ContentKeys.INPUT_PREFIXES) && !endsWithAny(k, NOT_TEXT_SUFFIXES))) text(a.getValue(), in);
      else if (ContentKeys.OUTPUT.contains(k) || (startsWithAny(k, ContentKeys.OUTPUT_PREFIXES) && !endsWithAny(k, NOT_TEXT_SUFFIXES))) text(a.getValue(), out);
    }
    for (SpanEvent e : d.events()) {
      boolean input = ContentKeys.INPUT_EVENTS.contains(e.name());
      boolean output = ContentKeys.OUTPUT_EVENTS.contains(e.name());
      for (Map.Entry<String, Object> a : e.attributes().entrySet()) {
        String k = a.getKey();
        if (ContentKeys.INPUT.contains(k)) text(a.getValue(), in);
        else if (ContentKeys.OUTPUT.contains(k)) text(a.getValue(), out);
        else if ((input || output) && !NOT_TEXT.contains(k) && !k.startsWith("gen_ai.system") && !k.endsWith("index")) {
          text(a.getValue(), input ? in : out);
        }
      }
    }
    return in.isEmpty() && out.isEmpty() ? NONE : new SpanContent(in.toString().trim(), out.toString().trim());
  }

  private static boolean startsWithAny(String k, List<String> prefixes) {
    for (String p : prefixes) if (k.startsWith(p)) return true;
    return false;
  }

  private static boolean endsWithAny(String k, List<String> suffixes) {
    for (String s : suffixes) if (k.endsWith(s)) return true;
    return false;
  }

  /** Appends the text parts of an attribute value. */
  private static void text(Object v, StringBuilder sb) {
    if (v instanceof String s) {
      String t = s.strip();
      if ((t.startsWith("[") || t.startsWith("{")) && t.length() > 1) {
        try {
          json(JSON.readTree(t), sb);
          return;
        } catch (JsonProcessingException e) {
          // plain text that merely starts with a bracket
        }
      }
      append(s, sb);
    } else if (v instanceof List<?> list) {
      for (Object o : list) text(o, sb);
    } else if (v instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) if (!NOT_TEXT.contains(String.valueOf(e.getKey()))) text(e.getValue(), sb);
    }
  }

  private static void json(JsonNode n, StringBuilder sb) {
    if (n.isTextual()) {
      append(n.asText(), sb);
    } else if (n.isArray()) {
      for (JsonNode c : n) json(c, sb);
    } else if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!NOT_TEXT.contains(e.getKey())) json(e.getValue(), sb);
      }
    }
  }

  private static void append(String s, StringBuilder sb) {
    if (s.isBlank()) return;
    if (!sb.isEmpty()) sb.append('\n');
    sb.append(s);
  }
}
