package io.llmscope.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real instrumentation libraries from npm (server/src/test/node/instrumentations, installed by the
 * build with npm ci) around the real {@code openai} / {@code @anthropic-ai/sdk} clients and the
 * Vercel AI SDK's providers, calling a fake provider that answers with known usage, streamed and
 * not, and exporting over OTLP/HTTP to the built jar. Each case's model-call span is read back
 * through the API: tokens, provider, model and cost must be what the provider's usage says, as far
 * as the library reports it (docs/instrumentations.md lists what each one leaves out). Each case's
 * stored span goes to target/instrumentations/LIBRARY.json, the raw attributes the doc records.
 *
 * <p>The fake provider's usage (fake-provider.js): OpenAI chat 1900 input of which 700 cached, 500
 * output of which 320 reasoning; OpenAI responses 2100 input of which 800 cached, 600 output of
 * which 450 reasoning; Anthropic input_tokens 900 (uncached) + 700 cache read + 300 cache write
 * (5-minute; one case 100 for 5 minutes and 200 for an hour) = 1900 input, 400 output of which 250
 * thinking.
 *
 * <p>Prices (prices.json, USD per 1M tokens): gpt-5-mini input 0.25, cache read 0.025, output 2.00;
 * claude-sonnet-4-5 input 3.00, cache read 0.30, cache write 3.75 (5 minutes) / 6.00 (1 hour), output
 * 15.00. Reasoning is output at the output price.
 */
class InstrumentationsIT {
  private static final String GPT = "gpt-5-mini-2025-08-07";
  private static final String GPT_REQUESTED = "gpt-5-mini";
  private static final String CLAUDE = "claude-sonnet-4-5-20250929";

  // OpenAI chat, all of the usage: 1200 fresh × 0.25 + 700 cached × 0.025 + 500 out × 2.00
  //   = $0.0003 + $0.0000175 + $0.001 = $0.0013175
  private static final double CHAT_COST = 0.0013175;
  // OpenAI responses: 1300 fresh × 0.25 + 800 cached × 0.025 + 600 out × 2.00
  //   = $0.000325 + $0.00002 + $0.0012 = $0.001545
  private static final double RESPONSES_COST = 0.001545;
  // Anthropic: 900 fresh × 3.00 + 700 read × 0.30 + 300 written × 3.75 + 400 out × 15.00
  //   = $0.0027 + $0.00021 + $0.001125 + $0.006 = $0.010035
  private static final double ANTHROPIC_COST = 0.010035;
  // A library that reports no cached count: every input token at the fresh price.
  //   chat 1900 × 0.25 + 500 × 2.00 = $0.000475 + $0.001 = $0.001475
  private static final double CHAT_COST_NO_CACHE_INFO = 0.001475;
  //   responses 2100 × 0.25 + 600 × 2.00 = $0.000525 + $0.0012 = $0.001725
  private static final double RESPONSES_COST_NO_CACHE_INFO = 0.001725;

  @TempDir Path dir;

  /** What the one model-call span of a case must store; null = absent. */
  record Expect(String scope, String provider, String model, Long input, Long cacheRead, Long cacheWrite,
      Long output, Long reasoning, Double cost) {}

  private static Expect chat(String scope, String provider, String model) {
    return new Expect(scope, provider, model, 1900L, 700L, null, 500L, 320L, CHAT_COST);
  }

  private static Expect responses(String scope, String provider) {
    return new Expect(scope, provider, GPT, 2100L, 800L, null, 600L, 450L, RESPONSES_COST);
  }

  private static Expect anthropic(String scope, Long reasoning) {
    return new Expect(scope, "anthropic", CLAUDE, 1900L, 700L, 300L, 400L, reasoning, ANTHROPIC_COST);
  }

  /** The library writes no token count: none stored, and no cost (unknown, not $0). */
  private static Expect noUsage(String scope, String model) {
    return new Expect(scope, "openai", model, null, null, null, null, null, null);
  }

  /** Per library (run.js LIBRARY), per case (run.js prints CASE ID TRACE_ID). */
  private static Map<String, Map<String, Expect>> expected() {
    Map<String, Map<String, Expect>> all = new LinkedHashMap<>();

    // OpenLLMetry: Anthropic's uncached input_tokens 900 is input (with total 1300); its rule adds
    // both caches back. The OpenAI instrumentation writes neither cached nor reasoning counts, and
    // nothing at all for streamed calls; the Anthropic one no thinking count.
    String traceloopOpenAi = "@traceloop/instrumentation-openai";
    String traceloopAnthropic = "@traceloop/instrumentation-anthropic";
    Map<String, Expect> openllmetry = new LinkedHashMap<>();
    openllmetry.put("openai-chat-plain", new Expect(traceloopOpenAi, "openai", GPT, 1900L, null, null, 500L, null,
        CHAT_COST_NO_CACHE_INFO));
    openllmetry.put("openai-responses-plain", new Expect(traceloopOpenAi, "openai", GPT, 2100L, null, null, 600L, null,
        RESPONSES_COST_NO_CACHE_INFO));
    openllmetry.put("anthropic-messages-plain", anthropic(traceloopAnthropic, null));
    openllmetry.put("openai-chat-stream", noUsage(traceloopOpenAi, GPT));
    openllmetry.put("openai-responses-stream", noUsage(traceloopOpenAi, GPT_REQUESTED));
    openllmetry.put("anthropic-messages-stream", anthropic(traceloopAnthropic, null));
    all.put("openllmetry", openllmetry);

    // OpenInference: inclusive counts with cache and reasoning details; the streamed chat call
    // drops the usage chunk (and never sees the response model); Anthropic has no thinking count.
    String oiOpenAi = "@arizeai/openinference-instrumentation-openai";
    String oiAnthropic = "@arizeai/openinference-instrumentation-anthropic";
    Map<String, Expect> openinference = new LinkedHashMap<>();
    openinference.put("openai-chat-plain", chat(oiOpenAi, "openai", GPT));
    openinference.put("openai-responses-plain", responses(oiOpenAi, "openai"));
    openinference.put("anthropic-messages-plain", anthropic(oiAnthropic, null));
    openinference.put("openai-chat-stream", noUsage(oiOpenAi, GPT_REQUESTED));
    openinference.put("openai-responses-stream", responses(oiOpenAi, "openai"));
    openinference.put("anthropic-messages-stream", anthropic(oiAnthropic, null));
    all.put("openinference", openinference);

    // The OpenTelemetry OpenAI instrumentation: input and output only, streamed or not.
    String otel = "@opentelemetry/instrumentation-openai";
    Map<String, Expect> otelOpenAi = new LinkedHashMap<>();
    for (String s : List.of("plain", "stream")) {
      otelOpenAi.put("openai-chat-" + s, new Expect(otel, "openai", GPT, 1900L, null, null, 500L, null,
          CHAT_COST_NO_CACHE_INFO));
      otelOpenAi.put("openai-responses-" + s, new Expect(otel, "openai", GPT, 2100L, null, null, 600L, null,
          RESPONSES_COST_NO_CACHE_INFO));
    }
    all.put("otel-openai", otelOpenAi);

    // The Anthropic SDK's own tracing: inclusive input, cache_write spelling, thinking as reasoning.
    String sdk = "com.anthropic.sdk.typescript";
    Map<String, Expect> anthropicSdk = new LinkedHashMap<>();
    for (String c : List.of("anthropic-messages-plain", "anthropic-messages-stream", "anthropic-messages-stream-helper")) {
      anthropicSdk.put(c, anthropic(sdk, 250L));
    }
    // The same usage with 100 of the 300 cache-write tokens for 5 minutes and 200 for an hour
    // (claude-sonnet-4-5 1-hour write: $6 per 1M): 900 × 3.00 + 700 × 0.30 + 100 × 3.75 + 200 × 6.00
    // + 400 × 15.00 = $0.0027 + $0.00021 + $0.000375 + $0.0012 + $0.006 = $0.010485
    anthropicSdk.put("anthropic-messages-cache-1h", new Expect(sdk, "anthropic", CLAUDE, 1900L, 700L, 300L, 400L, 250L,
        0.010485));
    all.put("anthropic-sdk", anthropicSdk);

    // Langfuse: disjoint usage buckets, summed back; no provider attribute; the streamed chat call
    // names the requested model only.
    String lf = "langfuse-sdk";
    Map<String, Expect> langfuse = new LinkedHashMap<>();
    langfuse.put("openai-chat-plain", chat(lf, null, GPT));
    langfuse.put("openai-responses-plain", responses(lf, null));
    langfuse.put("openai-chat-stream", chat(lf, null, GPT_REQUESTED));
    langfuse.put("openai-responses-stream", responses(lf, null));
    all.put("langfuse", langfuse);

    // Vercel AI SDK 6: total input with its details, provider ids openai.chat / openai.responses /
    // anthropic.messages; the outer generateText / streamText span is a roll-up, not a call.
    Map<String, Expect> vercel = new LinkedHashMap<>();
    for (String s : List.of("plain", "stream")) {
      vercel.put("openai-chat-" + s, chat("ai", "openai", GPT));
      vercel.put("openai-responses-" + s, responses("ai", "openai"));
      vercel.put("anthropic-messages-" + s, anthropic("ai", 250L));
    }
    all.put("vercel-ai", vercel);
    return all;
  }

  @Test
  void realInstrumentationsStoreTheProvidersUsageAndCost() throws Exception {
    Path project = Path.of(System.getProperty("llmscope.instrumentations", "src/test/node/instrumentations"));
    assertTrue(Files.isDirectory(project.resolve("node_modules")),
        "npm ci has not run in " + project.toAbsolutePath() + " (the build does it before integration-test)");
    Map<String, Map<String, Expect>> expected = expected();
    Path dumps = Path.of("target", "instrumentations");
    Files.createDirectories(dumps);

    try (ServerProcess s = ServerProcess.start(dir.resolve("data"))) {
      Map<String, Map<String, String>> traces = runAll(project, expected.keySet(), s.otlpUrl());
      List<String> failures = new ArrayList<>();
      for (var lib : expected.entrySet()) {
        assertEquals(lib.getValue().keySet(), traces.get(lib.getKey()).keySet(), lib.getKey() + ": cases run");
        ObjectNode dump = ServerProcess.JSON.createObjectNode();
        for (var c : lib.getValue().entrySet()) {
          String label = lib.getKey() + " " + c.getKey();
          JsonNode trace = s.get("/api/v1/traces/" + traces.get(lib.getKey()).get(c.getKey()));
          List<JsonNode> calls = new ArrayList<>();
          for (JsonNode span : trace.get("spans")) if (span.get("llm").asBoolean()) calls.add(span);
          if (calls.size() != 1) {
            failures.add(label + ": " + calls.size() + " model-call spans, expected 1: " + trace);
            continue;
          }
          JsonNode span = calls.get(0);
          dump.set(c.getKey(), span);
          check(label, c.getValue(), span, failures);
        }
        Files.writeString(dumps.resolve(lib.getKey() + ".json"),
            ServerProcess.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(dump), StandardCharsets.UTF_8);
      }
      if (!failures.isEmpty()) fail(failures.size() + " mismatches:\n" + String.join("\n", failures));

      // The same through the query API: one model call per case in each service (no call counted
      // twice, no roll-up counted), costs summed as expected.
      ServerProcess.Response r = s.query("{\"from\":\"now-1h\",\"groupBy\":[\"service\"],"
          + "\"metrics\":[\"count\",\"sum(cost_usd)\",\"sum(input_tokens)\"]}");
      assertEquals(200, r.status(), r.body().toString());
      Map<String, JsonNode> byService = new TreeMap<>();
      for (JsonNode row : r.body().get("rows")) byService.put(row.get(0).asText(), row);
      for (var lib : expected.entrySet()) {
        JsonNode row = byService.get("instr-" + lib.getKey());
        assertTrue(row != null, "no model calls for " + lib.getKey() + ": " + r.body());
        double cost = 0;
        long input = 0;
        for (Expect e : lib.getValue().values()) {
          if (e.cost() != null) cost += e.cost();
          if (e.input() != null) input += e.input();
        }
        assertEquals(lib.getValue().size(), row.get(1).asLong(), lib.getKey() + " model calls");
        assertEquals(cost, row.get(2).asDouble(), 1e-9, lib.getKey() + " sum(cost_usd)");
        assertEquals(input, row.get(3).asLong(), lib.getKey() + " sum(input_tokens)");
      }
    }
  }

  private static void check(String label, Expect e, JsonNode span, List<String> failures) {
    Map<String, Object> want = new LinkedHashMap<>();
    Map<String, Object> got = new LinkedHashMap<>();
    want.put("scope", e.scope());
    got.put("scope", text(span.get("scope_name")));
    want.put("provider", e.provider());
    got.put("provider", text(span.get("provider")));
    want.put("model", e.model());
    got.put("model", text(span.get("model")));
    want.put("input_tokens", e.input());
    got.put("input_tokens", count(span.get("input_tokens")));
    want.put("cache_read_tokens", e.cacheRead());
    got.put("cache_read_tokens", count(span.get("cache_read_tokens")));
    want.put("cache_write_tokens", e.cacheWrite());
    got.put("cache_write_tokens", count(span.get("cache_write_tokens")));
    want.put("output_tokens", e.output());
    got.put("output_tokens", count(span.get("output_tokens")));
    want.put("reasoning_tokens", e.reasoning());
    got.put("reasoning_tokens", count(span.get("reasoning_tokens")));
    // Canonical total is input + output whenever both are known.
    want.put("total_tokens", e.input() == null || e.output() == null ? null : e.input() + e.output());
    got.put("total_tokens", count(span.get("total_tokens")));
    // Each library's counts are read by its documented semantics, never by a repair rule.
    want.put("repaired", null);
    got.put("repaired", text(span.get("attributes").get("llmscope.tokens.repaired")));
    // To the nano-dollar: stored costs are rounded to 1e-12 USD.
    want.put("cost_usd", e.cost() == null ? null : Math.round(e.cost() * 1e9));
    JsonNode cost = span.get("cost_usd");
    got.put("cost_usd", cost == null || cost.isNull() ? null : Math.round(cost.asDouble() * 1e9));
    if (!want.equals(got)) {
      failures.add(label + ":\n  want " + want + "\n  got  " + got + "\n  attributes " + span.get("attributes"));
    }
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static Long count(JsonNode n) {
    return n == null || n.isNull() ? null : n.asLong();
  }

  /** Runs node run.js LIBRARY URL for every library at once; returns library → case → trace id. */
  private Map<String, Map<String, String>> runAll(Path project, Iterable<String> libraries, String otlpUrl) throws Exception {
    String node = System.getProperty("llmscope.node", "node");
    Map<String, Process> running = new LinkedHashMap<>();
    Map<String, Path[]> outputs = new LinkedHashMap<>();
    for (String lib : libraries) {
      Path out = dir.resolve(lib + ".out");
      Path err = dir.resolve(lib + ".err");
      running.put(lib, new ProcessBuilder(node, "run.js", lib, otlpUrl).directory(project.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start());
      outputs.put(lib, new Path[] {out, err});
    }
    Map<String, Map<String, String>> traces = new LinkedHashMap<>();
    for (var p : running.entrySet()) {
      String lib = p.getKey();
      if (!p.getValue().waitFor(120, TimeUnit.SECONDS)) {
        running.values().forEach(Process::destroyForcibly);
        fail("node run.js " + lib + " did not finish within 120 s");
      }
      String out = Files.readString(outputs.get(lib)[0]);
      assertEquals(0, p.getValue().exitValue(), "node run.js " + lib + " failed:\n" + out + Files.readString(outputs.get(lib)[1]));
      Map<String, String> cases = new LinkedHashMap<>();
      for (String line : out.split("\n")) {
        String[] f = line.trim().split(" ");
        if (f.length == 3 && f[0].equals("CASE")) cases.put(f[1], f[2]);
      }
      traces.put(lib, cases);
    }
    return traces;
  }
}
