package io.llmscope.alerting;

/** A rule body that cannot be a rule; the message names the field (the API answers 400 with it). */
public final class RuleException extends RuntimeException {
  public RuleException(String message) {
    super(message);
  }
}
