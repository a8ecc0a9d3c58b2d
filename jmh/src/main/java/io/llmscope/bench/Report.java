package io.llmscope.bench;

import java.io.PrintStream;
import java.util.List;

/** Prints the side-by-side table and, under it, the examples of any disagreement. */
final class Report {
  private Report() {}

  static void print(PrintStream out, List<PeerRun.Line> lines) {
    String fmt = "%-4s %-58s %12s %10s %10s %9s  %s%n";
    out.printf(fmt, "", "", "LLMScope", "(server", "DuckDB", "LLMScope/", "");
    out.printf(fmt, "", "query", "median ms", "tookMs)", "median ms", "DuckDB", "answers agree?");
    for (PeerRun.Line l : lines) {
      if (l.scope() == null) {
        out.printf(fmt, l.id(), l.title(), "n/a", "", "n/a", "", l.check());
        continue;
      }
      double a = l.scope().wallMedian();
      double b = l.duck().wallMedian();
      double server = l.scope().serverMedian();
      out.printf(fmt, l.id(), l.title(), ms(a), Double.isNaN(server) ? "" : "(" + ms(server) + ")", ms(b),
          String.format("%.2f", a / b), l.check());
    }
    for (PeerRun.Line l : lines) {
      for (String p : l.problems()) out.println("  " + l.id() + " disagreement: " + p);
    }
  }

  private static String ms(double v) {
    return v >= 100 ? String.format("%.0f", v) : String.format("%.1f", v);
  }
}
