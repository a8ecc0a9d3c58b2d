package io.llmscope.ingest;

import com.google.protobuf.ByteString;
import io.llmscope.ingest.AttributeMapping.Rule;
import io.llmscope.ingest.AttributeMapping.Target;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.Nanos;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.model.SpanLink;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Maps every span of an export request, in any supported dialect, to a canonical {@link LlmSpan}.
 *
 * <p>Per span: ids, times, kind and status are read from the span; each attribute is converted to
 * the detail value model, kept verbatim, and looked up once in {@link AttributeMapping}; matching
 * resource attributes (computed once per resource) are offered after the span's own; then the
 * {@link DerivedRules} run. Spans without a valid trace or span id, or with a time no span can have
 * ({@link #timeProblem}), are rejected and counted; every other span is kept. Stateless apart from
 * immutable tables, so one instance is thread-safe.
 */
final class SpanNormaliser {
  private final LongSupplier clockMs;
  private final long maxFutureSkewMs;
  private final SpanLimits limits;

  /** Spans starting more than {@code maxFutureSkewMs} after {@code clockMs} are rejected. */
  SpanNormaliser(LongSupplier clockMs, long maxFutureSkewMs, SpanLimits limits) {
    this.clockMs = clockMs;
    this.maxFutureSkewMs = maxFutureSkewMs;
    this.limits = limits;
  }

  /**
   * Most attributes, events and links one span's detail keeps; the excess is dropped and added to
   * the span's OTLP dropped counts. Without them an empty link costs 2 bytes of protobuf and 26
   * of WAL, so one small request could ask for a record no log can hold.
   */
  record SpanLimits(int attributes, int events, int links) {
    static final SpanLimits NONE = new SpanLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  NormalisedBatch normalise(ExportTraceServiceRequest request) {
    int total = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) total += ss.getSpansCount();
    }
    List<LlmSpan> kept = new ArrayList<>(total);
    int rejected = 0;
    String firstProblem = null;
    SpanFields fields = new SpanFields();
    long latestStart = Nanos.fromMillis(clockMs.getAsLong() + maxFutureSkewMs);
    for (ResourceSpans rs : request.getResourceSpansList()) {
      ResourceContext resource = new ResourceContext(rs.getResource());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        String scopeName = ss.getScope().getName();
        String scopeVersion = ss.getScope().getVersion();
        for (Span span : ss.getSpansList()) {
          String problem = idProblem(span);
          if (problem == null) problem = timeProblem(span, latestStart);
          LlmSpan out = null;
          if (problem == null) {
            try {
              out = normaliseSpan(span, resource, scopeName, scopeVersion, fields);
            } catch (RuntimeException e) {
              // Defensive: a bug must cost one span, never the request or the process.
              problem = "could not be normalised (" + e + ")";
            }
          }
          if (out != null) {
            kept.add(out);
          } else {
            rejected++;
            if (firstProblem == null) firstProblem = "span '" + span.getName() + "': " + problem;
          }
        }
      }
    }
    String message = null;
    if (rejected == 1) message = firstProblem;
    else if (rejected > 1) message = rejected + " spans rejected; first: " + firstProblem;
    return new NormalisedBatch(kept, rejected, message);
  }

  /** Why a span cannot be stored, or null if its ids are valid. */
  static String idProblem(Span span) {
    String p = idProblem(span.getTraceId(), 16, "trace_id");
    return p != null ? p : idProblem(span.getSpanId(), 8, "span_id");
  }

  /**
   * Why a span's times cannot be stored, or null. OTLP times are unsigned 64-bit nanoseconds, a
   * long holds them only up to 2262: beyond, Java sees them negative. A start further ahead than
   * the allowed skew would outlive retention and stretch every time range.
   */
  String timeProblem(Span span, long latestStartNanos) {
    long start = span.getStartTimeUnixNano();
    long end = span.getEndTimeUnixNano();
    if (start < 0) return "start_time_unix_nano " + Long.toUnsignedString(start) + " is after 2262, the latest time a span can have";
    if (end < 0) return "end_time_unix_nano " + Long.toUnsignedString(end) + " is after 2262, the latest time a span can have";
    if (start > latestStartNanos) {
      return "start_time_unix_nano " + start + " is more than " + maxFutureSkewMs + " ms ahead of the server's clock"
          + " (ingest.maxFutureSkew)";
    }
    return null;
  }

  private static String idProblem(ByteString id, int size, String name) {
    if (id.isEmpty()) return "missing " + name;
    if (id.size() != size) return name + " must be " + size + " bytes, got " + id.size();
    for (int i = 0; i < size; i++) if (id.byteAt(i) != 0) return null;
    return name + " is all zeros";
  }

  private LlmSpan normaliseSpan(
      Span span, ResourceContext resource, String scopeName, String scopeVersion, SpanFields f) {
    LlmSpan out = new LlmSpan();
    ByteString traceId = span.getTraceId();
    out.traceIdHi = longAt(traceId, 0);
    out.traceIdLo = longAt(traceId, 8);
    out.spanId = longAt(span.getSpanId(), 0);
    out.parentSpanId = id8(span.getParentSpanId());
    out.startNanos = span.getStartTimeUnixNano();
    out.endNanos = span.getEndTimeUnixNano();
    if (out.startNanos > 0 && out.endNanos >= out.startNanos) {
      out.measure(Measure.DURATION_MS, (out.endNanos - out.startNanos) / 1e6);
    }
    String name = span.getName();
    out.dim(Dim.SPAN_NAME, name.isEmpty() ? null : name);
    out.dim(Dim.SPAN_KIND, kind(span.getKindValue()));
    String status = status(span.getStatus().getCodeValue());
    out.dim(Dim.STATUS, status);

    // The table walk: one pass over the attributes, one hash lookup each.
    f.reset();
    List<KeyValue> kvs = span.getAttributesList();
    Map<String, Object> attributes;
    int attributesDropped = 0;
    if (kvs.isEmpty()) {
      attributes = Map.of();
    } else {
      LinkedHashMap<String, Object> map = new LinkedHashMap<>(AnyValues.capacity(Math.min(kvs.size(), limits.attributes())));
      for (KeyValue kv : kvs) {
        Object value = AnyValues.toJava(kv.getValue());
        // Past the limit an attribute still sets its canonical column; only the detail drops it.
        if (map.size() < limits.attributes() || map.containsKey(kv.getKey())) {
          map.put(kv.getKey(), value);
        } else {
          attributesDropped++;
        }
        Rule[] rules = AttributeMapping.lookup(kv.getKey());
        if (rules != null) {
          for (Rule r : rules) if (r.source().span) f.offer(r, value);
        }
      }
      attributes = Collections.unmodifiableMap(map);
    }
    resource.offerTo(f);

    List<SpanEvent> events = events(span, limits.events());
    List<SpanLink> links = links(span, limits.links());

    DerivedRules.apply(f, out, status, events, scopeName, scopeVersion);
    Object repaired = f.get(Target.TOKENS_REPAIRED);
    if (repaired != null) {
      // The trace view shows which rule changed the reported counts (docs/normalisation.md).
      LinkedHashMap<String, Object> flagged = new LinkedHashMap<>(attributes);
      flagged.put(TokenSemantics.REPAIRED_ATTRIBUTE, repaired);
      attributes = Collections.unmodifiableMap(flagged);
    }

    for (Target t : TARGETS) {
      Object v = f.get(t);
      if (v == null) continue;
      if (t.dim != null) {
        if (v instanceof String s) out.dims[t.dim.ordinal()] = s;
      } else if (t.measure != null && v instanceof Double d) {
        out.measures[t.measure.ordinal()] = d;
      }
    }
    out.costReported = !Double.isNaN(out.measure(Measure.COST_USD));

    out.detail = new SpanDetail(attributes, resource.attributes, scopeName, scopeVersion,
        span.getTraceState(), span.getStatus().getMessage(), events, links,
        dropped(span.getDroppedAttributesCount(), attributesDropped),
        dropped(span.getDroppedEventsCount(), span.getEventsCount() - events.size()),
        dropped(span.getDroppedLinksCount(), span.getLinksCount() - links.size()));
    return out;
  }

  private static final Target[] TARGETS = Target.values();

  /** The sender's dropped count (unsigned in OTLP) plus ours, saturating. */
  private static int dropped(int sent, int ours) {
    long n = Integer.toUnsignedLong(sent) + ours;
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  private static List<SpanEvent> events(Span span, int limit) {
    int n = Math.min(span.getEventsCount(), limit);
    if (n == 0) return List.of();
    List<SpanEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Span.Event e = span.getEvents(i);
      events.add(new SpanEvent(e.getTimeUnixNano(), e.getName(), AnyValues.attributes(e.getAttributesList())));
    }
    return Collections.unmodifiableList(events);
  }

  private static List<SpanLink> links(Span span, int limit) {
    int n = Math.min(span.getLinksCount(), limit);
    if (n == 0) return List.of();
    List<SpanLink> links = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Span.Link l = span.getLinks(i);
      long hi = 0;
      long lo = 0;
      if (l.getTraceId().size() == 16) {
        hi = longAt(l.getTraceId(), 0);
        lo = longAt(l.getTraceId(), 8);
      }
      links.add(new SpanLink(hi, lo, id8(l.getSpanId()), l.getTraceState(),
          AnyValues.attributes(l.getAttributesList())));
    }
    return Collections.unmodifiableList(links);
  }

  private static long id8(ByteString id) {
    return id.size() == 8 ? longAt(id, 0) : 0L;
  }

  /** Big-endian long from 8 bytes at offset, without copying the ByteString. */
  private static long longAt(ByteString b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | (b.byteAt(off + i) & 0xFF);
    return v;
  }

  static String kind(int kind) {
    switch (kind) {
      case 1:
        return "internal";
      case 2:
        return "server";
      case 3:
        return "client";
      case 4:
        return "producer";
      case 5:
        return "consumer";
      default:
        return "unspecified";
    }
  }

  static String status(int code) {
    switch (code) {
      case 1:
        return "ok";
      case 2:
        return "error";
      default:
        return "unset";
    }
  }

  /** A resource's detail map and its table matches, computed once for all its spans. */
  private static final class ResourceContext {
    final Map<String, Object> attributes;
    private final Rule[] rules;
    private final Object[] values;
    private final int size;

    ResourceContext(Resource resource) {
      List<KeyValue> kvs = resource.getAttributesList();
      this.attributes = AnyValues.attributes(kvs);
      List<Rule> r = new ArrayList<>();
      List<Object> v = new ArrayList<>();
      for (Map.Entry<String, Object> e : attributes.entrySet()) {
        Rule[] matches = AttributeMapping.lookup(e.getKey());
        if (matches == null) continue;
        for (Rule m : matches) {
          if (m.source().resource) {
            r.add(m);
            v.add(e.getValue());
          }
        }
      }
      this.rules = r.toArray(new Rule[0]);
      this.values = v.toArray();
      this.size = rules.length;
    }

    /** Offers the resource's matches after the span's own (a tie keeps the span's value). */
    void offerTo(SpanFields f) {
      for (int i = 0; i < size; i++) f.offer(rules[i], values[i]);
    }
  }
}
