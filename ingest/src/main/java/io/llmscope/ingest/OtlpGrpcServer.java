package io.llmscope.ingest;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * OTLP/gRPC receiver: {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} and
 * {@code opentelemetry.proto.collector.logs.v1.LogsService/Export} (evaluation records become scores).
 * Messages arrive as raw bytes and are parsed on a worker, like the HTTP path. Every call passes
 * the {@link Drain} first, so a stop answers each one.
 */
final class OtlpGrpcServer {
  private static final Logger LOG = Logger.getLogger(OtlpGrpcServer.class.getName());
  private static final ServiceMethod<Buffer, ExportTraceServiceResponse> EXPORT = ServiceMethod.server(
      ServiceName.create("opentelemetry.proto.collector.trace.v1.TraceService"), "Export",
      GrpcMessageEncoder.encoder(), GrpcMessageDecoder.IDENTITY);
  private static final ServiceMethod<Buffer, ExportLogsServiceResponse> EXPORT_LOGS = ServiceMethod.server(
      ServiceName.create("opentelemetry.proto.collector.logs.v1.LogsService"), "Export",
      GrpcMessageEncoder.encoder(), GrpcMessageDecoder.IDENTITY);

  private final Vertx vertx;
  private final IngestPipeline pipeline;
  private final Function<String, String> tenants;
  private final Drain drain;
  private HttpServer server;

  OtlpGrpcServer(Vertx vertx, IngestPipeline pipeline, Function<String, String> tenants, Drain drain) {
    this.vertx = vertx;
    this.pipeline = pipeline;
    this.tenants = tenants;
    this.drain = drain;
  }

  Future<HttpServer> start(String host, int port) {
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(pipeline.maxBodyBytes()));
    grpc.callHandler(EXPORT, call -> handleExport(call, "spans",
        (tenant, bytes) -> pipeline.export(vertx, tenant, bytes, false, false)));
    grpc.callHandler(EXPORT_LOGS, call -> handleExport(call, "scores",
        (tenant, bytes) -> pipeline.exportLogs(vertx, tenant, bytes, false, false)));
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port);
    return vertx.createHttpServer(options).requestHandler(grpc).listen().onSuccess(s -> server = s);
  }

  int port() {
    return server.actualPort();
  }

  /** Sends GOAWAY and closes the connections once their calls are done, or after {@code timeoutMs}. */
  Future<Void> stop(long timeoutMs) {
    return server == null ? Future.succeededFuture() : server.shutdown(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** One signal's export path in the pipeline. */
  private interface Export<R> {
    Future<R> run(String tenant, byte[] message);
  }

  private <R> void handleExport(GrpcServerRequest<Buffer, R> call, String what, Export<R> export) {
    if (!drain.take()) {
      call.handler(message -> fail(call, GrpcStatus.UNAVAILABLE, "server is shutting down; retry later"));
      return;
    }
    // The call counts as in progress until it is answered, reset, or ends without a message.
    AtomicBoolean finished = new AtomicBoolean();
    AtomicBoolean sawMessage = new AtomicBoolean();
    Runnable done = () -> {
      if (finished.compareAndSet(false, true)) drain.done();
    };
    call.exceptionHandler(e -> done.run());
    call.endHandler(v -> {
      if (!sawMessage.get()) done.run();
    });
    String tenant = tenants.apply(call.headers().get("authorization"));
    call.handler(message -> {
      sawMessage.set(true);
      if (tenant == null) {
        pipeline.countRejectedRequest();
        fail(call, GrpcStatus.UNAUTHENTICATED, "missing or invalid API key: send metadata authorization: Bearer KEY");
        done.run();
        return;
      }
      export.run(tenant, message.getBytes()).onComplete(ar -> {
        try {
          answer(call, ar, what);
        } finally {
          done.run();
        }
      });
    });
  }

  private static <R> void answer(GrpcServerRequest<Buffer, R> call, AsyncResult<R> ar, String what) {
    if (ar.succeeded()) {
      call.response().send(ar.result());
    } else if (ar.cause() instanceof IngestRejected r) {
      GrpcStatus status = switch (r.reason) {
        case BAD_PAYLOAD -> GrpcStatus.INVALID_ARGUMENT;
        case TOO_LARGE -> GrpcStatus.RESOURCE_EXHAUSTED;
        case BUSY -> GrpcStatus.UNAVAILABLE;
      };
      fail(call, status, r.reason == IngestRejected.Reason.BUSY ? r.getMessage() + "; retry later" : r.getMessage());
    } else {
      LOG.log(Level.WARNING, "ingest failed", ar.cause());
      fail(call, GrpcStatus.UNAVAILABLE, "could not store " + what + ": " + ar.cause().getMessage());
    }
  }

  private static void fail(GrpcServerRequest<Buffer, ?> call, GrpcStatus status, String message) {
    call.response().status(status).statusMessage(message).end();
  }
}
