package io.llmscope.ingest.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Costs from the shipped table, each worked out by hand from the source data's numbers (USD per 1M
 * tokens, as in genai-prices v2 / LiteLLM; see prices.json's {@code source} of each entry).
 */
class PriceTableTest {
  private static final double EPS = 1e-9;
  private static final long NOW = Instant.parse("2026-11-28T00:00:00Z").toEpochMilli();
  private static final PriceTable T = PriceTable.shipped();
  private static final double N = Double.NaN;

  /** input (incl. cache), cacheRead, cacheWrite5m, cacheWrite1h, output (incl. reasoning), reasoning. */
  private static Usage u(double in, double read, double w5, double w1, double out, double reasoning) {
    return new Usage(in, read, w5, w1, out, reasoning, null, N);
  }

  private static Usage tier(Usage u, String serviceTier) {
    return new Usage(u.input(), u.cacheRead(), u.cacheWrite5m(), u.cacheWrite1h(), u.output(), u.reasoning(), serviceTier, u.durationMs());
  }

  private static long at(String iso) {
    return Instant.parse(iso + "T00:00:00Z").toEpochMilli();
  }

  private static Cost cost(String provider, String model, Usage u) {
    return cost(provider, model, NOW, u);
  }

  private static Cost cost(String provider, String model, long at, Usage u) {
    Cost c = T.cost(provider, model, at, u);
    assertNotNull(c, provider + " / " + model + " should be priced");
    return c;
  }

  private static void total(double usd, Cost c) {
    assertEquals(usd, c.total(), EPS, c.toString());
  }

  // ---- OpenAI ----

  @Test
  void gpt4oWithCacheReads() {
    // gpt-4o: 1000 uncached in × $2.50/1M + 200 cached × $1.25/1M + 300 out × $10/1M
    //   = $0.0025 + $0.00025 + $0.003 = $0.00575
    Cost c = cost("openai", "gpt-4o", u(1200, 200, N, N, 300, N));
    assertEquals(0.0025, c.input(), EPS);
    assertEquals(0.00025, c.cacheRead(), EPS);
    assertEquals(0.003, c.output(), EPS);
    assertEquals(0, c.cacheWrite(), EPS);
    assertEquals(0, c.reasoning(), EPS);
    total(0.00575, c);
  }

  @Test
  void gpt4oDatedVariantUsesItsEntry() {
    // gpt-4o-2024-08-06 is listed in gpt-4o's entry: 1000 in × $2.50/1M + 300 out × $10/1M = $0.0025 + $0.003 = $0.0055
    total(0.0055, cost("openai", "gpt-4o-2024-08-06", u(1000, N, N, N, 300, N)));
  }

  @Test
  void gpt4oMini() {
    // gpt-4o-mini: 10000 in × $0.15/1M + 2000 out × $0.60/1M = $0.0015 + $0.0012 = $0.0027
    total(0.0027, cost("openai", "gpt-4o-mini", u(10000, N, N, N, 2000, N)));
  }

  @Test
  void o3BeforeItsPriceCut() {
    // o3 until 2025-06-10: 1000 in × $10/1M + 1000 plain out × $40/1M + 4000 reasoning × $40/1M (priced as output)
    //   = $0.01 + $0.04 + $0.16 = $0.21
    Cost c = cost("openai", "o3", at("2025-05-01"), u(1000, N, N, N, 5000, 4000));
    assertEquals(0.04, c.output(), EPS);
    assertEquals(0.16, c.reasoning(), EPS);
    total(0.21, c);
  }

  @Test
  void o3FromItsPriceCut() {
    // o3 from 2025-06-10: 1000 in × $2/1M + 1000 out × $8/1M + 4000 reasoning × $8/1M = $0.002 + $0.008 + $0.032 = $0.042
    total(0.042, cost("openai", "o3", at("2025-06-10"), u(1000, N, N, N, 5000, 4000)));
    // and a millisecond before the change date the old price: $0.21
    total(0.21, cost("openai", "o3", at("2025-06-10") - 1, u(1000, N, N, N, 5000, 4000)));
  }

  @Test
  void o3FlexServiceTier() {
    // o3 flex (LiteLLM _flex): 1000 in × $1/1M + 1000 out × $4/1M + 4000 reasoning × $4/1M = $0.001 + $0.004 + $0.016 = $0.021
    total(0.021, cost("openai", "o3", tier(u(1000, N, N, N, 5000, 4000), "flex")));
  }

  @Test
  void gpt4oPriorityServiceTier() {
    // gpt-4o priority: 1000 in × $4.25/1M + 100 out × $17/1M = $0.00425 + $0.0017 = $0.00595
    total(0.00595, cost("openai", "gpt-4o", tier(u(1000, N, N, N, 100, N), "priority")));
  }

  @Test
  void gpt4oBatchServiceTier() {
    // gpt-4o batch (LiteLLM _batches): 1000 in × $1.25/1M + 100 out × $5/1M = $0.00125 + $0.0005 = $0.00175
    total(0.00175, cost("openai", "gpt-4o", tier(u(1000, N, N, N, 100, N), "batch")));
    // "default" and unknown tiers: the standard price, 1000 × $2.50/1M + 100 × $10/1M = $0.0035
    total(0.0035, cost("openai", "gpt-4o", tier(u(1000, N, N, N, 100, N), "default")));
    total(0.0035, cost("openai", "gpt-4o", tier(u(1000, N, N, N, 100, N), "scale")));
  }

  @Test
  void gpt5WithCacheAndReasoning() {
    // gpt-5: 1500 uncached × $1.25/1M + 500 cached × $0.125/1M + 500 out × $10/1M + 2500 reasoning × $10/1M
    //   = $0.001875 + $0.0000625 + $0.005 + $0.025 = $0.0319375
    Cost c = cost("openai", "gpt-5", u(2000, 500, N, N, 3000, 2500));
    assertEquals(0.001875, c.input(), EPS);
    assertEquals(0.0000625, c.cacheRead(), EPS);
    assertEquals(0.025, c.reasoning(), EPS);
    total(0.0319375, c);
  }

  @Test
  void gpt54LongContextTierAbove272k() {
    // gpt-5.4 above 272k input: 300000 in × $5/1M + 1000 out × $22.50/1M = $1.5 + $0.0225 = $1.5225
    total(1.5225, cost("openai", "gpt-5.4", u(300000, N, N, N, 1000, N)));
    // at 272000 exactly, the standard price: 272000 × $2.50/1M + 1000 × $15/1M = $0.68 + $0.015 = $0.695
    total(0.695, cost("openai", "gpt-5.4", u(272000, N, N, N, 1000, N)));
  }

  // ---- Anthropic (direct) ----

  @Test
  void claude35SonnetCacheReadAndFiveMinuteWrite() {
    // claude-3-5-sonnet: 2000 uncached × $3/1M + 6000 read × $0.30/1M + 2000 write-5m × $3.75/1M + 500 out × $15/1M
    //   = $0.006 + $0.0018 + $0.0075 + $0.0075 = $0.0228
    Cost c = cost("anthropic", "claude-3-5-sonnet-20241022", u(10000, 6000, 2000, N, 500, N));
    assertEquals(0.006, c.input(), EPS);
    assertEquals(0.0018, c.cacheRead(), EPS);
    assertEquals(0.0075, c.cacheWrite(), EPS);
    total(0.0228, c);
  }

  @Test
  void claude35SonnetOneHourWrite() {
    // claude-3-5-sonnet: 1000 uncached × $3/1M + 4000 write-1h × $6/1M + 100 out × $15/1M = $0.003 + $0.024 + $0.0015 = $0.0285
    total(0.0285, cost("anthropic", "claude-3-5-sonnet-20241022", u(5000, N, N, 4000, 100, N)));
  }

  @Test
  void claudeSonnet4BothWriteDurations() {
    // claude-sonnet-4: 1000 uncached × $3/1M + 1000 write-5m × $3.75/1M + 1000 write-1h × $6/1M + 100 out × $15/1M
    //   = $0.003 + $0.00375 + $0.006 + $0.0015 = $0.01425
    Cost c = cost("anthropic", "claude-sonnet-4-20250514", u(3000, N, 1000, 1000, 100, N));
    assertEquals(0.00975, c.cacheWrite(), EPS);
    total(0.01425, c);
  }

  @Test
  void claudeSonnet4LongContextAbove200k() {
    // claude-sonnet-4 above 200k input (LiteLLM _above_200k_tokens): whole call at the tier price:
    //   200000 uncached × $6/1M + 50000 read × $0.60/1M + 1000 out × $22.50/1M = $1.2 + $0.03 + $0.0225 = $1.2525
    total(1.2525, cost("anthropic", "claude-sonnet-4-20250514", u(250000, 50000, N, N, 1000, N)));
    // exactly 200000 is not above: 200000 × $3/1M + 1000 × $15/1M = $0.6 + $0.015 = $0.615
    total(0.615, cost("anthropic", "claude-sonnet-4-20250514", u(200000, N, N, N, 1000, N)));
  }

  @Test
  void claudeSonnet5PriceChangeAtItsDate() {
    // claude-sonnet-5 before 2026-09-01: 1000 in × $2/1M + 1000 out × $10/1M = $0.002 + $0.01 = $0.012
    total(0.012, cost("anthropic", "claude-sonnet-5", at("2026-08-01"), u(1000, N, N, N, 1000, N)));
    // from 2026-09-01: 1000 × $3/1M + 1000 × $15/1M = $0.003 + $0.015 = $0.018
    total(0.018, cost("anthropic", "claude-sonnet-5", at("2026-09-01"), u(1000, N, N, N, 1000, N)));
  }

  // ---- Anthropic on Bedrock ----

  @Test
  void bedrockRegionalClaude35Sonnet() {
    // us.anthropic.claude-3-5-sonnet-20241022-v2:0 (aws regional entry): 1000 in × $3/1M + 1000 read × $0.30/1M
    //   + 100 out × $15/1M = $0.003 + $0.0003 + $0.0015 = $0.0048
    total(0.0048, cost("aws.bedrock", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", u(2000, 1000, N, N, 100, N)));
  }

  @Test
  void bedrockRegionalCostsMoreThanDirectForTheSameModelId() {
    // claude-sonnet-5 from 2026-09-01: Bedrock regional $3.30 / $16.50 vs Anthropic $3 / $15.
    // Bedrock: 1000 × $3.30/1M + 1000 × $16.50/1M = $0.0033 + $0.0165 = $0.0198
    total(0.0198, cost("aws.bedrock", "us.anthropic.claude-sonnet-5-v1:0", at("2026-10-01"), u(1000, N, N, N, 1000, N)));
    total(0.0198, cost("aws.bedrock", "claude-sonnet-5", at("2026-10-01"), u(1000, N, N, N, 1000, N)));
    // direct: $0.003 + $0.015 = $0.018
    total(0.018, cost("anthropic", "claude-sonnet-5", at("2026-10-01"), u(1000, N, N, N, 1000, N)));
    // Bedrock global endpoint at the direct price: $0.018; before 2026-09-01 $2/$10 → $0.012
    total(0.018, cost("aws.bedrock", "global.anthropic.claude-sonnet-5-v1:0", at("2026-10-01"), u(1000, N, N, N, 1000, N)));
    total(0.012, cost("aws.bedrock", "global.anthropic.claude-sonnet-5-v1:0", at("2026-08-01"), u(1000, N, N, N, 1000, N)));
  }

  @Test
  void bedrockClaudeSonnet4LongContext() {
    // us.anthropic.claude-sonnet-4-20250514-v1:0 above 200k: 210000 in × $6/1M + 2000 out × $22.50/1M = $1.26 + $0.045 = $1.305
    total(1.305, cost("aws.bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0", u(210000, N, N, N, 2000, N)));
  }

  // ---- Vertex AI and Gemini ----

  @Test
  void vertexClaude35Sonnet() {
    // Vertex claude-3-5-sonnet-v2@20241022: 3000 uncached × $3/1M + 1000 write × $3.75/1M + 200 out × $15/1M
    //   = $0.009 + $0.00375 + $0.003 = $0.01575
    total(0.01575, cost("gcp.vertex_ai", "claude-3-5-sonnet-v2@20241022", u(4000, N, 1000, N, 200, N)));
  }

  @Test
  void gemini25ProLongContextAbove200k() {
    // gemini-2.5-pro above 200k: 250000 uncached × $2.50/1M + 50000 read × $0.25/1M + 2000 out × $15/1M
    //   = $0.625 + $0.0125 + $0.03 = $0.6675
    total(0.6675, cost("gcp.gemini", "models/gemini-2.5-pro", u(300000, 50000, N, N, 2000, N)));
    // below: 100000 × $1.25/1M + 2000 × $10/1M = $0.125 + $0.02 = $0.145
    total(0.145, cost("gcp.gemini", "gemini-2.5-pro", u(100000, N, N, N, 2000, N)));
  }

  @Test
  void vertexGemini15ProTierAbove128k() {
    // vertex_ai/gemini-1.5-pro-002 below 128k: 100000 × $1.25/1M + 1000 × $5/1M = $0.125 + $0.005 = $0.13
    total(0.13, cost("gcp.vertex_ai", "vertex_ai/gemini-1.5-pro-002", u(100000, N, N, N, 1000, N)));
    // above: 150000 × $2.50/1M + 1000 × $10/1M = $0.375 + $0.01 = $0.385
    total(0.385, cost("gcp.vertex_ai", "vertex_ai/gemini-1.5-pro-002", u(150000, N, N, N, 1000, N)));
  }

  @Test
  void gemini25FlashWithCacheAndThinking() {
    // gemini-2.5-flash: 8000 uncached × $0.30/1M + 2000 read × $0.03/1M + 500 out × $2.50/1M + 1500 thinking × $2.50/1M
    //   = $0.0024 + $0.00006 + $0.00125 + $0.00375 = $0.00746
    total(0.00746, cost("gcp.gemini", "gemini-2.5-flash", u(10000, 2000, N, N, 2000, 1500)));
  }

  // ---- Mistral, DeepSeek, Cohere, xAI, Groq, Azure ----

  @Test
  void mistralLarge() {
    // mistral-large-latest: 5000 in × $2/1M + 1000 out × $6/1M = $0.01 + $0.006 = $0.016
    total(0.016, cost("mistral_ai", "mistral-large-latest", u(5000, N, N, N, 1000, N)));
  }

  @Test
  void deepseekChatWithCacheHits() {
    // deepseek-chat (standard hours): 3000 miss × $0.27/1M + 7000 hit × $0.07/1M + 1000 out × $1.10/1M
    //   = $0.00081 + $0.00049 + $0.0011 = $0.0024
    total(0.0024, cost("deepseek", "deepseek-chat", u(10000, 7000, N, N, 1000, N)));
  }

  @Test
  void deepseekReasonerReasoning() {
    // deepseek-reasoner: 1000 in × $0.55/1M + 500 out × $2.19/1M + 3000 reasoning × $2.19/1M
    //   = $0.00055 + $0.001095 + $0.00657 = $0.008215
    total(0.008215, cost("deepseek", "deepseek-reasoner", u(1000, N, N, N, 3500, 3000)));
  }

  @Test
  void cohereCommandRPlus() {
    // command-r-plus-08-2024: 4000 in × $2.50/1M + 800 out × $10/1M = $0.01 + $0.008 = $0.018
    total(0.018, cost("cohere", "command-r-plus-08-2024", u(4000, N, N, N, 800, N)));
  }

  @Test
  void xaiGrok3WithCache() {
    // grok-3: 1000 uncached × $3/1M + 1000 cached × $0.75/1M + 200 out × $15/1M = $0.003 + $0.00075 + $0.003 = $0.00675
    total(0.00675, cost("x_ai", "grok-3", u(2000, 1000, N, N, 200, N)));
  }

  @Test
  void xaiGrok4LongContextAbove128k() {
    // grok-4 above 128k: 130000 in × $6/1M + 1000 out × $30/1M = $0.78 + $0.03 = $0.81
    total(0.81, cost("x_ai", "grok-4", u(130000, N, N, N, 1000, N)));
  }

  @Test
  void groqLlama() {
    // groq llama-3.3-70b-versatile: 10000 in × $0.59/1M + 1000 out × $0.79/1M = $0.0059 + $0.00079 = $0.00669
    total(0.00669, cost("groq", "llama-3.3-70b-versatile", u(10000, N, N, N, 1000, N)));
  }

  @Test
  void azureOpenAi() {
    // azure/o1 (genai-prices azure): 1000 in × $15/1M + 1000 out × $60/1M = $0.015 + $0.06 = $0.075
    total(0.075, cost("azure.ai.openai", "azure/o1", u(1000, N, N, N, 1000, N)));
    // gpt-4o deployment (LiteLLM azure/gpt-4o): 800 × $2.50/1M + 200 cached × $1.25/1M + 100 × $10/1M
    //   = $0.002 + $0.00025 + $0.001 = $0.00325
    total(0.00325, cost("azure.ai.openai", "gpt-4o", u(1000, 200, N, N, 100, N)));
  }

  @Test
  void azureHasItsOwnPriceWhereItDiffers() {
    // gpt-4o-mini-2024-07-18 on Azure (LiteLLM azure/gpt-4o-mini-2024-07-18): 10000 × $0.165/1M + 2000 × $0.66/1M
    //   = $0.00165 + $0.00132 = $0.00297; on OpenAI: 10000 × $0.15/1M + 2000 × $0.60/1M = $0.0015 + $0.0012 = $0.0027
    total(0.00297, cost("azure.ai.openai", "gpt-4o-mini-2024-07-18", u(10000, N, N, N, 2000, N)));
    total(0.0027, cost("openai", "gpt-4o-mini-2024-07-18", u(10000, N, N, N, 2000, N)));
  }

  @Test
  void azureFallsBackToOpenAiForAModelOnlyOpenAiLists() {
    // o1-pro on Azure: no Azure entry names it, OpenAI's does: 1000 × $150/1M + 100 × $600/1M = $0.15 + $0.06 = $0.21
    total(0.21, cost("azure.ai.openai", "azure/o1-pro", u(1000, N, N, N, 100, N)));
  }

  // ---- Usage edge cases ----

  @Test
  void notReportedCountsAreZero() {
    // gpt-4o, only output reported: 100 out × $10/1M = $0.001
    Cost c = cost("openai", "gpt-4o", u(N, N, N, N, 100, N));
    assertEquals(0, c.input(), EPS);
    total(0.001, c);
    // nothing reported: $0, but still a cost (the model is known)
    total(0, cost("openai", "gpt-4o", u(N, N, N, N, N, N)));
  }

  @Test
  void totalIsRoundedSoNoFloatNoiseRemains() {
    // 3 × $0.10/1M per-token sums carry noise in binary (0.1 + 0.2 != 0.3); the total is exact to 1e-12.
    PriceTable t = PriceTable.of(List.of(ModelPrice.of("m", 0.1, 0.2)));
    Cost c = t.cost(null, "m", NOW, Usage.of(1, 1));
    // 1 × $0.10/1M + 1 × $0.20/1M = $0.0000003
    assertEquals(3e-7, c.total(), 0.0);
  }

  @Test
  void unknownModelIsNullNeverZero() {
    assertNull(T.cost("openai", "no-such-model-xyz", NOW, u(1000, N, N, N, 100, N)));
    assertNull(T.cost(null, "my-private-finetune", NOW, u(1000, N, N, N, 100, N)));
    assertNull(T.cost("openai", null, NOW, u(1000, N, N, N, 100, N)));
    assertNull(T.cost("openai", "", NOW, u(1000, N, N, N, 100, N)));
  }

  // ---- Overrides ----

  @Test
  void configOverrideFromItsDate() {
    PriceTable t = T.withOverrides(List.of(ModelPrice.builder().model("gpt-4o").providers("openai")
        .effectiveFrom("2026-12-01").rates(ModelPrice.Rates.of(2, 8)).build()));
    // before 2026-12-01 the shipped price: 1000 × $2.50/1M + 100 × $10/1M = $0.0035
    total(0.0035, t.cost("openai", "gpt-4o", at("2026-11-30"), u(1000, N, N, N, 100, N)));
    // from it the override: 1000 × $2/1M + 100 × $8/1M = $0.002 + $0.0008 = $0.0028
    assertEquals(0.0028, t.cost("openai", "gpt-4o", at("2026-12-01"), u(1000, N, N, N, 100, N)).total(), EPS);
    // its dated variant too (the override's exact name is a shorter form of it)
    assertEquals(0.0028, t.cost("openai", "gpt-4o-2024-08-06", at("2026-12-01"), u(1000, N, N, N, 100, N)).total(), EPS);
  }

  @Test
  void overrideWithoutDateWinsOverShippedAlways() {
    // override of claude-3-5-sonnet for any provider, with a reasoning price apart from output:
    //   1000 in × $1/1M + 100 out × $5/1M + 400 reasoning × $20/1M = $0.001 + $0.0005 + $0.008 = $0.0095
    PriceTable t = T.withOverrides(List.of(ModelPrice.builder().pattern("claude-3-5-sonnet.*")
        .rates(new ModelPrice.Rates(1, N, N, N, 5, 20)).build()));
    Cost c = t.cost("anthropic", "claude-3-5-sonnet-20241022", NOW, u(1000, N, N, N, 500, 400));
    assertEquals(0.008, c.reasoning(), EPS);
    total(0.0095, c);
    // the shipped table itself is unchanged: 1000 × $3/1M + 500 × $15/1M = $0.003 + $0.0075 = $0.0105
    total(0.0105, cost("anthropic", "claude-3-5-sonnet-20241022", u(1000, N, N, N, 500, 400)));
  }

  @Test
  void laterOverridesWinOverEarlierOnes() {
    PriceTable t = T.withOverrides(List.of(ModelPrice.of("gpt-4o", 1, 1)))
        .withOverrides(List.of(ModelPrice.of("gpt-4o", 3, 3)));
    // 1000 × $3/1M + 1000 × $3/1M = $0.006
    total(0.006, t.cost("openai", "gpt-4o", NOW, u(1000, N, N, N, 1000, N)));
  }

  @Test
  void selfHostedPerSecond() {
    // my-llama-70b on own GPUs at $0.0008 per second: 2500 ms × $0.0008/s = $0.002; tokens are free
    PriceTable t = T.withOverrides(List.of(ModelPrice.builder().model("my-llama-70b").perSecond(0.0008).build()));
    Cost c = t.cost("vllm", "my-llama-70b", NOW, new Usage(1000, N, N, N, 500, N, null, 2500));
    assertEquals(0, c.input(), EPS);
    assertEquals(0, c.output(), EPS);
    total(0.002, c);
  }

  @Test
  void serviceTierWithLongContextTier() {
    // an override with both: priority above 100k input at $4 / $16, else priority $2 / $8, standard $1 / $4.
    PriceTable t = PriceTable.of(List.of(ModelPrice.builder().model("m").rates(ModelPrice.Rates.of(1, 4))
        .serviceTier("priority", new ModelPrice.ServiceTier(ModelPrice.Rates.of(2, 8),
            List.of(new ModelPrice.Tier(100_000, ModelPrice.Rates.of(4, 16))))).build()));
    // 200000 × $4/1M + 1000 × $16/1M = $0.8 + $0.016 = $0.816
    assertEquals(0.816, t.cost(null, "m", NOW, tier(u(200000, N, N, N, 1000, N), "priority")).total(), EPS);
    // 1000 × $2/1M + 1000 × $8/1M = $0.01
    assertEquals(0.01, t.cost(null, "m", NOW, tier(u(1000, N, N, N, 1000, N), "PRIORITY")).total(), EPS);
  }
}
