package io.llmscope.storage.rollup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanFlags;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinsTest {
  @Test
  void packedBinsGiveBackEveryBinInOrderAndFillTheSameSketch() {
    Random rnd = new Random(7);
    int cells = 50;
    List<DDSketch> direct = new ArrayList<>();
    List<int[]> indexes = new ArrayList<>();
    List<long[]> weights = new ArrayList<>();
    for (int c = 0; c < cells; c++) {
      DDSketch s = Rollup.newSketch();
      int values = c % 7 == 0 ? 0 : rnd.nextInt(5_000);
      for (int i = 0; i < values; i++) s.accept(Math.exp(rnd.nextGaussian() * 3) * (c % 2 == 0 ? 1e-3 : 1e6));
      List<long[]> bins = new ArrayList<>();
      s.getPositiveValueStore().forEach((i, w) -> bins.add(new long[] {i, (long) w}));
      indexes.add(bins.stream().mapToInt(b -> (int) b[0]).toArray());
      weights.add(bins.stream().mapToLong(b -> b[1]).toArray());
      direct.add(s);
    }
    Bins.Writer w = new Bins.Writer(cells);
    for (int c = 0; c < cells; c++) w.cell(indexes.get(c), weights.get(c), 0, indexes.get(c).length);
    Bins packed = w.build(new long[cells]);
    for (int c = 0; c < cells; c++) {
      List<long[]> back = new ArrayList<>();
      packed.forEach(c, (i, wt) -> back.add(new long[] {i, wt}));
      assertArrayEquals(indexes.get(c), back.stream().mapToInt(b -> (int) b[0]).toArray(), "cell " + c);
      assertArrayEquals(weights.get(c), back.stream().mapToLong(b -> b[1]).toArray(), "cell " + c);
      assertEquals(indexes.get(c).length, packed.binCount(c));
      DDSketch refilled = Rollup.newSketch();
      packed.addTo(refilled.getPositiveValueStore(), c);
      assertEquals(direct.get(c).getCount(), refilled.getCount(), 0.0);
      if (direct.get(c).getCount() > 0) {
        for (double q : new double[] {0.0, 0.5, 0.95, 0.99, 1.0}) {
          assertEquals(direct.get(c).getValueAtQuantile(q), refilled.getValueAtQuantile(q), 0.0, "cell " + c + " q" + q);
        }
      }
    }
  }

  @Test
  void aDecodedRollupEncodesToTheSameBytes() throws Exception {
    Random rnd = new Random(11);
    int n = 20_000;
    long[] start = new long[n];
    long[] flags = new long[n];
    boolean[] error = new boolean[n];
    int[][] ids = new int[3][n];
    double[] duration = new double[n];
    double[] tokens = new double[n];
    for (int i = 0; i < n; i++) {
      start[i] = 1_796_000_000_000_000_000L + i * 30_000_000L;
      flags[i] = rnd.nextInt(4) == 0 ? 0 : SpanFlags.LLM;
      error[i] = rnd.nextInt(50) == 0;
      for (int k = 0; k < 3; k++) ids[k][i] = rnd.nextInt(4);
      duration[i] = rnd.nextInt(20) == 0 ? 0.0 : Math.exp(rnd.nextGaussian()) * 800;
      tokens[i] = rnd.nextInt(10) == 0 ? Double.NaN : rnd.nextInt(3000);
    }
    String[][] values = new String[3][];
    for (int k = 0; k < 3; k++) values[k] = new String[] {null, "a" + k, "b" + k, "c" + k};
    RollupBuilder b = new RollupBuilder(start, flags, error);
    b.key(new RollupBuilder.Spec(List.of(Dim.MODEL, Dim.PROVIDER, Dim.OPERATION), 1), ids, values);
    b.measure(Measure.DURATION_MS, duration);
    b.measure(Measure.INPUT_TOKENS, tokens);
    byte[] bytes = RollupFile.encode(b.build());
    List<Rollup> decoded = RollupFile.decode(Path.of("rollup.bin"), bytes);
    assertArrayEquals(bytes, RollupFile.encode(decoded));
    Rollup r = decoded.get(0);
    long zeros = 0;
    for (int c = 0; c < r.cells(); c++) zeros += r.zeros(Measure.DURATION_MS, c);
    long expectedZeros = java.util.Arrays.stream(duration).filter(d -> d == 0.0).count();
    assertEquals(expectedZeros, zeros);
  }
}
