package io.llmscope.ingest;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** OTLP {@code AnyValue} to the Java value model documented on {@code SpanDetail}. */
final class AnyValues {
  private AnyValues() {}

  /** String, Long, Double, Boolean, byte[], List (array), Map (kvlist); null for an empty value. */
  static Object toJava(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return v.getStringValue();
      case INT_VALUE:
        return v.getIntValue();
      case DOUBLE_VALUE:
        return v.getDoubleValue();
      case BOOL_VALUE:
        return v.getBoolValue();
      case BYTES_VALUE:
        return v.getBytesValue().toByteArray();
      case ARRAY_VALUE: {
        List<AnyValue> values = v.getArrayValue().getValuesList();
        List<Object> out = new ArrayList<>(values.size());
        for (AnyValue e : values) out.add(toJava(e));
        return Collections.unmodifiableList(out);
      }
      case KVLIST_VALUE:
        return attributes(v.getKvlistValue().getValuesList());
      case VALUE_NOT_SET:
      default:
        return null;
    }
  }

  /** Key/value list to an unmodifiable map in the order received (a repeated key keeps the last value). */
  static Map<String, Object> attributes(List<KeyValue> kvs) {
    if (kvs.isEmpty()) return Map.of();
    Map<String, Object> out = new LinkedHashMap<>(capacity(kvs.size()));
    for (KeyValue kv : kvs) out.put(kv.getKey(), toJava(kv.getValue()));
    return Collections.unmodifiableMap(out);
  }

  static int capacity(int n) {
    return n < 3 ? n + 1 : (int) (n / 0.75f) + 1;
  }
}
