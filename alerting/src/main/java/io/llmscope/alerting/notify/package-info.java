/**
 * Delivery of alert notifications to receivers: a generic JSON webhook, Alertmanager (API v2) and
 * Slack incoming webhooks. The entry point is {@link io.llmscope.alerting.notify.Notifiers}, built
 * from {@link io.llmscope.alerting.notify.NotifierConfig}s (the config's {@code notifiers:} list);
 * the alert engine hands it a {@link io.llmscope.alerting.notify.Notification} on each firing and
 * each resolve, with the names of the notifiers the rule lists. Payload formats are documented on
 * {@code Payloads}; each notifier queues and retries on its own thread.
 */
package io.llmscope.alerting.notify;
