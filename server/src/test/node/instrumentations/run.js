'use strict';
// node run.js LIBRARY OTLP_TRACES_URL
//
// Wraps the real `openai` / `@anthropic-ai/sdk` clients (or the Vercel AI SDK's providers) with one
// real instrumentation LIBRARY, calls the fake provider (fake-provider.js) once per case, streamed
// and not, and exports the spans over OTLP/HTTP protobuf to OTLP_TRACES_URL. Each case runs under
// its own root span "case ID", so the model-call span is that trace's only model call; one line per
// case on stdout: "CASE ID TRACE_ID". Exits 0 only when every case ran and every span was exported.
const LIBRARY = process.argv[2];
const OTLP_URL = process.argv[3];
if (!LIBRARY || !OTLP_URL) {
  console.error('usage: node run.js LIBRARY OTLP_TRACES_URL');
  process.exit(2);
}

// OpenTelemetry first: instrumentations that hook require() must be registered before the SDKs load.
const { trace } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { startFakeProvider } = require('./fake-provider');

/** Knows which spans have not ended yet, so the run flushes only once streamed spans are complete. */
class OpenSpans {
  constructor() {
    this.open = new Set();
    this.waiters = [];
  }
  onStart(span) {
    this.open.add(span);
  }
  onEnd(span) {
    this.open.delete(span);
    if (this.open.size === 0) this.waiters.splice(0).forEach((w) => w());
  }
  drained(timeoutMs) {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`spans never ended: ${[...this.open].map((s) => s.name)}`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

const openSpans = new OpenSpans();
let exportFailed = null;
const exporter = new OTLPTraceExporter({ url: OTLP_URL, timeoutMillis: 10000 });
const reportingExporter = {
  export(spans, done) {
    exporter.export(spans, (result) => {
      if (result.code !== 0) exportFailed = result.error || new Error('export failed');
      done(result);
    });
  },
  shutdown: () => exporter.shutdown(),
  forceFlush: () => exporter.forceFlush(),
};
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': `instr-${LIBRARY}` }),
  spanProcessors: [openSpans, new BatchSpanProcessor(reportingExporter, { scheduledDelayMillis: 60000, maxExportBatchSize: 512 })],
});
provider.register();
const tracer = trace.getTracer('llmscope-instrumentations-it');

const PROMPT = 'What is six times seven?';
const OPENAI_REQUEST_MODEL = 'gpt-5-mini';
const ANTHROPIC_REQUEST_MODEL = 'claude-sonnet-4-5';

async function drain(stream) {
  for await (const _ of stream) {
    // read to the end: the instrumentations record usage when the stream completes
  }
}

function openaiClient(fake) {
  const { OpenAI } = require('openai');
  return new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-fake', maxRetries: 0 });
}

/**
 * The Anthropic SDK (1.x) traces its own calls; off here so the library under test writes the only
 * span. sdk: the SDK module, when not the current one.
 */
function anthropicClient(fake, { ownTracing = false, sdk = require('@anthropic-ai/sdk') } = {}) {
  const { Anthropic } = sdk;
  return new Anthropic({
    baseURL: fake.url, apiKey: 'sk-ant-fake', maxRetries: 0, ...(ownTracing ? {} : { openTelemetry: false }),
  });
}

async function openaiChat(client, stream) {
  const request = { model: OPENAI_REQUEST_MODEL, messages: [{ role: 'user', content: PROMPT }], reasoning_effort: 'medium' };
  if (!stream) return client.chat.completions.create(request);
  return drain(await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } }));
}

async function openaiResponses(client, stream) {
  const request = { model: OPENAI_REQUEST_MODEL, input: PROMPT, reasoning: { effort: 'medium' } };
  if (!stream) return client.responses.create(request);
  return drain(await client.responses.create({ ...request, stream: true }));
}

async function anthropicMessages(client, stream) {
  const request = {
    model: ANTHROPIC_REQUEST_MODEL, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 },
    messages: [{ role: 'user', content: PROMPT }],
  };
  if (!stream) return client.messages.create(request);
  return drain(await client.messages.create({ ...request, stream: true }));
}

/** The usual cases for a library that instruments the provider SDK clients. */
function sdkCases(fake, { chat = true, responses = true, anthropic = true, anthropicSdk } = {}) {
  const cases = {};
  for (const stream of [false, true]) {
    const s = stream ? 'stream' : 'plain';
    if (chat) cases[`openai-chat-${s}`] = () => openaiChat(openaiClient(fake), stream);
    if (responses) cases[`openai-responses-${s}`] = () => openaiResponses(openaiClient(fake), stream);
    if (anthropic) cases[`anthropic-messages-${s}`] = () => anthropicMessages(anthropicClient(fake, { sdk: anthropicSdk }), stream);
  }
  return cases;
}

const LIBRARIES = {
  // OpenLLMetry JS (Traceloop). Its Anthropic instrumentation patches Anthropic.Completions, which
  // @anthropic-ai/sdk 1.x no longer has (require() then throws), so it wraps the last 0.x SDK.
  openllmetry(fake) {
    const { OpenAIInstrumentation } = require('@traceloop/instrumentation-openai');
    const { AnthropicInstrumentation } = require('@traceloop/instrumentation-anthropic');
    const anthropic = new AnthropicInstrumentation();
    registerInstrumentations({ instrumentations: [new OpenAIInstrumentation(), anthropic] });
    const anthropicSdk = require('anthropic-sdk-0');
    anthropic.manuallyInstrument(anthropicSdk);
    return sdkCases(fake, { anthropicSdk });
  },
  // OpenInference JS (Arize).
  openinference(fake) {
    const { OpenAIInstrumentation } = require('@arizeai/openinference-instrumentation-openai');
    const { AnthropicInstrumentation } = require('@arizeai/openinference-instrumentation-anthropic');
    registerInstrumentations({ instrumentations: [new OpenAIInstrumentation(), new AnthropicInstrumentation()] });
    return sdkCases(fake);
  },
  // The OpenTelemetry project's own OpenAI instrumentation (GenAI semantic conventions).
  'otel-openai'(fake) {
    const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
    registerInstrumentations({ instrumentations: [new OpenAIInstrumentation()] });
    return sdkCases(fake, { anthropic: false });
  },
  // The Anthropic SDK's built-in OpenTelemetry tracing (scope com.anthropic.sdk.typescript).
  'anthropic-sdk'(fake) {
    const cases = {};
    for (const stream of [false, true]) {
      cases[`anthropic-messages-${stream ? 'stream' : 'plain'}`] = () => anthropicMessages(anthropicClient(fake, { ownTracing: true }), stream);
    }
    // The stream helper records the same span through its own path.
    cases['anthropic-messages-stream-helper'] = () => anthropicClient(fake, { ownTracing: true }).messages.stream({
      model: ANTHROPIC_REQUEST_MODEL, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: PROMPT }],
    }).finalMessage();
    // A system prompt cached for an hour: the usage splits the cache write by lifetime.
    cases['anthropic-messages-cache-1h'] = () => anthropicClient(fake, { ownTracing: true }).messages.create({
      model: ANTHROPIC_REQUEST_MODEL, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 },
      system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [{ role: 'user', content: PROMPT }],
    });
    return cases;
  },
  // Langfuse JS SDK v4+: observeOpenAI writes Langfuse generation observations as OTel spans.
  langfuse(fake) {
    const { observeOpenAI } = require('@langfuse/openai');
    const cases = {};
    for (const stream of [false, true]) {
      const s = stream ? 'stream' : 'plain';
      cases[`openai-chat-${s}`] = () => openaiChat(observeOpenAI(openaiClient(fake)), stream);
      cases[`openai-responses-${s}`] = () => openaiResponses(observeOpenAI(openaiClient(fake)), stream);
    }
    return cases;
  },
  // Vercel AI SDK telemetry around its own OpenAI (chat and responses) and Anthropic providers.
  'vercel-ai'(fake) {
    const { generateText, streamText } = require('ai');
    const { createOpenAI } = require('@ai-sdk/openai');
    const { createAnthropic } = require('@ai-sdk/anthropic');
    const openai = createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-fake' });
    const anthropic = createAnthropic({ baseURL: `${fake.url}/v1`, apiKey: 'sk-ant-fake' });
    const models = {
      'openai-chat': [openai.chat(OPENAI_REQUEST_MODEL), { openai: { reasoningEffort: 'medium' } }],
      'openai-responses': [openai.responses(OPENAI_REQUEST_MODEL), { openai: { reasoningEffort: 'medium' } }],
      'anthropic-messages': [anthropic(ANTHROPIC_REQUEST_MODEL), { anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } }],
    };
    const cases = {};
    for (const [name, [model, providerOptions]] of Object.entries(models)) {
      const args = (id) => ({
        model, prompt: PROMPT, maxRetries: 0, providerOptions, experimental_telemetry: { isEnabled: true, functionId: id },
      });
      cases[`${name}-plain`] = () => generateText(args(`${name}-plain`));
      cases[`${name}-stream`] = async () => {
        const result = streamText({ ...args(`${name}-stream`), onError: ({ error }) => { throw error; } });
        await drain(result.fullStream);
        await result.totalUsage;
      };
    }
    return cases;
  },
};

async function main() {
  const setup = LIBRARIES[LIBRARY];
  if (!setup) throw new Error(`unknown library ${LIBRARY}; known: ${Object.keys(LIBRARIES).join(', ')}`);
  const fake = await startFakeProvider();
  try {
    const cases = setup(fake);
    for (const [id, run] of Object.entries(cases)) {
      await tracer.startActiveSpan(`case ${id}`, { attributes: { 'llmscope.it.case': id, 'llmscope.it.library': LIBRARY } }, async (span) => {
        try {
          await run();
        } finally {
          span.end();
        }
        console.log(`CASE ${id} ${span.spanContext().traceId}`);
      });
    }
    await openSpans.drained(10000);
  } finally {
    await fake.close();
  }
  await provider.forceFlush();
  await provider.shutdown();
  if (exportFailed) throw exportFailed;
}

main().then(() => process.exit(0), (e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
