package io.llmscope.ingest;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmscope.ingest.pricing.ModelPrice;
import io.llmscope.ingest.pricing.PriceTable;
import io.llmscope.ingest.pricing.Usage;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-tenant price overrides on a real data directory: merged by model, providers and date, kept
 * across a restart, isolated per tenant, removable, bounded, and refused with the field named.
 */
class TenantPricesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double EPS = 1e-12;
  private static final PriceTable BASE =
      PriceTable.shipped().withOverrides(List.of(ModelPrice.builder().model("acme-config").rates(ModelPrice.Rates.of(1, 1)).build()));
  @TempDir Path dir;

  private Storage open() throws Exception {
    return Storage.open(StorageConfig.builder(dir).build());
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private static double cost(PriceTable t, String model) {
    return t.cost(null, model, System.currentTimeMillis(), Usage.of(1_000_000, 0)).total();
  }

  @Test
  void overridesMergeByModelProvidersAndDatePerTenantAndSurviveARestart() throws Exception {
    try (Storage st = open()) {
      TenantPrices p = TenantPrices.open(BASE, st.settings(), 100);
      assertNull(p.table("a").find(null, "acme-private", 0), "unknown before");
      TenantPrices.PutResult r = p.put("a", json("[{\"model\":\"acme-private\",\"input\":2},{\"model\":\"gpt-4o\",\"input\":1,\"output\":1}]"));
      assertEquals(2, r.added());
      assertEquals(0, r.replaced());
      assertEquals(2.0, cost(p.table("a"), "acme-private"), EPS);
      assertEquals(1.0, cost(p.table("a"), "gpt-4o"), EPS, "the tenant's override wins over the shipped price");
      assertNull(p.table("b").find(null, "acme-private", 0), "another tenant never sees it");
      assertEquals(2.5, cost(p.table("b"), "gpt-4o"), EPS);
      // The same model, providers and date again: replaced. A dated entry: added beside it.
      r = p.put("a", json("{\"prices\":[{\"model\":\"ACME-private\",\"input\":3},"
          + "{\"model\":\"acme-private\",\"effectiveFrom\":\"2020-01-01\",\"input\":4}]}"));
      assertEquals(1, r.added());
      assertEquals(1, r.replaced());
      assertEquals(3, p.overrides("a").size());
      assertEquals(4.0, cost(p.table("a"), "acme-private"), EPS, "the later date applies now");
      assertEquals(3.0, p.table("a").cost(null, "acme-private", 0, Usage.of(1_000_000, 0)).total(), EPS, "before 2020");
      assertTrue(p.overrides("a").stream().allMatch(e -> e.source().equals(TenantPrices.API_SOURCE)));
      assertEquals(1.0, cost(p.table("a"), "acme-config"), EPS, "config overrides stay in every table");
    }
    try (Storage st = open()) {
      TenantPrices p = TenantPrices.open(BASE, st.settings(), 100);
      assertEquals(3, p.overrides("a").size());
      assertEquals(4.0, cost(p.table("a"), "acme-private"), EPS);
      assertEquals(List.of(), p.overrides("b"));
      List<ModelPrice> removed = p.remove("a", "acme-private", null, "2020-01-01");
      assertEquals(1, removed.size());
      assertEquals(3.0, cost(p.table("a"), "acme-private"), EPS);
      assertEquals(2, p.remove("a", "acme-private", null, null).size() + p.remove("a", "GPT-4o", "openai", null).size()
          + p.remove("a", "gpt-4o", null, null).size());
      assertEquals(List.of(), p.overrides("a"));
      assertSame(BASE, p.table("a"), "no overrides left: the shared base table");
      assertEquals(Map.of(), st.settings().readAll(TenantPrices.SETTING), "and nothing stored");
    }
  }

  @Test
  void malformedBodiesNameTheField() throws Exception {
    try (Storage st = open()) {
      TenantPrices p = TenantPrices.open(BASE, st.settings(), 2);
      assertProblem(p, "[{\"model\":\"x\",\"input\":1},{\"model\":\"y\",\"input\":\"cheap\"}]",
          "prices[1].input: must be a price >= 0 in USD per 1M tokens, not 'cheap'");
      assertProblem(p, "[{\"model\":\"x\",\"imput\":1}]", "prices[0].imput: unknown field (known: cacheRead");
      assertProblem(p, "[{\"input\":1}]", "prices[0]: needs exactly one of 'model'");
      assertProblem(p, "[{\"model\":\"x\"}]", "prices[0] (x): set at least one of input, output and perSecond");
      assertProblem(p, "[{\"model\":\"x\",\"tiers\":[{\"input\":1}]}]", "prices[0].tiers[0].aboveInputTokens: is missing");
      assertProblem(p, "{\"prices\":{\"model\":\"x\"}}", "prices: must be a list of model prices, not a mapping");
      assertProblem(p, "{\"price\":[]}", "unknown field 'price'");
      assertProblem(p, "\"x\"", "the body must be a JSON list");
      assertProblem(p, "[{\"model\":\"x\",\"input\":1},{\"model\":\"x\",\"input\":2}]", "prices: lists x twice: keep one");
      assertProblem(p, "[{\"model\":\"a\",\"input\":1},{\"model\":\"b\",\"input\":1},{\"model\":\"c\",\"input\":1}]",
          "more than ingest.maxPriceOverrides (2)");
      assertEquals(List.of(), p.overrides("t"), "a refused body changes nothing");
      assertThrows(TenantPrices.InvalidPrices.class, () -> p.remove("t", "x", null, "yesterday"));
    }
  }

  private static void assertProblem(TenantPrices p, String body, String expected) throws Exception {
    TenantPrices.InvalidPrices e = assertThrows(TenantPrices.InvalidPrices.class, () -> p.put("t", json(body)));
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
  }

  @Test
  void theListingShowsSourcesAndWhichEntryApplies() throws Exception {
    try (Storage st = open()) {
      TenantPrices p = TenantPrices.open(BASE, st.settings(), 100);
      p.put("a", json("[{\"model\":\"gpt-4o\",\"provider\":\"openai\",\"input\":2,\"output\":8}]"));
      JsonNode all = p.list("a", null, null, null);
      assertEquals(PriceTable.shipped().entries().size() + 2, all.get("count").asInt());
      assertEquals("api", all.get("prices").get(0).get("source").asText(), "the tenant's own first");
      assertEquals("config", all.get("prices").get(1).get("source").asText());
      JsonNode one = p.list("a", "gpt-4o-2024-08-06", "openai", null);
      List<String> sources = one.get("prices").findValuesAsText("source");
      assertEquals(List.of("genai-prices:openai/gpt-4o", "api"), sources, one.toString());
      assertTrue(one.get("prices").get(1).path("applies").asBoolean(), one.toString());
      assertEquals(1, p.list("a", null, null, "api").get("count").asInt());
      assertEquals(0, p.list("b", null, null, "api").get("count").asInt());
    }
  }

  @Test
  void repricingCostsAreIngestCostsWithTheServiceTierFromTheDetail() throws Exception {
    try (Storage st = open()) {
      TenantPrices p = TenantPrices.open(BASE, st.settings(), 100);
      LlmSpan s = new LlmSpan();
      s.llm = true;
      s.startNanos = System.currentTimeMillis() * 1_000_000L;
      s.dim(Dim.PROVIDER, "openai").dim(Dim.MODEL, "gpt-4o").measure(Measure.INPUT_TOKENS, 1000).measure(Measure.OUTPUT_TOKENS, 100);
      SpanDetail detail = new SpanDetail(Map.of("openai.response.service_tier", "priority"), Map.of(), "", "", "", "", List.of(), List.of());
      p.costs("a").price(s, () -> detail);
      // priority: 1000 in × $4.25/1M + 100 out × $17/1M = $0.00425 + $0.0017
      assertEquals(0.00595, s.measure(Measure.COST_USD), EPS);
      assertEquals(0.0017, s.measure(Measure.COST_OUTPUT_USD), EPS);
      LlmSpan unknown = new LlmSpan();
      unknown.llm = true;
      unknown.dim(Dim.MODEL, "no-such-model");
      p.costs("a").price(unknown, () -> fail("an unknown model needs no detail"));
      assertTrue(Double.isNaN(unknown.measure(Measure.COST_USD)));
    }
  }
}
