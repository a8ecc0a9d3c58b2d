package io.llmscope.server;

import io.llmscope.server.loadgen.LoadgenCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code llmscope} command line: {@code serve}, {@code loadgen}. */
@Command(name = "llmscope", mixinStandardHelpOptions = true, version = "llmscope 0.1.0",
    subcommands = {ServeCommand.class, LoadgenCommand.class},
    description = "Observability backend for LLM applications: OTLP in, latency/token/cost queries out.")
public final class Main implements Runnable {
  // Held so the setting is not garbage-collected with the logger.
  private static final java.util.logging.Logger CHRONICLE_LOG = java.util.logging.Logger.getLogger("net.openhft");

  static {
    // Before any Chronicle class loads: no analytics, no banner. One-line logs on stderr.
    System.setProperty("chronicle.analytics.disable", "true");
    System.setProperty("chronicle.announcer.disable", "true");
    System.setProperty("chronicle.disk.monitor.disable", "true");
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s - %5$s%6$s%n");
    CHRONICLE_LOG.setLevel(java.util.logging.Level.WARNING); // its INFO lines are file-mapping chatter
  }

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).execute(args);
    System.exit(code);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }
}
