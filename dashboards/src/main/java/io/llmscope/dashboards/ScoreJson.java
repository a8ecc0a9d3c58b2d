package io.llmscope.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmscope.query.TimeExpr;
import io.llmscope.storage.model.Ids;
import io.llmscope.storage.model.Score;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The JSON of scores: {@code POST /api/v1/scores} bodies read into {@link Score}s (every problem
 * named by its place, e.g. {@code [3].traceId}), and scores written back for the trace view.
 */
final class ScoreJson {
  private static final Set<String> FIELDS =
      Set.of("traceId", "spanId", "name", "value", "label", "comment", "timestamp", "source", "id");

  private ScoreJson() {}

  /** A bad body: the message names the item and field. */
  static final class BadScore extends Exception {
    BadScore(String message) {
      super(message);
    }
  }

  /** A JSON array of scores (or {@code {"scores": [...]}}), at most {@code maxScores}. */
  static List<Score> read(JsonNode body, long nowMs, int maxScores) throws BadScore {
    JsonNode list = body != null && body.isObject() && body.has("scores") ? body.get("scores") : body;
    if (list == null || !list.isArray()) throw new BadScore("body must be a JSON array of scores, e.g. [{\"traceId\": \"...\", \"name\": \"helpfulness\", \"value\": 0.8}]");
    if (list.size() > maxScores) throw new BadScore("body has " + list.size() + " scores; at most " + maxScores + " per request (api.maxScoresPerRequest)");
    List<Score> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) out.add(one(list.get(i), "[" + i + "]", nowMs));
    return out;
  }

  private static Score one(JsonNode n, String at, long nowMs) throws BadScore {
    if (!n.isObject()) throw new BadScore(at + ": must be an object");
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) throw new BadScore(at + "." + f + ": unknown field; expected one of " + new java.util.TreeSet<>(FIELDS));
    }
    long[] trace = Ids.parseTraceHex(text(n, "traceId", at, true));
    if (trace == null || (trace[0] == 0 && trace[1] == 0)) throw new BadScore(at + ".traceId: must be 32 hex characters, not all zero");
    long span = Score.TRACE_ROOT;
    String spanText = text(n, "spanId", at, false);
    if (spanText != null) {
      span = parseSpan(spanText);
      if (span == 0) throw new BadScore(at + ".spanId: must be 16 hex characters, not all zero");
    }
    String name = text(n, "name", at, true);
    if (name.isEmpty() || name.length() > Score.MAX_NAME_CHARS) throw new BadScore(at + ".name: must have 1 to " + Score.MAX_NAME_CHARS + " characters");
    double value = Double.NaN;
    String label = text(n, "label", at, false);
    JsonNode v = n.get("value");
    if (v != null && !v.isNull()) {
      if (v.isBoolean()) {
        value = v.asBoolean() ? 1 : 0;
        if (label == null) label = Boolean.toString(v.asBoolean());
      } else if (v.isNumber() && Double.isFinite(v.asDouble())) {
        value = v.asDouble();
      } else {
        throw new BadScore(at + ".value: must be a finite number or a boolean, got " + v);
      }
    }
    if (Double.isNaN(value) && label == null) throw new BadScore(at + ": needs a 'value' (number or boolean) or a 'label'");
    if (label != null && label.length() > Score.MAX_LABEL_CHARS) throw new BadScore(at + ".label: more than " + Score.MAX_LABEL_CHARS + " characters");
    String comment = text(n, "comment", at, false);
    if (comment != null && comment.length() > Score.MAX_COMMENT_CHARS) throw new BadScore(at + ".comment: more than " + Score.MAX_COMMENT_CHARS + " characters");
    long ts = nowMs;
    JsonNode t = n.get("timestamp");
    if (t != null && !t.isNull()) {
      if (t.isIntegralNumber()) {
        ts = t.asLong();
      } else if (t.isTextual()) {
        try {
          ts = TimeExpr.timeMs(t.asText(), nowMs, at + ".timestamp");
        } catch (IllegalArgumentException e) {
          throw new BadScore(e.getMessage());
        }
      } else {
        throw new BadScore(at + ".timestamp: must be ISO-8601 or epoch ms, got " + t);
      }
    }
    String source = text(n, "source", at, false);
    if (source != null && (source.isEmpty() || source.length() > 64)) throw new BadScore(at + ".source: must have 1 to 64 characters");
    String id = text(n, "id", at, false);
    if (id != null && (id.isEmpty() || id.length() > 256)) throw new BadScore(at + ".id: must have 1 to 256 characters");
    return new Score(trace[0], trace[1], span, name, value, label, comment, source == null ? "api" : source, ts, id);
  }

  private static long parseSpan(String hex) {
    if (hex.length() != 16) return 0;
    try {
      return Long.parseUnsignedLong(hex, 16);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String text(JsonNode n, String field, String at, boolean required) throws BadScore {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) throw new BadScore(at + "." + field + ": is required");
      return null;
    }
    if (!v.isTextual()) throw new BadScore(at + "." + field + ": must be a string, got " + v.getNodeType().name().toLowerCase(Locale.ROOT));
    return v.asText();
  }

  /** One score as the trace view shows it. */
  static ObjectNode write(ObjectMapper json, Score s) {
    ObjectNode o = json.createObjectNode();
    o.put("name", s.name());
    if (Double.isNaN(s.value())) o.putNull("value");
    else o.put("value", s.value());
    o.put("label", s.label());
    o.put("comment", s.comment());
    o.put("source", s.source());
    o.put("timestamp", s.timestampMs());
    if (s.spanId() == Score.TRACE_ROOT) o.putNull("span_id");
    else o.put("span_id", Ids.spanHex(s.spanId()));
    if (s.id() != null) o.put("id", s.id());
    return o;
  }

  static void writeAll(ObjectMapper json, ArrayNode into, List<Score> scores) {
    for (Score s : scores) into.add(write(json, s));
  }
}
