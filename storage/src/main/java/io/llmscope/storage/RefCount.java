package io.llmscope.storage;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lucene-style reference count: starts at 1 (the owner's reference); {@link #tryIncRef} fails
 * once the count reached 0; the release action runs exactly once, when it does.
 */
final class RefCount {
  private final AtomicInteger refs = new AtomicInteger(1);
  private final Runnable onRelease;

  RefCount(Runnable onRelease) {
    this.onRelease = onRelease;
  }

  boolean tryIncRef() {
    while (true) {
      int n = refs.get();
      if (n <= 0) return false;
      if (refs.compareAndSet(n, n + 1)) return true;
    }
  }

  void decRef() {
    int n = refs.decrementAndGet();
    if (n == 0) {
      onRelease.run();
    } else if (n < 0) {
      throw new IllegalStateException("released more often than acquired");
    }
  }

  int count() {
    return refs.get();
  }
}
