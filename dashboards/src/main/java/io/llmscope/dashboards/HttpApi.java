package io.llmscope.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmscope.query.QueryEngine;
import io.llmscope.query.QueryException;
import io.llmscope.query.QueryResult;
import io.llmscope.storage.Ids;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageStatus;
import io.llmscope.storage.TenantResolver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP API on the main port (query, status, health): the dashboards module's entry point.
 * Routes only wire handlers; each handler answers errors through {@link #sendError}.
 */
public final class HttpApi {
  private static final Logger LOG = Logger.getLogger(HttpApi.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Query bodies are small; anything bigger is a mistake. */
  private static final long MAX_API_BODY_BYTES = 1 << 20;

  private final Vertx vertx;
  private final Storage storage;
  private final QueryEngine queries;
  private final TenantResolver tenants;
  private final BooleanSupplier ready;
  private final Map<String, Extra> extraMetrics = new LinkedHashMap<>();
  private HttpServer server;

  /** A named gauge or counter published on /metrics by another module (e.g. ingest). */
  public interface Extra {
    double value();
  }

  public HttpApi(Vertx vertx, Storage storage, QueryEngine queries, TenantResolver tenants, BooleanSupplier ready) {
    this.vertx = vertx;
    this.storage = storage;
    this.queries = queries;
    this.tenants = tenants;
    this.ready = ready;
  }

  /** Adds a Prometheus sample {@code name} to /metrics; call before {@link #start}. */
  public HttpApi metric(String name, Extra value) {
    extraMetrics.put(name, value);
    return this;
  }

  public Future<Void> start(String host, int port) {
    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> ctx.response().end("ok\n"));
    router.get("/readyz").handler(this::handleReady);
    router.get("/metrics").handler(this::handleMetrics);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_API_BODY_BYTES));
    router.post("/api/v1/query").handler(this::handleQuery);
    router.get("/api/v1/status").handler(this::handleStatus);
    router.get("/api/v1/traces/:traceId").handler(this::handleTrace);
    router.route("/api/*").failureHandler(ctx -> sendError(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500,
        ctx.statusCode() == 413 ? "request body too large" : String.valueOf(ctx.failure())));
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(true);
    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> server = s).mapEmpty();
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  private String tenant(RoutingContext ctx) {
    String tenant = tenants.tenant(ctx.request().getHeader("Authorization"));
    if (tenant == null) sendError(ctx, 401, "missing or invalid API key: send Authorization: Bearer KEY");
    return tenant;
  }

  private void handleReady(RoutingContext ctx) {
    if (ready.getAsBoolean()) {
      ctx.response().end("ready\n");
    } else {
      ctx.response().setStatusCode(503).end("starting\n");
    }
  }

  private void handleQuery(RoutingContext ctx) {
    String tenant = tenant(ctx);
    if (tenant == null) return;
    JsonNode body;
    try {
      body = JSON.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      sendError(ctx, 400, "query body is not valid JSON: " + e.getOriginalMessage());
      return;
    } catch (IOException e) {
      sendError(ctx, 400, "query body could not be read: " + e.getMessage());
      return;
    }
    vertx.executeBlocking(() -> queries.query(tenant, body), false).onComplete(ar -> {
      if (ar.succeeded()) {
        sendJson(ctx, 200, toJson(ar.result()));
      } else if (ar.cause() instanceof QueryException e) {
        sendError(ctx, 400, e.getMessage());
      } else {
        LOG.log(Level.WARNING, "query failed", ar.cause());
        sendError(ctx, 500, "query failed: " + ar.cause());
      }
    });
  }

  private static ObjectNode toJson(QueryResult r) {
    ObjectNode out = JSON.createObjectNode();
    out.set("columns", JSON.valueToTree(r.columns()));
    out.set("rows", JSON.valueToTree(r.rows()));
    ObjectNode stats = out.putObject("stats");
    stats.put("rowsScanned", r.stats().rowsScanned());
    stats.put("segmentsScanned", r.stats().segmentsScanned());
    stats.put("segmentsPruned", r.stats().segmentsPruned());
    stats.put("tookMs", r.stats().tookMs());
    return out;
  }

  private void handleTrace(RoutingContext ctx) {
    String tenant = tenant(ctx);
    if (tenant == null) return;
    String id = ctx.pathParam("traceId");
    long[] parsed = Ids.parseTraceHex(id);
    if (parsed == null) {
      sendError(ctx, 400, "trace id must be 32 hex characters, got '" + id + "'");
      return;
    }
    vertx.executeBlocking(() -> storage.trace(tenant, parsed[0], parsed[1]), false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.log(Level.WARNING, "trace lookup failed", ar.cause());
        sendError(ctx, 500, "trace lookup failed: " + ar.cause());
      } else if (ar.result().isEmpty()) {
        sendError(ctx, 404, "trace " + id.toLowerCase(java.util.Locale.ROOT) + " not found");
      } else {
        sendJson(ctx, 200, TraceJson.trace(JSON, ar.result()));
      }
    });
  }

  private void handleStatus(RoutingContext ctx) {
    String tenant = tenant(ctx);
    if (tenant == null) return;
    StorageStatus s = storage.status(tenant);
    ObjectNode out = JSON.createObjectNode();
    out.put("spans", s.spans());
    out.put("headRows", s.headRows());
    out.put("segments", s.segments());
    out.put("walBytes", s.walBytes());
    out.put("segmentBytes", s.segmentBytes());
    out.put("oldest", s.oldest());
    out.put("newest", s.newest());
    sendJson(ctx, 200, out);
  }

  private void handleMetrics(RoutingContext ctx) {
    StringBuilder sb = new StringBuilder();
    StorageStatus s = storage.status("default");
    sample(sb, "llmscope_wal_bytes", s.walBytes());
    sample(sb, "llmscope_head_rows", s.headRows());
    sample(sb, "llmscope_segments", s.segments());
    extraMetrics.forEach((name, v) -> sample(sb, name, v.value()));
    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(sb.toString());
  }

  private static void sample(StringBuilder sb, String name, double value) {
    sb.append(name).append(' ');
    if (value == Math.rint(value)) sb.append((long) value); else sb.append(value);
    sb.append('\n');
  }

  private static void sendJson(RoutingContext ctx, int status, JsonNode body) {
    try {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(JSON.writeValueAsString(body));
    } catch (IOException e) {
      sendError(ctx, 500, "could not encode response");
    }
  }

  static void sendError(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) return;
    ObjectNode err = JSON.createObjectNode().put("error", message);
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(err.toString());
  }
}
