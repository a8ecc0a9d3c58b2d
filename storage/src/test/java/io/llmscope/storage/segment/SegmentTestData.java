package io.llmscope.storage.segment;

import io.llmscope.storage.head.StringDictionary;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.model.SpanFlags;
import io.llmscope.storage.model.SpanLink;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.scan.Dictionary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Test-only rows for segment tests: an array-backed {@link ColumnBatch} and two span generators. */
final class SegmentTestData {
  private SegmentTestData() {}

  /** A ColumnBatch over arrays, with its own dictionaries (like one head chunk). */
  static final class ArrayBatch implements ColumnBatch {
    final int n;
    final long[] start;
    final long[] end;
    final long[] hi;
    final long[] lo;
    final long[] span;
    final long[] parent;
    final int[][] dims = new int[Dim.COUNT][];
    final StringDictionary[] dicts = new StringDictionary[Dim.COUNT];
    final double[][] measures = new double[Measure.COUNT][];
    final byte[] flags;
    final SpanDetail[] details;
    long minStart = Long.MAX_VALUE;
    long maxStart = Long.MIN_VALUE;

    ArrayBatch(List<LlmSpan> spans) {
      n = spans.size();
      // Arrays one longer than size(), as the head's may be.
      start = new long[n + 1];
      end = new long[n + 1];
      hi = new long[n + 1];
      lo = new long[n + 1];
      span = new long[n + 1];
      parent = new long[n + 1];
      flags = new byte[n + 1];
      details = new SpanDetail[n];
      for (int d = 0; d < Dim.COUNT; d++) {
        dims[d] = new int[n + 1];
        dicts[d] = new StringDictionary();
      }
      for (int m = 0; m < Measure.COUNT; m++) measures[m] = new double[n + 1];
      for (int i = 0; i < n; i++) {
        LlmSpan s = spans.get(i);
        start[i] = s.startNanos;
        end[i] = s.endNanos;
        hi[i] = s.traceIdHi;
        lo[i] = s.traceIdLo;
        span[i] = s.spanId;
        parent[i] = s.parentSpanId;
        for (int d = 0; d < Dim.COUNT; d++) dims[d][i] = dicts[d].add(s.dims[d]);
        for (int m = 0; m < Measure.COUNT; m++) measures[m][i] = s.measures[m];
        flags[i] = (byte) SpanFlags.of(s);
        details[i] = s.detail;
        minStart = Math.min(minStart, s.startNanos);
        maxStart = Math.max(maxStart, s.startNanos);
      }
    }

    @Override public int size() { return n; }
    @Override public long minStartNanos() { return minStart; }
    @Override public long maxStartNanos() { return maxStart; }
    @Override public long[] startNanos() { return start; }
    @Override public long[] endNanos() { return end; }
    @Override public long[] traceIdHi() { return hi; }
    @Override public long[] traceIdLo() { return lo; }
    @Override public long[] spanIds() { return span; }
    @Override public long[] parentSpanIds() { return parent; }
    @Override public int[] dimIds(Dim dim) { return dims[dim.ordinal()]; }
    @Override public Dictionary dictionary(Dim dim) { return dicts[dim.ordinal()]; }
    @Override public double[] measure(Measure m) { return measures[m.ordinal()]; }
    @Override public byte[] flags() { return flags; }
    @Override public SpanDetail detail(int row) { return details[row]; }
  }

  /** Splits spans into {@code parts} batches, each with its own dictionaries. */
  static List<ColumnBatch> batches(List<LlmSpan> spans, int parts) {
    List<ColumnBatch> out = new ArrayList<>();
    int per = (spans.size() + parts - 1) / parts;
    for (int from = 0; from < spans.size(); from += per) {
      out.add(new ArrayBatch(spans.subList(from, Math.min(spans.size(), from + per))));
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Adversarial random spans.

  private static final String[][] VOCAB = {
    {"chat-api", "support-bot", "сервис-α", "服务🚀", ""},
    {"production", "staging", "dev"},
    {"chat", "embeddings", "execute_tool", "text_completion"},
    {"openai", "anthropic", "google", "mistral"},
    {"gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "модель-β", "模型"},
    {"gpt-4o", "gpt-4o-mini", "claude-sonnet-4"},
    {"gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18", "claude-sonnet-4-20250514"},
    {"ok", "error", "unset"},
    {"429", "timeout", "500", "ошибка"},
    {"stop", "length", "tool_calls", "content_filter"},
    null, // user: generated
    null, // session: generated
    {"support-answer", "docs-summarize", "código-revisión"},
    {"1", "2", "3", "10"},
    {"planner", "researcher"},
    {"web_search", "sql_query", "calculator"},
    {"POST /api/chat", "chat gpt-4o", "execute_tool web_search", "emoji 😀 name"},
    {"server", "client", "internal"},
  };

  private static final long[] EXTREME = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1};

  /**
   * About {@code rows} spans in traces of 1-8, shuffled: every dim sometimes absent, every measure
   * sometimes NaN, unicode strings, extreme ids and times, non-integral and huge token counts,
   * -0.0 and infinities, some durations that break the ingest rule, random details.
   */
  static List<LlmSpan> randomSpans(Random rnd, int rows) {
    List<LlmSpan> out = new ArrayList<>();
    Set<Long> spanIds = new HashSet<>();
    long base = 1_764_000_000_000_000_000L;
    int trace = 0;
    while (out.size() < rows) {
      long hi;
      long lo;
      if (trace < EXTREME.length * 2) {
        hi = EXTREME[trace % EXTREME.length];
        lo = EXTREME[(trace / 2) % EXTREME.length];
      } else {
        hi = rnd.nextLong();
        lo = rnd.nextLong();
      }
      int spans = 1 + rnd.nextInt(8);
      long t0 = base + (long) (rnd.nextDouble() * 60e9);
      long root = 0;
      for (int i = 0; i < spans; i++) {
        LlmSpan s = new LlmSpan();
        s.traceIdHi = hi;
        s.traceIdLo = lo;
        long id;
        do {
          id = out.size() < EXTREME.length ? EXTREME[out.size()] : rnd.nextLong();
        } while (!spanIds.add(id));
        s.spanId = id;
        if (i == 0) root = id;
        s.parentSpanId = i == 0 ? (rnd.nextInt(10) == 0 ? rnd.nextLong() : 0) : (rnd.nextInt(4) == 0 ? out.get(out.size() - 1).spanId : root);
        s.startNanos = t0 + (i == 0 ? 0 : (long) (rnd.nextDouble() * 5e9));
        s.endNanos = s.startNanos + (long) (Math.exp(rnd.nextGaussian() * 1.5 + 19));
        if (trace % 97 == 5) {
          s.startNanos = EXTREME[rnd.nextInt(EXTREME.length)];
          s.endNanos = EXTREME[rnd.nextInt(EXTREME.length)];
        }
        for (int d = 0; d < Dim.COUNT; d++) {
          if (rnd.nextInt(10) < 3) continue;
          String[] v = VOCAB[d];
          if (v == null) s.dims[d] = (d == Dim.USER.ordinal() ? "user-" : "sess_") + rnd.nextInt(d == Dim.USER.ordinal() ? 3000 : 12000);
          else s.dims[d] = v[rnd.nextInt(v.length)];
        }
        for (int m = 0; m < Measure.COUNT; m++) {
          if (rnd.nextInt(10) < 3) continue;
          Measure me = Measure.of(m);
          double v;
          switch (me) {
            case DURATION_MS -> v = SegmentFormat.derivedDurationMs(s.startNanos, s.endNanos);
            case COST_USD -> v = rnd.nextDouble() * 0.05;
            case TTFT_MS -> v = rnd.nextDouble() * 900;
            case TEMPERATURE -> v = new double[] {0.0, 0.7, 1.0, -0.0}[rnd.nextInt(4)];
            // Priced costs are decimals (stored as integers of value * 10^k); some are negative.
            case COST_INPUT_USD -> v = Math.round(rnd.nextDouble() * 1e9) / 1e9;
            case COST_OUTPUT_USD -> v = (rnd.nextInt(2_000_001) - 1_000_000) / 1e4;
            default -> v = Math.round(Math.exp(rnd.nextGaussian() + 6));
          }
          s.measures[m] = v;
        }
        // Oddities: a non-integral token count, a huge one, a negative one, an infinite cost.
        if (out.size() == 17) s.measure(Measure.OUTPUT_TOKENS, 12.5);
        if (out.size() == 18) s.measure(Measure.INPUT_TOKENS, 9_007_199_254_740_992.0);
        if (out.size() == 19) s.measure(Measure.INPUT_TOKENS, -5);
        if (out.size() == 20) s.measure(Measure.COST_USD, Double.POSITIVE_INFINITY);
        if (out.size() % 1000 == 21) s.measure(Measure.DURATION_MS, 250); // breaks the ingest rule
        s.llm = rnd.nextBoolean();
        s.costReported = rnd.nextInt(5) == 0;
        s.detail = randomDetail(rnd);
        out.add(s);
      }
      trace++;
    }
    // Shuffle so traces straddle batches and rows arrive out of order.
    for (int i = out.size() - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      LlmSpan t = out.get(i);
      out.set(i, out.get(j));
      out.set(j, t);
    }
    return out;
  }

  static SpanDetail randomDetail(Random rnd) {
    if (rnd.nextInt(5) == 0) return SpanDetail.EMPTY;
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("gen_ai.request.model", "gpt-4o");
    attrs.put("custom.key." + rnd.nextInt(100), "välue " + rnd.nextInt());
    attrs.put("gen_ai.usage.input_tokens", (long) rnd.nextInt(5000));
    attrs.put("ratio", rnd.nextDouble());
    attrs.put("flag", rnd.nextBoolean());
    attrs.put("list", List.of("a", 1L, 2.5, List.of("nested")));
    attrs.put("empty", null);
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("k", "v");
    attrs.put("map", inner);
    Map<String, Object> res = new LinkedHashMap<>();
    res.put("service.name", "chat-api");
    res.put("host.name", "host-" + rnd.nextInt(10));
    List<SpanEvent> events = rnd.nextBoolean() ? List.of()
        : List.of(new SpanEvent(rnd.nextLong(), "gen_ai.evaluation.result", Map.of("gen_ai.evaluation.score.value", 0.5)));
    List<SpanLink> links = rnd.nextInt(4) != 0 ? List.of()
        : List.of(new SpanLink(rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), "ts=1", Map.of()));
    return new SpanDetail(attrs, res, "scope", "1.0", rnd.nextBoolean() ? "" : "k=v", "msg 😀", events, links);
  }

  // ------------------------------------------------------------------------------------------
  // Spans shaped like the benchmark dataset (BENCHMARKS.md), after ingest normalisation.

  private static final String[] SERVICES = {
    "chat-api", "support-bot", "search-assistant", "code-review", "doc-summarizer",
    "email-drafter", "sales-copilot", "rag-qa", "agent-orchestrator", "translation-svc",
    "content-moderation", "meeting-notes", "sql-copilot", "recommendation-svc", "onboarding-guide",
    "legal-review", "invoice-extractor", "voice-assistant", "kb-indexer", "analytics-insights"};
  private static final String[] ENVS = {"production", "staging", "development"};
  private static final double[] ENV_W = {80, 15, 5};
  // name, provider, weight, base ms, ms per output token, reasoning, embedding, $/M in, $/M out, $/M cache
  private static final Object[][] MODELS = {
    {"gpt-4o-mini", "openai", 24, 300, 8, false, false, 0.15, 0.60, 0.075},
    {"gpt-4o", "openai", 16, 450, 12, false, false, 2.5, 10.0, 1.25},
    {"claude-sonnet-4", "anthropic", 13, 700, 16, false, false, 3.0, 15.0, 0.30},
    {"gemini-2.0-flash", "google", 10, 250, 5, false, false, 0.10, 0.40, 0.025},
    {"claude-3-5-haiku-20241022", "anthropic", 7, 350, 9, false, false, 0.80, 4.0, 0.08},
    {"gpt-4.1", "openai", 6, 500, 14, false, false, 2.0, 8.0, 0.50},
    {"text-embedding-3-small", "openai", 6, 60, 0, false, true, 0.02, 0.0, 0.0},
    {"o3-mini", "openai", 5, 1500, 6, true, false, 1.1, 4.4, 0.55},
    {"mistral-small-latest", "mistral", 4, 280, 8, false, false, 0.2, 0.6, 0.0},
    {"gemini-2.5-pro", "google", 4, 1800, 12, true, false, 1.25, 10.0, 0.31},
    {"mistral-large-latest", "mistral", 3, 600, 18, false, false, 2.0, 6.0, 0.0},
    {"claude-opus-4", "anthropic", 2, 1200, 30, false, false, 15.0, 75.0, 1.5}};
  private static final String[] TOOLS = {
    "vector_search", "web_search", "sql_query", "retrieve_docs", "get_order_status", "create_ticket",
    "send_email", "calculator", "code_interpreter", "calendar_lookup", "crm_lookup", "get_weather"};
  private static final String[] ERRORS = {"429", "timeout", "500", "503", "400"};
  private static final double[] ERROR_W = {40, 20, 15, 10, 15};
  private static final double[] TEMPS = {0.0, 0.2, 0.3, 0.5, 0.7, 1.0};
  private static final double[] TEMP_W = {20, 15, 15, 15, 30, 5};
  private static final double[] MAX_TOKENS = {1024, 2048, 4096, 8192};
  private static final double[] MAX_W = {25, 35, 30, 10};
  private static final String[] DOMAINS = {"support", "docs", "sales", "code", "legal"};
  private static final String[] TASKS = {"answer", "summarize", "classify", "extract", "rewrite", "plan", "critique", "translate"};

  private static int pick(Random rnd, double[] w) {
    double sum = 0;
    for (double x : w) sum += x;
    double u = rnd.nextDouble() * sum;
    for (int i = 0; i < w.length; i++) {
      u -= w[i];
      if (u < 0) return i;
    }
    return w.length - 1;
  }

  private static double[] zipf(int n, double s) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) w[i] = 1 / Math.pow(i + 1, s);
    return w;
  }

  /**
   * {@code rows} spans (about) in traces of one root + 1-4 LLM + 0-2 tool spans, starting over 60
   * s; 20 services, 3 envs, 12 models, 50k users, 200k sessions, 40x5 prompts; log-normal tokens
   * (median 800 in, 250 out), 20% cache reads, ~2% errors; details like the load generator's.
   */
  static List<LlmSpan> benchmarkSpans(Random rnd, int rows, boolean withDetail) {
    double[] serviceW = zipf(SERVICES.length, 1.0);
    double[] modelW = new double[MODELS.length];
    for (int i = 0; i < MODELS.length; i++) modelW[i] = ((Number) MODELS[i][2]).doubleValue();
    double[] promptW = zipf(40, 0.8);
    double[] toolW = zipf(TOOLS.length, 0.9);
    double[] versionW = {5, 10, 20, 30, 35};
    List<LlmSpan> out = new ArrayList<>(rows + 8);
    long t0 = 1_764_000_000_000_000_000L + 123_456_789L;
    int traces = (int) (rows / 4.4);
    long range = 60_000_000_000L;
    int t = 0;
    while (out.size() < rows) {
      int service = pick(rnd, serviceW);
      String env = ENVS[pick(rnd, ENV_W)];
      double u = rnd.nextDouble();
      int session = (int) (200_000 * u * u);
      int user = (int) (((session * 2654435761L) & 0xFFFFFFFFL) % 50_000);
      String userName = String.format("user-%05d", user);
      String sessionName = "sess_" + Long.toHexString(mix(session + 0x5EED) | (1L << 60)).substring(4);
      long hi = rnd.nextLong();
      long lo = rnd.nextLong();
      long rootId = rnd.nextLong();
      long traceStart = t0 + (long) ((t + rnd.nextDouble()) * range / traces);
      t++;
      int llms = 1 + pick(rnd, new double[] {45, 30, 15, 10});
      int tools = pick(rnd, new double[] {50, 35, 15});
      long offset = ms(1 + rnd.nextDouble() * 19);
      List<LlmSpan> children = new ArrayList<>();
      boolean anyError = false;
      for (int c = 0; c < llms + tools; c++) {
        boolean llm = c < llms;
        LlmSpan s = new LlmSpan();
        s.traceIdHi = hi;
        s.traceIdLo = lo;
        s.spanId = rnd.nextLong();
        s.parentSpanId = rootId;
        s.dim(Dim.SERVICE, SERVICES[service]).dim(Dim.ENVIRONMENT, env);
        long dur;
        if (llm) {
          s.llm = true;
          Object[] m = MODELS[pick(rnd, modelW)];
          String name = (String) m[0];
          boolean embedding = (Boolean) m[6];
          boolean reasoning = (Boolean) m[5];
          boolean error = rnd.nextDouble() < 0.02;
          anyError |= error;
          s.dim(Dim.SPAN_KIND, "client").dim(Dim.SPAN_NAME, (embedding ? "embeddings " : "chat ") + name)
              .dim(Dim.OPERATION, embedding ? "embeddings" : "chat").dim(Dim.PROVIDER, (String) m[1])
              .dim(Dim.REQUEST_MODEL, name).dim(Dim.MODEL, name).dim(Dim.USER, userName).dim(Dim.SESSION, sessionName);
          double ms;
          long in = 0;
          long outTok = 0;
          long cache = 0;
          long reason = 0;
          if (!embedding) {
            s.dim(Dim.PROMPT_NAME, DOMAINS[pick(rnd, promptW) % 5] + "-" + TASKS[pick(rnd, promptW) % 8]);
            s.dim(Dim.PROMPT_VERSION, Integer.toString(1 + pick(rnd, versionW)));
            s.measure(Measure.MAX_TOKENS, MAX_TOKENS[pick(rnd, MAX_W)]);
            if (!reasoning) s.measure(Measure.TEMPERATURE, TEMPS[pick(rnd, TEMP_W)]);
          }
          if (!error) {
            in = Math.max(1, Math.round(800 * Math.exp(rnd.nextGaussian() * (embedding ? 1.0 : 1.0)) * (embedding ? 0.4 : 1)));
            if (!embedding) {
              outTok = Math.max(1, Math.round(250 * Math.exp(rnd.nextGaussian() * 0.9)));
              if (reasoning) {
                outTok *= 2;
                reason = Math.round(outTok * (0.4 + 0.45 * rnd.nextDouble()));
              }
              outTok = Math.min(outTok, (long) s.measure(Measure.MAX_TOKENS));
              if (rnd.nextDouble() < 0.2) cache = Math.max(1, Math.round(in * (0.2 + 0.7 * rnd.nextDouble())));
              s.dim(Dim.FINISH_REASON, new String[] {"stop", "length", "tool_calls", "content_filter"}[pick(rnd, new double[] {80, 3, 15, 0.5})]);
            }
            s.dim(Dim.RESPONSE_MODEL, name).dim(Dim.STATUS, "unset");
            s.measure(Measure.INPUT_TOKENS, in);
            if (!embedding) s.measure(Measure.OUTPUT_TOKENS, outTok);
            s.measure(Measure.TOTAL_TOKENS, in + outTok);
            if (cache > 0) s.measure(Measure.CACHE_READ_TOKENS, cache);
            if (reason > 0) s.measure(Measure.REASONING_TOKENS, reason);
            double cost = (in - cache) * ((Number) m[7]).doubleValue() / 1e6 + outTok * ((Number) m[8]).doubleValue() / 1e6
                + cache * ((Number) m[9]).doubleValue() / 1e6;
            s.measure(Measure.COST_USD, cost);
            ms = (((Number) m[3]).doubleValue() + ((Number) m[4]).doubleValue() * outTok + 0.02 * in) * Math.exp(rnd.nextGaussian() * 0.3);
          } else {
            String et = ERRORS[pick(rnd, ERROR_W)];
            s.dim(Dim.STATUS, "error").dim(Dim.ERROR_TYPE, et);
            ms = et.equals("timeout") ? 30_000 + rnd.nextDouble() * 30_000 : 20 + rnd.nextDouble() * 230;
          }
          if (rnd.nextDouble() < 0.03) ms *= Math.min(10, Math.pow(1 - rnd.nextDouble(), -1 / 1.5));
          dur = ms(Math.min(ms, 120_000));
        } else {
          String tool = TOOLS[pick(rnd, toolW)];
          s.dim(Dim.SPAN_KIND, "internal").dim(Dim.SPAN_NAME, "execute_tool " + tool).dim(Dim.OPERATION, "execute_tool")
              .dim(Dim.TOOL, tool).dim(Dim.STATUS, "unset");
          dur = ms(80 * Math.exp(rnd.nextGaussian()));
        }
        s.startNanos = traceStart + offset;
        s.endNanos = s.startNanos + dur;
        offset += dur + ms(0.2 + rnd.nextDouble() * 2.8);
        children.add(s);
      }
      LlmSpan root = new LlmSpan();
      root.traceIdHi = hi;
      root.traceIdLo = lo;
      root.spanId = rootId;
      root.startNanos = traceStart;
      root.endNanos = traceStart + offset + ms(1 + rnd.nextDouble() * 9);
      boolean rootFails = anyError && rnd.nextBoolean();
      root.dim(Dim.SERVICE, SERVICES[service]).dim(Dim.ENVIRONMENT, env).dim(Dim.SPAN_KIND, "server")
          .dim(Dim.SPAN_NAME, "POST /api/" + SERVICES[service]).dim(Dim.USER, userName)
          .dim(Dim.STATUS, rootFails ? "error" : "unset");
      if (rootFails) root.dim(Dim.ERROR_TYPE, "500");
      out.add(root);
      out.addAll(children);
      if (withDetail) {
        for (LlmSpan s : children) s.detail = benchmarkDetail(s, SERVICES[service], env, rnd);
        root.detail = benchmarkDetail(root, SERVICES[service], env, rnd);
      }
    }
    for (LlmSpan s : out) {
      s.measure(Measure.DURATION_MS, SegmentFormat.derivedDurationMs(s.startNanos, s.endNanos));
    }
    // Arrival order: roughly by end time of the trace batch, not sorted; shuffle locally.
    for (int i = out.size() - 1; i > 0; i--) {
      int j = Math.max(0, i - rnd.nextInt(64));
      LlmSpan x = out.get(i);
      out.set(i, out.get(j));
      out.set(j, x);
    }
    return out;
  }

  private static SpanDetail benchmarkDetail(LlmSpan s, String service, String env, Random rnd) {
    Map<String, Object> res = new LinkedHashMap<>();
    res.put("service.name", service);
    res.put("deployment.environment.name", env);
    res.put("service.version", "1.2.0");
    res.put("telemetry.sdk.language", "python");
    Map<String, Object> a = new LinkedHashMap<>();
    if (s.dim(Dim.OPERATION) != null) a.put("gen_ai.operation.name", s.dim(Dim.OPERATION));
    if (s.dim(Dim.PROVIDER) != null) a.put("gen_ai.provider.name", s.dim(Dim.PROVIDER));
    if (s.dim(Dim.REQUEST_MODEL) != null) a.put("gen_ai.request.model", s.dim(Dim.REQUEST_MODEL));
    if (s.dim(Dim.SESSION) != null) a.put("gen_ai.conversation.id", s.dim(Dim.SESSION));
    if (s.dim(Dim.USER) != null) a.put("user.id", s.dim(Dim.USER));
    if (!Double.isNaN(s.measure(Measure.INPUT_TOKENS))) a.put("gen_ai.usage.input_tokens", (long) s.measure(Measure.INPUT_TOKENS));
    if (!Double.isNaN(s.measure(Measure.OUTPUT_TOKENS))) a.put("gen_ai.usage.output_tokens", (long) s.measure(Measure.OUTPUT_TOKENS));
    if (s.dim(Dim.TOOL) != null) a.put("gen_ai.tool.name", s.dim(Dim.TOOL));
    if (s.dim(Dim.SPAN_KIND).equals("server")) {
      a.put("http.request.method", "POST");
      a.put("http.response.status_code", 200L);
    }
    List<SpanEvent> events = s.llm && rnd.nextDouble() < 0.1
        ? List.of(new SpanEvent(s.endNanos, "gen_ai.evaluation.result",
            Map.of("gen_ai.evaluation.name", "helpfulness", "gen_ai.evaluation.score.value", Math.round(rnd.nextDouble() * 1000) / 1000.0)))
        : List.of();
    return new SpanDetail(a, res, "io.llmscope.loadgen", "0.1.0", "", "", events, List.of());
  }

  private static long ms(double ms) {
    return Math.max(1_000L, (long) (ms * 1_000_000L));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }

  static String[] sorted(Set<String> s) {
    String[] a = s.toArray(new String[0]);
    Arrays.sort(a);
    return a;
  }
}
