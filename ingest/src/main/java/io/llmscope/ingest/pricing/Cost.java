package io.llmscope.ingest.pricing;

/**
 * The cost in USD of one model call, by part. Every part, and {@code total}, is rounded to the nearest
 * 1e-12 USD (a millionth of a micro-dollar) so that sums of per-token prices carry no float noise such as
 * {@code 0.0057500000000000005}; {@code total} is rounded once, from the unrounded parts.
 *
 * @param input the uncached input tokens
 * @param cacheRead the cache-read input tokens
 * @param cacheWrite the cache-write input tokens, both lifetimes
 * @param output the output tokens that are not reasoning
 * @param reasoning the reasoning tokens (at the output price when the model has no reasoning price)
 * @param total the sum of the parts, plus duration × per-second price for a model priced per second
 *     (that part has no field of its own)
 */
public record Cost(double input, double cacheRead, double cacheWrite, double output, double reasoning, double total) {}
