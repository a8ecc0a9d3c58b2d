package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One server per data directory: a second one exits non-zero naming the holder and harms nothing. */
class DataDirLockIT {
  @TempDir Path dir;

  @Test
  void aSecondServerOnTheSameDataDirExitsAndTheFirstKeepsServing() throws Exception {
    Path data = dir.resolve("data");
    try (ServerProcess first = ServerProcess.start(data)) {
      byte[] body = TestRequests.chat(new Random(5), "chat-api", "gpt-4o", 25, 100, 10).toByteArray();
      assertEquals(200, first.postOtlp(body, "application/x-protobuf", null).statusCode());

      ServerProcess.Exited second = ServerProcess.runToExit(data);
      assertEquals(3, second.code(), second.stderr());
      assertTrue(second.stderr().contains("data dir") && second.stderr().contains("is in use by pid"), second.stderr());
      assertFalse(second.stdout().contains("llmscope ready"), second.stdout());
      assertFalse(second.stderr().contains("\tat "), "a message, not a stack trace: " + second.stderr());

      assertEquals(200, first.getRaw("/readyz", null).statusCode());
      assertEquals(25, first.count("{\"from\":\"now-1h\",\"metrics\":[\"count\"]}"));
      assertEquals(0, first.terminate());
    }
    // After SIGTERM, and after kill -9, the directory opens again: the OS drops the lock with the process.
    try (ServerProcess again = ServerProcess.start(data)) {
      assertEquals(25, again.count("{\"from\":\"now-1h\",\"metrics\":[\"count\"]}"));
      again.kill();
    }
    try (ServerProcess afterKill = ServerProcess.start(data)) {
      assertEquals(25, afterKill.count("{\"from\":\"now-1h\",\"metrics\":[\"count\"]}"));
    }
  }
}
