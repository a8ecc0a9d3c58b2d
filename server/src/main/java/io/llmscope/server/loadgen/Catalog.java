package io.llmscope.server.loadgen;

import java.util.List;

/** The fixed vocabulary of the synthetic dataset (see BENCHMARKS.md "Benchmark dataset"). */
final class Catalog {
  private Catalog() {}

  /**
   * One model. Latency of a call is {@code baseMs + perOutputTokenMs * outputTokens}, times noise.
   * {@code quality} is the mean helpfulness score of its answers.
   */
  record Model(
      String name,
      String provider,
      String serverAddress,
      double weight,
      double baseMs,
      double perOutputTokenMs,
      boolean reasoning,
      boolean embedding,
      double quality) {}

  /**
   * 12 models from 4 providers with a skewed mix (weights sum to 100). Names match entries of the
   * default price table where one exists. Providers are GenAI well-known gen_ai.provider.name
   * values, as the ingest normaliser stores them.
   */
  static final List<Model> MODELS = List.of(
      new Model("gpt-4o-mini", "openai", "api.openai.com", 24, 300, 8, false, false, 0.72),
      new Model("gpt-4o", "openai", "api.openai.com", 16, 450, 12, false, false, 0.80),
      new Model("claude-sonnet-4", "anthropic", "api.anthropic.com", 13, 700, 16, false, false, 0.84),
      new Model("gemini-2.0-flash", "gcp.gemini", "generativelanguage.googleapis.com", 10, 250, 5, false, false, 0.71),
      new Model("claude-3-5-haiku-20241022", "anthropic", "api.anthropic.com", 7, 350, 9, false, false, 0.70),
      new Model("gpt-4.1", "openai", "api.openai.com", 6, 500, 14, false, false, 0.82),
      new Model("text-embedding-3-small", "openai", "api.openai.com", 6, 60, 0, false, true, 0),
      new Model("o3-mini", "openai", "api.openai.com", 5, 1500, 6, true, false, 0.83),
      new Model("mistral-small-latest", "mistral_ai", "api.mistral.ai", 4, 280, 8, false, false, 0.66),
      new Model("gemini-2.5-pro", "gcp.gemini", "generativelanguage.googleapis.com", 4, 1800, 12, true, false, 0.86),
      new Model("mistral-large-latest", "mistral_ai", "api.mistral.ai", 3, 600, 18, false, false, 0.76),
      new Model("claude-opus-4", "anthropic", "api.anthropic.com", 2, 1200, 30, false, false, 0.88));

  /** 20 services, Zipf-weighted; each has the HTTP route its root span serves. */
  static final String[] SERVICES = {
    "chat-api", "support-bot", "search-assistant", "code-review", "doc-summarizer",
    "email-drafter", "sales-copilot", "rag-qa", "agent-orchestrator", "translation-svc",
    "content-moderation", "meeting-notes", "sql-copilot", "recommendation-svc", "onboarding-guide",
    "legal-review", "invoice-extractor", "voice-assistant", "kb-indexer", "analytics-insights"
  };

  static final String[] ROUTES = {
    "/api/chat", "/api/support/reply", "/api/search", "/api/review", "/api/summarize",
    "/api/email/draft", "/api/sales/assist", "/api/rag/ask", "/api/agent/run", "/api/translate",
    "/api/moderate", "/api/meetings/notes", "/api/sql/generate", "/api/recommend", "/api/onboarding/step",
    "/api/legal/review", "/api/invoices/extract", "/api/voice/turn", "/api/kb/index", "/api/insights"
  };

  static final String[] ENVIRONMENTS = {"production", "staging", "development"};
  static final double[] ENVIRONMENT_WEIGHTS = {80, 15, 5};

  static final int USERS = 50_000;
  static final int SESSIONS = 200_000;

  private static final String[] PROMPT_DOMAINS = {"support", "docs", "sales", "code", "legal"};
  private static final String[] PROMPT_TASKS = {
    "answer", "summarize", "classify", "extract", "rewrite", "plan", "critique", "translate"
  };

  /** 40 prompt names: domain × task. */
  static final String[] PROMPTS = buildPrompts();

  static final int PROMPT_VERSIONS = 5;
  /** Weights of versions 1..5: the newest versions carry most traffic. */
  static final double[] PROMPT_VERSION_WEIGHTS = {5, 10, 20, 30, 35};

  static final String[] TOOLS = {
    "vector_search", "web_search", "sql_query", "retrieve_docs", "get_order_status", "create_ticket",
    "send_email", "calculator", "code_interpreter", "calendar_lookup", "crm_lookup", "get_weather"
  };

  /** error.type values with their weights and status messages. */
  static final String[] ERROR_TYPES = {"429", "timeout", "500", "503", "400"};
  static final double[] ERROR_WEIGHTS = {40, 20, 15, 10, 15};
  static final String[] ERROR_MESSAGES = {
    "Rate limit exceeded", "Request timed out", "Internal server error", "Service unavailable",
    "Context length exceeded"
  };

  static final double[] TEMPERATURES = {0.0, 0.2, 0.3, 0.5, 0.7, 1.0};
  static final double[] TEMPERATURE_WEIGHTS = {20, 15, 15, 15, 30, 5};
  static final long[] MAX_TOKENS = {1024, 2048, 4096, 8192};
  static final double[] MAX_TOKENS_WEIGHTS = {25, 35, 30, 10};

  private static String[] buildPrompts() {
    String[] out = new String[PROMPT_DOMAINS.length * PROMPT_TASKS.length];
    int i = 0;
    for (String task : PROMPT_TASKS) {
      for (String domain : PROMPT_DOMAINS) out[i++] = domain + "-" + task;
    }
    return out;
  }
}
