package io.llmscope.dashboards;

import io.llmscope.storage.Storage;
import io.llmscope.storage.StorageStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The store's gauges on /metrics, for every tenant ({@link Storage#tenants}): store-wide totals
 * without labels and per-tenant series labelled {@code tenant}. {@link #refresh} reads every
 * tenant's {@link StorageStatus} once per scrape; the gauges read that snapshot.
 */
final class StorageMeters {
  private static final StorageStatus NONE = new StorageStatus(0, 0, 0, 0, 0, null, null);
  /** Tenant whose status carries the WAL size when the store holds no tenant yet (the WAL is shared). */
  private static final String ANY_TENANT = "default";

  private final Storage storage;
  private final MeterRegistry registry;
  private final Map<String, List<Meter>> tenantMeters = new HashMap<>();
  private volatile Snapshot snapshot = new Snapshot(Map.of(), 0);

  private record Snapshot(Map<String, StorageStatus> byTenant, long walBytes) {
    long sum(ToDoubleFunction<StorageStatus> f) {
      double s = 0;
      for (StorageStatus st : byTenant.values()) s += f.applyAsDouble(st);
      return (long) s;
    }
  }

  StorageMeters(Storage storage, MeterRegistry registry) {
    this.storage = storage;
    this.registry = registry;
    total("llmscope.spans", null, s -> s.sum(StorageStatus::spans),
        "spans stored, every tenant (model calls and the rest; heads and segments)");
    total("llmscope.segments", null, s -> s.sum(StorageStatus::segments), "segments on disk, every tenant");
    total("llmscope.segment", BaseUnits.BYTES, s -> s.sum(StorageStatus::segmentBytes),
        "bytes of segments on disk, every tenant");
    total("llmscope.wal.lag.spans", null, s -> s.sum(StorageStatus::headRows),
        "WAL lag: spans appended to the WAL but not yet sealed into a segment (the heads' rows), every tenant");
    total("llmscope.wal", BaseUnits.BYTES, Snapshot::walBytes, "bytes of the write-ahead log on disk (shared by every tenant)");
    total("llmscope.tenants", null, s -> s.byTenant().size(), "tenants with data");
    Gauge.builder("llmscope.wal.damage.set.aside", storage, Storage::walDamageSetAside)
        .description("damaged WAL records and unreadable cycle files found at start; the log was moved to wal-damaged-*")
        .register(registry);
    Gauge.builder("llmscope.storage.writable", storage, s -> s.writeProblem() == null ? 1 : 0)
        .description("1 while appends are accepted, 0 while the data volume has less than storage.minFreeBytes free")
        .register(registry);
    Gauge.builder("llmscope.column.cache", storage, st -> st.columnCacheStats().usedBytes()).baseUnit(BaseUnits.BYTES)
        .description("decoded segment columns kept for later queries (at most storage.columnCacheBytes)").register(registry);
    Gauge.builder("llmscope.column.cache.point", storage, st -> st.columnCacheStats().pointBytes()).baseUnit(BaseUnits.BYTES)
        .description("the part of the column cache holding record batches of point reads").register(registry);
    FunctionCounter.builder("llmscope.column.cache.hits", storage, st -> st.columnCacheStats().hits())
        .description("decoded-column reads (whole columns, and record batches for point reads) answered by the column cache").register(registry);
    FunctionCounter.builder("llmscope.column.cache.misses", storage, st -> st.columnCacheStats().misses())
        .description("decoded-column reads the column cache did not hold (decoded from the segment)").register(registry);
  }

  private void total(String name, String unit, ToDoubleFunction<Snapshot> f, String help) {
    Gauge.builder(name, this, m -> f.applyAsDouble(m.snapshot)).baseUnit(unit).description(help).strongReference(true)
        .register(registry);
  }

  /** Reads every tenant's status once; registers gauges for new tenants and drops those of tenants gone. */
  synchronized void refresh() {
    Map<String, StorageStatus> byTenant = new HashMap<>();
    for (String t : storage.tenants()) byTenant.put(t, storage.status(t));
    long walBytes = byTenant.isEmpty() ? storage.status(ANY_TENANT).walBytes() : byTenant.values().iterator().next().walBytes();
    snapshot = new Snapshot(byTenant, walBytes);
    for (String t : byTenant.keySet()) tenantMeters.computeIfAbsent(t, this::registerTenant);
    tenantMeters.entrySet().removeIf(e -> {
      if (byTenant.containsKey(e.getKey())) return false;
      e.getValue().forEach(registry::remove);
      return true;
    });
  }

  private List<Meter> registerTenant(String tenant) {
    List<Meter> meters = new ArrayList<>();
    meters.add(perTenant(tenant, "llmscope.tenant.spans", null, StorageStatus::spans, "spans stored for the tenant"));
    meters.add(perTenant(tenant, "llmscope.tenant.head.rows", null, StorageStatus::headRows,
        "the tenant's spans not yet sealed into a segment (its share of the WAL lag)"));
    meters.add(perTenant(tenant, "llmscope.tenant.segments", null, StorageStatus::segments, "the tenant's segments on disk"));
    meters.add(perTenant(tenant, "llmscope.tenant.segment", BaseUnits.BYTES, StorageStatus::segmentBytes,
        "bytes of the tenant's segments on disk"));
    return meters;
  }

  private Meter perTenant(String tenant, String name, String unit, ToDoubleFunction<StorageStatus> f, String help) {
    return Gauge.builder(name, this, m -> f.applyAsDouble(m.snapshot.byTenant().getOrDefault(tenant, NONE)))
        .tag("tenant", tenant).baseUnit(unit).description(help).strongReference(true).register(registry);
  }
}
