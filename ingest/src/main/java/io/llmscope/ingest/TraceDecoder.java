package io.llmscope.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.util.Base64;
import java.util.Locale;

/**
 * Decodes OTLP trace and log export requests from protobuf and from OTLP/JSON.
 *
 * <p>The JSON path follows the OTLP/JSON mapping and is lenient where upstream producers are:
 * trace and span ids as hex (any case) or as base64 (protojson style); int64 fields as strings or
 * bare numbers (exact beyond 2^53); enums as integers or names (also short names such as
 * {@code "SERVER"}); camelCase or snake_case field names; unknown fields ignored. It is strict
 * where leniency would lose data silently: an id that is neither valid hex nor base64 of the right
 * length, or an unknown enum name, is rejected with a message naming the field and value.
 *
 * <p>Implementation: Jackson tree, then ids and enums are validated and rewritten in place to the
 * protojson form (base64 ids, canonical enum names), then {@link JsonFormat} merges the tree.
 */
final class TraceDecoder {
  private TraceDecoder() {}

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build();

  private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();

  private static final EnumDescriptor SPAN_KIND = Span.SpanKind.getDescriptor();
  private static final EnumDescriptor STATUS_CODE = Status.StatusCode.getDescriptor();
  private static final EnumDescriptor SEVERITY = io.opentelemetry.proto.logs.v1.SeverityNumber.getDescriptor();

  /** Decodes a binary {@code ExportTraceServiceRequest}. */
  static ExportTraceServiceRequest decodeProtobuf(byte[] body) throws BadPayloadException {
    ExportTraceServiceRequest request;
    try {
      request = ExportTraceServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new BadPayloadException("malformed protobuf ExportTraceServiceRequest: " + e.getMessage());
    }
    // Arbitrary bytes often parse as a message made only of unknown fields. A real request that
    // carries no resource spans but unknown top-level fields is not something any OTLP version
    // sends, so treat it as garbage rather than acknowledging an empty export.
    if (request.getResourceSpansCount() == 0 && !request.getUnknownFields().asMap().isEmpty()) {
      throw new BadPayloadException(
          "malformed protobuf: body is not an OTLP ExportTraceServiceRequest (no resource_spans,"
              + " only unknown fields)");
    }
    return request;
  }

  /** Decodes an OTLP/JSON {@code ExportTraceServiceRequest}. */
  static ExportTraceServiceRequest decodeJson(byte[] body) throws BadPayloadException {
    ObjectNode root = jsonObject(body);
    normaliseRequest(root);
    ExportTraceServiceRequest.Builder builder = ExportTraceServiceRequest.newBuilder();
    merge(root, builder);
    return builder.build();
  }

  /** Decodes a binary {@code ExportLogsServiceRequest}. */
  static ExportLogsServiceRequest decodeLogsProtobuf(byte[] body) throws BadPayloadException {
    ExportLogsServiceRequest request;
    try {
      request = ExportLogsServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new BadPayloadException("malformed protobuf ExportLogsServiceRequest: " + e.getMessage());
    }
    if (request.getResourceLogsCount() == 0 && !request.getUnknownFields().asMap().isEmpty()) {
      throw new BadPayloadException(
          "malformed protobuf: body is not an OTLP ExportLogsServiceRequest (no resource_logs, only unknown fields)");
    }
    return request;
  }

  /** Decodes an OTLP/JSON {@code ExportLogsServiceRequest}, as leniently as traces. */
  static ExportLogsServiceRequest decodeLogsJson(byte[] body) throws BadPayloadException {
    ObjectNode root = jsonObject(body);
    ArrayNode resourceLogs = array(root, "resourceLogs", "resource_logs");
    for (int r = 0; resourceLogs != null && r < resourceLogs.size(); r++) {
      if (!(resourceLogs.get(r) instanceof ObjectNode rl)) continue;
      ArrayNode scopeLogs = array(rl, "scopeLogs", "scope_logs");
      for (int s = 0; scopeLogs != null && s < scopeLogs.size(); s++) {
        if (!(scopeLogs.get(s) instanceof ObjectNode sl)) continue;
        ArrayNode records = array(sl, "logRecords", "log_records");
        for (int i = 0; records != null && i < records.size(); i++) {
          if (!(records.get(i) instanceof ObjectNode record)) continue;
          String where = "resourceLogs[" + r + "].scopeLogs[" + s + "].logRecords[" + i + "]";
          rewriteId(record, "traceId", "trace_id", 16, where);
          rewriteId(record, "spanId", "span_id", 8, where);
          rewriteEnum(record, "severityNumber", "severity_number", SEVERITY, "SEVERITY_NUMBER_", "severity number", where);
        }
      }
    }
    ExportLogsServiceRequest.Builder builder = ExportLogsServiceRequest.newBuilder();
    merge(root, builder);
    return builder.build();
  }

  private static ObjectNode jsonObject(byte[] body) throws BadPayloadException {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadPayloadException("malformed JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr()));
    } catch (IOException e) {
      throw new BadPayloadException("malformed JSON: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new BadPayloadException("malformed JSON: empty body");
    }
    if (!(root instanceof ObjectNode o)) {
      throw new BadPayloadException(
          "malformed OTLP/JSON: top level must be an object, got " + root.getNodeType());
    }
    return o;
  }

  private static void merge(ObjectNode root, com.google.protobuf.Message.Builder builder) throws BadPayloadException {
    try {
      JSON_PARSER.merge(MAPPER.writeValueAsString(root), builder);
    } catch (InvalidProtocolBufferException e) {
      throw new BadPayloadException("invalid OTLP/JSON: " + e.getMessage());
    } catch (JsonProcessingException e) {
      throw new BadPayloadException("invalid OTLP/JSON: " + e.getOriginalMessage());
    } catch (RuntimeException e) {
      // JsonFormat surfaces a few problems (e.g. deeply odd number literals) as runtime exceptions.
      throw new BadPayloadException("invalid OTLP/JSON: " + e.getMessage());
    }
  }

  // ---- tree rewriting: ids to base64, enum names validated -------------------------------------

  private static void normaliseRequest(ObjectNode root) throws BadPayloadException {
    ArrayNode resourceSpans = array(root, "resourceSpans", "resource_spans");
    if (resourceSpans == null) return;
    for (int r = 0; r < resourceSpans.size(); r++) {
      if (!(resourceSpans.get(r) instanceof ObjectNode rs)) continue;
      ArrayNode scopeSpans = array(rs, "scopeSpans", "scope_spans");
      if (scopeSpans == null) continue;
      for (int s = 0; s < scopeSpans.size(); s++) {
        if (!(scopeSpans.get(s) instanceof ObjectNode ss)) continue;
        ArrayNode spans = array(ss, "spans", "spans");
        if (spans == null) continue;
        for (int i = 0; i < spans.size(); i++) {
          if (!(spans.get(i) instanceof ObjectNode span)) continue;
          String where = "resourceSpans[" + r + "].scopeSpans[" + s + "].spans[" + i + "]";
          normaliseSpan(span, where);
        }
      }
    }
  }

  private static void normaliseSpan(ObjectNode span, String where) throws BadPayloadException {
    rewriteId(span, "traceId", "trace_id", 16, where);
    rewriteId(span, "spanId", "span_id", 8, where);
    rewriteId(span, "parentSpanId", "parent_span_id", 8, where);
    rewriteEnum(span, "kind", "kind", SPAN_KIND, "SPAN_KIND_", "span kind", where);
    JsonNode status = span.get("status");
    if (status instanceof ObjectNode st) {
      rewriteEnum(st, "code", "code", STATUS_CODE, "STATUS_CODE_", "status code", where + ".status");
    }
    ArrayNode links = array(span, "links", "links");
    if (links != null) {
      for (int l = 0; l < links.size(); l++) {
        if (!(links.get(l) instanceof ObjectNode link)) continue;
        String lw = where + ".links[" + l + "]";
        rewriteId(link, "traceId", "trace_id", 16, lw);
        rewriteId(link, "spanId", "span_id", 8, lw);
      }
    }
  }

  private static ArrayNode array(ObjectNode node, String camel, String snake) {
    JsonNode n = node.get(camel);
    if (n == null) n = node.get(snake);
    return n instanceof ArrayNode a ? a : null;
  }

  private static void rewriteId(ObjectNode node, String camel, String snake, int bytes, String where)
      throws BadPayloadException {
    rewriteId1(node, camel, bytes, where);
    rewriteId1(node, snake, bytes, where);
  }

  private static void rewriteId1(ObjectNode node, String field, int bytes, String where)
      throws BadPayloadException {
    JsonNode v = node.get(field);
    if (v == null) return;
    if (v.isNull()) {
      node.remove(field);
      return;
    }
    if (!v.isTextual()) {
      throw new BadPayloadException(
          "invalid " + field + " " + v + " at " + where + ": expected a hex or base64 string");
    }
    String text = v.textValue();
    if (text.isEmpty()) return;
    byte[] decoded = decodeId(text, bytes);
    if (decoded == null) {
      throw new BadPayloadException("invalid " + field + " \"" + abbreviate(text) + "\" at " + where
          + ": expected " + (bytes * 2) + " hex digits or base64 of " + bytes + " bytes");
    }
    node.put(field, Base64.getEncoder().encodeToString(decoded));
  }

  /** Hex (exactly 2*n digits, any case) or base64/base64url (padded or not) of exactly n bytes. */
  static byte[] decodeId(String text, int bytes) {
    if (text.length() == bytes * 2) {
      byte[] out = new byte[bytes];
      boolean ok = true;
      for (int i = 0; i < bytes && ok; i++) {
        int hi = Character.digit(text.charAt(2 * i), 16);
        int lo = Character.digit(text.charAt(2 * i + 1), 16);
        if (hi < 0 || lo < 0) ok = false;
        else out[i] = (byte) ((hi << 4) | lo);
      }
      if (ok) return out;
    }
    // Base64 of n bytes: 4*ceil(n/3) chars padded, fewer unpadded. Never the same length as hex.
    int padded = 4 * ((bytes + 2) / 3);
    if (text.length() > padded || text.length() < padded - 2) return null;
    byte[] out = tryBase64(Base64.getDecoder(), text);
    if (out == null) out = tryBase64(Base64.getUrlDecoder(), text);
    return out != null && out.length == bytes ? out : null;
  }

  private static byte[] tryBase64(Base64.Decoder decoder, String text) {
    try {
      return decoder.decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void rewriteEnum(ObjectNode node, String camel, String snake, EnumDescriptor type,
      String prefix, String what, String where) throws BadPayloadException {
    JsonNode v = node.get(camel);
    String field = camel;
    if (v == null && !camel.equals(snake)) {
      v = node.get(snake);
      field = snake;
    }
    if (v == null || v.isNull()) return;
    if (v.isIntegralNumber()) return; // open enum: any int accepted, unknown ones kept as numbers
    if (!v.isTextual()) {
      throw new BadPayloadException("invalid " + what + " " + v + " at " + where + "." + field);
    }
    String name = v.textValue();
    if (type.findValueByName(name) != null) return;
    String upper = name.trim().toUpperCase(Locale.ROOT);
    String canonical = upper.startsWith(prefix) ? upper : prefix + upper;
    if (type.findValueByName(canonical) != null) {
      node.put(field, canonical);
      return;
    }
    // A numeric string ("2") is what some hand-written producers send.
    try {
      node.put(field, Integer.parseInt(name.trim()));
      return;
    } catch (NumberFormatException ignored) {
      // fall through
    }
    throw new BadPayloadException(
        "unknown " + what + " \"" + abbreviate(name) + "\" at " + where + "." + field);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
