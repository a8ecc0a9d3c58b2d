package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.llmscope.storage.rollup.Rollup;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The one-pass quantiles give exactly what DDSketch's own per-quantile walk gives. */
class SketchQuantilesTest {
  static final double[] QS = {0.999, 0, 0.5, 0.9, 0.95, 0.99, 1};

  @Test
  void sameAsTheLibraryOnMixedSketches() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int round = 0; round < 300; round++) {
      DDSketch s = Rollup.newSketch();
      int n = 1 + rnd.nextInt(round < 100 ? 5 : 3000);
      for (int i = 0; i < n; i++) {
        double v = switch (rnd.nextInt(round % 3 == 0 ? 10 : 4)) {
          case 0 -> 0; // zero bucket
          case 1 -> -Math.exp(rnd.nextGaussian() * 2); // negative values
          default -> Math.exp(rnd.nextGaussian() * 3);
        };
        s.accept(v);
      }
      double[] ours = SketchQuantiles.of(s, QS);
      for (int q = 0; q < QS.length; q++) {
        assertEquals(s.getValueAtQuantile(QS[q]), ours[q], "round " + round + " q " + QS[q]);
      }
      DDSketch positive = Rollup.newSketch();
      for (int i = 0; i < n; i++) positive.accept(Math.exp(rnd.nextGaussian() * 3));
      double[] fast = SketchQuantiles.ofPositive(positive, n, QS);
      for (int q = 0; q < QS.length; q++) {
        assertEquals(positive.getValueAtQuantile(QS[q]), fast[q], "positive round " + round + " q " + QS[q]);
      }
    }
  }
}
