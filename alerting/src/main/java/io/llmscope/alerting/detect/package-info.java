/**
 * The alert detectors as pure functions over numbers: {@link io.llmscope.alerting.detect.Anomaly}
 * (robust seasonal z-score), {@link io.llmscope.alerting.detect.Budget} (spend and burn forecast),
 * and {@link io.llmscope.alerting.detect.Drift} over {@link io.llmscope.alerting.detect.Histogram}s,
 * categorical mixes, score summaries and {@link io.llmscope.alerting.detect.NgramProfile}s. They
 * read no clock and no storage; the rule evaluator supplies the numbers.
 */
package io.llmscope.alerting.detect;
