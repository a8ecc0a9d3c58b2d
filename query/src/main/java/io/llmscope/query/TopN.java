package io.llmscope.query;

/**
 * The first {@code k} of the items {@code 0..n-1} in an order, through a bounded heap: O(n log k)
 * comparisons and O(k) memory, so a {@code limit} over a million groups keeps ten, not a million
 * sorted rows. Items the order ties keep their numeric order, as a stable sort of all items would:
 * the answer is exactly that sort's first {@code k}.
 */
final class TopN {
  /** Compares two items; negative when {@code a} comes first. */
  interface Order {
    int compare(int a, int b);
  }

  private TopN() {}

  /** The first {@code min(k, n)} items, in order. */
  static int[] first(int n, int k, Order order) {
    int size = Math.max(0, Math.min(k, n));
    int[] heap = new int[size]; // a max-heap: the last item kept is on top, the next candidate to drop
    int filled = 0;
    for (int item = 0; item < n && size > 0; item++) {
      if (filled < size) {
        heap[filled] = item;
        up(heap, filled++, order);
      } else if (before(item, heap[0], order)) {
        heap[0] = item;
        down(heap, 0, size, order);
      }
    }
    int[] out = new int[size];
    for (int end = size - 1; end >= 0; end--) { // the heap gives the last item first
      out[end] = heap[0];
      heap[0] = heap[end];
      down(heap, 0, end, order);
    }
    return out;
  }

  private static boolean before(int a, int b, Order order) {
    int c = order.compare(a, b);
    return c != 0 ? c < 0 : a < b;
  }

  private static void up(int[] heap, int i, Order order) {
    int item = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(heap[parent], item, order)) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = item;
  }

  private static void down(int[] heap, int i, int size, Order order) {
    int item = heap[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && before(heap[child], heap[child + 1], order)) child++;
      if (!before(item, heap[child], order)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = item;
  }
}
