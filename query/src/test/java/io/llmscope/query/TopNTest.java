package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bounded heap keeps exactly the first k items of a stable sort, ties included. */
class TopNTest {
  @Test
  void firstKAreTheStableSortsPrefixWithTies() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int round = 0; round < 500; round++) {
      int n = rnd.nextInt(round < 50 ? 5 : 2000);
      int distinct = 1 + rnd.nextInt(round % 2 == 0 ? 3 : 500); // few distinct values: many ties
      int[] value = rnd.ints(n, 0, distinct).toArray();
      boolean desc = rnd.nextBoolean();
      TopN.Order order = (a, b) -> desc ? Integer.compare(value[b], value[a]) : Integer.compare(value[a], value[b]);
      Comparator<Integer> sort = (a, b) -> order.compare(a, b); // List.sort is stable
      int[] sorted = IntStream.range(0, n).boxed().sorted(sort).mapToInt(Integer::intValue).toArray();
      for (int k : new int[] {0, 1, 2, rnd.nextInt(n + 1), n - 1, n, n + 5}) {
        if (k < 0) continue;
        assertArrayEquals(Arrays.copyOf(sorted, Math.min(k, n)), TopN.first(n, k, order),
            "round " + round + " n " + n + " k " + k);
      }
    }
  }
}
