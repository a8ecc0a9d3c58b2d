package io.llmscope.ingest;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Score;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scores read out of spans: each dialect's attributes, each value form, and what is skipped. */
class EvaluationScoresTest {
  static LlmSpan span(Map<String, Object> attributes, List<SpanEvent> events) {
    LlmSpan s = new LlmSpan();
    s.traceIdHi = 1;
    s.traceIdLo = 2;
    s.spanId = 30;
    s.parentSpanId = 20;
    s.endNanos = 5_000_000_000L;
    s.detail = new SpanDetail(attributes, Map.of(), "", "", "", "", events, List.of());
    return s;
  }

  static SpanEvent eval(Object name, Object value, Object label) {
    Map<String, Object> a = new java.util.HashMap<>();
    if (name != null) a.put("gen_ai.evaluation.name", name);
    if (value != null) a.put("gen_ai.evaluation.score.value", value);
    if (label != null) a.put("gen_ai.evaluation.score.label", label);
    a.put("gen_ai.evaluation.explanation", "because");
    return new SpanEvent(7_000_000L, "gen_ai.evaluation.result", a);
  }

  @Test
  void eventsInEveryValueFormAndTheMalformedSkipped() {
    List<Score> out = new ArrayList<>();
    int skipped = EvaluationScores.fromSpan(span(Map.of(), List.of(
        eval("relevance", 0.75, null), eval("grounded", true, null), eval("tone", "friendly", null), eval("n", "0.5", "ok"),
        eval(null, 1.0, null), eval("empty", null, null), eval("inf", Double.POSITIVE_INFINITY, null),
        new SpanEvent(1, "gen_ai.content.prompt", Map.of("gen_ai.evaluation.name", "not an evaluation")))), out);
    assertEquals(3, skipped, "no name, no value, an infinite value");
    assertEquals(List.of(
        new Score(1, 2, 30, "relevance", 0.75, null, "because", "otel_event", 7, null),
        new Score(1, 2, 30, "grounded", 1, "true", "because", "otel_event", 7, null),
        new Score(1, 2, 30, "tone", Double.NaN, "friendly", "because", "otel_event", 7, null),
        new Score(1, 2, 30, "n", 0.5, "ok", "because", "otel_event", 7, null)), out);
  }

  @Test
  void openInferenceAndLangfuseAttributes() {
    List<Score> out = new ArrayList<>();
    EvaluationScores.fromSpan(span(Map.of("eval.correctness.label", "correct", "eval.correctness.explanation", "matches",
        "eval.hallucination.score", 0.1, "eval.hallucination.label", "factual", "langfuse.score.quality", "4",
        "langfuse.score.verdict", "pass", "langfuse.score.", 1), List.of()), out);
    out.sort(java.util.Comparator.comparing(Score::name));
    assertEquals(List.of(
        new Score(1, 2, 30, "correctness", Double.NaN, "correct", "matches", "openinference", 5000, null),
        new Score(1, 2, 30, "hallucination", 0.1, "factual", null, "openinference", 5000, null),
        new Score(1, 2, 30, "quality", 4, null, null, "langfuse", 5000, null),
        new Score(1, 2, 30, "verdict", Double.NaN, "pass", null, "langfuse", 5000, null)), out);
  }

  @Test
  void anEvaluatorSpanJudgesItsParent() {
    List<Score> out = new ArrayList<>();
    EvaluationScores.fromSpan(span(Map.of("openinference.span.kind", "EVALUATOR", "metadata.evaluator_name", "faithfulness",
        "metadata.score", 0.9, "metadata.label", "faithful"), List.of()), out);
    assertEquals(List.of(new Score(1, 2, 20, "faithfulness", 0.9, "faithful", null, "openinference", 5000, null)), out);
  }
}
