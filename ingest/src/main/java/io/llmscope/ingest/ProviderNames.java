package io.llmscope.ingest;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Provider names to the GenAI conventions' well-known {@code gen_ai.provider.name} values.
 *
 * <p>Producers spell the same provider many ways: the deprecated {@code gen_ai.system} values
 * ({@code vertex_ai}, {@code az.ai.openai}), OpenLLMetry's display names ({@code OpenAI},
 * {@code AWS}), OpenInference's ({@code mistralai}), LiteLLM's {@code custom_llm_provider}
 * ({@code bedrock}, {@code gemini}), Pydantic AI's ({@code google-gla}) and the Vercel AI SDK's
 * provider ids, which append the API ({@code openai.chat}, {@code anthropic.messages},
 * {@code google.vertex.chat}). A value is looked up whole, then by ever shorter dotted prefixes
 * ({@code google.vertex.chat} → {@code google.vertex} → {@code google}); an unknown value is kept,
 * lower-cased.
 */
final class ProviderNames {
  private ProviderNames() {}

  private static final Map<String, String> ALIASES = new HashMap<>();

  private static void alias(String canonical, String... spellings) {
    ALIASES.put(canonical, canonical);
    for (String s : spellings) ALIASES.put(s, canonical);
  }

  static {
    alias("openai", "open_ai");
    alias("anthropic");
    alias("aws.bedrock", "bedrock", "amazon-bedrock", "amazon_bedrock", "aws", "bedrock_converse");
    alias("gcp.vertex_ai", "vertex_ai", "vertexai", "vertex ai", "vertex", "google-vertex", "google.vertex",
        "vertex_ai_beta", "vertex.anthropic");
    alias("gcp.gemini", "google", "gemini", "google-gla", "google.generative-ai", "google_genai", "googleai");
    alias("gcp.gen_ai");
    alias("azure.ai.openai", "azure", "az.ai.openai", "azure_openai", "azure-openai", "azureopenai");
    alias("azure.ai.inference", "az.ai.inference", "azure_ai", "azure-ai-inference");
    alias("mistral_ai", "mistral", "mistralai");
    alias("cohere");
    alias("groq");
    alias("x_ai", "xai");
    alias("deepseek");
    alias("perplexity");
    alias("ibm.watsonx.ai", "watsonx", "watsonx_ai", "ibm");
  }

  /** The well-known name for a provider spelling; the lower-cased input when unknown; null for null. */
  static String canonical(String raw) {
    if (raw == null) return null;
    String s = raw.trim().toLowerCase(Locale.ROOT);
    if (s.isEmpty()) return null;
    for (String p = s; ; ) {
      String c = ALIASES.get(p);
      if (c != null) return c;
      int dot = p.lastIndexOf('.');
      if (dot <= 0) return s;
      p = p.substring(0, dot);
    }
  }
}
