package io.llmscope.ingest.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code prices.json} is what {@link DerivePrices} makes of the source files, when they
 * are at hand ({@code -Dllmscope.pricingSources=DIR}, default {@code /work/shared/pricing}); with
 * {@code -Dllmscope.derivePrices=write} the test writes the file instead.
 */
class DerivePricesTest {
  private static final Path RESOURCE = Path.of("src/main/resources/io/llmscope/ingest/pricing/prices.json");

  @Test
  void theShippedTableIsDerivedFromTheSources() throws Exception {
    Path sources = Path.of(System.getProperty("llmscope.pricingSources", "/work/shared/pricing"));
    assumeTrue(Files.isRegularFile(sources.resolve(DerivePrices.GENAI)) && Files.isRegularFile(sources.resolve(DerivePrices.LITELLM)),
        "price sources not at " + sources);
    String derived = DerivePrices.derive(sources);
    if ("write".equals(System.getProperty("llmscope.derivePrices"))) Files.writeString(RESOURCE, derived);
    assertEquals(derived, Files.readString(RESOURCE), "prices.json is stale: re-run DerivePrices");
  }
}
