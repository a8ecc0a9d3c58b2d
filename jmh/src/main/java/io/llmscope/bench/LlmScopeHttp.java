package io.llmscope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The LLMScope HTTP API as a user's client sees it: real requests over a kept-alive HTTP/1.1
 * connection, responses parsed with Jackson. No {@code Accept-Encoding}, so no gzip on loopback.
 */
final class LlmScopeHttp {
  /** A response: status and parsed body. */
  record Reply(int status, JsonNode body) {
    Reply ok() {
      if (status != 200) throw new IllegalStateException("LLMScope answered " + status + ": " + body);
      return this;
    }
  }

  private final ObjectMapper json;
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  LlmScopeHttp(ObjectMapper json, URI base) {
    this.json = json;
    this.base = base;
  }

  Reply query(JsonNode body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve("/api/v1/query")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))));
  }

  Reply trace(String traceHex) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve("/api/v1/traces/" + traceHex)).GET());
  }

  Reply spans(Map<String, String> params) throws IOException, InterruptedException {
    String q = params.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return send(HttpRequest.newBuilder(base.resolve("/api/v1/spans?" + q)).GET());
  }

  Reply status() throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve("/api/v1/status")).GET());
  }

  private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(request.timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(r.statusCode(), json.readTree(r.body()));
  }
}
