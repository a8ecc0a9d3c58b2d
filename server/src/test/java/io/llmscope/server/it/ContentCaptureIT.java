package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code content.capture: false} keeps prompt and completion text out of the store, and nothing else. */
class ContentCaptureIT {
  @TempDir Path dir;

  @Test
  void contentIsDroppedWhenCaptureIsOff() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "content:\n  capture: false\n");
    var req = TestRequests.chat(new Random(3), "content-off", "gpt-4o", 1, 10, 5);
    var span = req.getResourceSpans(0).getScopeSpans(0).getSpans(0).toBuilder()
        .addAttributes(TestRequests.kv("gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"secret prompt\"}]}]"))
        .addAttributes(TestRequests.kv("gen_ai.output.messages", "secret answer"))
        .build();
    var body = req.toBuilder().setResourceSpans(0, req.getResourceSpans(0).toBuilder()
        .setScopeSpans(0, req.getResourceSpans(0).getScopeSpans(0).toBuilder().setSpans(0, span))).build();
    try (ServerProcess s = ServerProcess.start(dir.resolve("data"), "--config", config.toString())) {
      assertEquals(200, s.postOtlp(body.toByteArray(), "application/x-protobuf", null).statusCode());
      String traceId = java.util.HexFormat.of().formatHex(span.getTraceId().toByteArray());
      JsonNode attrs = s.get("/api/v1/traces/" + traceId).get("spans").get(0).get("attributes");
      assertFalse(attrs.has("gen_ai.input.messages"), attrs.toString());
      assertFalse(attrs.has("gen_ai.output.messages"), attrs.toString());
      assertEquals("gpt-4o", attrs.get("gen_ai.request.model").asText());
      assertEquals(10, attrs.get("gen_ai.usage.input_tokens").asLong());
    }
  }
}
