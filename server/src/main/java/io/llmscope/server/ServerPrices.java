package io.llmscope.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmscope.dashboards.PriceBook;
import io.llmscope.ingest.TenantPrices;
import io.llmscope.ingest.pricing.ModelPrice;
import io.llmscope.ingest.pricing.PriceTable;
import io.llmscope.storage.Repricing;
import java.io.IOException;
import java.util.List;

/** Ingest's per-tenant price tables as the HTTP API's {@link PriceBook} (dashboards may not see ingest). */
final class ServerPrices implements PriceBook {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final TenantPrices prices;
  private final boolean pricing;

  /** @param pricing whether ingest prices calls ({@code ingest.pricing}); if not, nothing reprices */
  ServerPrices(TenantPrices prices, boolean pricing) {
    this.prices = prices;
    this.pricing = pricing;
  }

  @Override
  public ObjectNode list(String tenant, String model, String provider, String source) {
    return prices.list(tenant, model, provider, source);
  }

  @Override
  public ObjectNode put(String tenant, JsonNode body) throws IOException {
    TenantPrices.PutResult r = prices.put(tenant, body);
    ObjectNode out = JSON.createObjectNode().put("added", r.added()).put("replaced", r.replaced())
        .put("overrides", r.overrides().size());
    out.set("prices", PriceTable.toJson(r.overrides()));
    return out;
  }

  @Override
  public ObjectNode remove(String tenant, String model, String provider, String effectiveFrom) throws IOException {
    List<ModelPrice> removed = prices.remove(tenant, model, provider, effectiveFrom);
    ObjectNode out = JSON.createObjectNode().put("removed", removed.size())
        .put("overrides", prices.overrides(tenant).size());
    out.set("prices", PriceTable.toJson(removed));
    return out;
  }

  @Override
  public Repricing.CostFunction costs(String tenant) {
    return pricing ? prices.costs(tenant) : null;
  }
}
