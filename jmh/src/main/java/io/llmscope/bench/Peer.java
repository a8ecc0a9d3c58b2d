package io.llmscope.bench;

/**
 * A peer engine holding the same rows as LLMScope in its own {@link SpansTable}: asked the same
 * questions in its own SQL ({@link SqlDialect}), each answer read whole into an {@link Answer}.
 */
interface Peer extends AutoCloseable {
  SqlDialect dialect();

  /** Runs a query and reads every row of its answer. */
  Answer select(String sql) throws Exception;

  /** The engine's version, as it reports it. */
  String version() throws Exception;

  /** Bytes the table takes on disk, indexes included. */
  long bytesOnDisk() throws Exception;

  /** How the rows got in: rows per second over the timed load, and what was timed. */
  record Load(long rows, double seconds, String how) {
    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  default String label() {
    return dialect().label;
  }

  @Override
  void close() throws Exception;
}
