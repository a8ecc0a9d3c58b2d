package io.llmscope.alerting;

import java.util.Map;

/**
 * One group's reading of a rule at one instant: its labels (the groupBy values), the value the
 * rule looks at, whether it breaks the rule, and what the detector says about it.
 */
record Observation(Map<String, String> labels, double value, boolean breaching, Map<String, Object> detail) {}
