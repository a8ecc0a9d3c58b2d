package io.llmscope.query;

import java.util.List;

/** One filter of a query; values are strings for string fields and parsed numbers for measures. */
record Filter(FieldRef field, Op op, List<String> strings, double[] numbers) {
  enum Op {
    EQ("="), NE("!="), IN("in"), NOT_IN("not_in"), GT(">"), GE(">="), LT("<"), LE("<="), EXISTS("exists"), CONTAINS("contains");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    static Op of(String s) {
      for (Op o : values()) if (o.symbol.equals(s)) return o;
      return null;
    }

    boolean ordering() {
      return this == GT || this == GE || this == LT || this == LE;
    }

    boolean multi() {
      return this == IN || this == NOT_IN;
    }
  }

  /** String semantics; absent values (null) match no operator but {@code exists}=false. */
  boolean matches(String v) {
    if (op == Op.EXISTS) return (v != null) == (numbers[0] != 0);
    if (v == null) return false;
    return switch (op) {
      case EQ, IN -> strings.contains(v);
      case NE, NOT_IN -> !strings.contains(v);
      case CONTAINS -> v.contains(strings.get(0));
      default -> throw new IllegalStateException(op.symbol);
    };
  }

  /** Numeric semantics; NaN is absent. */
  boolean matches(double v) {
    if (op == Op.EXISTS) return !Double.isNaN(v) == (numbers[0] != 0);
    if (Double.isNaN(v)) return false;
    switch (op) {
      case EQ, IN: for (double n : numbers) if (v == n) return true; return false;
      case NE, NOT_IN: for (double n : numbers) if (v == n) return false; return true;
      case GT: return v > numbers[0];
      case GE: return v >= numbers[0];
      case LT: return v < numbers[0];
      case LE: return v <= numbers[0];
      default: throw new IllegalStateException(op.symbol);
    }
  }
}
