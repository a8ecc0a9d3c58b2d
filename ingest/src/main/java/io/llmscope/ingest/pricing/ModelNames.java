package io.llmscope.ingest.pricing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names a span's model string is looked up by, most specific first: the name itself (lower case),
 * then without route prefixes ({@code bedrock/}, {@code azure/}, {@code openai/}, {@code vertex_ai/},
 * {@code models/}, ..., a Vertex or Bedrock resource path), without a Bedrock region or cross-region
 * prefix ({@code us.}, {@code eu.}, {@code global.} ...), without the Bedrock vendor
 * ({@code anthropic.}, {@code meta.} ...), and then, one step at a time, without a version or date
 * suffix ({@code -v2:0}, {@code -20241022}, {@code @20241022}, {@code -2024-08-06}, {@code -002},
 * {@code -latest}, {@code -2411}). So {@code us.anthropic.claude-3-5-sonnet-20241022-v2:0} is also
 * looked up as {@code claude-3-5-sonnet-20241022} and {@code claude-3-5-sonnet}.
 */
final class ModelNames {
  private static final List<String> ROUTE_PREFIXES = List.of("bedrock/", "converse/", "invoke/", "azure/", "azure_ai/",
      "openai/", "vertex_ai/", "vertex_ai_beta/", "gemini/", "models/", "anthropic/", "google/", "mistral/",
      "mistralai/", "deepseek/", "cohere/", "cohere_chat/", "xai/", "x-ai/", "x_ai/", "groq/", "litellm_proxy/");
  private static final Pattern REGION = Pattern.compile("^(?:us|eu|apac|ap|jp|au|ca|global|us-gov|regional)\\.(?=[a-z0-9-]+\\.)");
  private static final Pattern VENDOR = Pattern.compile(
      "^(?:anthropic|meta|amazon|mistral|cohere|ai21|deepseek|openai|qwen|writer|google|nvidia|moonshot|minimax)\\.");
  /** One trailing version or date; applied repeatedly. */
  private static final Pattern SUFFIX = Pattern.compile(
      "(?:-v\\d+(?::\\d+)?|:\\d+|[-@]20\\d{6}|-20\\d{2}-\\d{2}-\\d{2}|@\\d{3}|-\\d{3}|-latest|-\\d{4})$");

  private ModelNames() {}

  static List<String> candidates(String model) {
    Set<String> out = new LinkedHashSet<>();
    String s = model.trim().toLowerCase(Locale.ROOT);
    if (s.isEmpty()) return List.of();
    out.add(s);
    // ARNs and resource paths: arn:aws:bedrock:...:inference-profile/us.anthropic..., projects/p/locations/l/publishers/google/models/gemini-...
    if (s.startsWith("arn:") && s.indexOf('/') >= 0) s = add(out, s.substring(s.lastIndexOf('/') + 1));
    int models = s.lastIndexOf("/models/");
    if (models >= 0) s = add(out, s.substring(models + "/models/".length()));
    boolean stripped = true;
    while (stripped) {
      stripped = false;
      for (String prefix : ROUTE_PREFIXES) {
        if (s.startsWith(prefix) && s.length() > prefix.length()) {
          s = add(out, s.substring(prefix.length()));
          stripped = true;
        }
      }
    }
    Matcher region = REGION.matcher(s);
    if (region.find()) s = add(out, s.substring(region.end()));
    Matcher vendor = VENDOR.matcher(s);
    if (vendor.find() && s.length() > vendor.end()) s = add(out, s.substring(vendor.end()));
    for (int i = 0; i < 4; i++) {
      Matcher m = SUFFIX.matcher(s);
      if (!m.find() || m.start() == 0) break;
      s = add(out, s.substring(0, m.start()));
    }
    return new ArrayList<>(out);
  }

  private static final Pattern BEDROCK_ID = Pattern.compile(
      "^(?:(?:us|eu|apac|ap|jp|au|ca|global|us-gov)\\.)?(?:anthropic|meta|amazon|mistral|cohere|ai21|deepseek|openai|qwen|writer|nvidia)\\.[a-z0-9]");

  /**
   * The provider a model string's own form names, or null: {@code bedrock/}, an ARN or a Bedrock id
   * ({@code us.anthropic.claude-...}) → {@code aws.bedrock}; {@code azure/} → {@code azure.ai.openai};
   * {@code vertex_ai/}, a {@code publishers/} path or a {@code @version} → {@code gcp.vertex_ai};
   * {@code gemini/} or {@code models/} → {@code gcp.gemini}.
   */
  static String impliedProvider(String model) {
    String s = model.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("bedrock/") || s.startsWith("arn:aws:bedrock") || BEDROCK_ID.matcher(s).find()) return "aws.bedrock";
    if (s.startsWith("azure/") || s.startsWith("azure_ai/")) return "azure.ai.openai";
    if (s.startsWith("vertex_ai/") || s.contains("publishers/") || s.contains("@")) return "gcp.vertex_ai";
    if (s.startsWith("gemini/") || s.startsWith("models/")) return "gcp.gemini";
    return null;
  }

  private static String add(Set<String> out, String s) {
    out.add(s);
    return s;
  }
}
