package io.llmscope.query;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.llmscope.storage.rollup.Rollup;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The quantile sketch the queries and rollups share ({@link Rollup#newSketch()}), on latencies
 * shaped like LLM calls (log-normal around 1.2 s, a tail to a minute):
 * <ul>
 *   <li>{@code insert}: values per second into one sketch, what a scan does per matching row;
 *   <li>{@code merge}: sketches per second merged into one, what a rollup answer does per cell
 *       (a day of one-minute cells of {@value #VALUES_PER_CELL} calls each);
 *   <li>{@code quantiles}: p50/p95/p99 read from a merged sketch ({@link SketchQuantiles}).
 * </ul>
 *
 * <pre>java -jar jmh/target/benchmarks.jar SketchBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class SketchBenchmark {
  static final int VALUES = 1 << 16;
  static final int CELLS = 1440;
  static final int VALUES_PER_CELL = 50;
  private static final double[] QS = {0.5, 0.95, 0.99};

  private double[] latencies;
  private DDSketch[] cells;
  private DDSketch merged;

  @Setup
  public void setup() {
    Random rnd = new Random(42);
    latencies = new double[VALUES];
    for (int i = 0; i < VALUES; i++) latencies[i] = Math.min(60_000, Math.exp(Math.log(1200) + 0.8 * rnd.nextGaussian()));
    cells = new DDSketch[CELLS];
    for (int c = 0; c < CELLS; c++) {
      cells[c] = Rollup.newSketch();
      for (int k = 0; k < VALUES_PER_CELL; k++) cells[c].accept(latencies[rnd.nextInt(VALUES)]);
    }
    merged = Rollup.newSketch();
    for (DDSketch c : cells) merged.mergeWith(c);
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public DDSketch insert() {
    DDSketch s = Rollup.newSketch();
    for (double v : latencies) s.accept(v);
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(CELLS)
  public DDSketch merge() {
    DDSketch s = Rollup.newSketch();
    for (DDSketch c : cells) s.mergeWith(c);
    return s;
  }

  @Benchmark
  public double[] quantiles() {
    return SketchQuantiles.of(merged, QS);
  }
}
