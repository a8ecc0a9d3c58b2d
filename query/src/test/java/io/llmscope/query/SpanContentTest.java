package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prompt and completion text of each content dialect, with roles, types and ids left out. */
class SpanContentTest {
  static SpanDetail attrs(Map<String, Object> attributes) {
    return new SpanDetail(attributes, Map.of(), "", "", "", "", List.of(), List.of());
  }

  @Test
  void genAiJsonMessages() {
    SpanContent c = SpanContent.of(attrs(Map.of(
        "gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"What is 2+2?\"}]}]",
        "gen_ai.system_instructions", "[{\"type\":\"text\",\"content\":\"Be brief.\"}]",
        "gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"4\"}],\"finish_reason\":\"stop\"}]",
        "gen_ai.request.model", "gpt-4o")));
    assertTrue(c.input().contains("What is 2+2?") && c.input().contains("Be brief."), c.input());
    assertFalse(c.input().contains("user") || c.input().contains("text"), c.input());
    assertEquals("4", c.output());
  }

  @Test
  void openInferenceAndOpenLlmetryFlattenedMessages() {
    Map<String, Object> oi = new LinkedHashMap<>();
    oi.put("llm.input_messages.0.message.role", "system");
    oi.put("llm.input_messages.0.message.content", "You translate.");
    oi.put("llm.input_messages.1.message.content", "Bonjour");
    oi.put("llm.output_messages.0.message.role", "assistant");
    oi.put("llm.output_messages.0.message.content", "Hello");
    oi.put("input.value", "{\"messages\":[{\"role\":\"user\",\"content\":\"Bonjour\"}],\"model\":\"gpt-4o\"}");
    SpanContent c = SpanContent.of(attrs(oi));
    assertEquals("You translate.\nBonjour\nBonjour", c.input());
    assertEquals("Hello", c.output());

    SpanContent t = SpanContent.of(attrs(Map.of("gen_ai.prompt.0.role", "user", "gen_ai.prompt.0.content", "Hi there",
        "gen_ai.completion.0.role", "assistant", "gen_ai.completion.0.content", "Hello!", "gen_ai.completion.0.finish_reason", "stop")));
    assertEquals("Hi there", t.input());
    assertEquals("Hello!", t.output());
  }

  @Test
  void messageEventsAndPlainText() {
    SpanDetail d = new SpanDetail(Map.of("traceloop.entity.output", "plain answer"), Map.of(), "", "", "", "",
        List.of(new SpanEvent(1, "gen_ai.user.message", Map.of("content", "a question", "gen_ai.system", "openai")),
            new SpanEvent(2, "gen_ai.choice", Map.of("index", 0L, "message", Map.of("role", "assistant", "content", "an answer")))),
        List.of());
    SpanContent c = SpanContent.of(d);
    assertEquals("a question", c.input());
    assertEquals("plain answer\nan answer", c.output());
    assertTrue(SpanContent.of(SpanDetail.EMPTY).isEmpty());
    assertTrue(SpanContent.of(attrs(Map.of("http.method", "POST"))).isEmpty());
  }
}
