package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --config} on the built jar: bad files stop it with a message naming the key; good ones serve. */
class ConfigIT {
  @TempDir Path dir;

  @Test
  void badConfigsStopServeNamingTheKey() throws Exception {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("storage:\n  sealRow: 5\n", "unknown config key 'storage.sealRow' (did you mean 'storage.sealRows'?)");
    cases.put("limits:\n  queryMaxLimit: 10\n", "limits.queryMaxLimit moved to query.maxLimit");
    cases.put("rules:\n  - name: slow\n", "rules[0].type: is required");
    cases.put("storage:\n  fsync: sometimes\n", "config key 'storage.fsync' must be one of none, interval, always, not 'sometimes'");
    cases.put("query:\n  maxLimit: -5\n", "config key 'query.maxLimit' (-5): maxLimit must be > 0, got -5");
    cases.put("retention: forever\n", "config key 'retention' is not a valid duration: 'forever'");
    cases.put("storage:\n  sealRows: 5000\n  maxHeadRows: 100\n",
        "config keys 'storage.maxHeadRows' (100) and 'storage.sealRows' (5000) do not fit together");
    cases.put("storage:\n  compactBelowRows: 9000\n  compactMaxRows: 8000\n",
        "config keys 'storage.compactBelowRows' (9000) and 'storage.compactMaxRows' (8000) do not fit together");
    int n = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path config = Files.writeString(dir.resolve("bad-" + (++n) + ".yaml"), c.getKey());
      ServerProcess.Exited r = ServerProcess.runToExit(dir.resolve("data-" + n), "--config", config.toString());
      assertEquals(2, r.code(), c.getKey() + " -> " + r.stderr());
      assertTrue(r.stderr().contains(c.getValue()), c.getKey() + " -> " + r.stderr());
      assertFalse(r.stdout().contains("llmscope ready"), r.stdout());
      assertFalse(r.stderr().contains("\tat "), "a message, not a stack trace: " + r.stderr());
    }
  }

  @Test
  void retentionInWeeksAndDurationKeysStartAndServe() throws Exception {
    Path config = Files.writeString(dir.resolve("weeks.yaml"),
        "retention: 2w\nstorage:\n  sealAge: 60s\n  fsyncInterval: 1s\nquery:\n  maxBuckets: 100\n");
    try (ServerProcess s = ServerProcess.start(dir.resolve("data"), "--config", config.toString())) {
      assertEquals(200, s.getRaw("/readyz", null).statusCode());
      byte[] body = TestRequests.chat(new Random(3), "chat-api", "gpt-4o", 40, 100, 10).toByteArray();
      assertEquals(200, s.postOtlp(body, "application/x-protobuf", null).statusCode());
      assertEquals(40, s.count("{\"from\":\"now-1h\",\"metrics\":[\"count\"]}"));
      ServerProcess.Response tooMany = s.query("{\"from\":\"now-1h\",\"step\":\"30s\",\"metrics\":[\"count\"]}");
      assertEquals(400, tooMany.status(), "query.maxBuckets reached the engine: " + tooMany.body());
      assertTrue(tooMany.body().path("error").asText().contains("at most 100 allowed"), tooMany.body().toString());
      assertEquals(0, s.terminate());
    }
  }

  @Test
  void apiLimitsComeFromTheConfig() throws Exception {
    Path config = Files.writeString(dir.resolve("api.yaml"), "api:\n  maxBodyBytes: 4096\n  maxScoresPerRequest: 2\n");
    try (ServerProcess s = ServerProcess.start(dir.resolve("data"), "--config", config.toString())) {
      String padded = "{\"from\":\"now-1h\",\"metrics\":[\"count\"],\"filters\":[{\"field\":\"model\",\"op\":\"in\",\"value\":["
          + "\"m\",".repeat(2000) + "\"m\"]}]}";
      assertTrue(padded.length() > 4096);
      assertEquals(413, s.query(padded).status(), "a body over api.maxBodyBytes");
      String three = "[" + String.join(",", java.util.Collections.nCopies(3,
          "{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"name\":\"q\",\"value\":1}")) + "]";
      ServerProcess.Response tooMany = s.send("POST", "/api/v1/scores", three, null);
      assertEquals(400, tooMany.status(), tooMany.body().toString());
      assertTrue(tooMany.body().path("error").asText().contains("api.maxScoresPerRequest"), tooMany.body().toString());
      assertEquals(0, s.count("{\"from\":\"now-1h\",\"metrics\":[\"count\"]}"), "and the server goes on answering");
      assertEquals(0, s.terminate());
    }
  }

  @Test
  void theReadmeExampleConfigStarts() throws Exception {
    String readme = Files.readString(Path.of(System.getProperty("llmscope.readme", "../README.md")));
    int section = readme.indexOf("## Configuration");
    assertTrue(section >= 0, "README has a Configuration section");
    int start = readme.indexOf("```yaml\n", section);
    int end = readme.indexOf("```", start + 8);
    assertTrue(start > 0 && end > start, "the Configuration section has a yaml block");
    String yaml = readme.substring(start + 8, end);
    assertTrue(yaml.contains("change-me"), "the example keeps its placeholder key: " + yaml);
    Path config = Files.writeString(dir.resolve("readme.yaml"), yaml);
    try (ServerProcess s = ServerProcess.start(dir.resolve("data"), "--config", config.toString())) {
      assertEquals(200, s.getRaw("/readyz", null).statusCode());
      assertEquals(401, s.getRaw("/api/v1/status", null).statusCode(), "auth.keys of the example are on");
      assertEquals(200, s.getRaw("/api/v1/status", "change-me").statusCode());
      assertEquals(0, s.terminate());
    }
  }
}
