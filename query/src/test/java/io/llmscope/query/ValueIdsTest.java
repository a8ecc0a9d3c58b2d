package io.llmscope.query;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.scan.Dictionary;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Ids given by hash probes and by merging sorted dictionaries are one consistent numbering. */
class ValueIdsTest {
  @Test
  void sortedMergesAndProbesAgree() {
    SplittableRandom rnd = new SplittableRandom(5);
    ValueIds ids = new ValueIds();
    Map<String, Integer> seen = new HashMap<>();
    for (int round = 0; round < 200; round++) {
      if (rnd.nextInt(3) == 0) { // a head batch's values, one at a time
        String v = "user-" + rnd.nextInt(5000);
        int id = ids.idOf(v);
        assertEquals(seen.computeIfAbsent(v, k -> id), id, v);
        continue;
      }
      TreeSet<String> values = new TreeSet<>(); // a segment's sorted dictionary
      for (int i = rnd.nextInt(2000); i > 0; i--) values.add("user-" + rnd.nextInt(5000));
      String[] sorted = values.toArray(new String[0]);
      int[] mapped = ids.idsOfSorted(new Sorted(sorted));
      assertEquals(0, mapped[0]);
      for (int local = 1; local <= sorted.length; local++) {
        String v = sorted[local - 1];
        int id = mapped[local];
        assertEquals(seen.computeIfAbsent(v, k -> id), id, v);
        assertEquals(v, ids.value(id));
      }
    }
    assertEquals(seen.size() + 1, ids.size());
    assertEquals(seen.size(), new java.util.HashSet<>(seen.values()).size(), "distinct values, distinct ids");
    for (Map.Entry<String, Integer> e : seen.entrySet()) assertEquals(e.getValue(), ids.idOf(e.getKey()));
  }

  private record Sorted(String[] values) implements Dictionary {
    @Override
    public int size() {
      return values.length + 1;
    }

    @Override
    public String value(int id) {
      return id == 0 ? null : values[id - 1];
    }

    @Override
    public int idOf(String value) {
      int i = java.util.Arrays.binarySearch(values, value);
      return i < 0 ? -1 : i + 1;
    }

    @Override
    public boolean sorted() {
      return true;
    }
  }
}
