package io.llmscope.ingest;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentPolicyTest {
  static LlmSpan span() {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("gen_ai.request.model", "gpt-4o");
    attrs.put("gen_ai.input.messages", "x".repeat(100));
    attrs.put("llm.input_messages.0.message.content", "hello there");
    attrs.put("output.value", "short");
    attrs.put("message", "not content outside message events");
    LlmSpan s = new LlmSpan();
    s.detail = new SpanDetail(attrs, Map.of("service.name", "svc"), "", "", "", "",
        List.of(new SpanEvent(1, "gen_ai.user.message", Map.of("content", "prompt text", "role", "user")),
            new SpanEvent(2, "exception", Map.of("exception.message", "boom"))),
        List.of());
    return s;
  }

  @Test
  void captureOffDropsEveryContentValueAndNothingElse() {
    LlmSpan s = span();
    new ContentPolicy(false, 10).apply(s);
    assertEquals(Map.of("gen_ai.request.model", "gpt-4o", "message", "not content outside message events"), s.detail.attributes());
    assertEquals(Map.of("role", "user"), s.detail.events().get(0).attributes());
    assertEquals(Map.of("exception.message", "boom"), s.detail.events().get(1).attributes());
    assertEquals("svc", s.detail.resource().get("service.name"));
  }

  @Test
  void captureOnCutsLongValuesOnly() {
    LlmSpan s = span();
    new ContentPolicy(true, 10).apply(s);
    assertEquals("x".repeat(10) + ContentPolicy.TRUNCATED_SUFFIX, s.detail.attributes().get("gen_ai.input.messages"));
    assertEquals("hello ther" + ContentPolicy.TRUNCATED_SUFFIX, s.detail.attributes().get("llm.input_messages.0.message.content"));
    assertEquals("short", s.detail.attributes().get("output.value"));
    assertEquals("prompt tex" + ContentPolicy.TRUNCATED_SUFFIX, s.detail.events().get(0).attributes().get("content"));
  }

  @Test
  void untouchedDetailIsNotCopied() {
    LlmSpan s = span();
    SpanDetail before = s.detail;
    new ContentPolicy(true, 1000).apply(s);
    assertSame(before, s.detail);
  }
}
