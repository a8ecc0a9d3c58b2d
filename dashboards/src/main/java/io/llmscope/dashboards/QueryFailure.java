package io.llmscope.dashboards;

import io.llmscope.query.QueryException;
import io.llmscope.query.QueryLimits;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * How the API answers a query that failed: a bad query or one over a limit is the caller's 400; a
 * query that ran the heap out anyway (the limits should refuse it first) is 503 with Retry-After,
 * because its state is garbage once its thread unwound and the server goes on; anything else 500.
 *
 * @param retryAfterSeconds for the Retry-After header; 0 for none
 * @param unexpected whether the server should log it
 */
record QueryFailure(int status, String message, int retryAfterSeconds, boolean unexpected) {
  static final String OUT_OF_MEMORY = "query ran out of memory (the heap is shared with ingest, sealing and other queries);"
      + " narrow it (filters, fewer or coarser groups, a larger step) or lower " + QueryLimits.MAX_QUERY_MEMORY_KEY
      + " so that such queries are refused up front";

  static QueryFailure of(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof QueryException e) return new QueryFailure(400, e.getMessage(), 0, false);
    if (cause instanceof OutOfMemoryError) return new QueryFailure(503, OUT_OF_MEMORY, 10, true);
    return new QueryFailure(500, "query failed: " + cause, 0, true);
  }
}
