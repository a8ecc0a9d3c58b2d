package io.llmscope.dashboards;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Ids;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.Score;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.model.SpanLink;
import java.util.Comparator;
import java.util.List;

/** The JSON of {@code GET /api/v1/traces/{id}}: every span with its canonical fields, full detail and scores. */
final class TraceJson {
  private TraceJson() {}

  /** The trace: its spans, each with the scores linked to it, and every score of the trace. */
  static ObjectNode trace(ObjectMapper json, List<LlmSpan> spans, Score[] scores) {
    ObjectNode out = json.createObjectNode();
    out.put("traceId", spans.get(0).traceIdHex());
    ArrayNode arr = out.putArray("spans");
    spans.stream().sorted(Comparator.comparingLong((LlmSpan s) -> s.startNanos).thenComparingLong(s -> s.spanId))
        .forEach(s -> {
          ObjectNode o = span(json, s);
          ArrayNode own = o.putArray("scores");
          for (Score score : scores) if (score.linksTo(s.spanId, s.parentSpanId)) own.add(ScoreJson.write(json, score));
          arr.add(o);
        });
    ScoreJson.writeAll(json, out.putArray("scores"), List.of(scores));
    return out;
  }

  /** Canonical fields only (the span list). */
  static ObjectNode fields(ObjectMapper json, LlmSpan s) {
    ObjectNode o = json.createObjectNode();
    o.put("trace_id", s.traceIdHex());
    o.put("span_id", s.spanIdHex());
    if (s.parentSpanId != 0) o.put("parent_span_id", Ids.spanHex(s.parentSpanId)); else o.putNull("parent_span_id");
    o.put("start_time_unix_nano", s.startNanos);
    o.put("end_time_unix_nano", s.endNanos);
    o.put("llm", s.llm);
    for (Dim d : Dim.values()) o.put(d.fieldName(), s.dim(d));
    for (Measure m : Measure.values()) {
      double v = s.measure(m);
      if (Double.isNaN(v)) o.putNull(m.fieldName());
      else if (v == Math.rint(v) && Math.abs(v) < 9.0e15) o.put(m.fieldName(), (long) v);
      else o.put(m.fieldName(), v);
    }
    o.put("cost_reported", s.costReported);
    return o;
  }

  /** Canonical fields and the full detail (the trace view). */
  static ObjectNode span(ObjectMapper json, LlmSpan s) {
    ObjectNode o = fields(json, s);
    o.set("attributes", json.valueToTree(s.detail.attributes()));
    o.set("resource", json.valueToTree(s.detail.resource()));
    o.put("scope_name", s.detail.scopeName());
    o.put("scope_version", s.detail.scopeVersion());
    o.put("trace_state", s.detail.traceState());
    o.put("status_message", s.detail.statusMessage());
    ArrayNode events = o.putArray("events");
    for (SpanEvent e : s.detail.events()) {
      ObjectNode ev = events.addObject();
      ev.put("time_unix_nano", e.timeNanos());
      ev.put("name", e.name());
      ev.set("attributes", json.valueToTree(e.attributes()));
    }
    ArrayNode links = o.putArray("links");
    for (SpanLink l : s.detail.links()) {
      ObjectNode ln = links.addObject();
      ln.put("trace_id", Ids.traceHex(l.traceIdHi(), l.traceIdLo()));
      ln.put("span_id", Ids.spanHex(l.spanId()));
      ln.put("trace_state", l.traceState());
      ln.set("attributes", json.valueToTree(l.attributes()));
    }
    // OTLP's names: what the sender dropped plus what ingest's per-span limits dropped.
    o.put("dropped_attributes_count", s.detail.droppedAttributes());
    o.put("dropped_events_count", s.detail.droppedEvents());
    o.put("dropped_links_count", s.detail.droppedLinks());
    return o;
  }
}
