package io.llmscope.ingest.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which entry a (provider, model string) finds: prefixes, dated variants, case, provider fallbacks. */
class ModelMatchingTest {
  private static final long NOW = Instant.parse("2026-11-28T00:00:00Z").toEpochMilli();
  private static final PriceTable T = PriceTable.shipped();

  private static String source(String provider, String model) {
    ModelPrice p = T.find(provider, model, NOW);
    assertNotNull(p, provider + " / " + model + " found nothing");
    return p.source();
  }

  @Test
  void datedVariantsFindTheirEntryOrTheBaseModel() {
    assertEquals("genai-prices:openai/gpt-4o", source("openai", "gpt-4o-2024-08-06"));
    // a date no entry lists: the base model
    assertEquals("genai-prices:openai/gpt-4o", source("openai", "gpt-4o-2099-01-01"));
    assertEquals("genai-prices:anthropic/claude-3-5-sonnet", source("anthropic", "claude-3-5-sonnet-20241022"));
    assertEquals("genai-prices:anthropic/claude-sonnet-4-0", source("anthropic", "claude-sonnet-4-20250514"));
    assertEquals("genai-prices:mistral/mistral-large", source("mistral_ai", "mistral-large-2411"));
    // gpt-4o-mini is its own model, not gpt-4o
    assertEquals("genai-prices:openai/gpt-4o-mini", source("openai", "gpt-4o-mini-2024-07-18"));
  }

  @Test
  void caseDoesNotMatter() {
    assertEquals("genai-prices:openai/gpt-4o", source("OpenAI", "GPT-4o"));
    assertEquals("genai-prices:anthropic/claude-3-5-sonnet", source("anthropic", "Claude-3-5-Sonnet-20241022"));
  }

  @Test
  void routePrefixesAreStripped() {
    assertEquals("genai-prices:openai/gpt-4o", source("openai", "openai/gpt-4o"));
    assertEquals("genai-prices:openai/gpt-4o", source(null, "openai/gpt-4o-2024-08-06"));
    assertEquals("genai-prices:google/gemini-1.5-pro", source("gcp.vertex_ai", "vertex_ai/gemini-1.5-pro-002"));
    assertEquals("genai-prices:google/gemini-2.5-pro", source("gcp.gemini", "models/gemini-2.5-pro"));
    assertEquals("genai-prices:google/gemini-2.5-flash", source("gcp.vertex_ai",
        "projects/p1/locations/us-central1/publishers/google/models/gemini-2.5-flash"));
    assertEquals("genai-prices:azure/o1", source("azure.ai.openai", "azure/o1"));
  }

  @Test
  void bedrockIdsWithRegionVendorAndVersion() {
    assertEquals("genai-prices:aws/regional.anthropic.claude-3-5-sonnet-20241022-v2:0",
        source("aws.bedrock", "us.anthropic.claude-3-5-sonnet-20241022-v2:0"));
    assertEquals("genai-prices:aws/regional.anthropic.claude-3-5-sonnet-20241022-v2:0",
        source("aws.bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0"));
    assertEquals("genai-prices:aws/regional.anthropic.claude-3-5-sonnet-20241022-v2:0",
        source("aws.bedrock", "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0"));
    assertEquals("genai-prices:aws/regional.anthropic.claude-3-5-sonnet-20241022-v2:0",
        source("aws.bedrock", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0"));
    assertEquals("genai-prices:aws/global.anthropic.claude-sonnet-5-v1:0",
        source("aws.bedrock", "global.anthropic.claude-sonnet-5-v1:0"));
    assertEquals("genai-prices:aws/meta.llama3-3-70b-instruct-v1:0", source("aws.bedrock", "us.meta.llama3-3-70b-instruct-v1:0"));
  }

  @Test
  void theNameImpliesTheProviderWhenTheSpanNamesNone() {
    // a Bedrock id without a provider is priced as Bedrock, not as the Vertex entry whose pattern also matches
    assertEquals("genai-prices:aws/regional.anthropic.claude-3-5-sonnet-20241022-v2:0",
        source(null, "us.anthropic.claude-3-5-sonnet-20241022-v2:0"));
    assertEquals("genai-prices:google/claude-3-5-sonnet", source(null, "claude-3-5-sonnet-v2@20241022"));
    assertEquals("genai-prices:azure/o1", source(null, "azure/o1"));
  }

  @Test
  void theProviderPicksAmongEntriesOfOneModelId() {
    assertEquals("genai-prices:anthropic/claude-sonnet-5", source("anthropic", "claude-sonnet-5"));
    assertEquals("genai-prices:aws/regional.anthropic.claude-sonnet-5-v1:0", source("aws.bedrock", "claude-sonnet-5"));
    assertEquals("genai-prices:google/claude-4-sonnet", source("gcp.vertex_ai", "claude-sonnet-4@20250514"));
    // no provider: first-party first
    assertEquals("genai-prices:anthropic/claude-sonnet-5", source(null, "claude-sonnet-5"));
  }

  @Test
  void anUnknownProviderFallsBackToTheModelIdAlone() {
    assertEquals("genai-prices:openai/gpt-4o", source("some.gateway", "gpt-4o"));
    assertEquals("genai-prices:anthropic/claude-3-5-sonnet", source("openai", "claude-3-5-sonnet-20241022"));
    assertTrue(source(null, "deepseek-chat").startsWith("genai-prices:deepseek/deepseek-chat "));
  }

  @Test
  void unknownNamesFindNothing() {
    assertNull(T.find("openai", "totally-unknown", NOW));
    assertNull(T.find(null, "anthropic.", NOW));
    assertNull(T.find(null, "-20241022", NOW));
  }

  @Test
  void candidateNamesGoFromSpecificToGeneral() {
    assertEquals(List.of("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "anthropic.claude-3-5-sonnet-20241022-v2:0",
        "claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet"),
        ModelNames.candidates("us.anthropic.claude-3-5-sonnet-20241022-v2:0"));
    assertEquals(List.of("vertex_ai/gemini-1.5-pro-002", "gemini-1.5-pro-002", "gemini-1.5-pro"),
        ModelNames.candidates("vertex_ai/gemini-1.5-pro-002"));
    assertEquals(List.of("claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet-v2", "claude-3-5-sonnet"),
        ModelNames.candidates("Claude-3-5-Sonnet-v2@20241022"));
    assertEquals(List.of("gpt-4o-2024-08-06", "gpt-4o"), ModelNames.candidates("gpt-4o-2024-08-06"));
  }

  @Test
  void lookupsAreCachedPerDistinctModelString() {
    PriceTable t = PriceTable.of(List.of(ModelPrice.builder().pattern("m-.*").rates(ModelPrice.Rates.of(1, 1)).build()));
    ModelPrice a = t.find("p", "m-1", NOW);
    assertSame(a, t.find("p", "m-1", NOW));
    assertSame(a, t.find("p", "M-2", NOW));
    assertNull(t.find("p", "x", NOW));
  }

  @Test
  void entriesListsOverridesFirst() {
    ModelPrice o = ModelPrice.of("my-model", 1, 2);
    PriceTable t = T.withOverrides(List.of(o));
    assertEquals(o, t.entries().get(0));
    assertEquals(T.entries().size() + 1, t.entries().size());
    assertTrue(T.entries().size() > 400, "shipped entries: " + T.entries().size());
  }

  @Test
  void badEntriesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ModelPrice.builder().model("a").pattern("b").rates(ModelPrice.Rates.of(1, 1)).build());
    assertThrows(IllegalArgumentException.class, () -> ModelPrice.builder().pattern("(").rates(ModelPrice.Rates.of(1, 1)).build());
    assertThrows(IllegalArgumentException.class, () -> ModelPrice.builder().model("a").build());
    assertThrows(IllegalArgumentException.class, () -> ModelPrice.of("a", -1, 1));
  }
}
