package io.llmscope.ingest;

import static io.llmscope.ingest.AttributeMapping.DERIVED_PRECEDENCE;
import static io.llmscope.ingest.AttributeMapping.LANGFUSE_USAGE_PRECEDENCE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmscope.ingest.AttributeMapping.Target;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.SpanEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The few rules that are not "attribute X feeds field Y", applied after the table walk, in this
 * order (each one documented in docs/normalisation.md):
 *
 * <ol>
 *   <li>JSON blobs: OpenInference {@code llm.invocation_parameters} and Langfuse
 *       {@code model.parameters} (request model, temperature, max tokens), Langfuse
 *       {@code usage_details} (canonical token counts) and {@code cost_details} (cost), Langfuse
 *       {@code completion_start_time} (TTFT), and the finish reason inside output JSON when no
 *       attribute carries it.
 *   <li>Dialect span kinds: the Traceloop entity name of an agent / tool span is the agent / tool;
 *       the name of a Langfuse agent / tool observation is the agent / tool.
 *   <li>Token reconciliation to the canonical semantics (input includes cache read and write,
 *       reasoning is part of output, total = input + output) by the rule of the library that wrote
 *       the span ({@link TokenSemantics}).
 *   <li>model = response model, else request model.
 *   <li>error_type falls back to the {@code exception.type} of an exception event.
 *   <li>llm = the operation is a model call, or the span names a model and reports tokens; never
 *       an agent / workflow / chain / task roll-up.
 * </ol>
 */
final class DerivedRules {
  private DerivedRules() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String[] MAX_TOKEN_KEYS = {
    "max_tokens", "max_completion_tokens", "max_output_tokens", "max_new_tokens",
    "max_tokens_to_sample", "maxTokens", "maxOutputTokens"
  };
  private static final String[] FINISH_KEYS = {"finish_reason", "finishReason", "stop_reason", "stopReason"};
  private static final String[] FINISH_CONTAINERS = {"choices", "candidates", "output", "messages"};

  static void apply(SpanFields f, LlmSpan out, String status, List<SpanEvent> events) {
    apply(f, out, status, events, null, null);
  }

  static void apply(SpanFields f, LlmSpan out, String status, List<SpanEvent> events,
      String scopeName, String scopeVersion) {
    jsonBlobs(f, out.startNanos);
    dialectKinds(f, out.dim(Dim.SPAN_NAME));
    TokenSemantics.reconcile(f, TokenSemantics.emitter(new TokenSemantics.Origin(scopeName, scopeVersion, f)));
    String model = f.string(Target.RESPONSE_MODEL);
    if (model == null) model = f.string(Target.REQUEST_MODEL);
    out.dim(Dim.MODEL, model);
    if (f.get(Target.ERROR_TYPE) == null && !"ok".equals(status)) {
      f.offer(Target.ERROR_TYPE, 0, exceptionType(events));
    }
    out.llm = isModelCall(f, model);
  }

  /**
   * A model call: the operation says so, or (no operation, or one we do not know) the span names a
   * model and reports tokens. Never an agent, workflow, chain or task span, whatever it carries:
   * those report the summed usage of the calls beneath them, and llmOnly totals would count every
   * token twice. The dialect kinds are checked on their own, since a higher-precedence operation
   * name may hide them.
   */
  static boolean isModelCall(SpanFields f, String model) {
    if (isRollUp(f)) return false;
    String operation = f.string(Target.OPERATION);
    if (AttributeMapping.isModelCall(operation)) return true;
    if (operation != null && AttributeMapping.NOT_MODEL_CALLS.contains(operation)) return false;
    return model != null && (f.get(Target.INPUT_TOKENS) != null
        || f.get(Target.OUTPUT_TOKENS) != null || f.get(Target.TOTAL_TOKENS) != null);
  }

  private static boolean isRollUp(SpanFields f) {
    String operation = f.string(Target.OPERATION);
    if ("invoke_agent".equals(operation) || "create_agent".equals(operation)) return true;
    String traceloop = f.string(Target.TRACELOOP_SPAN_KIND);
    if ("workflow".equals(traceloop) || "agent".equals(traceloop) || "task".equals(traceloop)) return true;
    String openinference = f.string(Target.OPENINFERENCE_SPAN_KIND);
    return "agent".equals(openinference) || "chain".equals(openinference);
  }

  // ---- 1. JSON blobs ----------------------------------------------------------------------------

  static void jsonBlobs(SpanFields f, long startNanos) {
    JsonNode params = parse(f.get(Target.INVOCATION_PARAMETERS));
    if (params != null && params.isObject()) {
      int p = f.precedence(Target.INVOCATION_PARAMETERS);
      f.offer(Target.REQUEST_MODEL, p, AttributeMapping.text(scalar(params.get("model"))));
      requestParameters(f, params, p);
    }
    JsonNode modelParams = parse(f.get(Target.LANGFUSE_MODEL_PARAMETERS));
    if (modelParams != null && modelParams.isObject()) {
      requestParameters(f, modelParams, f.precedence(Target.LANGFUSE_MODEL_PARAMETERS));
    }
    JsonNode usage = parse(f.get(Target.LANGFUSE_USAGE_DETAILS));
    if (usage != null && usage.isObject()) langfuseUsage(f, usage);
    JsonNode providerMetadata = parse(f.get(Target.VERCEL_PROVIDER_METADATA));
    if (providerMetadata != null && providerMetadata.isObject()) vercelCacheWrites(f, providerMetadata);
    JsonNode cost = parse(f.get(Target.LANGFUSE_COST_DETAILS));
    if (cost != null && cost.isObject()) langfuseCost(f, cost);
    if (f.get(Target.TTFT_MS) == null && f.get(Target.COMPLETION_START_TIME) != null && startNanos > 0) {
      long first = epochNanos(f.get(Target.COMPLETION_START_TIME));
      if (first >= startNanos) {
        f.offer(Target.TTFT_MS, f.precedence(Target.COMPLETION_START_TIME), (first - startNanos) / 1e6);
      }
    }
    if (f.get(Target.FINISH_REASON) == null && f.get(Target.OUTPUT_JSON) != null) {
      Object raw = f.get(Target.OUTPUT_JSON);
      // Only documents that mention a finish reason are parsed (a cheap scan first: output
      // documents can be large); free text is never parsed.
      if (!(raw instanceof String s) || (looksLikeJson(s) && mentionsFinishReason(s))) {
        f.offer(Target.FINISH_REASON, DERIVED_PRECEDENCE, finishReason(parse(raw), 0));
      }
    }
  }

  private static void requestParameters(SpanFields f, JsonNode params, int precedence) {
    f.offer(Target.TEMPERATURE, precedence, AttributeMapping.number(scalar(params.get("temperature"))));
    for (String k : MAX_TOKEN_KEYS) {
      Double d = AttributeMapping.number(scalar(params.get(k)));
      if (d != null && d >= 0) {
        f.offer(Target.MAX_TOKENS, precedence, d);
        break;
      }
    }
  }

  /**
   * Langfuse usage types are disjoint buckets whose sum is the total: "input" excludes the
   * input_* details (cached, audio, ...) and Anthropic-style cache_read_input_tokens /
   * cache_creation_input_tokens; "output" excludes output_* details such as
   * output_reasoning_tokens. Canonical input is therefore the sum of every input-side bucket and
   * canonical output the sum of every output-side bucket.
   */
  static void langfuseUsage(SpanFields f, JsonNode usage) {
    double in = 0, out = 0, cacheRead = 0, cacheWrite = 0, reasoning = 0;
    boolean hasIn = false, hasOut = false, hasRead = false, hasWrite = false, hasReasoning = false;
    Double total = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = usage.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Double d = AttributeMapping.number(scalar(e.getValue()));
      if (d == null || d < 0) continue;
      String key = e.getKey().toLowerCase(Locale.ROOT);
      if (key.equals("total") || key.equals("total_tokens")) {
        total = d;
      } else if (key.contains("input") || key.contains("prompt") || key.contains("cache")) {
        in += d;
        hasIn = true;
        if (key.contains("cache_read") || key.contains("cached")) {
          cacheRead += d;
          hasRead = true;
        } else if (key.contains("cache_creation") || key.contains("cache_write")) {
          cacheWrite += d;
          hasWrite = true;
        }
      } else if (key.contains("output") || key.contains("completion") || key.contains("reasoning")) {
        out += d;
        hasOut = true;
        if (key.contains("reasoning")) {
          reasoning += d;
          hasReasoning = true;
        }
      }
      // Any other usage type (e.g. "images", "requests") has no canonical token field.
    }
    int p = LANGFUSE_USAGE_PRECEDENCE;
    if (hasIn) f.offer(Target.INPUT_TOKENS, p, in);
    if (hasOut) f.offer(Target.OUTPUT_TOKENS, p, out);
    if (hasRead) f.offer(Target.CACHE_READ_TOKENS, p, cacheRead);
    if (hasWrite) f.offer(Target.CACHE_WRITE_TOKENS, p, cacheWrite);
    if (hasReasoning) f.offer(Target.REASONING_TOKENS, p, reasoning);
    if (total != null) f.offer(Target.TOTAL_TOKENS, p, total);
  }

  /**
   * AI SDK 5 has no cache-write usage field; its Anthropic provider reports them as
   * providerMetadata.anthropic.cacheCreationInputTokens, Bedrock as
   * providerMetadata.bedrock.usage.cacheWriteInputTokens. Below every attribute (AI SDK 6's
   * ai.usage.inputTokenDetails.cacheWriteTokens wins).
   */
  static void vercelCacheWrites(SpanFields f, JsonNode metadata) {
    int p = f.precedence(Target.VERCEL_PROVIDER_METADATA);
    for (Iterator<JsonNode> it = metadata.elements(); it.hasNext(); ) {
      JsonNode provider = it.next();
      if (!provider.isObject()) continue;
      JsonNode v = provider.get("cacheCreationInputTokens");
      JsonNode usage = provider.get("usage");
      if ((v == null || v.isNull()) && usage != null && usage.isObject()) v = usage.get("cacheWriteInputTokens");
      Double d = AttributeMapping.number(scalar(v));
      if (d != null && d >= 0) {
        f.offer(Target.CACHE_WRITE_TOKENS, p, d);
        return;
      }
    }
  }

  /** Langfuse cost_details: "total" if present, else the sum of the cost types. */
  static void langfuseCost(SpanFields f, JsonNode cost) {
    Double total = AttributeMapping.number(scalar(cost.get("total")));
    if (total == null) {
      double sum = 0;
      boolean any = false;
      for (Iterator<JsonNode> it = cost.elements(); it.hasNext(); ) {
        Double d = AttributeMapping.number(scalar(it.next()));
        if (d != null) {
          sum += d;
          any = true;
        }
      }
      if (any) total = sum;
    }
    if (total != null && total >= 0) {
      f.offer(Target.COST_USD, f.precedence(Target.LANGFUSE_COST_DETAILS), total);
    }
  }

  /** finish_reason / stop_reason of an output document, its first message, choice or candidate. */
  static String finishReason(JsonNode n, int depth) {
    if (n == null || depth > 3) return null;
    if (n.isArray()) return n.size() == 0 ? null : finishReason(n.get(0), depth + 1);
    if (!n.isObject()) return null;
    for (String k : FINISH_KEYS) {
      JsonNode v = n.get(k);
      if (v != null && v.isTextual() && !v.textValue().isBlank()) return v.textValue();
      if (v != null && v.isArray() && v.size() > 0 && v.get(0).isTextual()) return v.get(0).textValue();
    }
    for (String k : FINISH_CONTAINERS) {
      String r = finishReason(n.get(k), depth + 1);
      if (r != null) return r;
    }
    return null;
  }

  // ---- 2. dialect span kinds --------------------------------------------------------------------

  static void dialectKinds(SpanFields f, String spanName) {
    String traceloopKind = f.string(Target.TRACELOOP_SPAN_KIND);
    String entity = f.string(Target.TRACELOOP_ENTITY_NAME);
    if (traceloopKind != null && entity != null) {
      if (traceloopKind.equals("agent")) f.offer(Target.AGENT, DERIVED_PRECEDENCE, entity);
      else if (traceloopKind.equals("tool")) f.offer(Target.TOOL, DERIVED_PRECEDENCE, entity);
    }
    String langfuseType = f.string(Target.LANGFUSE_OBSERVATION_TYPE);
    if (langfuseType != null && spanName != null) {
      if (langfuseType.equals("agent")) f.offer(Target.AGENT, DERIVED_PRECEDENCE - 10, spanName);
      else if (langfuseType.equals("tool")) f.offer(Target.TOOL, DERIVED_PRECEDENCE - 10, spanName);
    }
  }

  // ---- 3. tokens: TokenSemantics ---------------------------------------------------------------

  // ---- 5. error type ----------------------------------------------------------------------------

  private static String exceptionType(List<SpanEvent> events) {
    for (SpanEvent e : events) {
      if ("exception".equals(e.name())) {
        String t = AttributeMapping.text(e.attributes().get("exception.type"));
        if (t != null) return t;
      }
    }
    return null;
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static boolean mentionsFinishReason(String s) {
    return s.contains("finish_reason") || s.contains("stop_reason") || s.contains("finishReason")
        || s.contains("stopReason");
  }

  private static boolean looksLikeJson(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isWhitespace(c)) return c == '{' || c == '[';
    }
    return false;
  }

  /** A JSON document from text or from an already structured attribute value; null if not JSON. */
  static JsonNode parse(Object raw) {
    if (raw == null) return null;
    try {
      if (raw instanceof String s) return looksLikeJson(s) ? JSON.readTree(s) : null;
      if (raw instanceof Map || raw instanceof List) return JSON.valueToTree(raw);
    } catch (Exception e) {
      return null; // garbage stays in detail, nothing derived from it
    }
    return null;
  }

  /** A JSON scalar as a Java value for the table conversions. */
  private static Object scalar(JsonNode n) {
    if (n == null || n.isNull()) return null;
    if (n.isIntegralNumber()) return n.longValue();
    if (n.isNumber()) return n.doubleValue();
    if (n.isTextual()) return n.textValue();
    if (n.isBoolean()) return n.booleanValue();
    return null;
  }

  /** Epoch nanoseconds from ISO-8601 text (possibly JSON-quoted) or a number; Long.MIN_VALUE if unknown. */
  static long epochNanos(Object v) {
    if (v instanceof Long l) return l;
    if (v instanceof Double d) return d.longValue();
    if (v instanceof String s) {
      String t = s.trim();
      if (t.length() >= 2 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"') {
        t = t.substring(1, t.length() - 1);
      }
      Instant i = null;
      try {
        i = OffsetDateTime.parse(t).toInstant();
      } catch (DateTimeParseException e) {
        try {
          i = Instant.parse(t);
        } catch (DateTimeParseException e2) {
          try {
            // Naive timestamps are UTC.
            i = java.time.LocalDateTime.parse(t).toInstant(java.time.ZoneOffset.UTC);
          } catch (DateTimeParseException e3) {
            return Long.MIN_VALUE;
          }
        }
      }
      return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
    return Long.MIN_VALUE;
  }
}
