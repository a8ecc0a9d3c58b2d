package io.llmscope.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmscope.query.TimeExpr;
import io.llmscope.storage.Repricing;
import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageFullException;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /api/v1/prices} (GET, PUT, DELETE) and {@code /api/v1/reprice} (POST, GET): a tenant's
 * price overrides and the jobs that reprice its history with them.
 *
 * <p>A tenant's price changes and reprice starts are serialised, and prices cannot change while a
 * reprice job of the tenant runs (409): a job prices every span of its range with one table.
 */
final class PricesRoutes {
  private static final Logger LOG = Logger.getLogger(PricesRoutes.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> REPRICE_FIELDS = List.of("from", "to", "model");
  private static final String TIME_FORMS = "ISO-8601, epoch ms, now or now-15m";

  private final Vertx vertx;
  private final Storage storage;
  private final PriceBook prices;
  private final Function<RoutingContext, String> tenants;
  private final LongSupplier clockMs;
  private final Map<String, Object> tenantLocks = new ConcurrentHashMap<>();

  PricesRoutes(Vertx vertx, Storage storage, PriceBook prices, Function<RoutingContext, String> tenants, LongSupplier clockMs) {
    this.vertx = vertx;
    this.storage = storage;
    this.prices = prices;
    this.tenants = tenants;
    this.clockMs = clockMs;
  }

  void register(Router router) {
    router.get("/api/v1/prices").handler(this::list);
    router.put("/api/v1/prices").handler(this::put);
    router.delete("/api/v1/prices").handler(this::remove);
    router.post("/api/v1/reprice").handler(this::reprice);
    router.get("/api/v1/reprice").handler(this::jobs);
    router.get("/api/v1/reprice/:id").handler(this::job);
  }

  private void list(RoutingContext ctx) {
    String tenant = tenants.apply(ctx);
    if (tenant == null) return;
    String model = param(ctx, "model");
    String provider = param(ctx, "provider");
    String source = param(ctx, "source");
    blocking(ctx, 200, () -> prices.list(tenant, model, provider, source));
  }

  private void put(RoutingContext ctx) {
    String tenant = tenants.apply(ctx);
    if (tenant == null) return;
    JsonNode body = body(ctx, "a list of price entries or {\"prices\": [...]}");
    if (body == null) return;
    blocking(ctx, 200, () -> {
      synchronized (lock(tenant)) {
        refuseWhileRepricing(tenant);
        return prices.put(tenant, body);
      }
    });
  }

  private void remove(RoutingContext ctx) {
    String tenant = tenants.apply(ctx);
    if (tenant == null) return;
    String model = param(ctx, "model");
    if (model == null) {
      HttpApi.sendError(ctx, 400, "model: required, the model (or pattern) whose overrides to remove");
      return;
    }
    String provider = param(ctx, "provider");
    String from = param(ctx, "effectiveFrom");
    blocking(ctx, 200, () -> {
      synchronized (lock(tenant)) {
        refuseWhileRepricing(tenant);
        ObjectNode out = prices.remove(tenant, model, provider, from);
        if (out.path("removed").asInt() == 0) throw new NotFound("tenant has no price override of model '" + model + "'"
            + (provider == null ? "" : " for provider '" + provider + "'") + (from == null ? "" : " from " + from));
        return out;
      }
    });
  }

  private record Range(long fromNanos, long toNanos, String model) {}

  private void reprice(RoutingContext ctx) {
    String tenant = tenants.apply(ctx);
    if (tenant == null) return;
    JsonNode body = body(ctx, "{\"from\", \"to\", \"model\"?}");
    if (body == null) return;
    Range range;
    try {
      range = range(body);
    } catch (IllegalArgumentException e) {
      HttpApi.sendError(ctx, 400, e.getMessage());
      return;
    }
    vertx.executeBlocking(() -> {
      synchronized (lock(tenant)) {
        Repricing.CostFunction costs = prices.costs(tenant);
        if (costs == null) throw new Conflict("ingest prices nothing (ingest.pricing: false): there is nothing to reprice with", null);
        return storage.repricing().start(tenant, range.fromNanos(), range.toNanos(), range.model(), costs);
      }
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Location", "/api/v1/reprice/" + ar.result().id());
        send(ctx, 202, status(ar.result()));
      } else {
        failed(ctx, ar.cause());
      }
    });
  }

  private void jobs(RoutingContext ctx) {
    String tenant = tenants.apply(ctx);
    if (tenant == null) return;
    ObjectNode out = JSON.createObjectNode();
    ArrayNode arr = out.putArray("jobs");
    for (Repricing.Status s : storage.repricing().jobs(tenant)) arr.add(status(s));
    send(ctx, 200, out);
  }

  private void job(RoutingContext ctx) {
    String tenant = tenants.apply(ctx);
    if (tenant == null) return;
    Repricing.Status s = storage.repricing().status(tenant, ctx.pathParam("id"));
    if (s == null) {
      HttpApi.sendError(ctx, 404, "no reprice job '" + ctx.pathParam("id") + "'");
    } else {
      send(ctx, 200, status(s));
    }
  }

  /** The reprice body: every problem names its field. */
  private Range range(JsonNode body) {
    if (!body.isObject()) throw new IllegalArgumentException("the body must be a JSON object {\"from\", \"to\", \"model\"?}");
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!REPRICE_FIELDS.contains(f)) throw new IllegalArgumentException("unknown field '" + f + "' (known: from, to, model)");
    }
    long now = clockMs.getAsLong();
    long from = time(body.get("from"), "from", now);
    long to = time(body.get("to"), "to", now);
    if (to <= from) throw new IllegalArgumentException("to: must be after from (the range is [from, to))");
    JsonNode m = body.get("model");
    String model = null;
    if (m != null && !m.isNull()) {
      if (!m.isTextual() || m.asText().isBlank()) throw new IllegalArgumentException("model: must be a model name, not " + m);
      model = m.asText();
    }
    return new Range(nanos(from), nanos(to), model);
  }

  private static long time(JsonNode n, String field, long now) {
    if (n == null || n.isNull()) throw new IllegalArgumentException(field + ": required (" + TIME_FORMS + ")");
    if (n.isIntegralNumber() && n.canConvertToLong()) return n.asLong();
    if (!n.isTextual()) throw new IllegalArgumentException(field + ": must be " + TIME_FORMS + ", not " + n);
    return TimeExpr.timeMs(n.asText(), now, field);
  }

  /** Span times are epoch ns; a time past 2262 means "after every span". */
  private static long nanos(long ms) {
    if (ms > Long.MAX_VALUE / 1_000_000L) return Long.MAX_VALUE;
    if (ms < Long.MIN_VALUE / 1_000_000L) return Long.MIN_VALUE;
    return ms * 1_000_000L;
  }

  static ObjectNode status(Repricing.Status s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", s.id());
    o.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
    o.put("from", Math.floorDiv(s.fromNanos(), 1_000_000L));
    o.put("to", Math.floorDiv(s.toNanos(), 1_000_000L));
    if (s.model() != null) o.put("model", s.model());
    o.put("segmentsTotal", s.segmentsTotal());
    o.put("segmentsDone", s.segmentsDone());
    o.put("segmentsRewritten", s.segmentsRewritten());
    o.put("spansRepriced", s.spansRepriced());
    o.put("spansChanged", s.spansChanged());
    o.put("spansUnpriced", s.spansUnpriced());
    o.put("startedAt", s.createdMs());
    if (s.finishedMs() != null) o.put("finishedAt", s.finishedMs());
    if (s.error() != null) o.put("error", s.error());
    return o;
  }

  private Object lock(String tenant) {
    return tenantLocks.computeIfAbsent(tenant, t -> new Object());
  }

  private void refuseWhileRepricing(String tenant) {
    Repricing.Status running = storage.repricing().running(tenant);
    if (running != null) {
      throw new Conflict("prices cannot change while reprice job " + running.id() + " runs (GET /api/v1/reprice/"
          + running.id() + "); retry when it is done", running.id());
    }
  }

  /** 409: the tenant's state does not allow it now. */
  private static final class Conflict extends RuntimeException {
    final String jobId;

    Conflict(String message, String jobId) {
      super(message);
      this.jobId = jobId;
    }
  }

  private static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message);
    }
  }

  private static String param(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** The JSON body, or null once a 400 is sent. */
  private static JsonNode body(RoutingContext ctx, String expected) {
    byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    if (bytes.length == 0) {
      HttpApi.sendError(ctx, 400, "the body is empty: send " + expected);
      return null;
    }
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      HttpApi.sendError(ctx, 400, "the body is not valid JSON: " + why);
      return null;
    }
  }

  /** Runs off the event loop (writes are fsynced) and answers its JSON, or the failure. */
  private void blocking(RoutingContext ctx, int status, Callable<JsonNode> work) {
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (ar.succeeded()) send(ctx, status, ar.result());
      else failed(ctx, ar.cause());
    });
  }

  private static void failed(RoutingContext ctx, Throwable e) {
    if (e instanceof Repricing.BusyException b) {
      ObjectNode err = JSON.createObjectNode().put("error", b.getMessage()).put("id", b.running().id());
      send(ctx, 409, err);
    } else if (e instanceof Conflict c) {
      ObjectNode err = JSON.createObjectNode().put("error", c.getMessage());
      if (c.jobId != null) err.put("id", c.jobId);
      send(ctx, 409, err);
    } else if (e instanceof NotFound) {
      HttpApi.sendError(ctx, 404, e.getMessage());
    } else if (e instanceof IllegalArgumentException) {
      HttpApi.sendError(ctx, 400, e.getMessage());
    } else if (e instanceof StorageFullException) {
      ctx.response().putHeader("Retry-After", "60");
      HttpApi.sendError(ctx, 503, "cannot write now: " + e.getMessage());
    } else {
      LOG.log(Level.WARNING, "prices request failed", e);
      HttpApi.sendError(ctx, 500, "failed: " + e);
    }
  }

  private static void send(RoutingContext ctx, int status, JsonNode body) {
    if (ctx.response().ended()) return;
    try {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(JSON.writeValueAsString(body));
    } catch (IOException e) {
      HttpApi.sendError(ctx, 500, "could not encode response");
    }
  }
}
