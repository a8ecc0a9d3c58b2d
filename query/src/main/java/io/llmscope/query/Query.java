package io.llmscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A validated aggregation query (API.md "Query"): spans that started in [{@code fromMs},
 * {@code toMs}) and pass every filter, grouped by fields and optionally time buckets, with metric
 * columns, ordered and limited. In-process callers build one with {@link #builder()} (or
 * {@link QueryEngine#newQuery()}); the JSON body of {@code POST /api/v1/query} becomes one through
 * {@link #fromJson}. Both validate alike and throw {@link QueryException} naming the problem.
 *
 * @param fromMs start of the range, epoch ms, inclusive
 * @param toMs end of the range, epoch ms, exclusive
 * @param stepMs time bucket width in ms (buckets aligned to multiples since the epoch); 0 for none
 * @param orderBy sort keys, by column name (see {@link #columns()}); then time and group values ascending
 * @param limit most rows returned; 0 for the engine's default ({@link QueryLimits#defaultLimit()})
 * @param llmOnly only model calls (inference and embedding spans)
 * @param explain answer with the planner's decisions ({@link QueryResult#plan()})
 */
public record Query(long fromMs, long toMs, List<Filter> filters, List<FieldRef> groupBy, long stepMs,
    List<Metric> metrics, List<Order> orderBy, int limit, boolean llmOnly, boolean explain) {

  /** A sort key: a column of the answer, by name, descending or ascending. Nulls sort last either way. */
  public record Order(String column, boolean desc) {}

  public Query {
    filters = List.copyOf(filters);
    groupBy = List.copyOf(groupBy);
    metrics = List.copyOf(metrics);
    orderBy = List.copyOf(orderBy);
    if (toMs < fromMs) throw new QueryException("'to' (" + toMs + ") is before 'from' (" + fromMs + ")");
    if (stepMs < 0) throw new QueryException("'step' must be positive");
    if (metrics.isEmpty()) throw new QueryException("'metrics' must be a non-empty array, e.g. [\"count\"]");
    if (limit < 0) throw new QueryException("'limit' must be a positive integer");
    for (FieldRef g : groupBy) {
      if (g.kind() == FieldRef.Kind.MEASURE) {
        throw new QueryException("cannot group by measure '" + g.name() + "'; group by dimensions");
      }
    }
    List<String> columns = columns(stepMs, groupBy, metrics);
    for (Order o : orderBy) {
      if (!columns.contains(o.column())) throw new QueryException("unknown order column '" + o.column() + "'; columns are " + columns);
    }
  }

  /** True when a filter, group or metric names a quality score: the scan then joins the tenant's scores. */
  boolean readsScores() {
    for (Filter f : filters) if (f.field().kind() == FieldRef.Kind.SCORE) return true;
    for (FieldRef g : groupBy) if (g.kind() == FieldRef.Kind.SCORE) return true;
    for (Metric m : metrics) if (m.field() != null && m.field().kind() == FieldRef.Kind.SCORE) return true;
    return false;
  }

  /** The answer's columns: {@code time} when stepped, the group fields, then the metric labels. */
  public List<String> columns() {
    return columns(stepMs, groupBy, metrics);
  }

  private static List<String> columns(long stepMs, List<FieldRef> groupBy, List<Metric> metrics) {
    List<String> columns = new ArrayList<>();
    if (stepMs > 0) columns.add("time");
    for (FieldRef g : groupBy) columns.add(g.name());
    for (Metric m : metrics) columns.add(m.label());
    return columns;
  }

  /**
   * Parses the JSON body of {@code POST /api/v1/query}: relative times ({@code now-1h}) resolve
   * against {@code nowMs}; {@code limits} bound the buckets and the limit (a missing limit becomes
   * the default).
   */
  public static Query fromJson(JsonNode body, long nowMs, QueryLimits limits) {
    return QueryParser.parse(body, nowMs).build(limits);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Where {@link Builder#build} checks things, in order; JSON shape errors wait for their turn. */
  enum Section { FILTERS, GROUP_BY, METRICS, ORDER_BY, LIMIT, LLM_ONLY, EXPLAIN }

  /** An element the JSON body got wrong, reported when validation reaches it. */
  private record Invalid(String message) {}

  private record RawFilter(String field, String op, Object value) {}

  /**
   * Collects a query's parts and validates them in {@link #build}, with the messages of the JSON
   * parser ({@code filters[1]: unknown op '~'; ...}). Times are epoch ms, or the API's text
   * ({@code now-15m}, ISO-8601) resolved against {@link #now(long)} at build.
   */
  public static final class Builder {
    private Long fromMs;
    private Long toMs;
    private String fromText;
    private String toText;
    private Long nowMs;
    private final List<Object> filters = new ArrayList<>();
    private final List<Object> groupBy = new ArrayList<>();
    private long stepMs;
    private boolean stepInMs;
    private String stepText;
    private final List<Object> metrics = new ArrayList<>();
    private final List<Order> orderBy = new ArrayList<>();
    private Integer limit;
    private boolean llmOnly = true;
    private boolean explain;
    private final Map<Section, String> errors = new EnumMap<>(Section.class);

    private Builder() {}

    /** Start of the range, epoch ms, inclusive. */
    public Builder from(long epochMs) {
      fromMs = epochMs;
      fromText = null;
      return this;
    }

    /** End of the range, epoch ms, exclusive; without one, the range ends now. */
    public Builder to(long epochMs) {
      toMs = epochMs;
      toText = null;
      return this;
    }

    public Builder range(long fromEpochMs, long toEpochMs) {
      return from(fromEpochMs).to(toEpochMs);
    }

    /** Start as the API writes it: ISO-8601, epoch ms, {@code now} or {@code now-15m}. */
    public Builder from(String time) {
      fromText = time;
      fromMs = null;
      return this;
    }

    /** End as the API writes it: ISO-8601, epoch ms, {@code now} or {@code now-15m}. */
    public Builder to(String time) {
      toText = time;
      toMs = null;
      return this;
    }

    /** The instant {@code now} means, epoch ms; by default the wall clock at {@link #build}. */
    public Builder now(long epochMs) {
      nowMs = epochMs;
      return this;
    }

    /**
     * Adds a filter: {@code value} is a String or Number, a Collection of them for {@code in} /
     * {@code not_in}, nothing or a Boolean for {@code exists}; e.g. {@code filter("model", "in",
     * List.of("gpt-4o", "gpt-4o-mini"))}, {@code filter("duration_ms", ">", 500)}.
     */
    public Builder filter(String field, String op, Object value) {
      filters.add(new RawFilter(field, op, value));
      return this;
    }

    public Builder filter(String field, Filter.Op op, Object value) {
      return filter(field, op.symbol(), value);
    }

    /** Keeps spans that have a value for {@code field}. */
    public Builder exists(String field) {
      return filter(field, "exists", null);
    }

    /** Groups by these fields (dimensions, ids or attributes; not measures). */
    public Builder groupBy(String... fields) {
      groupBy.addAll(Arrays.asList(fields));
      return this;
    }

    /** Time buckets of {@code ms} milliseconds. */
    public Builder step(long ms) {
      stepMs = ms;
      stepInMs = true;
      stepText = Long.toString(ms);
      return this;
    }

    /** Time buckets of a duration as the API writes it, e.g. {@code 1m}, {@code 1h}. */
    public Builder step(String duration) {
      stepMs = 0;
      stepInMs = false;
      stepText = duration;
      return this;
    }

    /** Adds metric columns, e.g. {@code "count"}, {@code "p95(duration_ms)"}, {@code "sum(cost_usd)"}. */
    public Builder metrics(String... metricTexts) {
      metrics.addAll(Arrays.asList(metricTexts));
      return this;
    }

    /** Sorts by a column: {@code time}, a group field or a metric as written. */
    public Builder orderBy(String column, boolean desc) {
      orderBy.add(new Order(column, desc));
      return this;
    }

    public Builder limit(int rows) {
      limit = rows;
      return this;
    }

    public Builder llmOnly(boolean only) {
      llmOnly = only;
      return this;
    }

    public Builder explain(boolean on) {
      explain = on;
      return this;
    }

    // The JSON parser's hooks: shapes the builder's types cannot express.

    void invalid(Section section, String message) {
      errors.putIfAbsent(section, message);
    }

    void invalidFilter(String message) {
      filters.add(new Invalid(message));
    }

    void invalidGroupBy(String message) {
      groupBy.add(new Invalid(message));
    }

    void invalidMetric(String message) {
      metrics.add(new Invalid(message));
    }

    /** Validates the query; the limit stays 0 (the engine's default) unless set. */
    public Query build() {
      return build(null);
    }

    /**
     * Validates the query against an engine's limits too: a step must not make more than
     * {@link QueryLimits#maxBuckets()} buckets, and the limit becomes at most
     * {@link QueryLimits#maxLimit()} (the default when unset).
     */
    public Query build(QueryLimits limits) {
      long now = nowMs != null ? nowMs : System.currentTimeMillis();
      long from;
      if (fromMs != null) from = fromMs;
      else if (fromText != null) from = TimeExpr.parseTime(fromText, now, "from");
      else throw new QueryException("'from' is required");
      long to = toMs != null ? toMs : toText != null ? TimeExpr.parseTime(toText, now, "to") : now;
      if (to < from) throw new QueryException("'to' (" + to + ") is before 'from' (" + from + ")");

      check(Section.FILTERS);
      List<Filter> fs = new ArrayList<>();
      for (int i = 0; i < filters.size(); i++) {
        Object f = filters.get(i);
        if (f instanceof Invalid bad) throw new QueryException(bad.message());
        RawFilter r = (RawFilter) f;
        fs.add(Filter.of(r.field(), r.op(), r.value(), "filters[" + i + "]"));
      }

      check(Section.GROUP_BY);
      List<FieldRef> gs = new ArrayList<>();
      for (int i = 0; i < groupBy.size(); i++) {
        Object g = groupBy.get(i);
        if (g instanceof Invalid bad) throw new QueryException(bad.message());
        String where = "groupBy[" + i + "]";
        FieldRef f = FieldRef.resolve((String) g, where);
        if (f.kind() == FieldRef.Kind.MEASURE) {
          throw new QueryException(where + ": cannot group by measure '" + f.name() + "'; group by dimensions");
        }
        gs.add(f);
      }

      long step = 0;
      if (stepText != null) {
        step = stepInMs ? stepMs : TimeExpr.parseDuration(stepText, "step");
        if (step <= 0) throw new QueryException("'step' must be positive");
        long buckets;
        try {
          buckets = Math.addExact(Math.subtractExact(to, from) / step, 1);
        } catch (ArithmeticException e) {
          buckets = Long.MAX_VALUE; // a range wider than a long is more than any limit
        }
        if (limits != null && buckets > limits.maxBuckets()) {
          String made = buckets == Long.MAX_VALUE ? "more than " + limits.maxBuckets() : Long.toString(buckets);
          throw new QueryException("'step' " + stepText + " makes " + made + " buckets over the range; at most "
              + limits.maxBuckets() + " allowed (" + QueryLimits.MAX_BUCKETS_KEY + ")");
        }
      }

      check(Section.METRICS);
      if (metrics.isEmpty()) throw new QueryException("'metrics' must be a non-empty array, e.g. [\"count\"]");
      List<Metric> ms = new ArrayList<>();
      for (int i = 0; i < metrics.size(); i++) {
        Object m = metrics.get(i);
        if (m instanceof Invalid bad) throw new QueryException(bad.message());
        ms.add(Metric.parse((String) m, i));
      }

      check(Section.ORDER_BY);
      List<String> columns = columns(step, gs, ms);
      List<Order> os = new ArrayList<>();
      for (int i = 0; i < orderBy.size(); i++) {
        String col = orderBy.get(i).column();
        if (col == null) throw new QueryException("orderBy[" + i + "]: 'column' is required");
        int idx = columns.indexOf(col);
        // Accept the metric as written by the user even when normalised differently.
        for (int m = 0; m < ms.size() && idx < 0; m++) {
          if (((String) metrics.get(m)).trim().equals(col)) idx = columns.size() - ms.size() + m;
        }
        if (idx < 0) throw new QueryException("orderBy[" + i + "]: unknown column '" + col + "'; columns are " + columns);
        os.add(new Order(columns.get(idx), orderBy.get(i).desc()));
      }

      check(Section.LIMIT);
      int lim = 0;
      if (limit != null) {
        if (limit <= 0) throw new QueryException("'limit' must be a positive integer");
        lim = limit;
      }
      if (limits != null) lim = lim == 0 ? limits.defaultLimit() : Math.min(lim, limits.maxLimit());
      check(Section.LLM_ONLY);
      check(Section.EXPLAIN);
      return new Query(from, to, fs, gs, step, ms, os, lim, llmOnly, explain);
    }

    private void check(Section s) {
      String message = errors.get(s);
      if (message != null) throw new QueryException(message);
    }
  }
}
