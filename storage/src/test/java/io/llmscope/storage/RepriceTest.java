package io.llmscope.storage;

import static org.junit.jupiter.api.Assertions.*;

import io.llmscope.storage.model.Dim;
import io.llmscope.storage.model.LlmSpan;
import io.llmscope.storage.model.Measure;
import io.llmscope.storage.model.SpanDetail;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Repricing on real segment files: exactly the model calls in the range (and of the model) get
 * the new cost, reported costs and everything else stay bit for bit, every span stays once, a
 * query that started before sees the old segment whole, and a crash at any step of the job is
 * resumed to the same end state and counts.
 */
class RepriceTest {
  static final long HOUR = 3_600_000L;
  static final long T0 = 1_795_000_000_000L - 10 * HOUR;
  /** Five sealed segments of two hours each, then a head overlapping the third. */
  static final int SEALED_BATCHES = 5;
  static final long FROM = (T0 + 3 * HOUR) * 1_000_000L;
  static final long TO = (T0 + 7 * HOUR) * 1_000_000L;
  static final Repricing.CostFunction OLD = (s, d) -> price(s, d, false);
  static final Repricing.CostFunction NEW = (s, d) -> price(s, d, true);
  @TempDir Path dir;

  /**
   * Test prices. "Now" gpt-4o is cheaper, claude-sonnet-4 gained a price, and a gpt-4o call whose
   * detail says {@code custom.n >= 50} pays double (so a wrong row's detail would show).
   */
  static void price(LlmSpan s, Supplier<SpanDetail> detail, boolean now) {
    String model = s.dim(Dim.MODEL);
    if (model == null) return;
    double in;
    double out;
    switch (model) {
      case "gpt-4o" -> {
        in = now ? 2.0 : 2.5;
        out = 10;
      }
      case "gpt-4o-mini" -> {
        in = 0.15;
        out = 0.6;
      }
      case "claude-sonnet-4" -> {
        if (!now) return;
        in = 3;
        out = 15;
      }
      default -> {
        return; // gemini-2.5-pro: no price, then or now
      }
    }
    double times = now && model.equals("gpt-4o") && ((Number) detail.get().attributes().get("custom.n")).longValue() >= 50 ? 2 : 1;
    double input = s.measure(Measure.INPUT_TOKENS) * in * 1e-6 * times;
    double output = s.measure(Measure.OUTPUT_TOKENS) * out * 1e-6 * times;
    s.measure(Measure.COST_INPUT_USD, input).measure(Measure.COST_OUTPUT_USD, output)
        .measure(Measure.COST_CACHE_READ_USD, 0).measure(Measure.COST_CACHE_WRITE_USD, 0)
        .measure(Measure.COST_REASONING_USD, 0).measure(Measure.COST_USD, input + output);
  }

  /** Spans as ingest stores them: a third of the model calls report a cost, the rest priced at OLD. */
  static List<LlmSpan> batch(Random rnd, long startMs, long spreadMs) {
    List<LlmSpan> spans = TestSpans.traces(rnd, 300, startMs, spreadMs);
    for (LlmSpan s : spans) {
      if (!s.llm) {
        // Not a model call, though it names a priced model: repricing must leave it alone.
        if ((s.spanId & 1) == 0) s.dim(Dim.MODEL, "gpt-4o").measure(Measure.INPUT_TOKENS, 100);
        continue;
      }
      if (!Double.isNaN(s.measure(Measure.COST_USD))) {
        s.costReported = true;
      } else {
        OLD.price(s, () -> s.detail);
      }
    }
    return spans;
  }

  static List<List<LlmSpan>> batches() {
    Random rnd = new Random(7);
    List<List<LlmSpan>> out = new ArrayList<>();
    for (int i = 0; i < SEALED_BATCHES; i++) out.add(batch(rnd, T0 + 2 * HOUR * i, 2 * HOUR));
    out.add(batch(rnd, T0 + 4 * HOUR, 2 * HOUR)); // stays in the head
    return out;
  }

  static StorageConfig config(Path dir) {
    return StorageConfig.builder(dir).sealAgeMs(3_600_000).sealRows(10_000_000).maxHeadRows(10_000_000)
        .maintenanceIntervalMs(3_600_000).retentionMs(3650L * 86_400_000L).build();
  }

  /** Appends every batch, sealing all but the last. */
  static void load(Storage st, String tenant) throws Exception {
    List<List<LlmSpan>> all = batches();
    for (int i = 0; i < all.size(); i++) {
      st.append(tenant, all.get(i));
      if (i < SEALED_BATCHES) st.sealNow();
    }
  }

  /** What a reprice over [from, to) of {@code model} (null: all) with NEW must leave. */
  record Expected(List<LlmSpan> spans, long repriced, long changed, long unpriced) {}

  static Expected expected(long from, long to, String model) {
    List<LlmSpan> out = new ArrayList<>();
    long repriced = 0;
    long changed = 0;
    long unpriced = 0;
    for (List<LlmSpan> b : batches()) {
      for (LlmSpan s : b) {
        out.add(s);
        if (!s.llm || s.costReported || s.startNanos < from || s.startNanos >= to) continue;
        if (model != null && !model.equals(s.dim(Dim.MODEL))) continue;
        repriced++;
        double[] before = s.measures.clone();
        for (Measure m : CostRewrite.COSTS) s.measure(m, Double.NaN);
        NEW.price(s, () -> s.detail);
        if (Double.isNaN(s.measure(Measure.COST_USD))) unpriced++;
        for (Measure m : CostRewrite.COSTS) {
          if (Double.doubleToLongBits(before[m.ordinal()]) != Double.doubleToLongBits(s.measure(m))) {
            changed++;
            break;
          }
        }
      }
    }
    return new Expected(out, repriced, changed, unpriced);
  }

  static long[] sums(Storage st, String tenant) {
    try (StoreSnapshot snap = st.snapshot(tenant)) {
      return TestSpans.checksum(snap, false);
    }
  }

  static Set<String> segmentDirs(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve("segments"))) {
      return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void repricesExactlyTheModelCallsInTheRangeAndKeepsEverythingElse() throws Exception {
    Expected want = expected(FROM, TO, null);
    List<LlmSpan> before = new ArrayList<>();
    batches().forEach(before::addAll);
    assertTrue(want.changed() > 100 && want.unpriced() > 10, "the data exercises changes and unknown models");
    Repricing.Status done;
    try (Storage st = Storage.open(config(dir))) {
      load(st, "t");
      load(st, "other");
      assertArrayEquals(TestSpans.checksum(before), sums(st, "t"));
      Repricing.Status started = st.repricing().start("t", FROM, TO, null, NEW);
      assertEquals(0, st.status("t").headRows(), "the head was sealed first");
      // Segments 1-4 of two hours each overlap [3h, 7h), and the sealed head (4h-6h).
      assertEquals(4, started.segmentsTotal());
      done = st.repricing().await("t", started.id(), 60_000);
      assertEquals(Repricing.State.DONE, done.state(), String.valueOf(done.error()));
      assertArrayEquals(TestSpans.checksum(want.spans()), sums(st, "t"), "exactly the spans in range repriced");
      assertArrayEquals(TestSpans.checksum(before), sums(st, "other"), "another tenant is untouched");
      assertEquals(want.repriced(), done.spansRepriced());
      assertEquals(want.changed(), done.spansChanged());
      assertEquals(want.unpriced(), done.spansUnpriced());
      assertEquals(4, done.segmentsDone());
      assertEquals(4, done.segmentsRewritten());
      assertEquals(before.size(), st.status("t").spans(), "no span lost or doubled");
    }
    try (Storage st = Storage.open(config(dir))) {
      assertArrayEquals(TestSpans.checksum(want.spans()), sums(st, "t"), "after a restart");
      assertEquals(done, st.repricing().status("t", done.id()), "the finished job is kept");
      assertNull(st.repricing().status("other", done.id()), "and only its tenant sees it");
    }
  }

  @Test
  void aModelFilterRepricesOnlyThatModel() throws Exception {
    Expected want = expected(FROM, TO, "claude-sonnet-4");
    try (Storage st = Storage.open(config(dir))) {
      load(st, "t");
      Repricing.Status s = st.repricing().start("t", FROM, TO, "claude-sonnet-4", NEW);
      s = st.repricing().await("t", s.id(), 60_000);
      assertEquals(Repricing.State.DONE, s.state());
      assertArrayEquals(TestSpans.checksum(want.spans()), sums(st, "t"));
      assertEquals(want.repriced(), s.spansRepriced());
      assertEquals(want.repriced(), s.spansChanged(), "every claude call gained a cost");
      assertEquals(0, s.spansUnpriced());
    }
  }

  @Test
  void samePricesRewriteNothing() throws Exception {
    try (Storage st = Storage.open(config(dir))) {
      load(st, "t");
      st.sealNow();
      Set<String> segments = segmentDirs(dir);
      Repricing.Status s = st.repricing().start("t", FROM, TO, null, OLD);
      s = st.repricing().await("t", s.id(), 60_000);
      assertEquals(Repricing.State.DONE, s.state());
      assertTrue(s.spansRepriced() > 0);
      assertEquals(0, s.spansChanged());
      assertEquals(0, s.segmentsRewritten());
      assertEquals(segments, segmentDirs(dir));
    }
  }

  @Test
  void aQueryUnderWayKeepsReadingTheOldSegmentsWhole() throws Exception {
    List<LlmSpan> before = new ArrayList<>();
    batches().forEach(before::addAll);
    try (Storage st = Storage.open(config(dir))) {
      load(st, "t");
      st.sealNow();
      Set<String> old = segmentDirs(dir);
      try (StoreSnapshot snap = st.snapshot("t")) {
        Repricing.Status s = st.repricing().start("t", FROM, TO, null, NEW);
        assertEquals(Repricing.State.DONE, st.repricing().await("t", s.id(), 60_000).state());
        assertArrayEquals(TestSpans.checksum(before), TestSpans.checksum(snap, false), "the old costs, whole");
        assertTrue(segmentDirs(dir).containsAll(old), "old files stay while a query reads them");
      }
      assertArrayEquals(TestSpans.checksum(expected(FROM, TO, null).spans()), sums(st, "t"));
      Set<String> after = segmentDirs(dir);
      assertEquals(6, after.size(), "four replaced, two untouched, the old four deleted: " + after);
    }
  }

  @Test
  void oneJobAtATimePerTenant() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Repricing.CostFunction slow = (s, d) -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      NEW.price(s, d);
    };
    try (Storage st = Storage.open(config(dir))) {
      load(st, "t");
      Repricing.Status first = st.repricing().start("t", FROM, TO, null, slow);
      Repricing.BusyException busy = assertThrows(Repricing.BusyException.class,
          () -> st.repricing().start("t", 0, Long.MAX_VALUE, null, NEW));
      assertEquals(first.id(), busy.running().id());
      assertThrows(IllegalArgumentException.class, () -> st.repricing().start("u", TO, FROM, null, NEW));
      release.countDown();
      assertEquals(Repricing.State.DONE, st.repricing().await("t", first.id(), 60_000).state());
      Repricing.Status again = st.repricing().start("t", FROM, TO, null, NEW);
      Repricing.Status second = st.repricing().await("t", again.id(), 60_000);
      assertEquals(0, second.spansChanged(), "repricing again with the same prices changes nothing");
      assertEquals(List.of(again.id(), first.id()), st.repricing().jobs("t").stream().map(Repricing.Status::id).toList());
    }
  }

  @Test
  void tenantSettingsAreKeptDurablyPerTenant() throws Exception {
    String odd = "Tenant/../ü";
    try (Storage st = Storage.open(config(dir))) {
      assertNull(st.settings().read("prices", "a"));
      st.settings().write("prices", "a", new byte[] {1, 2, 3});
      st.settings().write("prices", odd, new byte[] {4});
      st.settings().write("prices", "a", new byte[] {5, 6});
    }
    Files.writeString(dir.resolve("settings/prices/b.pending"), "torn");
    try (Storage st = Storage.open(config(dir))) {
      assertArrayEquals(new byte[] {5, 6}, st.settings().read("prices", "a"));
      assertArrayEquals(new byte[] {4}, st.settings().read("prices", odd));
      assertEquals(Set.of("a", odd), st.settings().readAll("prices").keySet());
      st.settings().delete("prices", "a");
      assertNull(st.settings().read("prices", "a"));
      assertThrows(IllegalArgumentException.class, () -> st.settings().read("../x", "a"));
    }
    assertNotEquals(TenantSettings.fileName("A"), TenantSettings.fileName("a"));
    assertFalse(TenantSettings.fileName(odd).contains("/"));
  }

  /** Forked: loads, then reprices with NEW, armed to halt at a point of the N-th segment step. */
  public static final class Driver {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      try (Storage st = Storage.open(config(dir))) {
        load(st, "t");
        st.sealNow();
        System.setProperty("llmscope.crash.skip", args[2]);
        System.setProperty("llmscope.crash.at", args[1]);
        Repricing.Status s = st.repricing().start("t", FROM, TO, null, NEW);
        System.out.println("job " + s.id());
        System.out.flush();
        st.repricing().await("t", s.id(), 60_000);
      }
      System.out.println("done");
    }
  }

  @ParameterizedTest
  @CsvSource({
      "reprice-segment-written, 0",
      "reprice-segment-written, 2",
      "manifest-pending-written, 1",
      "manifest-renamed, 1",
      "reprice-segment-committed, 0",
      "reprice-segment-committed, 3",
  })
  void aCrashInAnyStepIsResumedToTheSameEnd(String point, int skip) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle")).toList());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Driver.class.getName(), dir.toString(), point,
        Integer.toString(skip)));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String job = null;
    boolean done = false;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("job ")) job = line.substring(4);
        if (line.equals("done")) done = true;
      }
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertFalse(done, "the driver should have crashed at " + point);
    assertEquals(137, p.exitValue(), "halted at the crash point");
    assertNotNull(job, "the job was started before the crash");

    Expected want = expected(FROM, TO, null);
    try (Storage st = Storage.open(config(dir))) {
      Repricing.Status interrupted = st.repricing().status("t", job);
      assertEquals(Repricing.State.RUNNING, interrupted.state());
      assertEquals(4, interrupted.segmentsTotal(), interrupted.toString());
      try (StoreSnapshot snap = st.snapshot("t")) {
        assertEquals(want.spans().size(), snap.rows(), "every span once, also mid-job");
      }
      assertEquals(0, st.compactNow(), "compaction waits for the job");
      st.repricing().resume(tenant -> NEW);
      Repricing.Status end = st.repricing().await("t", job, 60_000);
      assertEquals(Repricing.State.DONE, end.state(), String.valueOf(end.error()));
      assertArrayEquals(TestSpans.checksum(want.spans()), sums(st, "t"));
      assertEquals(want.repriced(), end.spansRepriced(), "counts are exact across the crash");
      assertEquals(want.changed(), end.spansChanged());
      assertEquals(want.unpriced(), end.spansUnpriced());
      assertEquals(end.segmentsTotal(), end.segmentsDone());
      assertEquals(st.status("t").segments(), segmentDirs(dir).size(), "no segment folder left over");
      assertTrue(st.compactNow() > 0, "compaction goes on once the job is done");
      assertArrayEquals(TestSpans.checksum(want.spans()), sums(st, "t"));
    }
    try (Stream<Path> files = Files.walk(dir)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".pending")), "no pending file left");
    }
  }
}
