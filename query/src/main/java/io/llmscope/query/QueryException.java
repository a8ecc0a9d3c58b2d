package io.llmscope.query;

/** A query the engine cannot run as written; the message names what is wrong (HTTP 400). */
public final class QueryException extends RuntimeException {
  public QueryException(String message) {
    super(message);
  }
}
