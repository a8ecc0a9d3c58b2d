package io.llmscope.server.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmscope.server.loadgen.OtlpHttpSenderTest.FakeReceiver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadgenCommandTest {
  private static final Pattern DONE = Pattern.compile(
      "loadgen done spans=(\\d+) llm_spans=(\\d+) seconds=([0-9.]+) spans_per_s=(\\d+) "
          + "acknowledged=(\\d+) rejected=(\\d+) failed=(\\d+)");

  private FakeReceiver receiver;

  @AfterEach
  void stop() {
    if (receiver != null) receiver.close();
  }

  /** Runs the command; returns {exit code, stdout}. */
  private static Object[] run(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    StringWriter errors = new StringWriter();
    int code;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      CommandLine cl = new CommandLine(new LoadgenCommand());
      cl.setErr(new PrintWriter(errors));
      code = cl.execute(args);
    } finally {
      System.setOut(saved);
    }
    return new Object[] {code, buf.toString(StandardCharsets.UTF_8), errors.toString()};
  }

  @Test
  void sendsAndReportsOneSummaryLine() throws Exception {
    receiver = new FakeReceiver();
    Object[] r = run("--target", receiver.target().toString(), "--spans", "1000", "--batch", "128",
        "--concurrency", "3", "--seed", "9", "--start", "2025-11-28T00:00:00Z", "--end", "2025-11-28T01:00:00Z",
        "--header", "Authorization=Bearer sk-test");
    assertEquals(0, r[0]);
    String out = ((String) r[1]).trim();
    Matcher m = DONE.matcher(out);
    assertTrue(m.matches(), out);
    TrafficGenerator same = new TrafficGenerator(9, 1_764_288_000_000L, 1_764_291_600_000L, 1000);
    while (same.hasNext()) same.nextBatch(128);
    long all = same.totals().allSpans();
    assertEquals(all, Long.parseLong(m.group(1)));
    assertEquals(1000, Long.parseLong(m.group(2)));
    assertEquals(all, Long.parseLong(m.group(5)));
    assertEquals(0, Long.parseLong(m.group(6)));
    assertEquals(0, Long.parseLong(m.group(7)));
    assertEquals(all, receiver.spansReceived.get());
    assertTrue(receiver.authorizations.stream().allMatch("Bearer sk-test"::equals));
  }

  @Test
  void exitsWithOneWhenBatchesFail() throws Exception {
    receiver = new FakeReceiver();
    receiver.responder = (ex, n, spans) -> {
      if (n == 2) receiver.send(ex, 400, new byte[0]);
      else receiver.ok(ex, 0);
    };
    Object[] r = run("--target", receiver.target().toString(), "--spans", "300", "--batch", "50",
        "--concurrency", "1");
    assertEquals(1, r[0]);
    Matcher m = DONE.matcher(((String) r[1]).trim());
    assertTrue(m.matches(), (String) r[1]);
    long failed = Long.parseLong(m.group(7));
    assertTrue(failed > 0 && failed <= 50, "failed " + failed);
    assertEquals(receiver.spansReceived.get(), Long.parseLong(m.group(5)));
  }

  @Test
  void exitsWithOneOnPartialRejection() throws Exception {
    receiver = new FakeReceiver();
    receiver.responder = (ex, n, spans) -> receiver.ok(ex, n == 1 ? 1 : 0);
    Object[] r = run("--target", receiver.target().toString(), "--spans", "100");
    assertEquals(1, r[0]);
    Matcher m = DONE.matcher(((String) r[1]).trim());
    assertTrue(m.matches(), (String) r[1]);
    assertEquals(1, Long.parseLong(m.group(6)));
  }

  @Test
  void zeroSpansIsASuccessfulNoOp() throws Exception {
    receiver = new FakeReceiver();
    Object[] r = run("--target", receiver.target().toString(), "--spans", "0");
    assertEquals(0, r[0]);
    assertTrue(((String) r[1]).startsWith("loadgen done spans=0 llm_spans=0 "), (String) r[1]);
    assertEquals(0, receiver.requests.get());
  }

  @Test
  void rejectsBadOptions() {
    assertEquals(2, run("--spans", "10")[0], "--target is required");
    assertEquals(2, run("--target", "http://127.0.0.1:1")[0], "--spans is required");
    assertEquals(2, run("--target", "http://127.0.0.1:1", "--spans", "10", "--batch", "0")[0]);
    assertEquals(2, run("--target", "http://127.0.0.1:1", "--spans", "10", "--concurrency", "0")[0]);
    assertEquals(2, run("--target", "http://127.0.0.1:1", "--spans", "10", "--rate", "0")[0]);
    assertEquals(2, run("--target", "nonsense", "--spans", "10")[0]);
    assertEquals(2, run("--target", "http://127.0.0.1:1", "--spans", "10", "--start", "yesterday")[0]);
    assertEquals(2, run("--target", "http://127.0.0.1:1", "--spans", "10",
        "--start", "2025-11-28T01:00:00Z", "--end", "2025-11-28T00:00:00Z")[0]);
  }

  @Test
  void parsesTimes() {
    assertEquals(1_764_288_000_000L, LoadgenCommand.parseTime("--start", "2025-11-28T00:00:00Z"));
    assertEquals(1_764_288_000_000L, LoadgenCommand.parseTime("--start", "2025-11-28T01:00:00+01:00"));
    assertEquals(1_764_288_000_000L, LoadgenCommand.parseTime("--start", "2025-11-28T00:00:00"));
    assertEquals(1_764_288_000_000L, LoadgenCommand.parseTime("--start", "1764288000000"));
    assertThrows(IllegalArgumentException.class, () -> LoadgenCommand.parseTime("--start", "noon"));
  }
}
