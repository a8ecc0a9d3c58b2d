package io.llmscope.storage;

import io.llmscope.storage.segment.ColumnCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * What {@link Storage} and its {@link Maintenance} share: the one current {@link StoreState},
 * replaced as a whole (a change of the segment list is written to the manifest first), the lock
 * that serialises WAL appends with head rotation, the heads some reference still holds, and
 * whether the store is closed.
 */
final class CurrentState {
  /** Serialises WAL appends with head rotation (and WAL sync and close). */
  final Object writeLock = new Object();
  /** Heads a reference still holds; the WAL keeps what they point into. */
  final Set<LiveHead> liveHeads = ConcurrentHashMap.newKeySet();
  final AtomicBoolean closed = new AtomicBoolean();
  private final Object stateLock = new Object();
  private final Path manifestDir;
  private volatile StoreState state;
  /** Decoded columns of the open segments. */
  final ColumnCache columnCache;

  CurrentState(Path manifestDir, StoreState initial, ColumnCache columnCache) {
    this.manifestDir = manifestDir;
    this.columnCache = columnCache;
    this.state = initial;
  }

  StoreState get() {
    return state;
  }

  /** Replaces the state without a manifest commit (the segment list stays). */
  void swap(UnaryOperator<StoreState> change) {
    synchronized (stateLock) {
      state = change.apply(state);
    }
  }

  /** Writes the manifest of the changed state, then makes it the state. */
  void commit(UnaryOperator<StoreState> change) throws IOException {
    synchronized (stateLock) {
      StoreState next = change.apply(state);
      Manifest.commit(manifestDir, next.manifest(), CrashPoints::reached);
      state = next;
    }
  }
}
