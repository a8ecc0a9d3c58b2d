// Explore: any query of POST /api/v1/query, built in a form; the query lives in the URL (?q=JSON).
import { api } from '../api.js';
import { timeseries } from '../chart.js';
import { h, card, panel, table, stepFor } from '../util.js';

export const refreshable = false;
const OPS = ['=', '!=', 'in', 'not_in', '>', '>=', '<', '<=', 'exists', 'contains'];
const METRICS = ['count', 'error_count', 'error_rate', 'sum(cost_usd)', 'avg(duration_ms)', 'p50(duration_ms)', 'p95(duration_ms)', 'p99(duration_ms)',
  'p95(ttft_ms)', 'sum(input_tokens)', 'sum(output_tokens)', 'sum(total_tokens)', 'count_distinct(user)'];

export async function render(root, ctx) {
  const { from, to } = ctx.range;
  let q;
  try { q = JSON.parse(ctx.params.get('q') || 'null'); } catch { q = null; }
  q = q || { filters: [], groupBy: ['model'], metrics: ['count', 'p95(duration_ms)'], step: 'auto', llmOnly: true };
  const fields = (await api.fields()).fields.filter((f) => !f.pattern);
  const dims = fields.filter((f) => f.type === 'string').map((f) => f.name);
  const scoreMetrics = fields.filter((f) => f.score).map((f) => `avg(${f.name})`);

  const filtersEl = h('div.filter-rows');
  const addFilter = (f = { field: 'service', op: '=', value: '' }) => {
    const dl = `vals-${Math.random().toString(36).slice(2)}`;
    const field = h('select', { 'aria-label': 'Filter field' }, fields.map((x) => h('option', { value: x.name, selected: x.name === f.field }, x.name)));
    const op = h('select', { 'aria-label': 'Filter operator' }, OPS.map((o) => h('option', { value: o, selected: o === f.op }, o)));
    const value = h('input', { 'aria-label': 'Filter value', list: dl, value: Array.isArray(f.value) ? f.value.join(',') : f.value ?? '', placeholder: 'value (a,b for in)' });
    const datalist = h('datalist', { id: dl });
    // Value picker: the field's distinct values in the range, most frequent first.
    const pick = async () => {
      const t = fields.find((x) => x.name === field.value)?.type;
      if (t !== 'string') { datalist.replaceChildren(); return; }
      try {
        const { values } = await api.values(field.value, from, to, 100);
        datalist.replaceChildren(...values.map((v) => h('option', { value: String(v.value) }, `${v.count}`)));
      } catch { datalist.replaceChildren(); }
    };
    field.addEventListener('change', pick);
    value.addEventListener('focus', pick, { once: true });
    const row = h('div.filter-row', field, op, value, datalist, h('button', { type: 'button', 'aria-label': 'Remove filter', onclick: () => row.remove() }, '×'));
    row.read = () => {
      const o = op.value;
      let v = value.value.trim();
      if (o === 'in' || o === 'not_in') v = v.split(',').map((s) => s.trim()).filter(Boolean);
      else if (o === 'exists') v = v !== 'false';
      else if (['>', '>=', '<', '<='].includes(o) && v !== '' && !Number.isNaN(Number(v))) v = Number(v);
      return { field: field.value, op: o, value: v };
    };
    filtersEl.append(row);
  };
  (q.filters || []).forEach(addFilter);

  const groupBy = h('input', { 'aria-label': 'Group by', value: (q.groupBy || []).join(', '), list: 'dims', size: 24, placeholder: 'model, service' });
  const metrics = h('input', { 'aria-label': 'Metrics', value: (q.metrics || []).join(', '), size: 50, list: 'metrics' });
  const step = h('select', { 'aria-label': 'Step' }, ['', 'auto', '1m', '5m', '15m', '1h', '6h', '1d'].map((s) => h('option', { value: s, selected: s === (q.step ?? '') }, s || 'none (totals)')));
  const llmOnly = h('input', { type: 'checkbox', checked: q.llmOnly !== false });
  const explain = h('input', { type: 'checkbox', checked: !!q.explain });
  const limit = h('input', { type: 'number', min: 1, value: q.limit ?? 100, size: 6, 'aria-label': 'Limit' });
  const form = h('form.explore', { 'data-testid': 'explore-form', onsubmit: (e) => {
    e.preventDefault();
    const next = {
      filters: [...filtersEl.children].map((r) => r.read()).filter((f) => f.value !== ''),
      groupBy: groupBy.value.split(',').map((s) => s.trim()).filter(Boolean),
      metrics: metrics.value.split(',').map((s) => s.trim()).filter(Boolean),
      step: step.value || undefined, llmOnly: llmOnly.checked, explain: explain.checked || undefined, limit: Number(limit.value) || undefined,
    };
    ctx.go('explore', { q: JSON.stringify(next) });
  } },
  h('datalist', { id: 'dims' }, dims.map((d) => h('option', { value: d }))),
  h('datalist', { id: 'metrics' }, [...METRICS, ...scoreMetrics].map((m) => h('option', { value: m }))),
  h('fieldset', h('legend', 'Filters'), filtersEl, h('button', { type: 'button', onclick: () => addFilter() }, '+ filter')),
  h('div.filters', h('label', 'group by ', groupBy), h('label', 'metrics ', metrics), h('label', 'step ', step), h('label', 'limit ', limit),
    h('label.check', llmOnly, ' model calls only'), h('label.check', explain, ' explain'),
    h('button', { type: 'submit', 'data-testid': 'run-query' }, 'Run')));
  root.append(card('Query', form));

  const out = h('div');
  root.append(out);
  const width = Math.max(300, (document.getElementById('app').clientWidth || 1200) - 60);
  const body = { ...q, from, to, step: q.step === 'auto' ? stepFor(from, to, width) : q.step };
  if (!body.step) delete body.step;
  out.append(h('details', h('summary', 'Request body'), h('pre.attrs', { 'data-testid': 'query-body' }, JSON.stringify(body, null, 2))));
  const res = h('div');
  out.append(res);
  await panel(res, async () => {
    const r = await api.query(body);
    const parts = [h('p.muted.small', `${r.rows.length} rows · ${r.stats.rowsScanned} rows scanned · ${r.stats.segmentsScanned} segments scanned, ${r.stats.segmentsPruned} pruned · ${r.stats.tookMs} ms`)];
    if (body.step && body.metrics?.length) {
      const group = (body.groupBy || [])[0];
      parts.push(card(body.metrics[0], timeseries(r, { metric: body.metrics[0], group, step: body.step, fromMs: from, toMs: to, testid: 'explore-chart',
        onPick: (x) => ctx.go('traces', { from: x.from, to: x.to, llm: body.llmOnly !== false ? '1' : '', ...(group && x.group ? { [group]: x.group } : {}) }) })));
    }
    parts.push(card('Rows', r.rows.length ? table(r.columns, r.rows, { testid: 'explore-table' }) : h('p.empty', 'No rows.')));
    if (r.plan) parts.push(card('Plan (explain)', h('pre.attrs', JSON.stringify(r.plan, null, 2))));
    return parts;
  });
}
