package io.llmscope.bench;

import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.TestSpans;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import io.llmscope.storage.model.SpanEvent;
import io.llmscope.storage.scan.ColumnBatch;
import io.llmscope.storage.segment.SegmentInfo;
import io.llmscope.storage.segment.SegmentReader;
import io.llmscope.storage.segment.SegmentWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sealing throughput (rows/s written into a segment) and column read throughput (rows/s
 * decompressed from one column file of a sealed segment), on {@value #ROWS} rows of the test
 * span shape, with small or GenAI-sized details ({@link #detail}). Run: {@code java -jar jmh/target/benchmarks.jar SegmentBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class SegmentBenchmark extends StoreFork {
  static final int ROWS = 262_144;

  /**
   * {@code test}: the test span shape (3 attributes, 1 resource key, 1 event); {@code genai}: a
   * span as GenAI instrumentations send it (about 20 attributes, 8 resource keys, 2 events), where
   * the detail is most of what sealing writes.
   */
  @Param({"test", "genai"})
  public String detail;

  private Path dir;
  private Storage storage;
  private List<ColumnBatch> head;
  private SegmentReader sealed;
  private int written;
  private int pointRow;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    dir = Files.createTempDirectory("llmscope-jmh");
    storage = Storage.open(StorageConfig.builder(dir.resolve("store")).sealAgeMs(3_600_000).sealRows(10_000_000).maxHeadRows(10_000_000).build());
    Random rnd = new Random(42);
    int rows = 0;
    while (rows < ROWS) {
      List<LlmSpan> spans = TestSpans.traces(rnd, 1000, System.currentTimeMillis() - 60_000, 60_000);
      if (detail.equals("genai")) for (LlmSpan s : spans) s.detail = genAiDetail(rnd, s);
      storage.append("t", spans);
      rows += spans.size();
    }
    head = storage.snapshot("t").batches();
    Path seg = dir.resolve("sealed");
    SegmentWriter.write(seg, "t", head);
    sealed = SegmentReader.open(seg);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    sealed.close();
    storage.close();
    deleteRecursively(dir);
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public SegmentInfo seal() throws Exception {
    Path out = dir.resolve("bench-" + (written++));
    SegmentInfo info = SegmentWriter.write(out, "t", head);
    deleteRecursively(out);
    return info;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double[] readDurationColumn() {
    return sealed.batch().measure(Measure.DURATION_MS);
  }

  /** A decimal measure column (integers scaled by 10^-k on read). */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double[] readCostColumn() {
    return sealed.batch().measure(Measure.COST_USD);
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public int[] readModelColumn() {
    return sealed.batch().dimIds(Dim.MODEL);
  }

  /**
   * One span read from a fresh view with nothing cached (the segment opened without a column
   * cache), as a trace lookup of a row not read before: every column's record batch holding the
   * row is decoded. Rows step through the segment so consecutive reads land in other batches.
   */
  @Benchmark
  public LlmSpan pointRead() {
    pointRow = (pointRow + 70_001) % ROWS;
    return sealed.batch().span(pointRow);
  }

  private static SpanDetail genAiDetail(Random rnd, LlmSpan s) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("gen_ai.operation.name", "chat");
    attrs.put("gen_ai.provider.name", "openai");
    attrs.put("gen_ai.request.model", s.dim(Dim.MODEL));
    attrs.put("gen_ai.response.model", s.dim(Dim.MODEL) + "-2024-08-06");
    attrs.put("gen_ai.response.id", "chatcmpl-" + Long.toHexString(rnd.nextLong()));
    attrs.put("gen_ai.response.finish_reasons", List.of("stop"));
    attrs.put("gen_ai.request.temperature", 0.7);
    attrs.put("gen_ai.request.max_tokens", 1024L);
    attrs.put("gen_ai.request.top_p", 1.0);
    attrs.put("gen_ai.usage.input_tokens", (long) rnd.nextInt(4000));
    attrs.put("gen_ai.usage.output_tokens", (long) rnd.nextInt(800));
    attrs.put("gen_ai.conversation.id", "conv-" + rnd.nextInt(200_000));
    attrs.put("user.id", "user-" + rnd.nextInt(50_000));
    attrs.put("session.id", "session-" + rnd.nextInt(200_000));
    attrs.put("gen_ai.prompt.name", "prompt-" + rnd.nextInt(40));
    attrs.put("gen_ai.prompt.version", "v" + rnd.nextInt(5));
    attrs.put("server.address", "api.openai.com");
    attrs.put("server.port", 443L);
    attrs.put("http.response.status_code", 200L);
    attrs.put("llm.is_streaming", rnd.nextBoolean());
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("service.name", s.dim(Dim.SERVICE));
    resource.put("service.version", "1.4." + rnd.nextInt(10));
    resource.put("deployment.environment.name", "production");
    resource.put("telemetry.sdk.language", "python");
    resource.put("telemetry.sdk.name", "opentelemetry");
    resource.put("telemetry.sdk.version", "1.27.0");
    resource.put("host.name", "ip-10-0-" + rnd.nextInt(8) + "-" + rnd.nextInt(255));
    resource.put("process.pid", (long) rnd.nextInt(60_000));
    List<SpanEvent> events = List.of(
        new SpanEvent(s.startNanos + 1000, "gen_ai.content.prompt", Map.of("gen_ai.prompt", "Summarise the ticket")),
        new SpanEvent(s.endNanos - 1000, "gen_ai.content.completion", Map.of("gen_ai.completion", "The customer asks")));
    return new SpanDetail(attrs, resource, "opentelemetry.instrumentation.openai", "0.48b0", "", "", events, List.of());
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
