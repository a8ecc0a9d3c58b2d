package io.llmscope.server.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TrafficGeneratorTest {
  private static final long START = 1_764_288_000_000L; // 2025-11-28T00:00:00Z
  private static final long END = START + 24L * 3600 * 1000;

  /** A span with its resource attributes, flattened out of a batch. */
  record Flat(Span span, Map<String, AnyValue> resource, Map<String, AnyValue> attrs) {
    String str(String key) {
      AnyValue v = attrs.get(key);
      return v == null ? null : v.getStringValue();
    }

    Long integer(String key) {
      AnyValue v = attrs.get(key);
      return v == null ? null : v.getIntValue();
    }

    boolean isLlm() {
      String op = str(TrafficGenerator.OPERATION);
      return "chat".equals(op) || "embeddings".equals(op);
    }
  }

  static Map<String, AnyValue> toMap(List<KeyValue> kvs) {
    Map<String, AnyValue> m = new HashMap<>();
    for (KeyValue kv : kvs) {
      if (m.put(kv.getKey(), kv.getValue()) != null) throw new AssertionError("duplicate attribute " + kv.getKey());
    }
    return m;
  }

  static List<Flat> flatten(ExportTraceServiceRequest req) {
    List<Flat> out = new ArrayList<>();
    for (ResourceSpans rs : req.getResourceSpansList()) {
      Map<String, AnyValue> res = toMap(rs.getResource().getAttributesList());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) out.add(new Flat(s, res, toMap(s.getAttributesList())));
      }
    }
    return out;
  }

  static List<ExportTraceServiceRequest> drain(TrafficGenerator gen, int batch) {
    List<ExportTraceServiceRequest> out = new ArrayList<>();
    while (gen.hasNext()) {
      ExportTraceServiceRequest r = gen.nextBatch(batch);
      int n = TrafficGenerator.spanCount(r);
      assertTrue(n >= 1 && n <= batch, "batch of " + n + " spans with limit " + batch);
      out.add(r);
    }
    assertEquals(0, TrafficGenerator.spanCount(gen.nextBatch(batch)), "nothing after the end");
    return out;
  }

  @Test
  void sameSeedGivesByteIdenticalBatches() {
    List<ExportTraceServiceRequest> a = drain(new TrafficGenerator(7, START, END, 5_000), 512);
    List<ExportTraceServiceRequest> b = drain(new TrafficGenerator(7, START, END, 5_000), 512);
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).toByteArray(), b.get(i).toByteArray(), "batch " + i);

    List<ExportTraceServiceRequest> c = drain(new TrafficGenerator(8, START, END, 5_000), 512);
    assertFalse(Arrays.equals(a.get(0).toByteArray(), c.get(0).toByteArray()), "another seed, other data");
  }

  @Test
  void batchSizeDoesNotChangeTheSpans() {
    Comparator<ByteString> bytes = ByteString.unsignedLexicographicalComparator();
    Comparator<Span> byIds = Comparator.comparing(Span::getTraceId, bytes).thenComparing(Span::getSpanId, bytes);
    List<Span> small = new ArrayList<>();
    for (ExportTraceServiceRequest r : drain(new TrafficGenerator(3, START, END, 2_000), 5)) {
      flatten(r).forEach(f -> small.add(f.span()));
    }
    List<Span> large = new ArrayList<>();
    for (ExportTraceServiceRequest r : drain(new TrafficGenerator(3, START, END, 2_000), 1000)) {
      flatten(r).forEach(f -> large.add(f.span()));
    }
    small.sort(byIds);
    large.sort(byIds);
    assertEquals(small, large);
  }

  @Test
  void generatesExactlyTheRequestedLlmSpans() {
    for (long n : new long[] {0, 1, 2, 3, 4, 5, 7, 100, 1001, 4099}) {
      for (int batch : new int[] {1, 3, 7, 8, 64, 512}) {
        TrafficGenerator gen = new TrafficGenerator(n * 31 + batch, START, END, n);
        List<ExportTraceServiceRequest> batches = drain(gen, batch);
        long llm = 0;
        long all = 0;
        Map<ByteString, Integer> batchOfTrace = new HashMap<>();
        for (int i = 0; i < batches.size(); i++) {
          for (Flat f : flatten(batches.get(i))) {
            all++;
            if (f.isLlm()) llm++;
            Integer prev = batchOfTrace.put(f.span().getTraceId(), i);
            if (batch >= TrafficGenerator.MAX_TRACE_SPANS && prev != null) {
              assertEquals(i, prev, "a trace split across batches with batch=" + batch);
            }
          }
        }
        assertEquals(n, llm, "n=" + n + " batch=" + batch);
        assertEquals(n, gen.totals().llmSpans());
        assertEquals(all, gen.totals().allSpans());
        if (batch >= TrafficGenerator.MAX_TRACE_SPANS && n > 0) {
          // Batches are filled: every batch but the last holds more than batch - 7 spans.
          for (int i = 0; i + 1 < batches.size(); i++) {
            assertTrue(TrafficGenerator.spanCount(batches.get(i)) > batch - TrafficGenerator.MAX_TRACE_SPANS);
          }
        }
      }
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new TrafficGenerator(1, END, START, 10));
    assertThrows(IllegalArgumentException.class, () -> new TrafficGenerator(1, START, START, 10));
    assertThrows(IllegalArgumentException.class, () -> new TrafficGenerator(1, START, END, -1));
    assertThrows(IllegalArgumentException.class, () -> new TrafficGenerator(1, START, END, 10).nextBatch(0));
  }

  @Test
  void datasetHasTheDocumentedShape() {
    int n = 50_000;
    TrafficGenerator gen = new TrafficGenerator(42, START, END, n);
    List<Flat> spans = new ArrayList<>();
    for (ExportTraceServiceRequest r : drain(gen, 512)) spans.addAll(flatten(r));

    long startNs = START * 1_000_000L;
    long endNs = END * 1_000_000L;
    Map<ByteString, Span> roots = new HashMap<>();
    Set<ByteString> spanIds = new HashSet<>();
    for (Flat f : spans) {
      Span s = f.span();
      assertEquals(16, s.getTraceId().size());
      assertEquals(8, s.getSpanId().size());
      assertNotEquals(ByteString.copyFrom(new byte[16]), s.getTraceId());
      assertNotEquals(ByteString.copyFrom(new byte[8]), s.getSpanId());
      assertTrue(spanIds.add(s.getSpanId()), "span ids are unique");
      assertTrue(s.getStartTimeUnixNano() >= startNs && s.getStartTimeUnixNano() < endNs, "start inside range");
      assertTrue(s.getEndTimeUnixNano() >= s.getStartTimeUnixNano());
      if (s.getParentSpanId().isEmpty()) {
        assertEquals(Span.SpanKind.SPAN_KIND_SERVER, s.getKind());
        assertFalse(f.attrs().containsKey(TrafficGenerator.REQUEST_MODEL), "the root is not an LLM call");
        assertEquals(null, roots.put(s.getTraceId(), s), "one root per trace");
      }
    }

    List<Flat> llm = new ArrayList<>();
    Map<ByteString, int[]> perTrace = new HashMap<>();
    Set<String> models = new HashSet<>();
    Set<String> providers = new HashSet<>();
    Set<String> services = new HashSet<>();
    Set<String> envs = new HashSet<>();
    Set<String> users = new HashSet<>();
    Set<String> sessions = new HashSet<>();
    Set<String> prompts = new HashSet<>();
    Set<String> versions = new HashSet<>();
    Set<String> tools = new HashSet<>();
    Map<String, Integer> finish = new TreeMap<>();
    Set<String> ops = new HashSet<>();
    int cacheReads = 0;
    int errors = 0;
    int evaluations = 0;
    int reasoningSpans = 0;
    long[] inputs = new long[n];
    int withInput = 0;
    long firstHalfRoots = 0;
    for (Flat f : spans) {
      Span s = f.span();
      services.add(f.resource().get(TrafficGenerator.SERVICE_NAME).getStringValue());
      envs.add(f.resource().get(TrafficGenerator.ENVIRONMENT).getStringValue());
      if (s.getParentSpanId().isEmpty()) {
        if (s.getStartTimeUnixNano() < (startNs + endNs) / 2) firstHalfRoots++;
        continue;
      }
      Span root = roots.get(s.getTraceId());
      assertTrue(root != null, "every child's trace has a root");
      assertEquals(root.getSpanId(), s.getParentSpanId(), "children hang off the root");
      assertTrue(s.getStartTimeUnixNano() >= root.getStartTimeUnixNano());
      int[] counts = perTrace.computeIfAbsent(s.getTraceId(), k -> new int[2]);
      ops.add(f.str(TrafficGenerator.OPERATION));
      if (!f.isLlm()) {
        assertEquals(Span.SpanKind.SPAN_KIND_INTERNAL, s.getKind());
        assertEquals("execute_tool", f.str(TrafficGenerator.OPERATION));
        tools.add(f.str(TrafficGenerator.TOOL_NAME));
        counts[1]++;
        continue;
      }
      counts[0]++;
      llm.add(f);
      assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, s.getKind());
      String model = f.str(TrafficGenerator.REQUEST_MODEL);
      models.add(model);
      providers.add(f.str(TrafficGenerator.PROVIDER));
      users.add(f.str(TrafficGenerator.USER_ID));
      sessions.add(f.str(TrafficGenerator.CONVERSATION_ID));
      if (f.str(TrafficGenerator.PROMPT_NAME) != null) {
        prompts.add(f.str(TrafficGenerator.PROMPT_NAME));
        versions.add(f.str(TrafficGenerator.PROMPT_VERSION));
      }
      boolean error = s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
      if (error) {
        errors++;
        assertTrue(f.str(TrafficGenerator.ERROR_TYPE) != null, "errors carry error.type");
      } else {
        assertEquals(model, f.str(TrafficGenerator.RESPONSE_MODEL));
      }
      Long in = f.integer(TrafficGenerator.INPUT_TOKENS);
      Long out = f.integer(TrafficGenerator.OUTPUT_TOKENS);
      Long cached = f.integer(TrafficGenerator.CACHE_READ_TOKENS);
      Long reasoning = f.integer(TrafficGenerator.REASONING_TOKENS);
      if (in != null) inputs[withInput++] = in;
      if (cached != null) {
        cacheReads++;
        assertTrue(cached > 0 && cached <= in, "cache reads are part of the input tokens");
      }
      if (reasoning != null) {
        reasoningSpans++;
        assertTrue(model.equals("o3-mini") || model.equals("gemini-2.5-pro"), model);
        assertTrue(reasoning > 0 && reasoning <= out, "reasoning tokens are part of the output tokens");
      }
      AnyValue ttft = f.attrs().get(TrafficGenerator.TIME_TO_FIRST_CHUNK);
      if (out != null) {
        assertNotNull(ttft, "a completed chat call reports its time to first chunk");
        double callSeconds = (s.getEndTimeUnixNano() - s.getStartTimeUnixNano()) / 1e9;
        assertTrue(ttft.getDoubleValue() > 0 && ttft.getDoubleValue() <= callSeconds + 0.0005, ttft + " > " + callSeconds);
      }
      AnyValue reasons = f.attrs().get(TrafficGenerator.FINISH_REASONS);
      if (reasons != null) {
        assertEquals(1, reasons.getArrayValue().getValuesCount());
        finish.merge(reasons.getArrayValue().getValues(0).getStringValue(), 1, Integer::sum);
      }
      for (Span.Event e : s.getEventsList()) {
        assertEquals(TrafficGenerator.EVALUATION_EVENT, e.getName());
        Map<String, AnyValue> ea = toMap(e.getAttributesList());
        assertEquals("helpfulness", ea.get(TrafficGenerator.EVALUATION_NAME).getStringValue());
        double score = ea.get(TrafficGenerator.EVALUATION_SCORE).getDoubleValue();
        assertTrue(score >= 0 && score <= 1, "score " + score);
        evaluations++;
      }
      assertTrue(s.getEventsCount() <= 1);
    }

    assertEquals(n, llm.size());
    for (int[] c : perTrace.values()) {
      assertTrue(c[0] >= 1 && c[0] <= 4, "1-4 LLM spans per trace");
      assertTrue(c[1] <= 2, "0-2 tool spans per trace");
    }
    assertEquals(roots.size(), perTrace.size());
    assertEquals(12, models.size(), models.toString());
    assertEquals(4, providers.size(), providers.toString());
    assertEquals(20, services.size());
    assertEquals(3, envs.size());
    assertEquals(40, prompts.size());
    assertEquals(5, versions.size());
    assertTrue(tools.size() >= 10);
    assertTrue(ops.containsAll(List.of("chat", "embeddings", "execute_tool")), ops.toString());
    assertTrue(users.size() > 5_000 && users.size() <= 50_000, "users " + users.size());
    assertTrue(sessions.size() > 5_000 && sessions.size() <= 200_000, "sessions " + sessions.size());

    double share = 1.0 / n;
    assertBetween("cache read share", cacheReads * share, 0.17, 0.23);
    assertBetween("error share", errors * share, 0.013, 0.027);
    assertBetween("evaluation share", evaluations * share, 0.085, 0.115);
    assertTrue(reasoningSpans > 0.05 * n, "reasoning spans " + reasoningSpans);
    long[] sorted = Arrays.copyOf(inputs, withInput);
    Arrays.sort(sorted);
    assertBetween("median input tokens", sorted[withInput / 2], 600, 1000);
    assertEquals(Set.of("stop", "length", "tool_calls", "content_filter"), finish.keySet());
    assertTrue(finish.get("stop") > 0.5 * llm.size(), "stop is the usual finish reason: " + finish);
    assertBetween("roots in the first half of the range", (double) firstHalfRoots / roots.size(), 0.47, 0.53);

    List<Long> outputs = new ArrayList<>();
    for (Flat f : llm) {
      Long out = f.integer(TrafficGenerator.OUTPUT_TOKENS);
      if (out != null) outputs.add(out);
    }
    outputs.sort(null);
    assertBetween("median output tokens", outputs.get(outputs.size() / 2), 180, 400);
  }

  @Test
  void traceStartsFollowGenerationOrder() {
    TrafficGenerator gen = new TrafficGenerator(5, START, END, 3_000);
    long prev = Long.MIN_VALUE;
    int outOfOrder = 0;
    while (gen.hasNext()) {
      // Batches of one trace each keep generation order visible.
      for (Flat f : flatten(gen.nextBatch(TrafficGenerator.MAX_TRACE_SPANS))) {
        if (f.span().getParentSpanId().isEmpty()) {
          if (f.span().getStartTimeUnixNano() < prev) outOfOrder++;
          prev = f.span().getStartTimeUnixNano();
        }
      }
    }
    // Only traces at the very end may be pulled back so that their children start before END.
    assertTrue(outOfOrder <= 3, "out of order: " + outOfOrder);
  }

  @Test
  void tinyRangesStillKeepEverySpanInside() {
    TrafficGenerator gen = new TrafficGenerator(9, START, START + 1, 500);
    for (ExportTraceServiceRequest r : drain(gen, 100)) {
      for (Flat f : flatten(r)) {
        long s = f.span().getStartTimeUnixNano();
        assertTrue(s >= START * 1_000_000L && s < (START + 1) * 1_000_000L);
      }
    }
  }

  @Test
  void totalsMatchARecount() {
    TrafficGenerator gen = new TrafficGenerator(11, START, END, 20_000);
    long llm = 0;
    long all = 0;
    long errors = 0;
    long in = 0;
    long out = 0;
    Map<String, Long> byModel = new TreeMap<>();
    for (ExportTraceServiceRequest r : drain(gen, 300)) {
      for (Flat f : flatten(r)) {
        all++;
        if (!f.isLlm()) continue;
        llm++;
        byModel.merge(f.str(TrafficGenerator.REQUEST_MODEL), 1L, Long::sum);
        if (f.span().getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) errors++;
        Long i = f.integer(TrafficGenerator.INPUT_TOKENS);
        Long o = f.integer(TrafficGenerator.OUTPUT_TOKENS);
        in += i == null ? 0 : i;
        out += o == null ? 0 : o;
      }
    }
    TrafficGenerator.Totals t = gen.totals();
    assertEquals(new TrafficGenerator.Totals(llm, all, errors, in, out, byModel), t);
    assertEquals(12, t.llmSpansByModel().size());
    assertEquals(llm, t.llmSpansByModel().values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void isFastEnough() {
    // Not a benchmark, a guard against accidental slowness: 200k LLM spans (~350k spans) generated
    // and serialized in well under the time a load test would need to send them.
    TrafficGenerator gen = new TrafficGenerator(1, START, END, 200_000);
    long t0 = System.nanoTime();
    long bytes = 0;
    while (gen.hasNext()) bytes += gen.nextBatch(512).toByteArray().length;
    double seconds = (System.nanoTime() - t0) / 1e9;
    double perSecond = gen.totals().allSpans() / seconds;
    System.out.printf("generated %d spans in %.2fs: %.0f spans/s, %.0f bytes/span%n",
        gen.totals().allSpans(), seconds, perSecond, (double) bytes / gen.totals().allSpans());
    assertTrue(perSecond > 100_000, "spans/s " + perSecond);
  }

  private static void assertBetween(String what, double value, double lo, double hi) {
    assertTrue(value >= lo && value <= hi, what + " = " + value + ", expected in [" + lo + ", " + hi + "]");
  }
}
