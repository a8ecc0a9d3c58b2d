package io.llmscope.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmscope.storage.Repricing;
import java.io.IOException;

/**
 * The price tables behind {@code /api/v1/prices} and {@code /api/v1/reprice}, per tenant. The
 * dashboards module only routes; pricing lives in ingest, and the server adapts it to this.
 */
public interface PriceBook {
  /**
   * The tenant's effective table, {@code {"count", "prices": [...]}}, each entry in the config's
   * {@code prices:} form with its {@code source}; with {@code model} only the entries that may price
   * it (by {@code provider}), the one in force now marked {@code "applies": true}; {@code source}
   * keeps one source's entries. Null arguments do not filter.
   */
  ObjectNode list(String tenant, String model, String provider, String source);

  /**
   * Adds or replaces the tenant's overrides (same model or pattern, providers and effectiveFrom:
   * replaced; else added), durably; answers what changed.
   *
   * @throws IllegalArgumentException for a malformed body, its message naming the field (e.g.
   *     {@code prices[2].input: ...})
   */
  ObjectNode put(String tenant, JsonNode body) throws IOException;

  /**
   * Removes the tenant's overrides of {@code model}, of {@code provider} and from
   * {@code effectiveFrom} when given; answers {@code {"removed": N, "prices": [...]}} (N may be 0).
   *
   * @throws IllegalArgumentException for a malformed {@code effectiveFrom}
   */
  ObjectNode remove(String tenant, String model, String provider, String effectiveFrom) throws IOException;

  /** Prices a stored span as ingest would now for the tenant; null when ingest prices nothing ({@code ingest.pricing: false}). */
  Repricing.CostFunction costs(String tenant);
}
