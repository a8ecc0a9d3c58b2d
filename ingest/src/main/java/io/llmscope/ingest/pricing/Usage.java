package io.llmscope.ingest.pricing;

/**
 * The token usage (and duration) of one model call, as {@link PriceTable#cost} prices it. A NaN count
 * means "not reported" and is priced as 0.
 *
 * @param input every input token, cache reads and cache writes included
 * @param cacheRead input tokens read from the prompt cache
 * @param cacheWrite5m input tokens written to the cache with the 5-minute lifetime; cache writes whose
 *     lifetime is unknown are counted here
 * @param cacheWrite1h input tokens written to the cache with the 1-hour lifetime
 * @param output every output token, reasoning included
 * @param reasoning the reasoning ("thinking") part of {@code output}
 * @param serviceTier the service tier the call ran on ({@code flex}, {@code priority}, {@code batch} ...),
 *     null if unknown (the standard price applies)
 * @param durationMs the call's duration, for models priced per second
 */
public record Usage(double input, double cacheRead, double cacheWrite5m, double cacheWrite1h, double output,
    double reasoning, String serviceTier, double durationMs) {

  /** Input and output only, standard tier. */
  public static Usage of(double input, double output) {
    return new Usage(input, Double.NaN, Double.NaN, Double.NaN, output, Double.NaN, null, Double.NaN);
  }
}
