package io.llmscope.storage.segment;

/** A stable merge sort of int indexes by a primitive comparator (no boxing). */
final class SegmentSort {
  private SegmentSort() {}

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
