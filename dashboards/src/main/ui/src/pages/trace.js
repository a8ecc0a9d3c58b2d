// One trace: a waterfall of its spans and, for the chosen span, everything about the call.
import { api } from '../api.js';
import { h, card, num, usd, ms, when } from '../util.js';

export const refreshable = false;

export async function render(root, ctx) {
  const id = decodeURIComponent(ctx.arg);
  const t = await api.trace(id);
  const spans = t.spans;
  const t0 = Math.min(...spans.map((s) => s.start_time_unix_nano));
  const t1 = Math.max(...spans.map((s) => s.end_time_unix_nano));
  const total = Math.max(1, t1 - t0);
  // Depth by parent chain, children right under their parent (spans come sorted by start).
  const byId = new Map(spans.map((s) => [s.span_id, s]));
  const kids = new Map();
  const roots = [];
  for (const s of spans) {
    if (s.parent_span_id && byId.has(s.parent_span_id)) {
      if (!kids.has(s.parent_span_id)) kids.set(s.parent_span_id, []);
      kids.get(s.parent_span_id).push(s);
    } else roots.push(s);
  }
  const ordered = [];
  const walk = (s, d) => { ordered.push([s, d]); for (const k of kids.get(s.span_id) || []) walk(k, d + 1); };
  roots.forEach((r) => walk(r, 0));

  let selected = ctx.params.get('span') || (spans.find((s) => s.llm) || spans[0]).span_id;
  const detail = h('div');
  const rows = ordered.map(([s, d]) => {
    const left = (100 * (s.start_time_unix_nano - t0)) / total;
    const width = Math.max(0.3, (100 * (s.end_time_unix_nano - s.start_time_unix_nano)) / total);
    const row = h('button.wf-row', { type: 'button', dataset: { span: s.span_id }, 'aria-pressed': String(s.span_id === selected),
      onclick: () => select(s.span_id) },
    h('span.wf-name', { style: `padding-left:${d * 14}px` }, s.span_name, s.model ? h('span.muted', ` · ${s.model}`) : null),
    h('span.wf-track', h(`span.wf-bar${s.llm ? '.llm' : ''}${s.status === 'error' ? '.err' : ''}`, { style: `left:${left}%;width:${width}%` })),
    h('span.wf-dur', ms(s.duration_ms)));
    return row;
  });
  function select(spanId) {
    selected = spanId;
    for (const r of rows) r.setAttribute('aria-pressed', String(r.dataset.span === spanId));
    detail.replaceChildren(spanDetail(byId.get(spanId)));
  }
  root.append(h('p', h('a', { href: '#/traces' }, '← Traces')),
    card(`Trace ${t.traceId}`, h('p.muted.small', `${spans.length} spans · ${ms(total / 1e6)} · started ${when(t0 / 1e6)}`),
      h('div.waterfall', { 'data-testid': 'waterfall', dataset: { count: spans.length } }, rows)),
    detail);
  select(selected);
}

function spanDetail(s) {
  const a = s.attributes || {};
  const kv = (pairs) => h('dl.kv', pairs.filter(([, v]) => v != null && v !== '').map(([k, v]) => [h('dt', k), h('dd', v)]));
  const parts = [
    card(`${s.span_name}`, kv([
      ['service', s.service], ['operation', s.operation], ['provider', s.provider], ['model', s.model],
      ['requested model', s.request_model !== s.model ? s.request_model : null],
      ['status', s.status + (s.error_type ? ` (${s.error_type})` : '') + (s.status_message ? `: ${s.status_message}` : '')],
      ['latency', ms(s.duration_ms)], ['time to first token', s.ttft_ms != null ? ms(s.ttft_ms) : null],
      ['finish reason', s.finish_reason], ['user', s.user], ['session', s.session],
      ['prompt', s.prompt_name ? `${s.prompt_name} v${s.prompt_version ?? '?'}` : null],
      ['temperature', s.temperature], ['max tokens', s.max_tokens],
    ])),
  ];
  if (s.llm) {
    parts.push(h('div.grid2',
      card('Tokens', kv([['input', num(s.input_tokens)], ['cache read', num(s.cache_read_tokens)], ['cache write', num(s.cache_write_tokens)],
        ['output', num(s.output_tokens)], ['reasoning', num(s.reasoning_tokens)], ['total', num(s.total_tokens)]])),
      card('Cost', kv([['total', usd(s.cost_usd) + (s.cost_reported ? ' (reported by the sender)' : '')],
        ['input', usd(s.cost_input_usd)], ['cache read', usd(s.cost_cache_read_usd)], ['cache write', usd(s.cost_cache_write_usd)],
        ['output', usd(s.cost_output_usd)], ['reasoning', usd(s.cost_reasoning_usd)]]))));
  }
  if (s.scores && s.scores.length) {
    parts.push(card('Scores', kv(s.scores.map((x) => [x.name, [x.value != null ? num(x.value, 3) : '', x.label ? ` ${x.label}` : '', x.comment ? ` — ${x.comment}` : ''].join('')]))));
  }
  const convo = conversation(s);
  if (convo.length) parts.push(card('Conversation', h('div.convo', convo)));
  parts.push(card('Attributes', h('pre.attrs', JSON.stringify({ attributes: a, resource: s.resource, events: s.events }, null, 2))));
  return h('div', { 'data-testid': 'span-detail' }, parts);
}

/** Prompt and completion messages in the forms instrumentations write them; [] when not captured. */
function conversation(s) {
  const a = s.attributes || {};
  const msgs = [];
  const parse = (v) => { try { return typeof v === 'string' ? JSON.parse(v) : v; } catch { return v; } };
  const push = (role, content) => { if (content != null && content !== '') msgs.push([role, typeof content === 'string' ? content : JSON.stringify(content, null, 2)]); };
  const fromList = (list, dflt) => {
    if (!Array.isArray(list)) { push(dflt, list); return; }
    for (const m of list) {
      if (m && m.parts) push(m.role || dflt, m.parts.map((p) => p.content ?? p.text ?? JSON.stringify(p)).join('\n'));
      else if (m && typeof m === 'object') push(m.role || dflt, m.content ?? m.text ?? JSON.stringify(m));
      else push(dflt, m);
    }
  };
  if (a['gen_ai.system_instructions']) fromList(parse(a['gen_ai.system_instructions']), 'system');
  if (a['gen_ai.input.messages']) fromList(parse(a['gen_ai.input.messages']), 'user');
  if (a['gen_ai.output.messages']) fromList(parse(a['gen_ai.output.messages']), 'assistant');
  // Older semantic conventions: gen_ai.prompt.N.role/content and gen_ai.completion.N.*
  for (const side of ['prompt', 'completion']) {
    for (let i = 0; a[`gen_ai.${side}.${i}.content`] != null || a[`gen_ai.${side}.${i}.role`] != null; i++) {
      push(a[`gen_ai.${side}.${i}.role`] || (side === 'prompt' ? 'user' : 'assistant'), a[`gen_ai.${side}.${i}.content`]);
    }
  }
  // OpenInference: input.value / output.value.
  if (!msgs.length && a['input.value']) push('input', a['input.value']);
  if (msgs.length && a['output.value'] && !a['gen_ai.output.messages']) push('output', a['output.value']);
  for (const e of s.events || []) {
    const m = /^gen_ai\.(system|user|assistant|tool|choice)\.message$|^gen_ai\.choice$/.exec(e.name);
    if (m) push(m[1] || 'assistant', e.attributes?.content ?? e.attributes?.message ?? JSON.stringify(e.attributes));
  }
  return msgs.map(([role, text]) => {
    const long = text.length > 600;
    const body = h('div.msg-text', long ? text.slice(0, 600) + '…' : text);
    const more = long ? h('button.link', { type: 'button', onclick: () => { body.textContent = text; more.remove(); } }, `Show all (${num(text.length)} chars)`) : null;
    return h(`div.msg.${String(role).replace(/\W/g, '')}`, h('div.msg-role', role), body, more);
  });
}
