package io.llmscope.server.loadgen;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.llmscope.server.loadgen.Catalog.Model;
import io.llmscope.server.loadgen.Rng.Quantiles;
import io.llmscope.server.loadgen.Rng.Weighted;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Deterministic synthetic GenAI traffic as OTLP trace batches: the dataset of BENCHMARKS.md
 * ("Benchmark dataset").
 *
 * <p>Each trace is one HTTP root span (SERVER) with 1–4 LLM spans (CLIENT; GenAI semantic
 * conventions: {@code chat}, some {@code embeddings}) and 0–2 tool spans (INTERNAL, {@code
 * execute_tool}), all children of the root. The generator stops after exactly {@code llmSpans} LLM
 * spans (the last trace is cut short if needed); root and tool spans come on top. Trace start times
 * advance uniformly across {@code [start, end)} in generation order, and every span starts inside
 * that range.
 *
 * <p>The same seed, range and count give the same span sequence, byte for byte, whatever the batch
 * sizes; batch boundaries only decide where traces are grouped. Not thread-safe.
 */
public final class TrafficGenerator {

  // Attribute keys (OTel GenAI semantic conventions, current names).
  static final String OPERATION = "gen_ai.operation.name";
  static final String PROVIDER = "gen_ai.provider.name";
  static final String REQUEST_MODEL = "gen_ai.request.model";
  static final String RESPONSE_MODEL = "gen_ai.response.model";
  static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
  static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
  static final String CACHE_READ_TOKENS = "gen_ai.usage.cache_read.input_tokens";
  static final String REASONING_TOKENS = "gen_ai.usage.reasoning.output_tokens";
  static final String FINISH_REASONS = "gen_ai.response.finish_reasons";
  /** Seconds until the first chunk of a chat completion (streamed calls report it). */
  static final String TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk";
  static final String TEMPERATURE = "gen_ai.request.temperature";
  static final String MAX_TOKENS = "gen_ai.request.max_tokens";
  static final String CONVERSATION_ID = "gen_ai.conversation.id";
  static final String USER_ID = "user.id";
  static final String PROMPT_NAME = "gen_ai.prompt.name";
  static final String PROMPT_VERSION = "gen_ai.prompt.version";
  static final String ERROR_TYPE = "error.type";
  static final String TOOL_NAME = "gen_ai.tool.name";
  static final String TOOL_TYPE = "gen_ai.tool.type";
  static final String SERVER_ADDRESS = "server.address";
  static final String EVALUATION_EVENT = "gen_ai.evaluation.result";
  static final String EVALUATION_NAME = "gen_ai.evaluation.name";
  static final String EVALUATION_SCORE = "gen_ai.evaluation.score.value";
  static final String SERVICE_NAME = "service.name";
  static final String ENVIRONMENT = "deployment.environment.name";

  static final String FINISH_STOP = "stop";
  static final String FINISH_LENGTH = "length";
  static final String FINISH_TOOL_CALLS = "tool_calls";
  static final String FINISH_CONTENT_FILTER = "content_filter";

  /** Largest trace: root + 4 LLM + 2 tool spans. */
  static final int MAX_TRACE_SPANS = 7;

  // Shape of the dataset.
  private static final double[] LLM_PER_TRACE_WEIGHTS = {45, 30, 15, 10}; // 1..4
  private static final double[] TOOLS_PER_TRACE_WEIGHTS = {50, 35, 15}; // 0..2
  private static final double ERROR_RATE = 0.02;
  private static final double EMBEDDING_SHARE = 0.06; // weight of the embedding model / 100
  private static final double CHAT_OK_SHARE = (1 - EMBEDDING_SHARE) * (1 - ERROR_RATE);
  /** Cache reads and evaluations happen on successful chat calls only, so that overall ~20% / ~10%. */
  private static final double CACHE_READ_GIVEN_CHAT_OK = 0.20 / CHAT_OK_SHARE;
  private static final double EVALUATION_GIVEN_CHAT_OK = 0.10 / CHAT_OK_SHARE;
  private static final double CONTENT_FILTER_RATE = 0.005;
  private static final double HEAVY_TAIL_RATE = 0.03;
  private static final double ROOT_FAILS_WITH_CHILD = 0.5;
  private static final long NS_PER_MS = 1_000_000L;
  /** Clients give up after two minutes; timeouts (30–60 s) are errors. */
  private static final double MAX_CALL_MS = 120_000;

  private static final Quantiles INPUT_TOKENS_DIST = Quantiles.logNormal(800, 1.0);
  private static final Quantiles OUTPUT_TOKENS_DIST = Quantiles.logNormal(250, 0.9);
  private static final Quantiles LATENCY_NOISE = Quantiles.logNormal(1.0, 0.3);
  private static final Quantiles TOOL_MS = Quantiles.logNormal(80, 1.0);
  private static final Quantiles SCORE_NOISE = Quantiles.normal(0, 0.15);

  private static final ByteString EVALUATION_EVENT_BYTES = utf8(EVALUATION_EVENT);
  private static final ByteString EVALUATION_SCORE_BYTES = utf8(EVALUATION_SCORE);
  private static final KeyValue OP_CHAT = str(OPERATION, "chat");
  private static final KeyValue OP_EMBEDDINGS = str(OPERATION, "embeddings");
  private static final KeyValue OP_EXECUTE_TOOL = str(OPERATION, "execute_tool");
  private static final KeyValue TOOL_TYPE_FUNCTION = str(TOOL_TYPE, "function");
  private static final KeyValue HTTP_METHOD_POST = str("http.request.method", "POST");
  private static final KeyValue HTTP_STATUS_200 = intKv("http.response.status_code", 200);
  private static final KeyValue HTTP_STATUS_500 = intKv("http.response.status_code", 500);
  private static final KeyValue ROOT_ERROR_TYPE = str(ERROR_TYPE, "500");
  private static final KeyValue EVAL_NAME_HELPFULNESS = str(EVALUATION_NAME, "helpfulness");
  private static final Status ROOT_ERROR_STATUS =
      Status.newBuilder()
          .setCode(Status.StatusCode.STATUS_CODE_ERROR)
          .setMessageBytes(utf8("Internal Server Error"))
          .build();
  private static final InstrumentationScope SCOPE =
      InstrumentationScope.newBuilder()
          .setNameBytes(utf8("io.llmscope.loadgen"))
          .setVersionBytes(utf8("0.1.0"))
          .build();

  private final Rng rng;
  private final long startNs;
  private final long endNs;
  private final double rangeNs;
  private final long llmTarget;

  // Totals, as generated.
  private long llmGenerated;
  private long allGenerated;
  private long errors;
  private long inputTokens;
  private long outputTokens;
  private final long[] llmByModel = new long[Catalog.MODELS.size()];

  // Pre-built vocabulary.
  private final Model[] models = Catalog.MODELS.toArray(new Model[0]);
  private final Weighted modelDist;
  private final Weighted serviceDist = Weighted.zipf(Catalog.SERVICES.length, 1.0);
  private final Weighted envDist = new Weighted(Catalog.ENVIRONMENT_WEIGHTS);
  private final Weighted llmPerTrace = new Weighted(LLM_PER_TRACE_WEIGHTS);
  private final Weighted toolsPerTrace = new Weighted(TOOLS_PER_TRACE_WEIGHTS);
  private final Weighted promptDist = Weighted.zipf(Catalog.PROMPTS.length, 0.8);
  private final Weighted promptVersionDist = new Weighted(Catalog.PROMPT_VERSION_WEIGHTS);
  private final Weighted toolDist = Weighted.zipf(Catalog.TOOLS.length, 0.9);
  private final Weighted errorDist = new Weighted(Catalog.ERROR_WEIGHTS);
  private final Weighted temperatureDist = new Weighted(Catalog.TEMPERATURE_WEIGHTS);
  private final Weighted maxTokensDist = new Weighted(Catalog.MAX_TOKENS_WEIGHTS);

  private final Resource[] resources;
  private final ByteString[] rootNames;
  private final KeyValue[] rootRoutes;
  private final ByteString[] llmSpanNames;
  private final KeyValue[] modelProvider;
  private final KeyValue[] modelRequest;
  private final KeyValue[] modelResponse;
  private final KeyValue[] modelServer;
  private final KeyValue[] promptNames;
  private final KeyValue[] promptVersions;
  private final ByteString[] toolSpanNames;
  private final KeyValue[] toolNames;
  private final KeyValue[] errorTypes;
  private final Status[] errorStatuses;
  private final KeyValue[] temperatures;
  private final KeyValue[] maxTokens;
  private final KeyValue[] finishReasons;
  private final KeyValue[] sessionKvs = new KeyValue[Catalog.SESSIONS];
  private final KeyValue[] userKvs = new KeyValue[Catalog.USERS];
  private final IntKvCache inputKvs = new IntKvCache(INPUT_TOKENS, 16384);
  private final IntKvCache outputKvs = new IntKvCache(OUTPUT_TOKENS, 16384);
  private final IntKvCache cacheReadKvs = new IntKvCache(CACHE_READ_TOKENS, 16384);
  private final IntKvCache reasoningKvs = new IntKvCache(REASONING_TOKENS, 16384);

  // The trace being handed out (may straddle batches only when a batch is smaller than it).
  private final Span[] pending = new Span[MAX_TRACE_SPANS];
  private int pendingCount;
  private int pendingPos;
  private int pendingResource;
  private final Child[] children = new Child[MAX_TRACE_SPANS - 1];

  /**
   * @param seed RNG seed; the same arguments give the same batches
   * @param startEpochMs first possible span start time (inclusive)
   * @param endEpochMs end of the time range (exclusive), greater than {@code startEpochMs}
   * @param llmSpans number of LLM spans to generate, at least 0
   */
  public TrafficGenerator(long seed, long startEpochMs, long endEpochMs, long llmSpans) {
    if (endEpochMs <= startEpochMs) throw new IllegalArgumentException("end must be after start");
    if (llmSpans < 0) throw new IllegalArgumentException("llmSpans must be >= 0");
    this.rng = new Rng(seed);
    this.startNs = Math.multiplyExact(startEpochMs, NS_PER_MS);
    this.endNs = Math.multiplyExact(endEpochMs, NS_PER_MS);
    this.rangeNs = (double) (endNs - startNs);
    this.llmTarget = llmSpans;
    for (int i = 0; i < children.length; i++) children[i] = new Child();

    int nm = models.length;
    double[] w = new double[nm];
    modelProvider = new KeyValue[nm];
    modelRequest = new KeyValue[nm];
    modelResponse = new KeyValue[nm];
    modelServer = new KeyValue[nm];
    llmSpanNames = new ByteString[nm];
    for (int i = 0; i < nm; i++) {
      Model m = models[i];
      w[i] = m.weight();
      modelProvider[i] = str(PROVIDER, m.provider());
      modelRequest[i] = str(REQUEST_MODEL, m.name());
      modelResponse[i] = str(RESPONSE_MODEL, m.name());
      modelServer[i] = str(SERVER_ADDRESS, m.serverAddress());
      llmSpanNames[i] = utf8((m.embedding() ? "embeddings " : "chat ") + m.name());
    }
    modelDist = new Weighted(w);

    int ns = Catalog.SERVICES.length;
    int ne = Catalog.ENVIRONMENTS.length;
    resources = new Resource[ns * ne];
    rootNames = new ByteString[ns];
    rootRoutes = new KeyValue[ns];
    for (int s = 0; s < ns; s++) {
      rootNames[s] = utf8("POST " + Catalog.ROUTES[s]);
      rootRoutes[s] = str("http.route", Catalog.ROUTES[s]);
      for (int e = 0; e < ne; e++) {
        resources[s * ne + e] = Resource.newBuilder()
            .addAttributes(str(SERVICE_NAME, Catalog.SERVICES[s]))
            .addAttributes(str(ENVIRONMENT, Catalog.ENVIRONMENTS[e]))
            .addAttributes(str("service.version", "1." + (s % 7) + ".0"))
            .addAttributes(str("telemetry.sdk.language", s % 3 == 0 ? "java" : "python"))
            .build();
      }
    }

    promptNames = new KeyValue[Catalog.PROMPTS.length];
    for (int i = 0; i < promptNames.length; i++) promptNames[i] = str(PROMPT_NAME, Catalog.PROMPTS[i]);
    promptVersions = new KeyValue[Catalog.PROMPT_VERSIONS];
    for (int i = 0; i < promptVersions.length; i++) promptVersions[i] = str(PROMPT_VERSION, Integer.toString(i + 1));
    toolSpanNames = new ByteString[Catalog.TOOLS.length];
    toolNames = new KeyValue[Catalog.TOOLS.length];
    for (int i = 0; i < toolNames.length; i++) {
      toolSpanNames[i] = utf8("execute_tool " + Catalog.TOOLS[i]);
      toolNames[i] = str(TOOL_NAME, Catalog.TOOLS[i]);
    }
    errorTypes = new KeyValue[Catalog.ERROR_TYPES.length];
    errorStatuses = new Status[Catalog.ERROR_TYPES.length];
    for (int i = 0; i < errorTypes.length; i++) {
      errorTypes[i] = str(ERROR_TYPE, Catalog.ERROR_TYPES[i]);
      errorStatuses[i] = Status.newBuilder()
          .setCode(Status.StatusCode.STATUS_CODE_ERROR)
          .setMessageBytes(utf8(Catalog.ERROR_MESSAGES[i]))
          .build();
    }
    temperatures = new KeyValue[Catalog.TEMPERATURES.length];
    for (int i = 0; i < temperatures.length; i++) {
      temperatures[i] = KeyValue.newBuilder()
          .setKeyBytes(utf8(TEMPERATURE))
          .setValue(AnyValue.newBuilder().setDoubleValue(Catalog.TEMPERATURES[i]))
          .build();
    }
    maxTokens = new KeyValue[Catalog.MAX_TOKENS.length];
    for (int i = 0; i < maxTokens.length; i++) maxTokens[i] = intKv(MAX_TOKENS, Catalog.MAX_TOKENS[i]);
    String[] reasons = {FINISH_STOP, FINISH_LENGTH, FINISH_TOOL_CALLS, FINISH_CONTENT_FILTER};
    finishReasons = new KeyValue[reasons.length];
    for (int i = 0; i < reasons.length; i++) {
      finishReasons[i] = KeyValue.newBuilder()
          .setKeyBytes(utf8(FINISH_REASONS))
          .setValue(AnyValue.newBuilder()
              .setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setStringValueBytes(utf8(reasons[i])))))
          .build();
    }
  }

  /** Convenience: the default range, the 24 hours before now. */
  public static TrafficGenerator lastDay(long seed, long llmSpans) {
    long now = System.currentTimeMillis();
    return new TrafficGenerator(seed, now - 24L * 3600 * 1000, now, llmSpans);
  }

  /** True while spans remain to be handed out. */
  public boolean hasNext() {
    return pendingPos < pendingCount || llmGenerated < llmTarget;
  }

  /**
   * The next batch of at most {@code maxSpans} spans (all kinds counted). A trace is never split
   * across batches unless it alone is larger than {@code maxSpans}. Returns an empty request when
   * nothing is left.
   */
  public ExportTraceServiceRequest nextBatch(int maxSpans) {
    if (maxSpans < 1) throw new IllegalArgumentException("maxSpans must be >= 1");
    ScopeSpans.Builder[] byResource = new ScopeSpans.Builder[resources.length];
    int[] order = new int[resources.length];
    int resourcesUsed = 0;
    int count = 0;
    while (count < maxSpans) {
      if (pendingPos == pendingCount) {
        if (llmGenerated >= llmTarget) break;
        generateTrace();
      }
      int left = pendingCount - pendingPos;
      int room = maxSpans - count;
      int take;
      if (left <= room) take = left;
      else if (count == 0) take = room;
      else break;
      ScopeSpans.Builder b = byResource[pendingResource];
      if (b == null) {
        b = ScopeSpans.newBuilder().setScope(SCOPE);
        byResource[pendingResource] = b;
        order[resourcesUsed++] = pendingResource;
      }
      for (int i = 0; i < take; i++) b.addSpans(pending[pendingPos++]);
      count += take;
    }
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    for (int i = 0; i < resourcesUsed; i++) {
      int r = order[i];
      req.addResourceSpans(ResourceSpans.newBuilder().setResource(resources[r]).addScopeSpans(byResource[r]));
    }
    return req.build();
  }

  /** What has been generated so far (exact once {@link #hasNext()} is false). */
  public Totals totals() {
    Map<String, Long> byModel = new TreeMap<>();
    for (int i = 0; i < models.length; i++) {
      if (llmByModel[i] > 0) byModel.put(models[i].name(), llmByModel[i]);
    }
    return new Totals(llmGenerated, allGenerated, errors, inputTokens, outputTokens,
        Collections.unmodifiableMap(byModel));
  }

  /**
   * Counts of generated spans. {@code errors} counts LLM spans with status ERROR; token sums are
   * over LLM spans as sent (failed calls carry no usage).
   */
  public record Totals(
      long llmSpans,
      long allSpans,
      long errors,
      long inputTokens,
      long outputTokens,
      Map<String, Long> llmSpansByModel) {}

  /** The number of spans in a request. */
  public static int spanCount(ExportTraceServiceRequest request) {
    int n = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) n += ss.getSpansCount();
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------

  /** One child span's sampled values, before times are known. */
  private static final class Child {
    boolean llm;
    int model;
    int error; // -1 when the call succeeded
    long input;
    long output;
    long cacheRead;
    long reasoning;
    int temperature; // -1 when not sent
    int maxTokens;
    int finish; // -1 when none
    int prompt;
    int version;
    double score; // NaN when not evaluated
    int tool;
    long durationNs;
    long offsetNs; // start, relative to the root's start
  }

  private void generateTrace() {
    long slot = llmGenerated;
    int service = serviceDist.sample(rng);
    int env = envDist.sample(rng);
    int llmCount = (int) Math.min(llmPerTrace.sample(rng) + 1, llmTarget - llmGenerated);
    int toolCount = toolsPerTrace.sample(rng);
    int session = sampleSession();
    int user = userOf(session);
    long traceHi = rng.nextLong();
    long traceLo = rng.nextLong();
    if (traceHi == 0 && traceLo == 0) traceLo = 1;
    ByteString traceId = id16(traceHi, traceLo);
    ByteString rootId = id8(nonZero(rng.nextLong()));

    // Order: leftover tools first (retrieval), then LLM, (tool, LLM)*, remaining LLMs.
    int between = Math.min(toolCount, llmCount - 1);
    int before = toolCount - between;
    int n = 0;
    for (int i = 0; i < before; i++) children[n++].llm = false;
    for (int i = 0; i < llmCount; i++) {
      children[n++].llm = true;
      if (i < between) children[n++].llm = false;
    }

    boolean anyError = false;
    long offset = msToNs(rng.between(1, 20));
    for (int i = 0; i < n; i++) {
      Child c = children[i];
      if (c.llm) {
        sampleLlm(c, i + 1 < n && !children[i + 1].llm);
        anyError |= c.error >= 0;
      } else {
        c.tool = toolDist.sample(rng);
        c.durationNs = msToNs(TOOL_MS.sample(rng));
      }
      c.offsetNs = offset;
      offset += c.durationNs + msToNs(rng.between(0.2, 3));
    }
    long rootDurationNs = offset + msToNs(rng.between(1, 10));
    boolean rootFails = anyError && rng.chance(ROOT_FAILS_WITH_CHILD);

    long traceStart = startNs + (long) ((slot + rng.nextDouble()) * rangeNs / llmTarget);
    long lastOffset = children[n - 1].offsetNs;
    if (traceStart + lastOffset >= endNs) traceStart = Math.max(startNs, endNs - 1 - lastOffset);
    if (traceStart >= endNs) traceStart = endNs - 1;

    // Root span.
    Span.Builder root = Span.newBuilder()
        .setTraceId(traceId)
        .setSpanId(rootId)
        .setNameBytes(rootNames[service])
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(traceStart)
        .setEndTimeUnixNano(traceStart + rootDurationNs)
        .addAttributes(HTTP_METHOD_POST)
        .addAttributes(rootRoutes[service])
        .addAttributes(rootFails ? HTTP_STATUS_500 : HTTP_STATUS_200)
        .addAttributes(userKv(user));
    if (rootFails) root.addAttributes(ROOT_ERROR_TYPE).setStatus(ROOT_ERROR_STATUS);
    pending[0] = root.build();

    KeyValue sessionKv = sessionKv(session);
    KeyValue userKv = userKv(user);
    for (int i = 0; i < n; i++) {
      Child c = children[i];
      long start = Math.min(traceStart + c.offsetNs, endNs - 1);
      long end = Math.max(start, traceStart + c.offsetNs + c.durationNs);
      Span.Builder s = Span.newBuilder()
          .setTraceId(traceId)
          .setSpanId(id8(nonZero(rng.nextLong())))
          .setParentSpanId(rootId)
          .setStartTimeUnixNano(start)
          .setEndTimeUnixNano(end);
      if (c.llm) buildLlm(s, c, sessionKv, userKv, end);
      else buildTool(s, c);
      pending[i + 1] = s.build();
    }
    pendingCount = n + 1;
    pendingPos = 0;
    pendingResource = service * Catalog.ENVIRONMENTS.length + env;
    allGenerated += pendingCount;
  }

  private void sampleLlm(Child c, boolean toolFollows) {
    int m = modelDist.sample(rng);
    Model model = models[m];
    c.model = m;
    c.error = rng.chance(ERROR_RATE) ? errorDist.sample(rng) : -1;
    c.input = 0;
    c.output = 0;
    c.cacheRead = 0;
    c.reasoning = 0;
    c.temperature = -1;
    c.maxTokens = -1;
    c.finish = -1;
    c.prompt = -1;
    c.version = -1;
    c.score = Double.NaN;
    double ms;
    if (model.embedding()) {
      if (c.error < 0) c.input = Math.max(1, Math.round(INPUT_TOKENS_DIST.sample(rng) * 0.4));
      ms = model.baseMs() * LATENCY_NOISE.sample(rng) + 0.01 * c.input;
    } else {
      c.prompt = promptDist.sample(rng);
      c.version = promptVersionDist.sample(rng);
      c.maxTokens = maxTokensDist.sample(rng);
      if (!model.reasoning()) c.temperature = temperatureDist.sample(rng);
      if (c.error < 0) {
        c.input = Math.max(1, Math.round(INPUT_TOKENS_DIST.sample(rng)));
        long out = Math.max(1, Math.round(OUTPUT_TOKENS_DIST.sample(rng)));
        double reasoningShare = 0;
        if (model.reasoning()) {
          out *= 2;
          reasoningShare = rng.between(0.4, 0.85);
        }
        long limit = Catalog.MAX_TOKENS[c.maxTokens];
        boolean truncated = out >= limit;
        if (truncated) out = limit;
        c.reasoning = Math.round(out * reasoningShare);
        if (truncated) {
          c.finish = 1; // length
        } else if (toolFollows) {
          c.finish = 2; // tool_calls
        } else if (rng.chance(CONTENT_FILTER_RATE)) {
          c.finish = 3; // content_filter
        } else {
          c.finish = 0; // stop
        }
        c.output = out;
        if (rng.chance(CACHE_READ_GIVEN_CHAT_OK)) c.cacheRead = Math.max(1, Math.round(c.input * rng.between(0.2, 0.9)));
        if (rng.chance(EVALUATION_GIVEN_CHAT_OK)) {
          double v = model.quality() + 0.015 * (c.version - 2) + SCORE_NOISE.sample(rng);
          c.score = Math.round(Math.max(0, Math.min(1, v)) * 1000) / 1000.0;
        }
      }
      ms = (model.baseMs() + model.perOutputTokenMs() * c.output + 0.02 * c.input) * LATENCY_NOISE.sample(rng);
    }
    if (c.error >= 0) {
      switch (Catalog.ERROR_TYPES[c.error]) {
        case "429" -> ms = rng.between(20, 250);
        case "timeout" -> ms = rng.between(30_000, 60_000);
        case "400" -> ms = rng.between(30, 150);
        default -> ms *= rng.between(0.2, 1.0);
      }
    } else if (rng.chance(HEAVY_TAIL_RATE)) {
      ms *= Math.min(10, StrictMath.pow(1 - rng.nextDouble(), -1 / 1.5)); // Pareto tail, alpha 1.5
    }
    ms = Math.min(ms, MAX_CALL_MS);
    c.durationNs = msToNs(ms);

    llmGenerated++;
    llmByModel[m]++;
    if (c.error >= 0) errors++;
    inputTokens += c.input;
    outputTokens += c.output;
  }

  private void buildLlm(Span.Builder s, Child c, KeyValue sessionKv, KeyValue userKv, long endNs) {
    int m = c.model;
    boolean embedding = models[m].embedding();
    s.setNameBytes(llmSpanNames[m])
        .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .addAttributes(embedding ? OP_EMBEDDINGS : OP_CHAT)
        .addAttributes(modelProvider[m])
        .addAttributes(modelRequest[m])
        .addAttributes(modelServer[m])
        .addAttributes(sessionKv)
        .addAttributes(userKv);
    if (c.prompt >= 0) s.addAttributes(promptNames[c.prompt]).addAttributes(promptVersions[c.version]);
    if (c.temperature >= 0) s.addAttributes(temperatures[c.temperature]);
    if (c.maxTokens >= 0) s.addAttributes(maxTokens[c.maxTokens]);
    if (c.error >= 0) {
      s.addAttributes(errorTypes[c.error]).setStatus(errorStatuses[c.error]);
      return;
    }
    s.addAttributes(modelResponse[m]).addAttributes(inputKvs.get(c.input));
    if (!embedding) s.addAttributes(outputKvs.get(c.output));
    if (c.cacheRead > 0) s.addAttributes(cacheReadKvs.get(c.cacheRead));
    if (c.reasoning > 0) s.addAttributes(reasoningKvs.get(c.reasoning));
    if (c.finish >= 0) s.addAttributes(finishReasons[c.finish]);
    if (!embedding) {
      // What the call spent before its output tokens, from the latency model (no draw of its own, so
      // the rest of a seed's traffic is unchanged): at least 50 ms, at most the whole call.
      double callMs = c.durationNs / 1e6;
      double ttftMs = Math.min(callMs, Math.max(50, callMs - models[m].perOutputTokenMs() * c.output));
      s.addAttributes(KeyValue.newBuilder().setKey(TIME_TO_FIRST_CHUNK)
          .setValue(AnyValue.newBuilder().setDoubleValue(Math.round(ttftMs) / 1000.0)));
    }
    if (!Double.isNaN(c.score)) {
      s.addEvents(Span.Event.newBuilder()
          .setNameBytes(EVALUATION_EVENT_BYTES)
          .setTimeUnixNano(endNs)
          .addAttributes(EVAL_NAME_HELPFULNESS)
          .addAttributes(KeyValue.newBuilder()
              .setKeyBytes(EVALUATION_SCORE_BYTES)
              .setValue(AnyValue.newBuilder().setDoubleValue(c.score))));
    }
  }

  private void buildTool(Span.Builder s, Child c) {
    s.setNameBytes(toolSpanNames[c.tool])
        .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
        .addAttributes(OP_EXECUTE_TOOL)
        .addAttributes(toolNames[c.tool])
        .addAttributes(TOOL_TYPE_FUNCTION);
  }

  /** Skewed: low session indices are hot (density ∝ 1/sqrt(index)). */
  private int sampleSession() {
    double u = rng.nextDouble();
    return (int) (Catalog.SESSIONS * u * u);
  }

  /** Each user owns 4 sessions, scattered over the session index space. */
  private static int userOf(int session) {
    return (int) (((session * 2654435761L) & 0xFFFFFFFFL) % Catalog.USERS);
  }

  private KeyValue sessionKv(int session) {
    KeyValue kv = sessionKvs[session];
    if (kv == null) {
      long h = mix(session + 0x5EED);
      String hex = Long.toHexString(h | (1L << 60)).substring(4); // 12 hex digits
      kv = str(CONVERSATION_ID, "sess_" + hex);
      sessionKvs[session] = kv;
    }
    return kv;
  }

  private KeyValue userKv(int user) {
    KeyValue kv = userKvs[user];
    if (kv == null) {
      String digits = Integer.toString(user);
      kv = str(USER_ID, "user-" + "00000".substring(digits.length()) + digits);
      userKvs[user] = kv;
    }
    return kv;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }

  private static long msToNs(double ms) {
    return Math.max(1_000L, (long) (ms * NS_PER_MS));
  }

  private static long nonZero(long v) {
    return v == 0 ? 1 : v;
  }

  private static ByteString id16(long hi, long lo) {
    byte[] b = new byte[16];
    putLong(b, 0, hi);
    putLong(b, 8, lo);
    return UnsafeByteOperations.unsafeWrap(b);
  }

  private static ByteString id8(long v) {
    byte[] b = new byte[8];
    putLong(b, 0, v);
    return UnsafeByteOperations.unsafeWrap(b);
  }

  private static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  /*
   * Strings are handed to protobuf as UTF-8 ByteStrings: a String field is re-encoded on every
   * serialization, a ByteString is copied. That halves the cost of serializing a batch.
   */

  static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static KeyValue str(String key, String value) {
    return KeyValue.newBuilder()
        .setKeyBytes(utf8(key))
        .setValue(AnyValue.newBuilder().setStringValueBytes(utf8(value)))
        .build();
  }

  static KeyValue intKv(String key, long value) {
    return KeyValue.newBuilder().setKeyBytes(utf8(key)).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  /** Lazily built integer attributes for the common small values of one key. */
  private static final class IntKvCache {
    private final ByteString key;
    private final KeyValue[] cache;

    IntKvCache(String key, int size) {
      this.key = utf8(key);
      this.cache = new KeyValue[size];
    }

    KeyValue get(long v) {
      if (v < 0 || v >= cache.length) return build(v);
      KeyValue kv = cache[(int) v];
      if (kv == null) {
        kv = build(v);
        cache[(int) v] = kv;
      }
      return kv;
    }

    private KeyValue build(long v) {
      return KeyValue.newBuilder().setKeyBytes(key).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }
  }
}
