package io.llmscope.ingest;

import io.llmscope.bench.StoreFork;
import io.llmscope.server.loadgen.TrafficGenerator;
import io.llmscope.storage.FsyncPolicy;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.format.SegmentBytes;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.wal.SpanCodec;
import io.llmscope.storage.wal.WriteAheadLog;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ingest path per span, stage by stage, on loadgen's payloads (the BENCHMARKS.md dataset,
 * seed 42, batches of {@value #BATCH} spans as the benchmark's exporter sends them):
 * <ul>
 *   <li>{@code parse}: protobuf bytes to an {@code ExportTraceServiceRequest}, the ceiling any
 *       decoder built on protobuf-java's object model can reach;
 *   <li>{@code parseNormalise}: plus {@link SpanNormaliser} (canonical fields, token semantics,
 *       detail), what ingest does before pricing;
 *   <li>{@code parseNormaliseAppend}: plus the durable append (WAL record and head) into a real
 *       store in a temp dir, fsync on the interval policy; ids and times move on per pass so every
 *       span is new live traffic, and heads are sealed by the store's own background thread.
 *   <li>{@code walAppend} and {@code walAppendSync}: the write-ahead log alone, per batch of
 *       normalised spans: encoding the record ({@link SpanCodec}) and appending it to a Chronicle
 *       queue in a temp dir, without and with an fsync per batch ({@code storage.fsync: always}).
 * </ul>
 * Scores are spans per second ({@code @OperationsPerInvocation} = spans in a batch).
 *
 * <pre>java -jar jmh/target/benchmarks.jar IngestBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class IngestBenchmark extends StoreFork {
  static final int BATCH = 512;
  static final int BATCHES = 200;

  private byte[][] payloads;
  private SpanNormaliser normaliser;
  private Storage storage;
  private Path dir;
  private int next;
  private long pass;
  private List<List<LlmSpan>> normalised;
  private WriteAheadLog wal;
  private final SegmentBytes.Out record = new SegmentBytes.Out(1 << 20);

  @Setup(Level.Trial)
  public void setup() throws Exception {
    TrafficGenerator gen = TrafficGenerator.lastDay(42, (long) BATCH * BATCHES);
    List<byte[]> out = new ArrayList<>();
    while (gen.hasNext() && out.size() < BATCHES) out.add(gen.nextBatch(BATCH).toByteArray());
    payloads = out.toArray(new byte[0][]);
    normaliser = new SpanNormaliser(System::currentTimeMillis, IngestConfig.DEFAULT_MAX_FUTURE_SKEW_MS,
        new SpanNormaliser.SpanLimits(1024, 1024, 128));
    dir = Files.createTempDirectory("ingest-bench");
    storage = Storage.open(StorageConfig.builder(dir).fsync(FsyncPolicy.INTERVAL).build());
    normalised = new ArrayList<>();
    for (byte[] p : payloads) normalised.add(normaliser.normalise(TraceDecoder.decodeProtobuf(p)).spans());
    wal = new WriteAheadLog(Files.createDirectories(dir.resolve("wal-only")), StorageConfig.DEFAULT_WAL_ROLL_CYCLE);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    storage.close();
    wal.close();
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private byte[] nextPayload() {
    byte[] p = payloads[next];
    if (++next == payloads.length) {
      next = 0;
      pass++;
    }
    return p;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int parse() throws Exception {
    return ExportTraceServiceRequest.parseFrom(nextPayload()).getResourceSpansCount();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int parseNormalise() throws Exception {
    return normaliser.normalise(TraceDecoder.decodeProtobuf(nextPayload())).spans().size();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int parseNormaliseAppend() throws Exception {
    List<LlmSpan> spans = normaliser.normalise(TraceDecoder.decodeProtobuf(nextPayload())).spans();
    // Each pass is new traffic: new trace ids, a day later than the last (so, like live traffic,
    // newer than every sealed segment and checked for duplicates against the heads only).
    long shift = pass * 86_400_000_000_000L;
    for (LlmSpan s : spans) {
      s.traceIdHi ^= pass << 40;
      s.startNanos += shift;
      s.endNanos += shift;
    }
    while (true) {
      try {
        return storage.append("bench", spans).stored();
      } catch (io.llmscope.storage.StorageBusyException e) {
        Thread.sleep(1); // sealing behind: the server would answer 503 and the exporter retry
      }
    }
  }

  /** One encoded WAL record of the next batch of normalised spans. */
  private SegmentBytes.Out nextRecord() {
    List<LlmSpan> spans = normalised.get(next);
    if (++next == normalised.size()) next = 0;
    record.pos = 0;
    SpanCodec.writeBatch(record, "bench", spans, new int[spans.size()]);
    return record;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long walAppend() {
    SegmentBytes.Out r = nextRecord();
    return wal.append(r.buf, 0, r.pos);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long walAppendSync() {
    SegmentBytes.Out r = nextRecord();
    long index = wal.append(r.buf, 0, r.pos);
    wal.sync();
    return index;
  }
}
