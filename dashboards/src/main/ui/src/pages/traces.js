// Traces: a searchable span list; a row opens its trace.
import { api } from '../api.js';
import { h, card, num, usd, ms, when, short, panel, errorBox } from '../util.js';

export const refreshable = false;
const FILTERS = ['service', 'model', 'user', 'session', 'status', 'prompt_name', 'prompt_version', 'operation'];

export async function render(root, ctx) {
  const p = ctx.params;
  // A chart click sends its bucket's from/to; otherwise the header's range.
  const from = Number(p.get('from')) || ctx.range.from;
  const to = Number(p.get('to')) || ctx.range.to;
  root.dataset.from = from;
  root.dataset.to = to;
  const form = h('form.filters', { 'data-testid': 'span-filters', onsubmit: (e) => {
    e.preventDefault();
    const params = { from: p.get('from'), to: p.get('to') };
    for (const f of FILTERS) params[f] = form.elements[f].value.trim();
    params.llm = form.elements.llm.checked ? '1' : '';
    params.minms = form.elements.minms.value;
    ctx.go('traces', params);
  } });
  for (const f of FILTERS) {
    form.append(h('label', f.replace('_', ' '),
      h('input', { name: f, value: p.get(f) || '', list: `dl-${f}`, autocomplete: 'off', size: 14 }),
      h('datalist', { id: `dl-${f}` })));
  }
  form.append(h('label', 'min duration (ms)', h('input', { name: 'minms', type: 'number', min: 0, value: p.get('minms') || '', size: 6 })),
    h('label.check', h('input', { name: 'llm', type: 'checkbox', checked: p.get('llm') === '1' }), ' model calls only'),
    h('button', { type: 'submit' }, 'Search'),
    h('span.muted.small', `${when(from)} – ${when(to)}`));
  root.append(card('Search spans', form));
  // Value pickers, filled once the list is up: they must not hold the page back.
  fillPickers(form, from, to);

  const body = h('div');
  root.append(card('Spans (newest first)', body));
  await panel(body, async () => {
    const params = { from, to, limit: 500 };
    for (const f of FILTERS) if (p.get(f)) params[f] = p.get(f);
    if (p.get('llm') === '1') params.llm = 'true';
    if (Number(p.get('minms')) > 0) params.minDurationMs = Number(p.get('minms'));
    const spans = (await api.spans(params)).spans;
    const scores = await scoresOf(spans, from, to).catch(() => new Map());
    if (spans.length === 0) return h('p.empty', { 'data-testid': 'no-spans' }, 'No spans match. Widen the time range or clear a filter.');
    return [h('p.muted.small', { 'data-testid': 'span-count', dataset: { count: spans.length } }, `${spans.length} spans${spans.length >= 500 ? ' (the newest 500 of the range)' : ''}`),
      h('div.table-wrap', h('table', { 'data-testid': 'span-table' },
        h('thead', h('tr', ['start', 'service', 'span', 'model', 'user', 'session', 'status', 'duration', 'tokens', 'cost', 'score'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', spans.map((s) => {
          const open = () => ctx.go('trace', { span: s.span_id }, s.trace_id);
          return h('tr.clickable', { tabindex: 0, dataset: { trace: s.trace_id, model: s.model ?? '', service: s.service ?? '', start: Math.floor(s.start_time_unix_nano / 1e6) },
            onclick: open, onkeydown: (e) => { if (e.key === 'Enter') open(); } },
          h('td', when(s.start_time_unix_nano / 1e6)), h('td', s.service), h('td', short(s.span_name, 28)), h('td', s.model ?? ''),
          h('td', s.user ?? ''), h('td', short(s.session, 14)), h('td', h(`span.status.${s.status}`, s.status)),
          h('td.num', ms(s.duration_ms)), h('td.num', num(s.total_tokens)), h('td.num', usd(s.cost_usd)),
          h('td.num', scores.get(s.span_id) ?? ''));
        }))))];
  });
}

async function fillPickers(form, from, to) {
  await Promise.all(FILTERS.map(async (f) => {
    try {
      const { values } = await api.values(f, from, to, 100);
      form.querySelector(`#dl-${f}`).replaceChildren(...values.map((v) => h('option', { value: String(v.value) })));
    } catch { /* pickers are a convenience; the search works without */ }
  }));
}

/** Each listed span's scores, by one grouped query over the listed span ids. */
async function scoresOf(spans, from, to) {
  const out = new Map();
  const ids = spans.filter((s) => s.llm).map((s) => s.span_id);
  if (!ids.length) return out;
  const names = (await api.fields()).fields.filter((f) => f.score).map((f) => f.name);
  if (!names.length) return out;
  const res = await api.query({ from, to, llmOnly: false, groupBy: ['span_id'], filters: [{ field: 'span_id', op: 'in', value: ids }],
    metrics: names.map((n) => `avg(${n})`), limit: ids.length });
  for (const r of res.rows) {
    const parts = names.map((n, i) => r[1 + i] == null ? null : `${n.slice(6)} ${num(r[1 + i], 2)}`).filter(Boolean);
    if (parts.length) out.set(r[0], parts.join(', '));
  }
  return out;
}
