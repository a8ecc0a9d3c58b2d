package io.llmscope.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the one table of the benchmark: per engine its load rate and bytes per span, then per
 * query each engine's median with LLMScope's ratio to it, and whether the answers agree; the
 * examples of any disagreement go under it.
 */
final class Report {
  /** An engine's column head: how fast the rows got in, how much disk they take, its version. */
  record Engine(String label, String version, double rowsPerSecond, String how, double bytesPerSpan) {}

  private Report() {}

  static void print(PrintStream out, List<Engine> engines, List<PeerRun.Line> lines) {
    out.println("engines:");
    for (Engine e : engines) {
      out.printf("  %-11s %-28s load %,9.0f spans/s (%s), %6.1f bytes/span on disk%n", e.label(), trim(e.version(), 28),
          e.rowsPerSecond(), e.how(), e.bytesPerSpan());
    }
    List<String> peers = engines.stream().skip(1).map(Engine::label).toList();
    StringBuilder head = new StringBuilder(String.format("%n%-4s %-50s %17s", "", "query", "LLMScope ms"));
    for (String p : peers) head.append(String.format(" %19s", p + " ms (ratio)"));
    out.println(head.append(String.format(" %8s  %s", "vs best", "answers agree?")));
    for (PeerRun.Line l : lines) {
      double mine = l.scope().wallMedian();
      double server = l.scope().serverMedian();
      StringBuilder row = new StringBuilder(String.format("%-4s %-50s %17s", l.id(), trim(l.title(), 50),
          ms(mine) + (Double.isNaN(server) ? "" : " (" + ms(server) + ")")));
      double best = Double.POSITIVE_INFINITY;
      for (String p : peers) {
        PeerRun.Timing t = l.peers().get(p);
        if (t == null || t.failure() != null) {
          row.append(String.format(" %19s", t == null ? "n/a" : trim(t.failure(), 19)));
          continue;
        }
        best = Math.min(best, t.median());
        row.append(String.format(" %19s", ms(t.median()) + " (" + ratio(mine / t.median()) + ")"));
      }
      row.append(String.format(" %8s  %s", Double.isInfinite(best) ? "n/a" : ratio(mine / best), l.check()));
      out.println(row);
    }
    out.println("  ratio = LLMScope / peer (below 1: LLMScope faster); vs best = LLMScope / the fastest peer;");
    out.println("  LLMScope ms = HTTP round trip incl. JSON parse, its server's own tookMs in brackets; peers: execute"
        + " and read every row (DuckDB in-process over JDBC, PostgreSQL over JDBC, ClickHouse over HTTP as JSONCompact).");
    List<String> problems = new ArrayList<>();
    for (PeerRun.Line l : lines) for (String p : l.problems()) problems.add("  " + l.id() + " disagreement: " + p);
    problems.forEach(out::println);
  }

  private static String trim(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "…";
  }

  private static String ratio(double r) {
    return String.format("%.2f", r);
  }

  private static String ms(double v) {
    return v >= 100 ? String.format("%.0f", v) : String.format("%.1f", v);
  }
}
