package io.llmscope.ingest;

import io.llmscope.ingest.AttributeMapping.Target;
import java.util.List;
import java.util.function.Predicate;

/**
 * Brings a span's token counts to the canonical semantics (API.md "Canonical fields"): input
 * includes cache reads and writes, both caches are subsets of input, reasoning is a subset of
 * output, total = input + output.
 *
 * <p>Libraries differ in what their counts mean, and the counts alone cannot always tell: an
 * Anthropic-style uncached input of 1500 beside 700 cache-read tokens looks like a correct
 * inclusive count. So the library that wrote the span is recognised first ({@link #EMITTERS}, by
 * instrumentation scope and attribute dialect) and its documented semantics applied; what no
 * library pins down follows the GenAI conventions (inclusive). Then the counts are checked: a span
 * that contradicts the invariants is repaired by the rule of its dialect and the rule is recorded
 * ({@link Target#TOKENS_REPAIRED}, stored as the detail attribute {@link #REPAIRED_ATTRIBUTE}).
 */
final class TokenSemantics {
  private TokenSemantics() {}

  /** Detail attribute naming the repair rules applied to a span's tokens, comma-separated. */
  static final String REPAIRED_ATTRIBUTE = "llmscope.tokens.repaired";

  /** Repair: input smaller than its own cache subsets was Anthropic-style uncached input. */
  static final String UNCACHED_INPUT = "uncached-input";
  /** Repair: the reported total equals input + cache + output, so input excluded the cache. */
  static final String UNCACHED_INPUT_BY_TOTAL = "uncached-input-by-total";
  /** Repair: output smaller than its reasoning subset was Gemini-style output without thoughts. */
  static final String OUTPUT_WITHOUT_REASONING = "output-without-reasoning";
  /** Repair: the reported total equals input + output + reasoning, so output excluded reasoning. */
  static final String OUTPUT_WITHOUT_REASONING_BY_TOTAL = "output-without-reasoning-by-total";

  /** What a span is known about before its counts are read. */
  record Origin(String scopeName, String scopeVersion, SpanFields fields) {
    boolean scopeStartsWith(String prefix) {
      return scopeName != null && scopeName.startsWith(prefix);
    }

    /** Written by the Vercel AI SDK: its tracer is named "ai", its spans carry ai.operationId. */
    boolean vercel() {
      return "ai".equals(scopeName) || fields.get(Target.VERCEL_OPERATION) != null;
    }

    /** AI SDK 6 and later write input/output token details; 5 and earlier do not. */
    boolean vercelWithDetails() {
      return fields.get(Target.VERCEL_TOKEN_DETAILS) != null;
    }

    boolean providerIs(String... names) {
      String p = fields.string(Target.PROVIDER);
      String raw = fields.string(Target.VERCEL_PROVIDER);
      for (String n : names) {
        if (n.equals(p) || (raw != null && raw.contains(n))) return true;
      }
      return false;
    }
  }

  /**
   * A library whose counts have known semantics. {@code inputExcludesCache}: its input count is
   * the provider's uncached input, cache reads and writes are reported beside it.
   * {@code outputExcludesReasoning}: its output count leaves out reasoning tokens.
   */
  record Emitter(String id, Predicate<Origin> matches, boolean inputExcludesCache, boolean outputExcludesReasoning) {}

  /**
   * The known libraries, first match wins (docs/normalisation.md "Token semantics per library",
   * with the source each rule was read from). Libraries whose counts already follow the GenAI
   * conventions (OpenLLMetry Python, OpenInference Python, OTel GenAI instrumentations, Pydantic
   * AI, LiteLLM, AI SDK 6) need no row: {@link #SPEC} applies to them.
   */
  static final List<Emitter> EMITTERS = List.of(
      // @traceloop/instrumentation-anthropic sets Anthropic's usage.input_tokens (uncached) as the
      // input count, cache read / creation beside it, and total = input_tokens + output_tokens.
      new Emitter("openllmetry-js-anthropic", o -> o.scopeStartsWith("@traceloop/instrumentation-anthropic"), true, false),
      // AI SDK 5 copies the provider's usage: Anthropic's and Bedrock's inputTokens exclude the
      // cache (cachedInputTokens beside it); Google's outputTokens are candidates without thoughts.
      new Emitter("vercel-ai-5-anthropic-bedrock",
          o -> o.vercel() && !o.vercelWithDetails() && o.providerIs("anthropic", "aws.bedrock", "bedrock"), true, false),
      new Emitter("vercel-ai-5-google",
          o -> o.vercel() && !o.vercelWithDetails() && o.providerIs("gcp.gemini", "gcp.vertex_ai", "google"), false, true));

  /** The GenAI conventions: input includes the cache, output includes reasoning. */
  static final Emitter SPEC = new Emitter("genai-spec", o -> true, false, false);

  static Emitter emitter(Origin origin) {
    for (Emitter e : EMITTERS) if (e.matches().test(origin)) return e;
    return SPEC;
  }

  /**
   * Applies the emitter's semantics, then repairs what contradicts the invariants: for what the
   * emitter does not pin down, a reported total that fits exactly one reading decides (documented
   * reading first), else a count smaller than its own subset is taken to exclude it. Finally total
   * = input + output when both are known.
   */
  static void reconcile(SpanFields f, Emitter e) {
    Double in = f.number(Target.INPUT_TOKENS);
    Double out = f.number(Target.OUTPUT_TOKENS);
    Double reported = f.number(Target.TOTAL_TOKENS);
    double cache = orZero(f.number(Target.CACHE_READ_TOKENS)) + orZero(f.number(Target.CACHE_WRITE_TOKENS));
    double reasoning = orZero(f.number(Target.REASONING_TOKENS));

    boolean addCache = e.inputExcludesCache() && in != null && cache > 0;
    boolean addReasoning = e.outputExcludesReasoning() && out != null && reasoning > 0;
    // Readings left open by the emitter: may input still exclude the cache, output the reasoning?
    boolean openCache = !e.inputExcludesCache() && in != null && cache > 0;
    boolean openReasoning = !e.outputExcludesReasoning() && out != null && reasoning > 0;
    String cacheRepair = null;
    String reasoningRepair = null;

    if (reported != null && in != null && out != null && (openCache || openReasoning)) {
      // Readings in order of preference (as documented first); one that breaks a subset
      // invariant is impossible whatever the total says.
      for (int combo = 0; combo < 4; combo++) {
        boolean c = (combo & 1) != 0;
        boolean r = (combo & 2) != 0;
        if ((c && !openCache) || (r && !openReasoning)) continue;
        double input = in + (addCache || c ? cache : 0);
        double output = out + (addReasoning || r ? reasoning : 0);
        if (input < cache || output < reasoning) continue;
        if (Math.abs(input + output - reported) < 0.5) {
          if (c) cacheRepair = UNCACHED_INPUT_BY_TOTAL;
          if (r) reasoningRepair = OUTPUT_WITHOUT_REASONING_BY_TOTAL;
          openCache = false;
          openReasoning = false;
          break;
        }
      }
    }
    if (openCache && in < cache) cacheRepair = UNCACHED_INPUT;
    if (openReasoning && out < reasoning) reasoningRepair = OUTPUT_WITHOUT_REASONING;
    addCache |= cacheRepair != null;
    addReasoning |= reasoningRepair != null;

    if (addCache) {
      in = in + cache;
      f.replace(Target.INPUT_TOKENS, in);
    }
    if (addReasoning) {
      out = out + reasoning;
      f.replace(Target.OUTPUT_TOKENS, out);
    }
    Double total;
    if (in != null && out != null) total = in + out;
    else if (reported != null) total = reported;
    else total = in != null ? in : out;
    if (total != null) f.replace(Target.TOTAL_TOKENS, total);

    String repaired = cacheRepair == null ? reasoningRepair
        : reasoningRepair == null ? cacheRepair : cacheRepair + "," + reasoningRepair;
    if (repaired != null) f.replace(Target.TOKENS_REPAIRED, repaired);
  }

  private static double orZero(Double d) {
    return d == null ? 0 : d;
  }
}
