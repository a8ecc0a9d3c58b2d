package io.llmscope.server;

import java.util.Map;
import java.util.function.Function;

/**
 * HTTP and gRPC authentication at the edges: an {@code Authorization: Bearer KEY} header (gRPC
 * metadata {@code authorization}) to the tenant of KEY in the config's {@code auth.keys}, or null
 * (refused). With no keys configured everything is open under tenant {@value #OPEN_TENANT}.
 */
final class ApiKeys implements Function<String, String> {
  /** The tenant of every request when no keys are configured. */
  static final String OPEN_TENANT = "default";

  private final Map<String, String> tenantByKey;

  /** @param tenantByKey API key → tenant; empty for an open server */
  ApiKeys(Map<String, String> tenantByKey) {
    this.tenantByKey = Map.copyOf(tenantByKey);
  }

  boolean open() {
    return tenantByKey.isEmpty();
  }

  /** The tenant of a request's {@code Authorization} header (null when absent), or null to refuse it. */
  @Override
  public String apply(String authorizationHeader) {
    if (open()) return OPEN_TENANT;
    if (authorizationHeader == null) return null;
    String h = authorizationHeader.trim();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) h = h.substring(7).trim();
    return tenantByKey.get(h);
  }
}
