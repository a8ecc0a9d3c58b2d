package io.llmscope.ingest;

import io.llmscope.ingest.AttributeMapping.Rule;
import io.llmscope.ingest.AttributeMapping.Target;
import java.util.Arrays;

/**
 * Per-span scratch state of the normaliser: for each {@link Target} the winning value so far and
 * its precedence. One instance is reused for all spans of a request (reset between spans), so the
 * table walk allocates nothing beyond converted values.
 */
final class SpanFields {
  private final Object[] values = new Object[Target.COUNT];
  private final int[] precedence = new int[Target.COUNT];

  SpanFields() {
    reset();
  }

  void reset() {
    Arrays.fill(values, null);
    Arrays.fill(precedence, Integer.MIN_VALUE);
  }

  /** Applies a table row to a raw attribute value: converts it and keeps it if it wins. */
  void offer(Rule rule, Object raw) {
    int i = rule.target().ordinal();
    if (rule.precedence() <= precedence[i]) return;
    Object converted = rule.conv().apply(raw);
    if (converted == null) return;
    values[i] = converted;
    precedence[i] = rule.precedence();
  }

  /** Offers an already converted value (derived rules). */
  void offer(Target target, int prec, Object converted) {
    if (converted == null) return;
    int i = target.ordinal();
    if (prec <= precedence[i]) return;
    values[i] = converted;
    precedence[i] = prec;
  }

  /** Overwrites a value (token reconciliation), keeping its precedence. */
  void replace(Target target, Object converted) {
    values[target.ordinal()] = converted;
    if (precedence[target.ordinal()] == Integer.MIN_VALUE) precedence[target.ordinal()] = 0;
  }

  Object get(Target target) {
    return values[target.ordinal()];
  }

  int precedence(Target target) {
    return precedence[target.ordinal()];
  }

  String string(Target target) {
    return values[target.ordinal()] instanceof String s ? s : null;
  }

  Double number(Target target) {
    return values[target.ordinal()] instanceof Double d ? d : null;
  }
}
