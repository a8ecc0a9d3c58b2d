package io.llmscope.ingest;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * OTLP/HTTP receiver: {@code POST /v1/traces} and {@code POST /v1/logs} (evaluation records become
 * scores) in protobuf or JSON, optionally gzip. Responses use
 * the request's encoding; errors carry a {@code google.rpc.Status}-shaped body with a message.
 * Every request passes the {@link Drain} first, so a stop answers each one.
 */
final class OtlpHttpServer {
  private static final Logger LOG = Logger.getLogger(OtlpHttpServer.class.getName());
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  /** Routing-context key: the request arrived while stopping, and is answered 503 once its body is in. */
  private static final String REFUSED = "llmscope.refused";

  private final Vertx vertx;
  private final IngestPipeline pipeline;
  private final Function<String, String> tenants;
  private final Drain drain;
  private HttpServer server;

  OtlpHttpServer(Vertx vertx, IngestPipeline pipeline, Function<String, String> tenants, Drain drain) {
    this.vertx = vertx;
    this.pipeline = pipeline;
    this.tenants = tenants;
    this.drain = drain;
  }

  Future<HttpServer> start(String host, int port) {
    Router router = Router.router(vertx);
    router.route().handler(this::admit);
    // We inflate gzip ourselves so the size limit applies to the inflated body too.
    router.post("/v1/traces")
        .handler(BodyHandler.create(false).setBodyLimit(pipeline.maxBodyBytes()))
        .handler(ctx -> handleExport(ctx, "spans", (tenant, body, gzip, json) -> pipeline.export(vertx, tenant, body, gzip, json)));
    router.post("/v1/logs")
        .handler(BodyHandler.create(false).setBodyLimit(pipeline.maxBodyBytes()))
        .handler(ctx -> handleExport(ctx, "scores", (tenant, body, gzip, json) -> pipeline.exportLogs(vertx, tenant, body, gzip, json)));
    router.route().failureHandler(this::handleFailure);
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setDecompressionSupported(false);
    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> server = s);
  }

  int port() {
    return server.actualPort();
  }

  /** Closes the listener and its connections, giving responses still being written up to {@code timeoutMs}. */
  Future<Void> stop(long timeoutMs) {
    return server == null ? Future.succeededFuture() : server.shutdown(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
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

  /** One signal's export path in the pipeline. */
  private interface Export {
    Future<? extends Message> run(String tenant, byte[] body, boolean gzip, boolean json);
  }

  private void handleExport(RoutingContext ctx, String what, Export export) {
    if (ctx.get(REFUSED) != null) {
      // Only now, with the body read: answering before would leave it unread on a closing connection.
      ctx.response().putHeader("Retry-After", "1");
      sendError(ctx, 503, mediaType(ctx.request().getHeader("Content-Type")).equals(JSON),
          "server is shutting down; retry later");
      return;
    }
    String contentType = mediaType(ctx.request().getHeader("Content-Type"));
    boolean json;
    if (contentType.equals(PROTOBUF) || contentType.equals("application/protobuf")) {
      json = false;
    } else if (contentType.equals(JSON)) {
      json = true;
    } else {
      pipeline.countRejectedRequest();
      sendError(ctx, 415, false, "unsupported content type '" + contentType + "'; use application/x-protobuf or application/json");
      return;
    }
    String encoding = ctx.request().getHeader("Content-Encoding");
    boolean gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
    if (encoding != null && !gzip && !encoding.trim().equalsIgnoreCase("identity")) {
      pipeline.countRejectedRequest();
      sendError(ctx, 415, json, "unsupported content encoding '" + encoding + "'; use gzip or none");
      return;
    }
    String tenant = tenants.apply(ctx.request().getHeader("Authorization"));
    if (tenant == null) {
      pipeline.countRejectedRequest();
      sendError(ctx, 401, json, "missing or invalid API key: send Authorization: Bearer KEY");
      return;
    }
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    export.run(tenant, body, gzip, json).onComplete(ar -> {
      if (ar.succeeded()) {
        sendResponse(ctx, json, ar.result());
      } else if (ar.cause() instanceof IngestRejected r) {
        int status = switch (r.reason) {
          case BAD_PAYLOAD -> 400;
          case TOO_LARGE -> 413;
          case BUSY -> 503;
        };
        if (status == 503) ctx.response().putHeader("Retry-After", "1");
        sendError(ctx, status, json, status == 503 ? r.getMessage() + "; retry later" : r.getMessage());
      } else {
        LOG.log(Level.WARNING, "ingest failed", ar.cause());
        sendError(ctx, 503, json, "could not store " + what + ": " + ar.cause().getMessage());
      }
    });
  }

  private void handleFailure(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    boolean json = mediaType(ctx.request().getHeader("Content-Type")).equals(JSON);
    String message = status == 413
        ? "request body exceeds the limit of " + pipeline.maxBodyBytes() + " bytes"
        : ctx.failure() != null && ctx.failure().getMessage() != null ? ctx.failure().getMessage() : "request failed";
    if (status >= 500) LOG.log(Level.WARNING, "OTLP/HTTP request failed", ctx.failure());
    pipeline.countRejectedRequest();
    sendError(ctx, status, json, message);
  }

  private static String mediaType(String header) {
    if (header == null) return "";
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static void sendResponse(RoutingContext ctx, boolean json, Message response) {
    HttpServerResponse r = ctx.response().setStatusCode(200);
    if (json) {
      try {
        r.putHeader("Content-Type", JSON).end(JsonFormat.printer().omittingInsignificantWhitespace().print(response));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    } else {
      r.putHeader("Content-Type", PROTOBUF).end(Buffer.buffer(response.toByteArray()));
    }
  }

  /** An error in the request's encoding: {@code google.rpc.Status{code, message}}. */
  static void sendError(RoutingContext ctx, int httpStatus, boolean json, String message) {
    if (ctx.response().ended()) return;
    int grpcCode = switch (httpStatus) {
      case 400 -> 3; // INVALID_ARGUMENT
      case 401 -> 16; // UNAUTHENTICATED
      case 413, 429 -> 8; // RESOURCE_EXHAUSTED
      case 503 -> 14; // UNAVAILABLE
      default -> 2; // UNKNOWN
    };
    HttpServerResponse r = ctx.response().setStatusCode(httpStatus);
    if (json) {
      String body = "{\"code\":" + grpcCode + ",\"message\":" + io.vertx.core.json.Json.encode(message) + "}";
      r.putHeader("Content-Type", JSON).end(body);
    } else {
      r.putHeader("Content-Type", PROTOBUF).end(Buffer.buffer(rpcStatus(grpcCode, message)));
    }
  }

  private static byte[] rpcStatus(int code, String message) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, code);
      out.writeString(2, message);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      return message.getBytes(StandardCharsets.UTF_8);
    }
  }
}
