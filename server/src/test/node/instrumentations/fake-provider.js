'use strict';
// A fake model provider on 127.0.0.1, port 0: OpenAI /v1/chat/completions and /v1/responses,
// Anthropic /v1/messages, each plain JSON or streamed as server-sent events in the shape the real
// APIs send, with fixed usage (cache reads, cache writes, reasoning) so the test knows every count.
const http = require('node:http');

const OPENAI_MODEL = 'gpt-5-mini-2025-08-07';
const ANTHROPIC_MODEL = 'claude-sonnet-4-5-20250929';

// OpenAI counts are inclusive: prompt_tokens includes cached_tokens, completion_tokens includes
// reasoning_tokens. OpenAI reports no cache writes.
const CHAT_USAGE = {
  prompt_tokens: 1900,
  completion_tokens: 500,
  total_tokens: 2400,
  prompt_tokens_details: { cached_tokens: 700, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 320, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0,
  },
};
const RESPONSES_USAGE = {
  input_tokens: 2100,
  input_tokens_details: { cached_tokens: 800 },
  output_tokens: 600,
  output_tokens_details: { reasoning_tokens: 450 },
  total_tokens: 2700,
};
// Anthropic's input_tokens is the uncached part: the call read 900 + 700 + 300 = 1900 input tokens.
// output_tokens includes thinking_tokens.
const ANTHROPIC_USAGE = {
  input_tokens: 900,
  cache_creation_input_tokens: 300,
  cache_read_input_tokens: 700,
  cache_creation: { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 0 },
  output_tokens: 400,
  output_tokens_details: { thinking_tokens: 250 },
  server_tool_use: null,
  service_tier: 'standard',
};

// A request that marks a cache breakpoint with ttl "1h" writes 200 of its 300 cache tokens to the
// 1-hour cache (priced above the 5-minute one).
const ANTHROPIC_USAGE_1H = {
  ...ANTHROPIC_USAGE,
  cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
};

const TEXT = ['The answer', ' is', ' 42.'];
const FULL_TEXT = TEXT.join('');

let seq = 0;
const id = (prefix) => `${prefix}${Date.now().toString(16)}${(++seq).toString(16).padStart(8, '0')}`;
const created = () => Math.floor(Date.now() / 1000);

function json(res, status, body, headers = {}) {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

function sse(res, headers, events) {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
  for (const e of events) {
    if (e.event) res.write(`event: ${e.event}\n`);
    res.write(`data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`);
  }
  res.end();
}

function chatCompletions(req, res, body) {
  const headers = { 'x-request-id': id('req_'), 'openai-processing-ms': '12' };
  const cid = id('chatcmpl-');
  const base = { id: cid, created: created(), model: OPENAI_MODEL, service_tier: 'default', system_fingerprint: null };
  if (!body.stream) {
    return json(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [{
        index: 0,
        message: { role: 'assistant', content: FULL_TEXT, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      }],
      usage: CHAT_USAGE,
    }, headers);
  }
  // As the API streams: usage only with stream_options.include_usage, then on every chunk as null
  // and in one last chunk with no choices.
  const withUsage = !!(body.stream_options && body.stream_options.include_usage);
  const chunk = (choices, extra = {}) => ({
    data: { ...base, object: 'chat.completion.chunk', choices, ...(withUsage ? { usage: null } : {}), ...extra },
  });
  const events = [chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }])];
  for (const t of TEXT) events.push(chunk([{ index: 0, delta: { content: t }, logprobs: null, finish_reason: null }]));
  events.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]));
  if (withUsage) events.push(chunk([], { usage: CHAT_USAGE }));
  events.push({ data: '[DONE]' });
  sse(res, headers, events);
}

function responses(req, res, body) {
  const headers = { 'x-request-id': id('req_'), 'openai-processing-ms': '15' };
  const rid = id('resp_');
  const reasoning = { id: id('rs_'), type: 'reasoning', summary: [] };
  const msgId = id('msg_');
  const part = { type: 'output_text', annotations: [], logprobs: [], text: FULL_TEXT };
  const message = { id: msgId, type: 'message', status: 'completed', content: [part], role: 'assistant' };
  const response = (status, output, usage) => ({
    id: rid, object: 'response', created_at: created(), status, background: false, error: null,
    incomplete_details: null, instructions: null, max_output_tokens: null, max_tool_calls: null,
    model: OPENAI_MODEL, output, parallel_tool_calls: true, previous_response_id: null,
    prompt_cache_key: null, reasoning: { effort: 'medium', summary: null }, safety_identifier: null,
    service_tier: 'default', store: true, temperature: 1.0, text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto', tools: [], top_logprobs: 0, top_p: 1.0, truncation: 'disabled', usage, user: null, metadata: {},
  });
  if (!body.stream) return json(res, 200, response('completed', [reasoning, message], RESPONSES_USAGE), headers);
  let n = 0;
  const ev = (type, fields) => ({ event: type, data: { type, sequence_number: n++, ...fields } });
  const events = [
    ev('response.created', { response: response('in_progress', [], null) }),
    ev('response.in_progress', { response: response('in_progress', [], null) }),
    ev('response.output_item.added', { output_index: 0, item: reasoning }),
    ev('response.output_item.done', { output_index: 0, item: reasoning }),
    ev('response.output_item.added', {
      output_index: 1, item: { id: msgId, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
    }),
    ev('response.content_part.added', {
      item_id: msgId, output_index: 1, content_index: 0, part: { ...part, text: '' },
    }),
  ];
  for (const t of TEXT) {
    events.push(ev('response.output_text.delta', { item_id: msgId, output_index: 1, content_index: 0, delta: t, logprobs: [] }));
  }
  events.push(
    ev('response.output_text.done', { item_id: msgId, output_index: 1, content_index: 0, text: FULL_TEXT, logprobs: [] }),
    ev('response.content_part.done', { item_id: msgId, output_index: 1, content_index: 0, part }),
    ev('response.output_item.done', { output_index: 1, item: message }),
    ev('response.completed', { response: response('completed', [reasoning, message], RESPONSES_USAGE) }));
  sse(res, headers, events);
}

function messages(req, res, body) {
  const usage = JSON.stringify(body).includes('"ttl":"1h"') ? ANTHROPIC_USAGE_1H : ANTHROPIC_USAGE;
  const headers = { 'request-id': id('req_'), 'anthropic-organization-id': 'org-fake' };
  const mid = id('msg_');
  const thinking = { type: 'thinking', thinking: 'Six times seven.', signature: 'c2lnbmF0dXJl' };
  const text = { type: 'text', text: FULL_TEXT };
  if (!body.stream) {
    return json(res, 200, {
      id: mid, type: 'message', role: 'assistant', model: ANTHROPIC_MODEL, content: [thinking, text],
      stop_reason: 'end_turn', stop_sequence: null, usage,
    }, headers);
  }
  // message_start carries the input side and a placeholder output count; message_delta the
  // cumulative totals, as the API streams them.
  const ev = (type, fields) => ({ event: type, data: { type, ...fields } });
  const { output_tokens_details: _ignored, ...startUsage } = usage;
  const events = [
    ev('message_start', {
      message: {
        id: mid, type: 'message', role: 'assistant', model: ANTHROPIC_MODEL, content: [],
        stop_reason: null, stop_sequence: null, usage: { ...startUsage, output_tokens: 1 },
      },
    }),
    ev('ping', {}),
    ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
    ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: thinking.thinking } }),
    ev('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: thinking.signature } }),
    ev('content_block_stop', { index: 0 }),
    ev('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }),
  ];
  for (const t of TEXT) events.push(ev('content_block_delta', { index: 1, delta: { type: 'text_delta', text: t } }));
  events.push(
    ev('content_block_stop', { index: 1 }),
    ev('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens: usage.output_tokens,
        output_tokens_details: usage.output_tokens_details,
        server_tool_use: null,
      },
    }),
    ev('message_stop', {}));
  sse(res, headers, events);
}

const ROUTES = { '/v1/chat/completions': chatCompletions, '/v1/responses': responses, '/v1/messages': messages };

/** Starts the fake provider; resolves to {url, requests, close}. requests: every request body received. */
function startFakeProvider() {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const route = ROUTES[req.url.split('?')[0]];
      if (req.method !== 'POST' || !route) return json(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        return json(res, 400, { error: { message: 'body is not JSON' } });
      }
      requests.push({ path: req.url, body });
      route(req, res, body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        requests,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

module.exports = {
  startFakeProvider, OPENAI_MODEL, ANTHROPIC_MODEL, CHAT_USAGE, RESPONSES_USAGE, ANTHROPIC_USAGE, ANTHROPIC_USAGE_1H,
};
