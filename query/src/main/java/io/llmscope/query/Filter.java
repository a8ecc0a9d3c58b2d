package io.llmscope.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One filter of a query (API.md "Filter ops"); values are strings for string fields and parsed
 * numbers for measures. {@code exists} keeps one number: 1 for {@code exists: true}, 0 for false.
 * Build one with {@link #of}, or through {@link Query.Builder#filter}.
 */
public record Filter(FieldRef field, Op op, List<String> strings, double[] numbers) {
  /** The filter operators. */
  public enum Op {
    EQ("="), NE("!="), IN("in"), NOT_IN("not_in"), GT(">"), GE(">="), LT("<"), LE("<="), EXISTS("exists"), CONTAINS("contains");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    /** The operator as the API writes it, e.g. {@code not_in}. */
    public String symbol() {
      return symbol;
    }

    /** The operator written {@code s}, or null. */
    public static Op of(String s) {
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

  public Filter {
    strings = List.copyOf(strings);
    numbers = numbers.clone();
  }

  /**
   * A validated filter: {@code value} is a single String or Number, a Collection of them for
   * {@code in} / {@code not_in}, and for {@code exists} null or a Boolean (null means true).
   * Throws {@link QueryException} naming the problem as the JSON parser does.
   */
  public static Filter of(String field, String op, Object value) {
    return of(field, op, value, "filter");
  }

  static Filter of(String fieldName, String opText, Object value, String where) {
    FieldRef field = FieldRef.resolve(fieldName, where);
    Op op = Op.of(opText);
    if (op == null) throw new QueryException(where + ": unknown op '" + opText + "'; use =, !=, in, not_in, >, >=, <, <=, exists, contains");
    if (op == Op.EXISTS) {
      if (value != null && !(value instanceof Boolean)) {
        throw new QueryException(where + ": op 'exists' takes true, false or no value, got '" + value + "'");
      }
      boolean want = value == null || (Boolean) value;
      return new Filter(field, op, List.of(), new double[] {want ? 1 : 0});
    }
    if (value == null) throw new QueryException(where + ": 'value' is required for op '" + opText + "'");
    List<Object> values = new ArrayList<>();
    if (op.multi()) {
      if (!(value instanceof Collection<?> c)) throw new QueryException(where + ": op '" + opText + "' needs an array value");
      values.addAll(c);
    } else {
      if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
        throw new QueryException(where + ": op '" + opText + "' needs a single value");
      }
      values.add(value);
    }
    if (field.kind() == FieldRef.Kind.SCORE) return scoreFilter(field, op, values, where);
    if (field.numeric()) {
      if (op == Op.CONTAINS) throw new QueryException(where + ": 'contains' needs a string field, '" + field.name() + "' is numeric");
      double[] nums = new double[values.size()];
      for (int i = 0; i < nums.length; i++) {
        Object n = values.get(i);
        try {
          nums[i] = n instanceof Number num ? num.doubleValue() : Double.parseDouble(String.valueOf(n));
        } catch (NumberFormatException e) {
          throw new QueryException(where + ": '" + n + "' is not a number for numeric field '" + field.name() + "'");
        }
      }
      return new Filter(field, op, List.of(), nums);
    }
    if (op.ordering()) throw new QueryException(where + ": op '" + opText + "' needs a numeric field, '" + field.name() + "' is a string");
    List<String> strings = new ArrayList<>();
    for (Object n : values) {
      String s = String.valueOf(n);
      // Ids are stored as lower-case hex; accept any case from users.
      if (field.kind() == FieldRef.Kind.TRACE_ID || field.kind() == FieldRef.Kind.SPAN_ID
          || field.kind() == FieldRef.Kind.PARENT_SPAN_ID) {
        s = s.toLowerCase(Locale.ROOT);
      }
      strings.add(s);
    }
    return new Filter(field, op, strings, new double[0]);
  }

  /**
   * A filter on a score: each operand is kept as text (matched against labels; booleans as
   * {@code true} / {@code false}) and as a number where it is one (matched against values, NaN
   * otherwise). Ordering ops need numbers, {@code contains} a string.
   */
  private static Filter scoreFilter(FieldRef field, Op op, List<Object> values, String where) {
    List<String> strings = new ArrayList<>();
    double[] nums = new double[values.size()];
    for (int i = 0; i < nums.length; i++) {
      Object v = values.get(i);
      strings.add(String.valueOf(v));
      if (v instanceof Number n) {
        nums[i] = n.doubleValue();
      } else if (v instanceof Boolean b) {
        nums[i] = b ? 1 : 0;
      } else {
        try {
          nums[i] = Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
          if (op.ordering()) throw new QueryException(where + ": '" + v + "' is not a number for op '" + op.symbol + "' on '" + field.name() + "'");
          nums[i] = Double.NaN;
        }
      }
    }
    if (op == Op.CONTAINS && values.get(0) instanceof Number) {
      throw new QueryException(where + ": 'contains' on a score matches labels and needs a string");
    }
    return new Filter(field, op, strings, nums);
  }

  /**
   * Score semantics for one score of a span: {@code =} / {@code in} match its label or its value,
   * ordering ops its value, {@code contains} its label. ({@code exists} is decided per span: it has
   * a score of the name or not.)
   */
  boolean matchesScore(double value, String label) {
    return switch (op) {
      case EQ, IN -> equalsAnOperand(value, label);
      case NE, NOT_IN -> !equalsAnOperand(value, label);
      case CONTAINS -> label != null && label.contains(strings.get(0));
      case GT, GE, LT, LE -> matches(value);
      case EXISTS -> wantsPresent();
    };
  }

  private boolean equalsAnOperand(double value, String label) {
    for (int i = 0; i < numbers.length; i++) {
      if (label != null && label.equals(strings.get(i))) return true;
      if (!Double.isNaN(numbers[i]) && value == numbers[i]) return true;
    }
    return false;
  }

  /** The numeric operands (a copy). */
  @Override
  public double[] numbers() {
    return numbers.clone();
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

  /** True when {@code exists: true}; meaningful for {@link Op#EXISTS} only. */
  boolean wantsPresent() {
    return numbers[0] != 0;
  }

  /**
   * True when no present value in [lo, hi] satisfies this numeric filter. {@code !=} and
   * {@code not_in} answer false: a range's bounds may be a rounding away from the stored values
   * (durations derive from nanoseconds), so "every value is the excluded one" is never concluded.
   */
  boolean excludesRange(double lo, double hi) {
    return switch (op) {
      case EQ, IN -> {
        for (double n : numbers) if (n >= lo && n <= hi) yield false;
        yield true;
      }
      case GT -> !(hi > numbers[0]);
      case GE -> !(hi >= numbers[0]);
      case LT -> !(lo < numbers[0]);
      case LE -> !(lo <= numbers[0]);
      case NE, NOT_IN, EXISTS, CONTAINS -> false;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Filter f && field.equals(f.field) && op == f.op && strings.equals(f.strings)
        && Arrays.equals(numbers, f.numbers);
  }

  @Override
  public int hashCode() {
    return (field.hashCode() * 31 + op.hashCode()) * 31 + strings.hashCode() * 31 + Arrays.hashCode(numbers);
  }

  /** The filter as a reader writes it, e.g. {@code duration_ms > 500} or {@code model in [gpt-4o, claude]}. */
  @Override
  public String toString() {
    if (op == Op.EXISTS) return field.name() + " exists" + (wantsPresent() ? "" : ": false");
    Object v;
    if (field.kind() == FieldRef.Kind.SCORE) {
      v = op.multi() ? strings : strings.get(0);
    } else if (field.numeric()) {
      List<Object> nums = new ArrayList<>();
      for (double n : numbers) nums.add(n == Math.rint(n) && Math.abs(n) < 1e15 ? (Object) (long) n : (Object) n);
      v = op.multi() ? nums : nums.get(0);
    } else {
      v = op.multi() ? strings : "'" + strings.get(0) + "'";
    }
    return field.name() + " " + op.symbol + " " + v;
  }
}
