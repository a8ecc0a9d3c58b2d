package io.llmscope.storage.model;

import java.util.HashMap;
import java.util.Map;

/** The canonical string dimensions of a span (API.md "Canonical fields"), dictionary-encoded in storage. */
public enum Dim {
  SERVICE("service"),
  ENVIRONMENT("environment"),
  OPERATION("operation"),
  PROVIDER("provider"),
  MODEL("model"),
  REQUEST_MODEL("request_model"),
  RESPONSE_MODEL("response_model"),
  STATUS("status"),
  ERROR_TYPE("error_type"),
  FINISH_REASON("finish_reason"),
  USER("user"),
  SESSION("session"),
  PROMPT_NAME("prompt_name"),
  PROMPT_VERSION("prompt_version"),
  AGENT("agent"),
  TOOL("tool"),
  SPAN_NAME("span_name"),
  SPAN_KIND("span_kind");

  public static final int COUNT = values().length;
  private static final Dim[] VALUES = values();
  private static final Map<String, Dim> BY_NAME = new HashMap<>();

  static {
    for (Dim d : VALUES) BY_NAME.put(d.fieldName, d);
  }

  private final String fieldName;

  Dim(String fieldName) {
    this.fieldName = fieldName;
  }

  /** The field name users write in queries. */
  public String fieldName() {
    return fieldName;
  }

  /** The dimension with this query name, or null. */
  public static Dim byName(String name) {
    return BY_NAME.get(name);
  }

  public static Dim of(int ordinal) {
    return VALUES[ordinal];
  }
}
