package io.llmscope.storage;

import io.llmscope.storage.wal.WriteAheadLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a query may read, replaced as a whole: the active head of each tenant, heads taken
 * out of service but not yet in a segment ({@code sealing}), the live segments, and the WAL
 * index up to which segments hold every document ({@code walCovered}); {@code pendingCover} is
 * the index up to which the sealing heads (and all segments) do. {@code generation} numbers the
 * manifests: a state that changes the segment list is committed as the next one.
 */
record StoreState(
    Map<String, LiveHead> active, List<LiveHead> sealing, List<Segment> segments,
    long walCovered, long pendingCover, long generation) {

  /** Before recovery: nothing stored, nothing covered. */
  static final StoreState EMPTY = new StoreState(Map.of(), List.of(), List.of(), WriteAheadLog.NO_INDEX,
      WriteAheadLog.NO_INDEX, 0);

  StoreState {
    active = Map.copyOf(active);
    sealing = List.copyOf(sealing);
    segments = List.copyOf(segments);
  }

  StoreState withActive(String tenant, LiveHead head) {
    Map<String, LiveHead> a = new HashMap<>(active);
    a.put(tenant, head);
    return new StoreState(a, sealing, segments, walCovered, pendingCover, generation);
  }

  /** Non-empty active heads move to sealing; {@code cover} is the WAL index they reach. */
  StoreState rotated(long cover) {
    List<LiveHead> s = new ArrayList<>(sealing);
    Map<String, LiveHead> a = new HashMap<>();
    for (LiveHead h : active.values()) {
      if (h.rows() > 0) s.add(h); else a.put(h.tenant(), h);
    }
    return new StoreState(a, s, segments, walCovered, cover, generation);
  }

  /** The next generation: {@code sealed} heads now live in {@code written}, which cover the WAL up to {@code cover}. */
  StoreState sealed(List<LiveHead> sealed, List<Segment> written, long cover) {
    List<LiveHead> s = new ArrayList<>(sealing);
    s.removeAll(sealed);
    List<Segment> segs = new ArrayList<>(segments);
    segs.addAll(written);
    return new StoreState(active, s, segs, cover, pendingCover, generation + 1);
  }

  /** The next generation, with {@code removed} replaced by {@code added}. */
  StoreState replacing(List<Segment> removed, List<Segment> added) {
    List<Segment> segs = new ArrayList<>(segments);
    segs.removeAll(removed);
    segs.addAll(added);
    return new StoreState(active, sealing, segs, walCovered, pendingCover, generation + 1);
  }

  /** The tenant's heads: its active one, then those being sealed. */
  List<LiveHead> headsOf(String tenant) {
    List<LiveHead> out = new ArrayList<>();
    LiveHead a = active.get(tenant);
    if (a != null) out.add(a);
    for (LiveHead h : sealing) if (h.tenant().equals(tenant)) out.add(h);
    return out;
  }

  List<Segment> segmentsOf(String tenant) {
    List<Segment> out = new ArrayList<>();
    for (Segment s : segments) if (s.info.tenant().equals(tenant)) out.add(s);
    return out;
  }

  /** Rows in heads, active or being sealed, over all tenants. */
  long unsealedRows() {
    long n = 0;
    for (LiveHead h : active.values()) n += h.rows();
    for (LiveHead h : sealing) n += h.rows();
    return n;
  }

  Manifest.Contents manifest() {
    List<Manifest.Entry> entries = new ArrayList<>();
    for (Segment seg : segments) entries.add(seg.entry());
    return new Manifest.Contents(generation, walCovered, entries);
  }
}
