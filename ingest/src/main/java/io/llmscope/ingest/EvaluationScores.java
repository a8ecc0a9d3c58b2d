package io.llmscope.ingest;

import com.google.protobuf.ByteString;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Score;
import io.llmscope.storage.model.SpanEvent;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Quality scores carried inside telemetry (docs/normalisation.md, "Scores"), read into {@link Score}s:
 * <ul>
 *   <li>GenAI {@code gen_ai.evaluation.result} span events (on the span they judge) and log records
 *       (trace and span id on the record; no span id: the trace's root);
 *   <li>OpenInference {@code EVALUATOR} spans ({@code metadata.evaluator_name}, {@code metadata.score},
 *       {@code metadata.label}; they judge their parent span) and Phoenix-style {@code eval.NAME.score} /
 *       {@code .label} / {@code .explanation} attributes on the judged span;
 *   <li>{@code langfuse.score.NAME} attributes on the judged span.
 * </ul>
 * A value may be a number, a boolean (1 / 0 with label true / false) or text (a label, or a number
 * written as text).
 */
final class EvaluationScores {
  static final String EVENT = "gen_ai.evaluation.result";
  static final String NAME = "gen_ai.evaluation.name";
  static final String VALUE = "gen_ai.evaluation.score.value";
  static final String LABEL = "gen_ai.evaluation.score.label";
  static final String EXPLANATION = "gen_ai.evaluation.explanation";

  private EvaluationScores() {}

  /** Scores the span carries, appended to {@code out}; malformed ones (no name, no value) are skipped and counted. */
  static int fromSpan(LlmSpan span, List<Score> out) {
    if (span.detail == null) return 0;
    int skipped = 0;
    long endMs = Math.floorDiv(span.endNanos, 1_000_000L);
    for (SpanEvent e : span.detail.events()) {
      if (!EVENT.equals(e.name())) continue;
      Map<String, Object> a = e.attributes();
      Score s = score(span.traceIdHi, span.traceIdLo, span.spanId, a.get(NAME), a.get(VALUE), a.get(LABEL), a.get(EXPLANATION),
          "otel_event", Math.floorDiv(e.timeNanos(), 1_000_000L));
      if (s == null) skipped++;
      else out.add(s);
    }
    Map<String, Object> attrs = span.detail.attributes();
    if ("EVALUATOR".equalsIgnoreCase(String.valueOf(attrs.get("openinference.span.kind")))) {
      Object name = attrs.getOrDefault("metadata.evaluator_name", attrs.get("eval.name"));
      Score s = score(span.traceIdHi, span.traceIdLo, span.parentSpanId, name != null ? name : span.dim(Dim.SPAN_NAME),
          attrs.get("metadata.score"), attrs.get("metadata.label"), attrs.get("metadata.explanation"), "openinference", endMs);
      if (s == null) skipped++;
      else out.add(s);
    }
    for (Map.Entry<String, Object> a : attrs.entrySet()) {
      String key = a.getKey();
      if (key.startsWith("langfuse.score.") && key.length() > "langfuse.score.".length()) {
        Score s = score(span.traceIdHi, span.traceIdLo, span.spanId, key.substring("langfuse.score.".length()), a.getValue(),
            null, null, "langfuse", endMs);
        if (s == null) skipped++;
        else out.add(s);
      } else if (key.startsWith("eval.") && (key.endsWith(".score") || key.endsWith(".label")) && key.length() > 11) {
        String name = key.substring(5, key.length() - 6);
        // One score per name: read at its .score key, or at .label when it has no .score.
        if (key.endsWith(".label") && attrs.containsKey("eval." + name + ".score")) continue;
        Object value = attrs.get("eval." + name + ".score");
        Score s = score(span.traceIdHi, span.traceIdLo, span.spanId, name, value, attrs.get("eval." + name + ".label"),
            attrs.get("eval." + name + ".explanation"), "openinference", endMs);
        if (s == null) skipped++;
        else out.add(s);
      }
    }
    return skipped;
  }

  /**
   * The evaluation scores among a log export's records; other records are ignored (LLMScope keeps
   * no logs). An evaluation record without a trace id or a name, or with neither value nor label, is
   * refused with the record's path and field: an evaluation that cannot be linked or read would be
   * lost silently otherwise.
   */
  static List<Score> fromLogs(ExportLogsServiceRequest request, long nowMs) throws BadPayloadException {
    List<Score> out = new ArrayList<>();
    for (int r = 0; r < request.getResourceLogsCount(); r++) {
      ResourceLogs rl = request.getResourceLogs(r);
      for (int s = 0; s < rl.getScopeLogsCount(); s++) {
        ScopeLogs sl = rl.getScopeLogs(s);
        for (int i = 0; i < sl.getLogRecordsCount(); i++) {
          LogRecord record = sl.getLogRecords(i);
          Map<String, Object> a = AnyValues.attributes(record.getAttributesList());
          if (!EVENT.equals(record.getEventName()) && !EVENT.equals(a.get("event.name"))) continue;
          String where = "resourceLogs[" + r + "].scopeLogs[" + s + "].logRecords[" + i + "]";
          ByteString trace = record.getTraceId();
          if (trace.size() != 16 || isZero(trace)) throw new BadPayloadException(where + ".traceId: an evaluation record needs the trace it judges");
          ByteString spanId = record.getSpanId();
          if (!spanId.isEmpty() && spanId.size() != 8) throw new BadPayloadException(where + ".spanId: must be 8 bytes");
          Object name = a.get(NAME);
          if (!(name instanceof String n) || n.isEmpty()) {
            throw new BadPayloadException(where + ".attributes[\"" + NAME + "\"]: missing; an evaluation record needs its name");
          }
          if (a.get(VALUE) == null && a.get(LABEL) == null) {
            throw new BadPayloadException(where + ".attributes: neither \"" + VALUE + "\" nor \"" + LABEL + "\" is set");
          }
          long ts = record.getTimeUnixNano() != 0 ? record.getTimeUnixNano() : record.getObservedTimeUnixNano();
          ByteBuffer t = trace.asReadOnlyByteBuffer();
          long span = spanId.isEmpty() ? Score.TRACE_ROOT : spanId.asReadOnlyByteBuffer().getLong();
          Object comment = a.containsKey(EXPLANATION) ? a.get(EXPLANATION) : bodyText(record);
          Score score;
          try {
            score = score(t.getLong(), t.getLong(), span, n, a.get(VALUE), a.get(LABEL), comment, "otel_log",
                ts == 0 ? nowMs : Math.floorDiv(ts, 1_000_000L));
          } catch (IllegalArgumentException e) {
            throw new BadPayloadException(where + ": " + e.getMessage());
          }
          if (score == null) throw new BadPayloadException(where + ".attributes[\"" + VALUE + "\"]: not a number, boolean or label");
          out.add(score);
        }
      }
    }
    return out;
  }

  private static Object bodyText(LogRecord record) {
    return record.hasBody() && record.getBody().hasStringValue() ? record.getBody().getStringValue() : null;
  }

  private static boolean isZero(ByteString b) {
    for (int i = 0; i < b.size(); i++) if (b.byteAt(i) != 0) return false;
    return true;
  }

  /**
   * A score from attribute values, or null when it has no usable name or value. A value given as
   * text is a number when it parses as one, else the label.
   */
  static Score score(long hi, long lo, long span, Object name, Object value, Object label, Object comment, String source,
      long timestampMs) {
    if (!(name instanceof String n) || n.isEmpty() || n.length() > Score.MAX_NAME_CHARS || (hi == 0 && lo == 0)) return null;
    double v = Double.NaN;
    String l = label == null ? null : String.valueOf(label);
    if (value instanceof Number num) {
      v = num.doubleValue();
    } else if (value instanceof Boolean b) {
      v = b ? 1 : 0;
      if (l == null) l = b.toString();
    } else if (value instanceof String text && !text.isBlank()) {
      try {
        v = Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        if (l == null) l = text;
      }
    }
    if (Double.isInfinite(v) || (Double.isNaN(v) && l == null)) return null;
    if (l != null && l.length() > Score.MAX_LABEL_CHARS) l = l.substring(0, Score.MAX_LABEL_CHARS);
    String c = comment == null ? null : String.valueOf(comment);
    if (c != null && c.length() > Score.MAX_COMMENT_CHARS) c = c.substring(0, Score.MAX_COMMENT_CHARS);
    return new Score(hi, lo, span, n, v, l, c, source, timestampMs, null);
  }
}
