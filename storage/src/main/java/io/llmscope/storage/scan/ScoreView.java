package io.llmscope.storage.scan;

import io.llmscope.storage.model.Score;
import java.util.Map;

/**
 * A tenant's quality scores as queries read them: by trace, with a cheap membership test first,
 * because most spans of a scan belong to traces nobody scored. Scores appended while a query reads
 * the view may or may not be seen by it. Thread-safe.
 */
public interface ScoreView {
  Score[] NONE = new Score[0];

  ScoreView EMPTY = new ScoreView() {
    @Override
    public boolean mayHaveTrace(long traceIdHi, long traceIdLo) {
      return false;
    }

    @Override
    public Score[] ofTrace(long traceIdHi, long traceIdLo) {
      return NONE;
    }

    @Override
    public Map<String, Long> names() {
      return Map.of();
    }
  };

  /** False when the trace certainly has no score; true when it may. */
  boolean mayHaveTrace(long traceIdHi, long traceIdLo);

  /** Every score of the trace in arrival order, {@link #NONE} when none. Never modify the array. */
  Score[] ofTrace(long traceIdHi, long traceIdLo);

  /** What {@link #forEachOfTrace} hands each score to: the fields a query joins on and reads. */
  interface ScoreConsumer {
    void accept(long spanId, String name, double value, String label, long timestampMs);
  }

  /**
   * Hands every score of the trace, in arrival order, to {@code to}: as {@link #ofTrace} without
   * a score object each (a scan calls this for every row of a scored trace).
   */
  default void forEachOfTrace(long traceIdHi, long traceIdLo, ScoreConsumer to) {
    for (Score s : ofTrace(traceIdHi, traceIdLo)) to.accept(s.spanId(), s.name(), s.value(), s.label(), s.timestampMs());
  }

  /**
   * A number that grows whenever a score is added, so what was derived from the scores at one
   * version holds while the version stays; -1 when the view cannot tell (keep nothing derived).
   */
  default long version() {
    return -1;
  }

  /** Each score name with how many scores carry it. */
  Map<String, Long> names();

  /** True when some score carries this name. */
  default boolean hasName(String name) {
    return names().containsKey(name);
  }

  /** True when the tenant has no score at all. */
  default boolean isEmpty() {
    return names().isEmpty();
  }
}
