package io.llmscope.server.it;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The reference side of {@link QueryOracleIT}: an in-memory DuckDB table {@code spans}, one row per
 * OTLP span, whose canonical columns are derived here from the protobuf by following
 * docs/normalisation.md and API.md "Canonical fields". The production normaliser is deliberately
 * not used: a mapping bug must show up as a disagreement, not be copied into the oracle.
 *
 * <p>The mapping covers the keys the load generator sends (OTel GenAI semantic conventions, current
 * names, plus OTel resource attributes) and their documented lower-precedence alternatives in the
 * same dialects; the other dialects are the normaliser unit tests' business.
 */
final class OracleTable implements AutoCloseable {

  /** A column of the table: the query field it answers (null for internal columns), its SQL name and type. */
  record Column(String field, String sql, String type) {}

  static final List<Column> COLUMNS = List.of(
      new Column(null, "start_ns", "BIGINT"),
      new Column(null, "llm", "BOOLEAN"),
      dim("service"), dim("environment"), dim("operation"), dim("provider"), dim("model"),
      dim("request_model"), dim("response_model"), dim("status"), dim("error_type"), dim("finish_reason"),
      dim("user"), dim("session"), dim("prompt_name"), dim("prompt_version"), dim("agent"), dim("tool"),
      dim("span_name"), dim("span_kind"), dim("trace_id"), dim("parent_span_id"),
      measure("duration_ms"), measure("input_tokens"), measure("output_tokens"), measure("total_tokens"),
      measure("cache_read_tokens"), measure("cache_write_tokens"), measure("reasoning_tokens"),
      measure("temperature"), measure("max_tokens"),
      // Raw attributes for attr.KEY / resource.KEY queries, as text (API.md: any attribute).
      new Column("attr.gen_ai.prompt.name", "attr_prompt_name", "VARCHAR"),
      new Column("attr.gen_ai.request.max_tokens", "attr_max_tokens", "VARCHAR"),
      new Column("attr.gen_ai.request.temperature", "attr_temperature", "VARCHAR"),
      new Column("attr.http.route", "attr_http_route", "VARCHAR"),
      new Column("resource.telemetry.sdk.language", "res_sdk_language", "VARCHAR"),
      new Column("resource.service.version", "res_service_version", "VARCHAR"));

  /** Query field → column. */
  static final Map<String, Column> BY_FIELD = new HashMap<>();

  static {
    for (Column c : COLUMNS) if (c.field() != null) BY_FIELD.put(c.field(), c);
  }

  /** Measures that are not whole numbers (the generator's token counts and max_tokens are). */
  static final Set<String> FRACTIONAL = Set.of("duration_ms", "temperature");

  /** API.md llmOnly: these operations are model calls. */
  private static final Set<String> MODEL_CALL_OPERATIONS = Set.of("chat", "text_completion", "generate_content", "embeddings");

  private static Column dim(String name) {
    return new Column(name, '"' + name + '"', "VARCHAR");
  }

  private static Column measure(String name) {
    return new Column(name, name, "DOUBLE");
  }

  static Column column(String field) {
    Column c = BY_FIELD.get(field);
    if (c == null) throw new IllegalArgumentException("the oracle has no column for field '" + field + "'");
    return c;
  }

  static boolean numeric(String field) {
    return column(field).type().equals("DOUBLE");
  }

  final Connection connection;
  private final DuckDBAppender appender;
  private long rows;

  OracleTable() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
    StringBuilder ddl = new StringBuilder("CREATE TABLE spans (");
    for (int i = 0; i < COLUMNS.size(); i++) {
      if (i > 0) ddl.append(", ");
      ddl.append(COLUMNS.get(i).sql()).append(' ').append(COLUMNS.get(i).type());
    }
    try (Statement st = connection.createStatement()) {
      st.execute(ddl.append(')').toString());
    }
    appender = ((DuckDBConnection) connection).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "spans");
  }

  /** Appends every span of the request (a span the server would reject has none here: ids are always valid). */
  void add(ExportTraceServiceRequest request) throws SQLException {
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Map<String, AnyValue> resource = firstWins(rs.getResource().getAttributesList());
      Map<String, AnyValue> resourceRaw = lastWins(rs.getResource().getAttributesList());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) append(row(resource, resourceRaw, span));
      }
    }
  }

  /** Makes the appended rows visible to queries. */
  void finishLoading() throws SQLException {
    appender.close();
  }

  long rows() {
    return rows;
  }

  private void append(Object[] values) throws SQLException {
    appender.beginRow();
    for (Object v : values) {
      if (v == null) appender.appendNull();
      else if (v instanceof String s) appender.append(s);
      else if (v instanceof Double d) appender.append(d.doubleValue());
      else if (v instanceof Long l) appender.append(l.longValue());
      else if (v instanceof Boolean b) appender.append(b.booleanValue());
      else throw new IllegalArgumentException(v.getClass().toString());
    }
    appender.endRow();
    rows++;
  }

  // ---- the independent mapping (docs/normalisation.md) ------------------------------------------

  /** One span's values in {@link #COLUMNS} order. */
  static Object[] row(Map<String, AnyValue> res, Map<String, AnyValue> resRaw, Span span) {
    // "On a tie ... the first attribute received wins" for canonical fields; the raw attribute
    // map (attr.KEY) keeps the last value of a repeated key, as the span detail does.
    Map<String, AnyValue> a = firstWins(span.getAttributesList());
    Map<String, AnyValue> raw = lastWins(span.getAttributesList());

    String status = switch (span.getStatus().getCodeValue()) {
      case 1 -> "ok";
      case 2 -> "error";
      default -> "unset";
    };
    String spanKind = switch (span.getKindValue()) {
      case 1 -> "internal";
      case 2 -> "server";
      case 3 -> "client";
      case 4 -> "producer";
      case 5 -> "consumer";
      default -> "unspecified";
    };
    long start = span.getStartTimeUnixNano();
    long end = span.getEndTimeUnixNano();
    Double duration = start > 0 && end >= start ? (end - start) / 1e6 : null;

    // Precedence order, highest first; a span attribute beats a resource attribute of equal rank.
    String service = text(res.get("service.name"));
    String environment = first(text(a.get("deployment.environment.name")), text(res.get("deployment.environment.name")),
        text(a.get("deployment.environment")), text(res.get("deployment.environment")));
    String operation = text(a.get("gen_ai.operation.name"));
    String provider = lower(first(text(a.get("gen_ai.provider.name")), text(a.get("gen_ai.system"))));
    String requestModel = text(a.get("gen_ai.request.model"));
    String responseModel = text(a.get("gen_ai.response.model"));
    String model = responseModel != null ? responseModel : requestModel;
    String errorType = text(a.get("error.type"));
    if (errorType == null && !status.equals("ok")) errorType = exceptionType(span);
    String finishReason = text(a.get("gen_ai.response.finish_reasons"));
    String user = first(text(a.get("user.id")), text(res.get("user.id")), text(a.get("enduser.id")));
    String session = first(text(a.get("gen_ai.conversation.id")), text(a.get("session.id")), text(res.get("session.id")));
    String promptName = first(text(a.get("gen_ai.prompt.name")), text(a.get("langfuse.observation.prompt.name")),
        text(a.get("traceloop.prompt.key")), text(a.get("llm.prompt_template.name")));
    String promptVersion = first(text(a.get("gen_ai.prompt.version")), text(a.get("langfuse.observation.prompt.version")),
        text(a.get("traceloop.prompt.version")), text(a.get("llm.prompt_template.version")));
    String agent = first(text(a.get("gen_ai.agent.name")), text(a.get("agent.name")));
    String tool = first(text(a.get("gen_ai.tool.name")), text(a.get("tool.name")));

    Double input = first(count(a.get("gen_ai.usage.input_tokens")), count(a.get("gen_ai.usage.prompt_tokens")));
    Double output = first(count(a.get("gen_ai.usage.output_tokens")), count(a.get("gen_ai.usage.completion_tokens")));
    Double reportedTotal = count(a.get("gen_ai.usage.total_tokens"));
    Double cacheRead = first(count(a.get("gen_ai.usage.cache_read.input_tokens")), count(a.get("gen_ai.usage.cache_read_input_tokens")));
    Double cacheWrite = first(count(a.get("gen_ai.usage.cache_creation.input_tokens")),
        count(a.get("gen_ai.usage.cache_creation_input_tokens")), count(a.get("gen_ai.usage.cache_write_input_tokens")));
    Double reasoning = first(count(a.get("gen_ai.usage.reasoning.output_tokens")), count(a.get("gen_ai.usage.reasoning_tokens")));
    // Token semantics, consistency check rules 2 and 3 (rule 1 needs a reported total, which the
    // generator never sends): a count smaller than its own subset cannot include it.
    double cache = orZero(cacheRead) + orZero(cacheWrite);
    if (input != null && input < cache) input += cache;
    if (output != null && reasoning != null && output < reasoning) output += reasoning;
    Double total = input != null && output != null ? (Double) (input + output)
        : reportedTotal != null ? reportedTotal : input != null ? input : output;
    Double temperature = number(a.get("gen_ai.request.temperature"));
    Double maxTokens = count(a.get("gen_ai.request.max_tokens"));

    boolean llm = (operation != null && MODEL_CALL_OPERATIONS.contains(operation))
        || (model != null && (input != null || output != null || total != null));

    return new Object[] {
      start, llm,
      service, environment, operation, provider, model, requestModel, responseModel, status, errorType, finishReason,
      user, session, promptName, promptVersion, agent, tool, span.getName().isEmpty() ? null : span.getName(), spanKind,
      hex(span.getTraceId()), parentSpanId(span),
      duration, input, output, total, cacheRead, cacheWrite, reasoning, temperature, maxTokens,
      rawText(raw.get("gen_ai.prompt.name")), rawText(raw.get("gen_ai.request.max_tokens")),
      rawText(raw.get("gen_ai.request.temperature")), rawText(raw.get("http.route")),
      rawText(resRaw.get("telemetry.sdk.language")), rawText(resRaw.get("service.version")),
    };
  }

  /** Ids as lower-case hex (API.md: trace_id, span_id, parent_span_id). */
  static String hex(ByteString id) {
    return HexFormat.of().formatHex(id.toByteArray());
  }

  /** The parent span id; absent for a root ("parent 0 when absent"). */
  private static String parentSpanId(Span span) {
    ByteString p = span.getParentSpanId();
    if (p.size() != 8) return null;
    for (int i = 0; i < 8; i++) if (p.byteAt(i) != 0) return hex(p);
    return null;
  }

  private static String exceptionType(Span span) {
    for (Span.Event e : span.getEventsList()) {
      if (!e.getName().equals("exception")) continue;
      for (KeyValue kv : e.getAttributesList()) {
        if (kv.getKey().equals("exception.type")) {
          String t = text(kv.getValue());
          if (t != null) return t;
        }
      }
    }
    return null;
  }

  private static Map<String, AnyValue> firstWins(List<KeyValue> kvs) {
    Map<String, AnyValue> m = new HashMap<>();
    for (KeyValue kv : kvs) m.putIfAbsent(kv.getKey(), kv.getValue());
    return m;
  }

  private static Map<String, AnyValue> lastWins(List<KeyValue> kvs) {
    Map<String, AnyValue> m = new LinkedHashMap<>();
    for (KeyValue kv : kvs) m.put(kv.getKey(), kv.getValue());
    return m;
  }

  /** "text (array: first element)": trimmed, empty is absent. */
  static String text(AnyValue v) {
    if (v == null) return null;
    if (v.hasArrayValue()) return v.getArrayValue().getValuesCount() == 0 ? null : text(v.getArrayValue().getValues(0));
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue().trim().isEmpty() ? null : v.getStringValue().trim();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case DOUBLE_VALUE -> {
        double d = v.getDoubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) yield null;
        yield d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
      }
      default -> null;
    };
  }

  /** An attribute as an {@code attr.KEY} query sees it: its value as text, untrimmed (scalars only here). */
  static String rawText(AnyValue v) {
    if (v == null) return null;
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      default -> throw new IllegalArgumentException("the oracle keeps scalar raw attributes only: " + v);
    };
  }

  /** "number (int, double or numeric text)", finite. */
  static Double number(AnyValue v) {
    if (v == null) return null;
    double d;
    switch (v.getValueCase()) {
      case INT_VALUE -> d = v.getIntValue();
      case DOUBLE_VALUE -> d = v.getDoubleValue();
      case STRING_VALUE -> {
        try {
          d = Double.parseDouble(v.getStringValue().trim());
        } catch (NumberFormatException e) {
          return null;
        }
      }
      default -> {
        return null;
      }
    }
    return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
  }

  /** "count ≥ 0": a number that is not negative. */
  static Double count(AnyValue v) {
    Double d = number(v);
    return d == null || d < 0 ? null : d;
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) if (v != null) return v;
    return null;
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static double orZero(Double d) {
    return d == null ? 0 : d;
  }

  @Override
  public void close() throws SQLException {
    if (!appender.isClosed()) appender.close();
    connection.close();
  }
}
