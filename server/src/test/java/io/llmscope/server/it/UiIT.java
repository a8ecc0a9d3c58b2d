package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI end to end: the built jar on free ports, fed by its own {@code loadgen} over OTLP/HTTP,
 * then {@code node e2e.js} (server/src/test/node/ui-e2e, playwright-core installed by the build with
 * npm ci) driving Debian's Chromium through every page. The script compares what the pages show with
 * what the public API answers for the same queries, clicks a chart point through to its traces,
 * opens a trace's waterfall, compares two prompt versions, creates an alert rule in the page and
 * writes screenshots of every page in light and dark to target/ui-screenshots.
 */
class UiIT {
  /** LLM spans loadgen sends (root and tool spans come on top): enough for every page, quick to feed. */
  private static final int LLM_SPANS = 20_000;

  @TempDir Path dir;

  @Test
  void everyPageAgreesWithTheApi() throws Exception {
    Path chromium = Path.of(System.getProperty("llmscope.chromium", "/usr/bin/chromium"));
    // Not a skip: without a browser the UI is untested. .ci/run installs it on a new machine.
    if (!Files.isExecutable(chromium)) {
      fail(chromium + " is missing: .ci/run installs it (apt-get install -y chromium chromium-driver); install it the same way to run UiIT");
    }
    Path project = Path.of(System.getProperty("llmscope.uiE2e", "src/test/node/ui-e2e"));
    assertTrue(Files.isDirectory(project.resolve("node_modules/playwright-core")),
        "npm ci has not run in " + project.toAbsolutePath() + " (the build's npm-ci-ui-e2e execution does it)");
    Path shots = Path.of(System.getProperty("llmscope.screenshots", "target/ui-screenshots"));

    try (ServerProcess server = ServerProcess.start(dir.resolve("data"))) {
      String base = "http://127.0.0.1:" + server.httpPort;
      // First the empty store: the pages must say what to do next, not fail.
      runScript(project, base, "--empty");
      feed(server);
      long stored = server.get("/api/v1/status").get("spans").asLong();
      assertTrue(stored > LLM_SPANS, "loadgen's spans are stored: " + stored);
      // What the Prompts page needs: scores and a prompt with at least two versions.
      assertTrue(server.get("/api/v1/fields").toString().contains("\"score\":true"), "loadgen sends evaluation scores");
      JsonNode versions = server.get("/api/v1/values/prompt_version").get("values");
      assertTrue(versions.size() >= 2, "loadgen sends several prompt versions: " + versions);

      runScript(project, base, shots.toAbsolutePath().toString());
      for (String page : List.of("overview", "explore", "traces", "trace", "cost", "prompts", "alerts")) {
        for (String theme : List.of("light", "dark")) {
          Path shot = shots.resolve(page + "-" + theme + ".png");
          assertTrue(Files.size(shot) > 10_000, "screenshot " + shot);
        }
      }
    }
  }

  /** {@code node e2e.js BASE ARG}: fails with the script's output unless it exits 0 with no failed check. */
  private void runScript(Path project, String base, String arg) throws Exception {
    String node = System.getProperty("llmscope.node", "node");
    Path out = Files.createTempFile(dir, "e2e-out", ".txt");
    Process p = new ProcessBuilder(node, "e2e.js", base, arg)
        .directory(project.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(150, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail("node e2e.js " + arg + " did not finish within 150 s:\n" + Files.readString(out));
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    System.out.println(output);
    assertEquals(0, p.exitValue(), "node e2e.js " + arg + " failed:\n" + output);
    assertTrue(output.contains(" passed, 0 failed"), output);
  }

  /** {@code loadgen} as a user runs it, over the last 3 hours so the 24-hour view holds it all. */
  private static void feed(ServerProcess server) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", ServerProcess.jar().toString(), "loadgen", "--target", "http://127.0.0.1:" + server.otlpHttpPort,
        "--spans", Integer.toString(LLM_SPANS), "--start", "now-3h", "--seed", "7"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "loadgen did not finish");
    assertEquals(0, p.exitValue(), "loadgen failed:\n" + text);
    assertTrue(text.contains("rejected=0 failed=0"), text);
  }
}
