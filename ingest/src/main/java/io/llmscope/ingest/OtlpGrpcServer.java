package io.llmscope.ingest;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
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
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * OTLP/gRPC receiver: {@code opentelemetry.proto.collector.trace.v1.TraceService/Export}.
 * Messages arrive as raw bytes and are parsed on a worker, like the HTTP path.
 */
final class OtlpGrpcServer {
  private static final Logger LOG = Logger.getLogger(OtlpGrpcServer.class.getName());
  private static final ServiceMethod<Buffer, ExportTraceServiceResponse> EXPORT = ServiceMethod.server(
      ServiceName.create("opentelemetry.proto.collector.trace.v1.TraceService"), "Export",
      GrpcMessageEncoder.encoder(), GrpcMessageDecoder.IDENTITY);

  private final Vertx vertx;
  private final IngestPipeline pipeline;
  private final Function<String, String> tenants;
  private HttpServer server;

  OtlpGrpcServer(Vertx vertx, IngestPipeline pipeline, Function<String, String> tenants) {
    this.vertx = vertx;
    this.pipeline = pipeline;
    this.tenants = tenants;
  }

  Future<HttpServer> start(String host, int port) {
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(pipeline.maxBodyBytes()));
    grpc.callHandler(EXPORT, this::handleExport);
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port);
    return vertx.createHttpServer(options).requestHandler(grpc).listen().onSuccess(s -> server = s);
  }

  int port() {
    return server.actualPort();
  }

  Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  private void handleExport(GrpcServerRequest<Buffer, ExportTraceServiceResponse> call) {
    String tenant = tenants.apply(call.headers().get("authorization"));
    call.handler(message -> {
      if (tenant == null) {
        pipeline.countRejectedRequest();
        fail(call, GrpcStatus.UNAUTHENTICATED, "missing or invalid API key: send metadata authorization: Bearer KEY");
        return;
      }
      pipeline.export(vertx, tenant, message.getBytes(), false, false).onComplete(ar -> {
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
          fail(call, GrpcStatus.UNAVAILABLE, "could not store spans: " + ar.cause().getMessage());
        }
      });
    });
  }

  private static void fail(GrpcServerRequest<Buffer, ExportTraceServiceResponse> call, GrpcStatus status, String message) {
    call.response().status(status).statusMessage(message).end();
  }
}
