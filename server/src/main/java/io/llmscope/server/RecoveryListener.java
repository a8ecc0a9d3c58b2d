package io.llmscope.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;

/**
 * The API port while the store recovers (opens segments, replays the WAL): {@code /healthz}
 * says alive, {@code /readyz} and every other path answer 503 with the reason, so probes and
 * clients see "recovering" rather than a refused connection. Closed before the real API binds
 * the same port.
 */
final class RecoveryListener implements AutoCloseable {
  static final String REASON = "not ready: recovering (opening segments and replaying the write-ahead log)";

  private final HttpServer server;

  private RecoveryListener(HttpServer server) {
    this.server = server;
  }

  static RecoveryListener bind(Vertx vertx, String host, int port) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/healthz")) {
        req.response().end("ok\n");
      } else if (req.path().equals("/readyz")) {
        req.response().setStatusCode(503).end(REASON + "\n");
      } else {
        req.response().setStatusCode(503).putHeader("Retry-After", "1").putHeader("Content-Type", "application/json")
            .end("{\"error\":\"" + REASON + "\"}");
      }
    }).listen(port, host).await(30, TimeUnit.SECONDS);
    return new RecoveryListener(server);
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }
}
