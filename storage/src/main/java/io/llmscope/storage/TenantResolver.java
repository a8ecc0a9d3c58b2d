package io.llmscope.storage;

/** Maps a request's {@code Authorization} header (may be null) to a tenant, or null to refuse it. */
@FunctionalInterface
public interface TenantResolver {
  String tenant(String authorizationHeader);

  /** No authentication: everything goes to tenant {@code default}. */
  static TenantResolver open() {
    return header -> "default";
  }
}
