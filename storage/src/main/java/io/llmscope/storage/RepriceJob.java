package io.llmscope.storage;

import io.llmscope.storage.format.Framing;
import io.llmscope.storage.format.SegmentBytes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One repricing job and its progress, persisted after every step so a restart resumes it
 * ({@link Repricing}). Thread-safe: steps run on the maintenance thread, status reads anywhere.
 *
 * <p>File {@code reprice/job-ID}, written whole ({@link AtomicFile}):
 * <pre>
 * header("llmscope.reprice-job", 1) id:utf8 tenant:utf8 fromNanos:i64 toNanos:i64 hasModel:u8 [model:utf8]
 *   createdMs:i64 state:u8 (0 running, 1 done, 2 failed) finishedMs:i64 hasError:u8 [error:utf8]
 *   count:i32 (segment:utf8 done:u8)* rewritten:i32 repriced:i64 changed:i64 unpriced:i64
 *   hasInFlight:u8 [old:utf8 new:utf8 repriced:i64 changed:i64 unpriced:i64]  footer
 * </pre>
 * The segments are those of the tenant that overlapped the range when the job started (its heads
 * sealed first). {@code inFlight} is a rewrite whose manifest commit may or may not have happened:
 * on open it counts as done if the manifest lists {@code new} and not {@code old}, and is dropped
 * otherwise (the unlisted new segment is deleted, the old one is redone).
 */
final class RepriceJob {
  static final String FORMAT = "llmscope.reprice-job";
  static final int VERSION = 1;
  static final String FILE_PREFIX = "job-";

  /** The spans of one segment step: recomputed, whose cost changed, left without a price. */
  record Counts(long repriced, long changed, long unpriced) {
    static final Counts NONE = new Counts(0, 0, 0);
  }

  record InFlight(String oldName, String newName, Counts counts) {}

  final String id;
  final String tenant;
  final long fromNanos;
  final long toNanos;
  final String model;
  final long createdMs;
  private Repricing.State state = Repricing.State.RUNNING;
  private long finishedMs;
  private String error;
  private final List<String> segments = new ArrayList<>();
  private final List<Boolean> done = new ArrayList<>();
  private int rewritten;
  private long repriced;
  private long changed;
  private long unpriced;
  private InFlight inFlight;

  RepriceJob(String id, String tenant, long fromNanos, long toNanos, String model, long createdMs) {
    this.id = id;
    this.tenant = tenant;
    this.fromNanos = fromNanos;
    this.toNanos = toNanos;
    this.model = model;
    this.createdMs = createdMs;
  }

  synchronized void setSegments(Collection<String> names) {
    segments.clear();
    done.clear();
    for (String n : names) {
      segments.add(n);
      done.add(false);
    }
  }

  /** The segments still to do, in order. */
  synchronized List<String> pending() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) if (!done.get(i)) out.add(segments.get(i));
    return out;
  }

  synchronized Repricing.State state() {
    return state;
  }

  synchronized InFlight inFlight() {
    return inFlight;
  }

  synchronized void begin(InFlight step) {
    inFlight = step;
  }

  /** A segment is done: unchanged ({@code rewrittenIt} false) or replaced by its rewrite. */
  synchronized void segmentDone(String name, Counts c, boolean rewrittenIt) {
    int i = segments.indexOf(name);
    if (i < 0) throw new IllegalStateException("segment " + name + " is not part of reprice job " + id);
    done.set(i, true);
    repriced += c.repriced();
    changed += c.changed();
    unpriced += c.unpriced();
    if (rewrittenIt) rewritten++;
    inFlight = null;
  }

  /** Drops an in-flight step whose commit did not happen. */
  synchronized void abandonInFlight() {
    inFlight = null;
  }

  synchronized void finish(Repricing.State end, String why, long nowMs) {
    state = end;
    error = why;
    finishedMs = nowMs;
    inFlight = null;
  }

  synchronized Repricing.Status status() {
    int doneCount = 0;
    for (boolean d : done) if (d) doneCount++;
    return new Repricing.Status(id, tenant, state, fromNanos, toNanos, model, segments.size(), doneCount, rewritten,
        repriced, changed, unpriced, createdMs, state == Repricing.State.RUNNING ? null : finishedMs, error);
  }

  synchronized byte[] encode() {
    SegmentBytes.Out out = new SegmentBytes.Out(256 + 32 * segments.size());
    Framing.writeHeader(out, FORMAT, VERSION);
    out.utf8(id).utf8(tenant).i64(fromNanos).i64(toNanos);
    optional(out, model);
    out.i64(createdMs).u8(state.ordinal()).i64(finishedMs);
    optional(out, error);
    out.i32(segments.size());
    for (int i = 0; i < segments.size(); i++) out.utf8(segments.get(i)).u8(done.get(i) ? 1 : 0);
    out.i32(rewritten).i64(repriced).i64(changed).i64(unpriced);
    out.u8(inFlight == null ? 0 : 1);
    if (inFlight != null) {
      out.utf8(inFlight.oldName()).utf8(inFlight.newName()).i64(inFlight.counts().repriced())
          .i64(inFlight.counts().changed()).i64(inFlight.counts().unpriced());
    }
    Framing.writeFooter(out);
    return out.toArray();
  }

  static RepriceJob decode(Path file, byte[] whole) throws IOException {
    Framing.checkFooter(file, whole);
    SegmentBytes.In in = new SegmentBytes.In(whole, 0, whole.length - Framing.FOOTER_LENGTH);
    Framing.checkHeader(file, in, FORMAT, VERSION, VERSION);
    try {
      String id = in.utf8();
      String tenant = in.utf8();
      long from = in.i64();
      long to = in.i64();
      String model = in.u8() == 1 ? in.utf8() : null;
      RepriceJob j = new RepriceJob(id, tenant, from, to, model, in.i64());
      int st = in.u8();
      if (st >= Repricing.State.values().length) throw new IOException("bad job state " + st + " in " + file);
      j.state = Repricing.State.values()[st];
      j.finishedMs = in.i64();
      j.error = in.u8() == 1 ? in.utf8() : null;
      int n = in.i32();
      if (n < 0) throw new IOException("bad segment count in " + file);
      for (int i = 0; i < n; i++) {
        j.segments.add(in.utf8());
        j.done.add(in.u8() == 1);
      }
      j.rewritten = in.i32();
      j.repriced = in.i64();
      j.changed = in.i64();
      j.unpriced = in.i64();
      if (in.u8() == 1) j.inFlight = new InFlight(in.utf8(), in.utf8(), new Counts(in.i64(), in.i64(), in.i64()));
      if (!in.atEnd()) throw new IOException("trailing bytes in " + file);
      return j;
    } catch (IndexOutOfBoundsException e) {
      throw new IOException("truncated " + file, e);
    }
  }

  private static void optional(SegmentBytes.Out out, String s) {
    out.u8(s == null ? 0 : 1);
    if (s != null) out.utf8(s);
  }
}
