package io.llmscope.storage.segment;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/** The row order of a segment, and the stable merge sort of int indexes (no boxing) it uses. */
final class SegmentSort {
  private SegmentSort() {}

  /**
   * Output row i holds input row {@code order[i]}; the output is runs of one trace each, run k
   * being rows [runFirst[k], runFirst[k] + runCount[k]).
   */
  record RowOrder(int[] order, int[] runFirst, int[] runCount) {
    int runs() {
      return runFirst.length;
    }
  }

  /**
   * The row order {@link SegmentFormat} describes ("Row order"), with {@code resourceKey} giving
   * an input row's (service, environment) key.
   */
  static RowOrder traceOrder(long[] hi, long[] lo, long[] start, long[] span, IntFunction<String> resourceKey) {
    int n = hi.length;
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    sort(idx, (a, b) -> {
      int c = Long.compare(hi[a], hi[b]);
      if (c != 0) return c;
      c = Long.compare(lo[a], lo[b]);
      if (c != 0) return c;
      c = Long.compare(start[a], start[b]);
      if (c != 0) return c;
      c = Long.compare(span[a], span[b]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    // Trace groups in idx; each group's first row has its earliest start.
    int[] groupStart = new int[n + 1];
    int groups = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || hi[idx[i]] != hi[idx[i - 1]] || lo[idx[i]] != lo[idx[i - 1]]) groupStart[groups++] = i;
    }
    groupStart[groups] = n;
    int[] resource = ranks(idx, groupStart, groups, resourceKey);
    int[] g = new int[groups];
    for (int i = 0; i < groups; i++) g[i] = i;
    sort(g, (a, b) -> {
      int c = Integer.compare(resource[a], resource[b]);
      if (c != 0) return c;
      c = Long.compare(start[idx[groupStart[a]]], start[idx[groupStart[b]]]);
      return c != 0 ? c : Integer.compare(a, b); // groups are in (hi, lo) order already
    });
    int[] order = new int[n];
    int[] runFirst = new int[groups];
    int[] runCount = new int[groups];
    int o = 0;
    for (int k = 0; k < groups; k++) {
      int grp = g[k];
      runFirst[k] = o;
      runCount[k] = groupStart[grp + 1] - groupStart[grp];
      for (int i = groupStart[grp]; i < groupStart[grp + 1]; i++) order[o++] = idx[i];
    }
    return new RowOrder(order, runFirst, runCount);
  }

  /** Per trace group, the rank of its first row's key among all groups' keys. */
  private static int[] ranks(int[] idx, int[] groupStart, int groups, IntFunction<String> key) {
    String[] keys = new String[groups];
    TreeMap<String, Integer> rank = new TreeMap<>();
    for (int k = 0; k < groups; k++) {
      keys[k] = key.apply(idx[groupStart[k]]);
      rank.put(keys[k], 0);
    }
    int r = 0;
    for (Map.Entry<String, Integer> e : rank.entrySet()) e.setValue(r++);
    int[] out = new int[groups];
    for (int k = 0; k < groups; k++) out[k] = rank.get(keys[k]);
    return out;
  }

  interface IntComparator {
    int compare(int a, int b);
  }

  static void sort(int[] a, IntComparator c) {
    int n = a.length;
    if (n < 2) return;
    int[] src = a;
    int[] dst = new int[n];
    // Insertion-sort runs of 32, then merge bottom-up.
    final int run = 32;
    for (int lo = 0; lo < n; lo += run) {
      int hi = Math.min(n, lo + run);
      for (int i = lo + 1; i < hi; i++) {
        int x = src[i];
        int j = i - 1;
        while (j >= lo && c.compare(src[j], x) > 0) {
          src[j + 1] = src[j];
          j--;
        }
        src[j + 1] = x;
      }
    }
    for (int width = run; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(n, lo + width);
        int hi = Math.min(n, lo + 2 * width);
        if (mid >= hi || c.compare(src[mid - 1], src[mid]) <= 0) {
          System.arraycopy(src, lo, dst, lo, hi - lo);
          continue;
        }
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) dst[k++] = c.compare(src[j], src[i]) < 0 ? src[j++] : src[i++];
        while (i < mid) dst[k++] = src[i++];
        while (j < hi) dst[k++] = src[j++];
      }
      int[] t = src;
      src = dst;
      dst = t;
    }
    if (src != a) System.arraycopy(src, 0, a, 0, n);
  }
}
