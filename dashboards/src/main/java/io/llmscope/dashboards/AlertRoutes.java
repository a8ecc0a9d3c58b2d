package io.llmscope.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmscope.alerting.Alerting;
import io.llmscope.alerting.RuleException;
import io.llmscope.query.QueryException;
import io.llmscope.query.TimeExpr;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The alerting endpoints of API.md: rules (PUT JSON or YAML, GET, DELETE), live alerts, history,
 * evaluate-at and backtests. Every call works off the event loop (rule and state writes are fsynced,
 * evaluation queries the store).
 */
final class AlertRoutes {
  private static final Logger LOG = Logger.getLogger(AlertRoutes.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final Alerting alerting;
  private final Function<RoutingContext, String> tenants;
  private final LongSupplier clockMs;

  AlertRoutes(Vertx vertx, Alerting alerting, Function<RoutingContext, String> tenants, LongSupplier clockMs) {
    this.vertx = vertx;
    this.alerting = alerting;
    this.tenants = tenants;
    this.clockMs = clockMs;
  }

  void register(Router router) {
    router.put("/api/v1/alert-rules/:name").handler(this::put);
    router.get("/api/v1/alert-rules").handler(ctx -> run(ctx, t -> JSON.createObjectNode().set("rules", alerting.rules(t))));
    router.delete("/api/v1/alert-rules/:name").handler(this::delete);
    router.post("/api/v1/alert-rules/:name/backtest").handler(this::backtest);
    router.get("/api/v1/alerts/history").handler(this::history);
    router.get("/api/v1/alerts").handler(this::alerts);
    router.post("/api/v1/alerts/evaluate").handler(this::evaluate);
  }

  private interface TenantWork {
    JsonNode run(String tenant) throws Exception;
  }

  private void run(RoutingContext ctx, TenantWork work) {
    String tenant = tenants.apply(ctx);
    if (tenant == null) return;
    blocking(ctx, () -> work.run(tenant));
  }

  private void put(RoutingContext ctx) {
    String body = ctx.body().buffer() == null ? "" : ctx.body().buffer().toString(StandardCharsets.UTF_8);
    String name = ctx.pathParam("name");
    run(ctx, t -> alerting.putRule(t, name, body));
  }

  private void delete(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    run(ctx, t -> {
      if (!alerting.deleteRule(t, name)) throw new NotFound("no alert rule '" + name + "'");
      return JSON.createObjectNode().put("deleted", name);
    });
  }

  private void alerts(RoutingContext ctx) {
    String state = ctx.queryParams().get("state");
    if (state != null && !List.of("firing", "pending", "resolved").contains(state)) {
      HttpApi.sendError(ctx, 400, "state: '" + state + "' is not one of firing, pending, resolved");
      return;
    }
    run(ctx, t -> {
      if ("resolved".equals(state)) {
        // Resolved alerts live in the history only.
        ObjectNode out = JSON.createObjectNode();
        var arr = out.putArray("alerts");
        for (JsonNode h : alerting.history(t, Long.MIN_VALUE, Long.MAX_VALUE)) if ("resolved".equals(h.get("state").asText())) arr.add(h);
        return out;
      }
      return JSON.createObjectNode().set("alerts", alerting.alerts(t, state));
    });
  }

  private void history(RoutingContext ctx) {
    long now = clockMs.getAsLong();
    long from;
    long to;
    try {
      from = time(ctx.queryParams().get("from"), now, "from", Long.MIN_VALUE);
      to = time(ctx.queryParams().get("to"), now, "to", Long.MAX_VALUE);
    } catch (IllegalArgumentException e) {
      HttpApi.sendError(ctx, 400, e.getMessage());
      return;
    }
    run(ctx, t -> JSON.createObjectNode().set("history", alerting.history(t, from, to)));
  }

  private void evaluate(RoutingContext ctx) {
    JsonNode body = json(ctx);
    if (body == null) return;
    long at;
    try {
      at = time(body.get("at"), "at", clockMs.getAsLong());
    } catch (IllegalArgumentException e) {
      HttpApi.sendError(ctx, 400, e.getMessage());
      return;
    }
    run(ctx, t -> JSON.createObjectNode().set("alerts", alerting.evaluateAt(t, at)));
  }

  private void backtest(RoutingContext ctx) {
    JsonNode body = json(ctx);
    if (body == null) return;
    String name = ctx.pathParam("name");
    long from;
    long to;
    try {
      from = time(body.get("from"), "from", Long.MIN_VALUE);
      to = time(body.get("to"), "to", clockMs.getAsLong());
      if (to <= from) throw new IllegalArgumentException("'to' must be after 'from'");
      long steps = (to - from) / alerting.intervalMs();
      if (steps > 100_000) throw new IllegalArgumentException("the range makes " + steps + " evaluations; at most 100000");
    } catch (IllegalArgumentException e) {
      HttpApi.sendError(ctx, 400, e.getMessage());
      return;
    }
    run(ctx, t -> {
      JsonNode episodes = alerting.backtest(t, name, from, to);
      if (episodes == null) throw new NotFound("no alert rule '" + name + "'");
      return JSON.createObjectNode().set("episodes", episodes);
    });
  }

  /** A time field (ISO-8601, epoch ms, now-…); {@code dflt} when absent, Long.MIN_VALUE: required. */
  private long time(JsonNode v, String what, long dflt) {
    if (v == null || v.isNull()) {
      if (dflt == Long.MIN_VALUE) throw new IllegalArgumentException("'" + what + "' is required");
      return dflt;
    }
    if (v.isIntegralNumber()) return v.asLong();
    if (!v.isTextual()) throw new IllegalArgumentException("'" + what + "' must be ISO-8601 or epoch ms");
    return TimeExpr.timeMs(v.asText(), clockMs.getAsLong(), "'" + what + "'");
  }

  private static long time(String text, long now, String what, long dflt) {
    if (text == null || text.isBlank()) return dflt;
    return TimeExpr.timeMs(text, now, "'" + what + "'");
  }

  private static JsonNode json(RoutingContext ctx) {
    byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    if (bytes.length == 0) return JSON.createObjectNode();
    try {
      JsonNode n = JSON.readTree(bytes);
      if (!n.isObject()) throw new IOException("must be an object");
      return n;
    } catch (IOException e) {
      HttpApi.sendError(ctx, 400, "the body is not a JSON object: " + e.getMessage());
      return null;
    }
  }

  private static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message);
    }
  }

  private void blocking(RoutingContext ctx, Callable<JsonNode> work) {
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(ar.result().toString());
      } else if (ar.cause() instanceof RuleException | ar.cause() instanceof QueryException) {
        HttpApi.sendError(ctx, 400, ar.cause().getMessage());
      } else if (ar.cause() instanceof NotFound) {
        HttpApi.sendError(ctx, 404, ar.cause().getMessage());
      } else {
        LOG.log(Level.WARNING, "alerting request failed", ar.cause());
        HttpApi.sendError(ctx, 500, "failed: " + ar.cause());
      }
    });
  }
}
