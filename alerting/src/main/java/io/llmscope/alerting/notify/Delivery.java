package io.llmscope.alerting.notify;

/**
 * How one notification ended at one notifier, as {@link Notifiers#deliveries()} lists it.
 *
 * @param notifier the notifier's name
 * @param notificationId {@link Notification#id}
 * @param rule the notification's rule
 * @param state whether it told of a firing or a resolve
 * @param outcome delivered, failed (refused, or no attempt succeeded) or dropped (never tried)
 * @param attempts POSTs made, 0 when dropped
 * @param status HTTP status of the last answer; 0 when there was none (no connection, timeout)
 * @param detail why it failed or was dropped (the receiver's answer, shortened, or the error); empty when delivered
 * @param atMs epoch ms it ended
 */
public record Delivery(
    String notifier,
    String notificationId,
    String rule,
    Notification.State state,
    Outcome outcome,
    int attempts,
    int status,
    String detail,
    long atMs) {

  /** How a delivery ended; {@code retried} is not an end, so only the meter counts it. */
  public enum Outcome {
    DELIVERED,
    FAILED,
    DROPPED;

    /** The {@code outcome} tag of {@code llmscope.alert.notifications}. */
    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
