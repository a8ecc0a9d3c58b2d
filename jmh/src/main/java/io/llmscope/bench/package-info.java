/**
 * Side-by-side harness: BENCHMARKS.md Q1–Q8 on a running LLMScope server and on DuckDB holding
 * exactly the same rows, exported from the server's data dir. Entry point {@link
 * io.llmscope.bench.PeerQueries}; driven end to end by {@code jmh/scripts/peer-queries.sh}.
 */
package io.llmscope.bench;
