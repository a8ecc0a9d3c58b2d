package io.llmscope.server;

import io.llmscope.alerting.AlertNotifications;
import io.llmscope.alerting.Alerting;
import io.llmscope.alerting.notify.NotifierConfig;
import io.llmscope.alerting.notify.Notifiers;
import io.llmscope.dashboards.ApiMetrics;
import io.llmscope.dashboards.HttpApi;
import io.llmscope.ingest.IngestConfig;
import io.llmscope.ingest.OtlpIngest;
import io.llmscope.ingest.TenantPrices;
import io.llmscope.ingest.pricing.PriceTable;
import io.llmscope.query.QueryEngine;
import io.llmscope.storage.Storage;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * One LLMScope process: the single place that wires the modules together
 * (storage ← ingest, storage ← query ← dashboards; auth and self-metrics at the edges).
 */
public final class LlmScopeServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LlmScopeServer.class.getName());

  private final Storage storage;
  private final Vertx vertx;
  private final OtlpIngest ingest;
  private final TenantPrices prices;
  private final ServerPrices priceBook;
  private final QueryEngine queries;
  private final HttpApi api;
  private final Alerting alerting;
  private final Notifiers notifiers;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final long shutdownGraceMs;
  /** What /readyz reports: set once recovery is done and every listener is up, cleared when stopping. */
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();

  /** Builds every component around an opened (recovered) store; binds nothing yet. */
  private LlmScopeServer(ServerConfig config, Vertx vertx, Storage storage, int grpcPort, int otlpHttpPort) {
    this.storage = storage;
    this.shutdownGraceMs = config.processSettings().shutdownGraceMs();
    this.vertx = vertx;
    ApiKeys auth = config.auth();
    IngestConfig ingestConfig = config.ingestConfig(grpcPort, otlpHttpPort);
    prices = openPrices(config, ingestConfig, storage);
    ingest = new OtlpIngest(vertx, storage, ingestConfig, auth, prices::table);
    queries = new QueryEngine(storage, System::currentTimeMillis, config.queryLimits());
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ingest.metrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    priceBook = new ServerPrices(prices, ingestConfig.pricing());
    notifiers = Notifiers.start(config.notifiers(), registry);
    alerting = openAlerting(config, queries, storage, notifiers).meters(registry);
    api = new HttpApi(vertx, storage, queries, auth, ready::get, new ApiMetrics(registry, storage)).limits(config.processSettings().apiMaxBodyBytes(), config.processSettings().apiMaxScoresPerRequest()).prices(priceBook)
        .alerting(alerting);
  }

  /**
   * Each tenant's stored rules and alert state, and the config file's rules; each transition is
   * logged and handed to the rule's notifiers (every notifier when the rule names none).
   */
  private static Alerting openAlerting(ServerConfig config, QueryEngine queries, Storage storage, Notifiers notifiers) {
    java.util.Set<String> expiring = new java.util.HashSet<>();
    for (NotifierConfig n : config.notifiers()) if (n.type() == NotifierConfig.Type.ALERTMANAGER) expiring.add(n.name());
    try {
      Alerting a = new Alerting(queries, storage.settings(), config.processSettings().alertIntervalMs(), System::currentTimeMillis,
          e -> {
            if (!e.repeat()) LOG.info(() -> "alert " + e.state() + ": " + e.rule() + " " + e.labels() + " value " + e.value() + " (tenant " + e.tenant() + ")");
            java.util.Collection<String> to = e.notifiers().isEmpty() ? notifiers.names() : e.notifiers();
            // Reminders only to receivers that expire what is not re-sent; the others get each transition once.
            if (e.repeat()) to = to.stream().filter(expiring::contains).toList();
            if (!to.isEmpty()) notifiers.send(AlertNotifications.of(e), to);
          });
      a.notifiers(notifiers.names()).configure(config.rules());
      return a;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stored alert rules", e);
    }
  }

  /** Shipped prices, the config's {@code prices:}, and each tenant's stored overrides. */
  private static TenantPrices openPrices(ServerConfig config, IngestConfig ingest, Storage storage) {
    try {
      return TenantPrices.open(PriceTable.shipped().withOverrides(config.prices()), storage.settings(),
          ingest.maxPriceOverrides());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stored price overrides", e);
    }
  }

  /** The store, the modules over it and the OTLP listeners, up; closes what it opened if a step fails. */
  private static LlmScopeServer open(ServerConfig config, Path dataDir, Vertx vertx, int grpcPort, int otlpHttpPort)
      throws Exception {
    Storage storage = Storage.open(config.storageConfig(dataDir));
    LlmScopeServer server;
    try {
      server = new LlmScopeServer(config, vertx, storage, grpcPort, otlpHttpPort);
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
    try {
      server.ingest.start().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      server.close(); // closes vertx too; closing it again is harmless
      throw e;
    }
    return server;
  }

  /**
   * Opens the store (replaying the WAL) while the API port answers "recovering" ({@link
   * RecoveryListener}), binds every listener, and returns when all are up and /readyz says so.
   * The OTLP listeners bind while the recovery listener still holds the API port: a free-port
   * bind of theirs could otherwise be handed the port in the moment it is between owners.
   */
  public static LlmScopeServer start(ServerConfig config, Path dataDir, int grpcPort, int otlpHttpPort, int httpPort)
      throws Exception {
    Files.createDirectories(dataDir);
    Vertx vertx = Vertx.vertx();
    LlmScopeServer server;
    int apiPort;
    try (RecoveryListener recovering = RecoveryListener.bind(vertx, config.host(), httpPort)) {
      apiPort = recovering.port(); // the API takes over the port probes already watch
      server = open(config, dataDir, vertx, grpcPort, otlpHttpPort);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    try {
      server.api.start(config.host(), apiPort).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      server.close();
      throw e;
    }
    // Reprice jobs a crash or stop interrupted go on, with each tenant's prices now.
    server.storage.repricing().resume(server.priceBook::costs);
    server.alerting.start();
    server.ready.set(true);
    return server;
  }

  public int grpcPort() {
    return ingest.grpcPort();
  }

  public int otlpHttpPort() {
    return ingest.httpPort();
  }

  public int httpPort() {
    return api.port();
  }

  public String readyLine() {
    return "llmscope ready otlp-grpc=" + grpcPort() + " otlp-http=" + otlpHttpPort() + " http=" + httpPort();
  }

  public Storage storage() {
    return storage;
  }

  /**
   * Graceful stop, in this order: /readyz turns 503 and every listener stops taking requests
   * (each new one is answered 503 / UNAVAILABLE, retry later); requests already taken finish and
   * are answered, for up to {@code shutdownGrace}; the listeners close; then the store syncs and
   * closes its WAL. Idempotent.
   */
  @Override
  public void close() {
    if (!stopped.compareAndSet(false, true)) return;
    ready.set(false);
    try {
      // The listeners give up on stragglers at the grace; the extra second is for closing them.
      Future.join(ingest.stop(shutdownGraceMs), api.stop(shutdownGraceMs)).await(shutdownGraceMs + 1000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warning("listeners did not stop cleanly: " + e);
    }
    alerting.close();
    notifiers.close(); // after the scheduler: its last transitions get the grace to go out
    queries.close(); // its scan pool: after the listeners (no query runs), before the store
    storage.close();
    gcMetrics.close();
    registry.close();
    try {
      vertx.close().await(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warning("event loops did not stop cleanly: " + e);
    }
  }
}
