package io.llmscope.server;

import io.llmscope.storage.DataDirLockedException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code llmscope serve}: runs the server until SIGTERM or SIGINT, then stops gracefully and exits 0. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the LLMScope server.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger(ServeCommand.class.getName());
  /** Exit code of a config file that cannot be used (the message on stderr names the key). */
  static final int EXIT_BAD_CONFIG = 2;
  /** Exit code when another server has the data directory open. */
  static final int EXIT_DATA_DIR_IN_USE = 3;

  @Option(names = "--data-dir", defaultValue = "./data", description = "Data directory, created if missing (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--otlp-grpc-port", defaultValue = "4317", description = "OTLP/gRPC port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int grpcPort;

  @Option(names = "--otlp-http-port", defaultValue = "4318", description = "OTLP/HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int otlpHttpPort;

  @Option(names = "--http-port", defaultValue = "8080", description = "API and UI port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--config", description = "YAML config file (host, retention, storage, ingest, query, content, auth); see README.")
  Path config;

  @Option(names = "--demo", description = "Also feed built-in synthetic traffic into this server.")
  boolean demo;

  @Override
  public Integer call() throws Exception {
    ServerConfig cfg;
    try {
      cfg = ServerConfig.load(config);
    } catch (ServerConfig.ConfigException e) {
      System.err.println("llmscope: cannot use config " + config + ": " + e.getMessage());
      return EXIT_BAD_CONFIG;
    }
    LlmScopeServer server;
    try {
      server = LlmScopeServer.start(cfg, dataDir, grpcPort, otlpHttpPort, httpPort);
    } catch (DataDirLockedException e) {
      System.err.println("llmscope: " + e.getMessage());
      return EXIT_DATA_DIR_IN_USE;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    System.out.println(server.readyLine());
    System.out.flush();
    LOG.info("data dir " + dataDir.toAbsolutePath());
    DemoTraffic demoTraffic = null;
    if (demo) {
      ServerConfig.ApiKey first = cfg.apiKeys().isEmpty() ? null : cfg.apiKeys().get(0);
      Map<String, String> headers = first == null ? Map.of() : Map.of("Authorization", "Bearer " + first.key());
      boolean empty = server.storage().status(first == null ? ApiKeys.OPEN_TENANT : first.tenant()).spans() == 0;
      demoTraffic = new DemoTraffic(server.otlpHttpPort(), headers, empty);
      demoTraffic.start();
    }
    stop.await();
    LOG.info("stopping");
    if (demoTraffic != null) demoTraffic.close();
    server.close();
    LOG.info("stopped");
    return 0;
  }
}
