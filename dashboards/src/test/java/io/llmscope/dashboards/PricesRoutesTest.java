package io.llmscope.dashboards;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmscope.query.QueryEngine;
import io.llmscope.storage.Repricing;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageConfig;
import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reprice and prices routes over real HTTP and a real store, with a price book whose cost
 * function waits for the test: while a tenant's job runs, a second job and any price change of
 * that tenant get 409; another tenant is not held up; without pricing there is nothing to reprice.
 */
class PricesRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  /** A price book that prices every call at $1 once {@code release} opens; {@code costs} null: pricing off. */
  private static final class Book implements PriceBook {
    final CountDownLatch release = new CountDownLatch(1);
    boolean pricing = true;
    final List<String> changes = new ArrayList<>();

    @Override
    public ObjectNode list(String tenant, String model, String provider, String source) {
      return JSON.createObjectNode().put("count", 0);
    }

    @Override
    public ObjectNode put(String tenant, JsonNode body) {
      changes.add("put " + tenant);
      return JSON.createObjectNode().put("added", 1);
    }

    @Override
    public ObjectNode remove(String tenant, String model, String provider, String effectiveFrom) {
      changes.add("remove " + tenant);
      return JSON.createObjectNode().put("removed", 1);
    }

    @Override
    public Repricing.CostFunction costs(String tenant) {
      if (!pricing) return null;
      return (span, detail) -> {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        span.measure(Measure.COST_USD, 1.0);
      };
    }
  }

  private record Answer(int status, JsonNode body) {}

  private Answer send(int port, String method, String path, String body, String tenant) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Authorization", tenant);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  private static List<LlmSpan> calls(int n) {
    List<LlmSpan> out = new ArrayList<>();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < n; i++) {
      LlmSpan s = new LlmSpan();
      s.traceIdHi = 1;
      s.traceIdLo = i + 1;
      s.spanId = i + 1;
      s.startNanos = now - i * 1_000_000L;
      s.endNanos = s.startNanos + 1_000_000L;
      s.llm = true;
      s.dim(Dim.MODEL, "m").measure(Measure.INPUT_TOKENS, 10);
      out.add(s);
    }
    return out;
  }

  @Test
  void whileATenantsJobRunsItsPricesAndJobsWait() throws Exception {
    Vertx vertx = Vertx.vertx();
    Book book = new Book();
    try (Storage storage = Storage.open(StorageConfig.builder(dir).build());
        QueryEngine queries = new QueryEngine(storage)) {
      storage.append("a", calls(5));
      storage.append("b", calls(5));
      HttpApi api = new HttpApi(vertx, storage, queries, h -> h, () -> true,
          new ApiMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), storage)).prices(book);
      api.start("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      int port = api.port();

      Answer started = send(port, "POST", "/api/v1/reprice", "{\"from\":0,\"to\":\"now\"}", "a");
      assertEquals(202, started.status(), started.body().toString());
      String id = started.body().get("id").asText();
      Answer again = send(port, "POST", "/api/v1/reprice", "{\"from\":0,\"to\":\"now\"}", "a");
      assertEquals(409, again.status(), again.body().toString());
      assertEquals(id, again.body().get("id").asText());
      assertEquals(409, send(port, "PUT", "/api/v1/prices", "[]", "a").status());
      assertEquals(409, send(port, "DELETE", "/api/v1/prices?model=m", null, "a").status());
      assertEquals(List.of(), book.changes, "no price changed under the job");
      assertEquals(200, send(port, "PUT", "/api/v1/prices", "[]", "b").status(), "another tenant's prices may change");
      assertEquals("running", send(port, "GET", "/api/v1/reprice/" + id, null, "a").body().get("state").asText());

      book.release.countDown();
      Repricing.Status done = storage.repricing().await("a", id, 30_000);
      assertEquals(Repricing.State.DONE, done.state());
      JsonNode status = send(port, "GET", "/api/v1/reprice/" + id, null, "a").body();
      assertEquals("done", status.get("state").asText());
      assertEquals(5, status.get("spansRepriced").asLong());
      assertEquals(5, status.get("spansChanged").asLong());
      assertEquals(200, send(port, "PUT", "/api/v1/prices", "[]", "a").status(), "prices may change again");

      book.pricing = false;
      Answer off = send(port, "POST", "/api/v1/reprice", "{\"from\":0,\"to\":\"now\"}", "b");
      assertEquals(409, off.status());
      assertTrue(off.body().get("error").asText().contains("ingest.pricing"), off.body().toString());
      api.stop(1000).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      vertx.close();
    }
  }
}
