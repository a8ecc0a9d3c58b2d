package io.llmscope.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.query.QueryException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A query's failure becomes the API's answer: the caller's 400, a 503 for a heap run out, else 500. */
class QueryFailureTest {
  @Test
  void aLimitIsTheCallers400() {
    QueryFailure f = QueryFailure.of(new QueryException("query makes more than 5 groups (query.maxGroups)"));
    assertEquals(new QueryFailure(400, "query makes more than 5 groups (query.maxGroups)", 0, false), f);
  }

  @Test
  void aHeapRunOutIs503WithRetryAfterWhereverTheScanThrewIt() {
    // Vert.x hands over what the blocking code threw; a scan helper's error arrives wrapped.
    for (Throwable t : new Throwable[] {new OutOfMemoryError("Java heap space"),
        new CompletionException(new OutOfMemoryError("Java heap space"))}) {
      QueryFailure f = QueryFailure.of(t);
      assertEquals(503, f.status(), t.toString());
      assertEquals(10, f.retryAfterSeconds());
      assertTrue(f.message().contains("query ran out of memory"), f.message());
      assertTrue(f.message().contains("query.maxQueryMemoryBytes"), f.message());
      assertFalse(f.message().contains("OutOfMemoryError"), "a message for the user, not a stack: " + f.message());
    }
  }

  @Test
  void anythingElseIs500NamingIt() {
    QueryFailure f = QueryFailure.of(new CompletionException(new IllegalStateException("segment gone")));
    assertEquals(500, f.status());
    assertEquals("query failed: java.lang.IllegalStateException: segment gone", f.message());
  }
}
