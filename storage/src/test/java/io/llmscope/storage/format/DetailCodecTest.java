package io.llmscope.storage.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.model.SpanLink;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/** Values that copy a canonical field are stored as references to it, and decode to the very value written. */
class DetailCodecTest {
  private static LlmSpan span() {
    LlmSpan s = new LlmSpan();
    s.dim(Dim.MODEL, "claude-sonnet-4").dim(Dim.REQUEST_MODEL, "claude-sonnet-4").dim(Dim.USER, "user-05580")
        .dim(Dim.SESSION, "sess_ee951b3313bf").dim(Dim.FINISH_REASON, "stop").dim(Dim.SERVICE, "support-bot");
    s.measure(Measure.INPUT_TOKENS, 2101).measure(Measure.OUTPUT_TOKENS, 180).measure(Measure.TEMPERATURE, 0.7)
        .measure(Measure.TTFT_MS, 1194).measure(Measure.MAX_TOKENS, 1024).measure(Measure.COST_USD, 0.006897);
    return s;
  }

  private static SpanDetail detail(Map<String, Object> attributes) {
    return new SpanDetail(attributes, Map.of("service.name", "support-bot"), "scope", "1", "", "", List.of(), List.of());
  }

  private static byte[] encode(SpanDetail d, LlmSpan canonical) {
    SegmentBytes.Out out = new SegmentBytes.Out(64);
    DetailCodec.writeDetail(out, d, canonical);
    return out.toArray();
  }

  private static SpanDetail decode(byte[] encoded, Supplier<LlmSpan> canonical) {
    Bytes<byte[]> in = Bytes.wrapForRead(encoded);
    try {
      return DetailCodec.readDetail(in, canonical);
    } finally {
      in.releaseLast();
    }
  }

  @Test
  void copiesOfCanonicalFieldsBecomeReferencesThatDecodeToTheSameValues() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("gen_ai.request.model", "claude-sonnet-4");
    a.put("user.id", "user-05580");
    a.put("gen_ai.conversation.id", "sess_ee951b3313bf");
    a.put("gen_ai.usage.input_tokens", 2101L);
    a.put("gen_ai.usage.output_tokens", 180);
    a.put("gen_ai.request.temperature", 0.7);
    a.put("gen_ai.request.max_tokens", 1024L);
    a.put("gen_ai.response.finish_reasons", List.of("stop"));
    a.put("gen_ai.response.time_to_first_chunk", 1.194);
    SpanDetail d = detail(a);
    LlmSpan s = span();

    byte[] withRefs = encode(d, s);
    byte[] literal = encode(d, null);
    AtomicInteger asked = new AtomicInteger();
    SpanDetail back = decode(withRefs, () -> {
      asked.incrementAndGet();
      return s;
    });

    Map<String, Object> expected = new LinkedHashMap<>(a);
    expected.put("gen_ai.usage.output_tokens", 180L); // an int is written and read as a long, as before
    assertEquals(expected, back.attributes());
    assertEquals(Long.class, back.attributes().get("gen_ai.usage.input_tokens").getClass());
    assertEquals(Double.class, back.attributes().get("gen_ai.request.temperature").getClass());
    assertEquals(d.resource(), back.resource());
    assertEquals(1, asked.get(), "the span is asked for once, however many references");
    assertEquals(expected, decode(literal, () -> { throw new AssertionError("no reference was written"); }).attributes());
    // Ten references of two bytes each replace the texts and numbers.
    assertTrue(withRefs.length + 60 < literal.length, withRefs.length + " vs " + literal.length);
    // Resolved against a span without those fields, the references are reported as corrupt.
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> decode(withRefs, LlmSpan::new));
    assertTrue(e.getMessage().contains("reference to absent"), e.getMessage());
  }

  @Test
  void valuesThatOnlyLookAlikeOrThatRepricingRewritesStayValues() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("as.text", "2101"); // a string is not the measure 2101
    a.put("tokens.double", 2101.5); // no measure holds it
    a.put("gen_ai.usage.cost", 0.006897); // the cost measure holds it, but repricing may change that measure
    a.put("negative.zero", -0.0);
    a.put("nan", Double.NaN);
    a.put("two.reasons", List.of("stop", "stop"));
    a.put("model.list", List.of("claude-sonnet-4", 1L));
    a.put("nested", Map.of("user.id", "user-05580"));
    a.put("huge", Long.MAX_VALUE);
    a.put("min", Long.MIN_VALUE);
    a.put("minus.one", -1L);
    SpanEvent event = new SpanEvent(5, "e", Map.of("user.id", "user-05580", "tokens", 2101L));
    SpanLink link = new SpanLink(1, 2, 3, "", Map.of("model", "claude-sonnet-4"));
    SpanDetail d = new SpanDetail(a, Map.of(), "s", "1", "", "", List.of(event), List.of(link));
    LlmSpan s = span();
    s.measure(Measure.TEMPERATURE, -0.0);
    s.measure(Measure.REASONING_TOKENS, Double.NaN);

    byte[] encoded = encode(d, s);
    // Nothing refers to the span: a decoder that cannot give one still reads every value.
    SpanDetail back = decode(encoded, () -> { throw new AssertionError("a value was written as a reference"); });
    assertEquals(d.attributes().keySet(), back.attributes().keySet());
    for (String k : a.keySet()) {
      if (!k.equals("nan")) assertEquals(a.get(k), back.attributes().get(k), k);
    }
    assertTrue(Double.isNaN((Double) back.attributes().get("nan")));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) back.attributes().get("negative.zero")));
    assertEquals(d.events(), back.events());
    assertEquals(d.links(), back.links());
  }

  @Test
  void detailsWrittenWithoutReferencesStillRead() {
    // Details an older build wrote hold no references and 8-byte longs: they decode with any span.
    SegmentBytes.Out out = new SegmentBytes.Out(64);
    out.stopBit(1).stopBit(KnownKeys.code("gen_ai.usage.input_tokens")).u8(2).i64(2101); // TAG_LONG
    out.stopBit(0).stopBitUtf8(null).stopBitUtf8(null).stopBitUtf8(null).stopBitUtf8(null).stopBit(0).stopBit(0);
    SpanDetail back = decode(out.toArray(), LlmSpan::new);
    assertEquals(Map.of("gen_ai.usage.input_tokens", 2101L), back.attributes());
  }
}
