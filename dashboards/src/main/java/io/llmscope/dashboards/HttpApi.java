package io.llmscope.dashboards;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmscope.alerting.Alerting;
import io.llmscope.query.Fields;
import io.llmscope.query.Query;
import io.llmscope.query.QueryEngine;
import io.llmscope.query.QueryResult;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageFullException;
import io.llmscope.storage.StorageStatus;
import io.llmscope.storage.model.Ids;
import io.llmscope.storage.model.Score;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP API on the main port (query, status, health): the dashboards module's entry point.
 * Routes only wire handlers; each handler answers errors through {@link #sendError}.
 */
public final class HttpApi {
  private static final Logger LOG = Logger.getLogger(HttpApi.class.getName());
  /** Answers carry thousands of doubles (quantiles per group and step): Jackson's Schubfach writer, not Double.toString. */
  private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
  /** Largest API body (config {@code api.maxBodyBytes}): queries, rules and prices are small. */
  private long maxBodyBytes = 1 << 20;
  /** Scores one {@code POST /api/v1/scores} may carry (config {@code api.maxScoresPerRequest}; the body limit bounds it too). */
  private int maxScoresPerRequest = 10_000;
  /** Routing-context key: the request arrived while stopping; an API call is answered 503 once its body is in. */
  private static final String REFUSED = "llmscope.refused";

  private final Vertx vertx;
  private final Storage storage;
  private final QueryEngine queries;
  private final Function<String, String> tenants;
  private final BooleanSupplier ready;
  private final ApiMetrics metrics;
  private final Drain drain = new Drain();
  private HttpServer server;
  private PriceBook prices;
  private Alerting alerting;

  /**
   * @param tenants maps a request's {@code Authorization} header (null when absent) to its tenant;
   *     null refuses the request (401)
   * @param ready true once the process has recovered and every listener is up, false again when it stops
   *     ({@code /readyz})
   * @param metrics what {@code /metrics} serves; query latency is recorded into it
   */
  public HttpApi(Vertx vertx, Storage storage, QueryEngine queries, Function<String, String> tenants,
      BooleanSupplier ready, ApiMetrics metrics) {
    this.vertx = vertx;
    this.storage = storage;
    this.queries = queries;
    this.tenants = tenants;
    this.ready = ready;
    this.metrics = metrics;
  }

  /**
   * Serves {@code /api/v1/prices} and {@code /api/v1/reprice} from these price tables (see
   * {@link PricesRoutes}); without, those paths are not found. Call before {@link #start}.
   */
  /** The API's request limits; call before {@code start}. */
  public HttpApi limits(long maxBodyBytes, int maxScoresPerRequest) {
    this.maxBodyBytes = maxBodyBytes;
    this.maxScoresPerRequest = maxScoresPerRequest;
    return this;
  }

  public HttpApi prices(PriceBook book) {
    this.prices = book;
    return this;
  }

  /** Serves the alerting endpoints (see {@link AlertRoutes}) from this module. Call before {@link #start}. */
  public HttpApi alerting(Alerting alerts) {
    this.alerting = alerts;
    return this;
  }

  public Future<Void> start(String host, int port) {
    Router router = Router.router(vertx);
    router.route().handler(this::admit);
    router.get("/healthz").handler(ctx -> ctx.response().end("ok\n"));
    router.get("/readyz").handler(this::handleReady);
    router.get("/metrics").handler(this::handleMetrics);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    router.route("/api/*").handler(this::refuseWhenStopping);
    router.post("/api/v1/query").handler(this::handleQuery);
    router.get("/api/v1/status").handler(this::handleStatus);
    router.get("/api/v1/traces/:traceId").handler(this::handleTrace);
    router.get("/api/v1/spans").handler(this::handleSpans);
    router.get("/api/v1/fields").handler(this::handleFields);
    router.post("/api/v1/scores").handler(this::handleScores);
    router.post("/api/v1/compare").handler(this::handleCompare);
    router.get("/api/v1/values/:field").handler(this::handleValues);
    if (alerting != null) new AlertRoutes(vertx, alerting, this::tenant, System::currentTimeMillis).register(router);
    if (prices != null) new PricesRoutes(vertx, storage, prices, this::tenant, System::currentTimeMillis).register(router);
    router.route("/api/*").failureHandler(ctx -> sendError(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500,
        ctx.statusCode() == 413 ? "request body too large" : String.valueOf(ctx.failure())));
    // The web UI (built into the jar under ui/ by the dashboards module's npm build): index.html at
    // "/", content-hashed assets under /assets/ (cached for a day; a new build has new names), and
    // index.html never cached, so an upgrade is seen on the next load. Client routes live in the URL's
    // fragment, so nothing else is needed; API, metrics and health paths keep their own 404s.
    router.get("/assets/*").handler(StaticHandler.create("ui/assets").setCachingEnabled(true).setMaxAgeSeconds(86_400));
    router.getWithRegex("/(?!api/|metrics$|healthz$|readyz$|assets/).*").handler(StaticHandler.create("ui").setCachingEnabled(false));
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(true);
    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> server = s).mapEmpty();
  }

  public int port() {
    return server.actualPort();
  }

  /**
   * Graceful stop: from now on every API call is answered 503 (retry later); those taken before
   * are finished and answered; the listener closes once no request is in progress and none has
   * come for a moment, or when {@code graceMs} is over. Health, readiness and metrics still answer
   * meanwhile ({@code /readyz} with 503 once the caller says so).
   */
  public Future<Void> stop(long graceMs) {
    if (server == null) return Future.succeededFuture();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
    return drain.drain(vertx, graceMs).compose(drained -> server.shutdown(
        Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
        TimeUnit.MILLISECONDS));
  }

  /**
   * Before anything else: counts a request taken until its context ends, or marks it refused when
   * stopping. While stopping, every HTTP/1.x response says {@code Connection: close}.
   */
  private void admit(RoutingContext ctx) {
    if (drain.take()) {
      ctx.addEndHandler(ended -> drain.done());
    } else {
      ctx.put(REFUSED, Boolean.TRUE);
    }
    ctx.addHeadersEndHandler(v -> {
      if (drain.draining() && ctx.request().version() != HttpVersion.HTTP_2) ctx.response().putHeader("Connection", "close");
    });
    ctx.next();
  }

  /** After the body is read: answering before would leave it unread on a closing connection. */
  private void refuseWhenStopping(RoutingContext ctx) {
    if (ctx.get(REFUSED) == null) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("Retry-After", "1");
    sendError(ctx, 503, "server is shutting down; retry later");
  }

  private String tenant(RoutingContext ctx) {
    String tenant = tenants.apply(ctx.request().getHeader("Authorization"));
    if (tenant == null) sendError(ctx, 401, "missing or invalid API key: send Authorization: Bearer KEY");
    return tenant;
  }

  /** 200 only while the server is up and the store takes writes; 503 says why not. */
  private void handleReady(RoutingContext ctx) {
    String problem = ready.getAsBoolean() ? storage.writeProblem() : "not ready: starting or stopping";
    if (problem == null) {
      ctx.response().end("ready\n");
    } else {
      ctx.response().setStatusCode(503).end(problem + "\n");
    }
  }

  private void handleQuery(RoutingContext ctx) {
    String tenant = tenant(ctx);
    if (tenant == null) return;
    JsonNode body = jsonBody(ctx, "query");
    if (body == null) return;
    // Encoded off the event loop too: a per-minute panel can be tens of thousands of rows.
    long started = System.nanoTime();
    vertx.executeBlocking(() -> JSON.writeValueAsBytes(toJson(queries.query(tenant, body))), false).onComplete(ar -> {
      metrics.queryDone(started, ar.cause());
      if (ar.succeeded()) {
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(Buffer.buffer(ar.result()));
      } else {
        queryFailed(ctx, ar.cause());
      }
    });
  }

  /** The request's JSON body, or null once a 400 naming {@code what} body is sent. */
  private static JsonNode jsonBody(RoutingContext ctx, String what) {
    try {
      return JSON.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      sendError(ctx, 400, what + " body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      sendError(ctx, 400, what + " body could not be read: " + e.getMessage());
    }
    return null;
  }

  /** {@code POST /api/v1/compare}: two cohorts' metrics with their differences and tests. */
  private void handleCompare(RoutingContext ctx) {
    String tenant = tenant(ctx);
    if (tenant == null) return;
    JsonNode body = jsonBody(ctx, "compare");
    if (body == null) return;
    long started = System.nanoTime();
    vertx.executeBlocking(() -> queries.compare(tenant, body), false).onComplete(ar -> {
      metrics.queryDone(started, ar.cause());
      if (ar.succeeded()) sendJson(ctx, 200, ar.result());
      else queryFailed(ctx, ar.cause());
    });
  }

  /** The response as plain maps and lists, which Jackson streams without building a tree. */
  private static Map<String, Object> toJson(QueryResult r) {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("rowsScanned", r.stats().rowsScanned());
    stats.put("rollupCells", r.stats().rollupCells());
    stats.put("segmentsScanned", r.stats().segmentsScanned());
    stats.put("segmentsPruned", r.stats().segmentsPruned());
    stats.put("totalRows", r.stats().totalRows());
    stats.put("tookMs", r.stats().tookMs());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("columns", r.columns());
    out.put("rows", r.rows());
    out.put("stats", stats);
    if (r.plan() != null) out.put("plan", r.plan().toJson());
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
    vertx.executeBlocking(() -> queries.trace(tenant, parsed[0], parsed[1]), false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.log(Level.WARNING, "trace lookup failed", ar.cause());
        sendError(ctx, 500, "trace lookup failed: " + ar.cause());
      } else if (ar.result().isEmpty()) {
        sendError(ctx, 404, "trace " + id.toLowerCase(java.util.Locale.ROOT) + " not found");
      } else {
        sendJson(ctx, 200, TraceJson.trace(JSON, ar.result(), storage.scores(tenant).ofTrace(parsed[0], parsed[1])));
      }
    });
  }

  /** {@code POST /api/v1/scores}: user feedback and judge results, durable before the answer. */
  private void handleScores(RoutingContext ctx) {
    String tenant = tenant(ctx);
    if (tenant == null) return;
    JsonNode body = jsonBody(ctx, "scores");
    if (body == null) return;
    List<Score> scores;
    try {
      scores = ScoreJson.read(body, System.currentTimeMillis(), maxScoresPerRequest);
    } catch (ScoreJson.BadScore e) {
      sendError(ctx, 400, e.getMessage());
      return;
    }
    vertx.executeBlocking(() -> storage.appendScores(tenant, scores), false).onComplete(ar -> {
      if (ar.succeeded()) {
        sendJson(ctx, 200, JSON.createObjectNode().put("accepted", ar.result().stored() + ar.result().duplicates())
            .put("stored", ar.result().stored()).put("duplicates", ar.result().duplicates()));
      } else if (ar.cause() instanceof StorageFullException full) {
        ctx.response().putHeader("Retry-After", "5");
        sendError(ctx, 503, "cannot store scores now: " + full.getMessage() + "; retry later");
      } else {
        LOG.log(Level.WARNING, "score append failed", ar.cause());
        sendError(ctx, 503, "could not store scores: " + ar.cause().getMessage());
      }
    });
  }

  private void handleSpans(RoutingContext ctx) {
    String tenant = tenant(ctx);
    if (tenant == null) return;
    Map<String, String> params = new LinkedHashMap<>();
    ctx.queryParams().forEach(e -> params.put(e.getKey(), e.getValue()));
    vertx.executeBlocking(() -> queries.spans(tenant, params), false).onComplete(ar -> {
      if (ar.succeeded()) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode arr = out.putArray("spans");
        ar.result().forEach(s -> arr.add(TraceJson.fields(JSON, s)));
        sendJson(ctx, 200, out);
      } else {
        queryFailed(ctx, ar.cause());
      }
    });
  }

  private void handleFields(RoutingContext ctx) {
    String tenant = tenant(ctx);
    if (tenant == null) return;
    ObjectNode out = JSON.createObjectNode();
    ArrayNode arr = out.putArray("fields");
    for (Fields.Field f : Fields.all()) {
      ObjectNode o = arr.addObject().put("name", f.name()).put("type", f.type().json());
      if (f.pattern()) o.put("pattern", true);
    }
    // The tenant's score names, for pickers: score.NAME with how many scores carry it.
    storage.scores(tenant).names().forEach((name, n) ->
        arr.addObject().put("name", "score." + name).put("type", Fields.Type.NUMBER.json()).put("score", true).put("count", n));
    sendJson(ctx, 200, out);
  }

  /** Distinct values of a field in a time range, most frequent first (for pickers): a grouped count query. */
  private void handleValues(RoutingContext ctx) {
    String tenant = tenant(ctx);
    if (tenant == null) return;
    String field = ctx.pathParam("field");
    String from = ctx.queryParams().get("from");
    String to = ctx.queryParams().get("to");
    String limit = ctx.queryParams().get("limit");
    vertx.executeBlocking(() -> {
      Query q = queries.newQuery().from(from == null ? "now-24h" : from).to(to == null ? "now" : to)
          .groupBy(field).metrics("count").orderBy("count", true).limit(limitParam(limit)).llmOnly(false)
          .build(queries.limits());
      return queries.query(tenant, q);
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        queryFailed(ctx, ar.cause());
        return;
      }
      ObjectNode out = JSON.createObjectNode().put("field", field);
      ArrayNode values = out.putArray("values");
      for (List<Object> row : ar.result().rows()) {
        if (row.get(0) != null) values.addObject().putPOJO("value", row.get(0)).putPOJO("count", row.get(1));
      }
      sendJson(ctx, 200, out);
    });
  }

  /** The {@code limit} URL parameter; not a number gives -1, which the query builder rejects in its turn. */
  private static int limitParam(String limit) {
    if (limit == null) return 1000;
    try {
      return Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void queryFailed(RoutingContext ctx, Throwable cause) {
    QueryFailure f = QueryFailure.of(cause);
    if (f.status() == 503) {
      // No stack trace: building one may need memory again.
      LOG.severe("query ran out of memory: " + cause);
    } else if (f.unexpected()) {
      LOG.log(Level.WARNING, "query failed", cause);
    }
    if (f.retryAfterSeconds() > 0 && !ctx.response().ended()) {
      ctx.response().putHeader("Retry-After", Integer.toString(f.retryAfterSeconds()));
    }
    sendError(ctx, f.status(), f.message());
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

  /** Prometheus text, scraped off the event loop (it reads every tenant's status). */
  private void handleMetrics(RoutingContext ctx) {
    vertx.executeBlocking(metrics::scrape, false).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", ApiMetrics.CONTENT_TYPE).end(ar.result());
      } else {
        LOG.log(Level.WARNING, "metrics scrape failed", ar.cause());
        ctx.response().setStatusCode(500).end("metrics scrape failed: " + ar.cause() + "\n");
      }
    });
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
