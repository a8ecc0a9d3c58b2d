// Prompts & quality: a prompt's versions side by side, and two cohorts compared with their CIs.
import { api } from '../api.js';
import { timeseries } from '../chart.js';
import { h, card, panel, table, stepFor, formatterFor, num } from '../util.js';

export const refreshable = false;

export async function render(root, ctx) {
  const { from, to } = ctx.range;
  const p = ctx.params;
  const [names, fields] = await Promise.all([api.values('prompt_name', from, to, 200), api.fields()]);
  const scores = fields.fields.filter((f) => f.score).map((f) => f.name);
  if (names.values.length === 0) {
    root.append(card('Prompts', h('p.empty', 'No model call in this range names a prompt. Set gen_ai.prompt.name and gen_ai.prompt.version on your spans to see them here.')));
    return;
  }
  const name = p.get('name') || String(names.values[0].value);
  const mode = p.get('by') === 'model' ? 'model' : 'prompt_version';
  const nav = (extra) => ctx.go('prompts', { name, by: mode === 'model' ? 'model' : null, a: p.get('a'), b: p.get('b'), ...extra });
  root.append(card('Prompt', h('label', 'prompt name ',
    h('select', { 'aria-label': 'Prompt name', 'data-testid': 'prompt-name', onchange: (e) => nav({ name: e.target.value, a: null, b: null }) },
      names.values.map((v) => h('option', { value: v.value, selected: String(v.value) === name }, `${v.value} (${num(v.count)} calls)`))))));

  const byName = [{ field: 'prompt_name', op: '=', value: name }];
  const metrics = ['count', 'avg(cost_usd)', 'p50(duration_ms)', 'p95(duration_ms)', 'error_rate', ...scores.map((s) => `avg(${s})`)];
  const versions = await api.query({ from, to, filters: byName, groupBy: [mode], metrics, orderBy: [{ column: mode, desc: false }] });
  root.append(card(mode === 'model' ? `Models of ${name}` : `Versions of ${name}`,
    table(versions.columns.map((c) => c === 'avg(cost_usd)' ? 'cost per call' : c), versions.rows, {
      testid: 'versions', fmt: { 'cost per call': formatterFor('cost_usd') },
      onRow: (r) => ctx.go('traces', { from, to, llm: '1', prompt_name: name, [mode]: r[0] }),
    })));

  const width = Math.max(300, (document.getElementById('app').clientWidth || 1200) / 2 - 40);
  const step = stepFor(from, to, width, 8);
  const grid = h('div.grid2');
  root.append(grid);
  const over = [['Calls', 'count'], ['Cost per call', 'avg(cost_usd)'], ['p95 latency', 'p95(duration_ms)'], ...scores.map((s) => [`${s.slice(6)} (avg)`, `avg(${s})`])];
  await Promise.all(over.map(async ([title, metric]) => {
    const body = h('div');
    grid.append(card(`${title} by ${mode === 'model' ? 'model' : 'version'}`, body));
    await panel(body, async () => {
      const res = await api.query({ from, to, step, filters: byName, groupBy: [mode], metrics: [metric] });
      return timeseries(res, { metric, group: mode, step, fromMs: from, toMs: to,
        onPick: (x) => ctx.go('traces', { from: x.from, to: x.to, llm: '1', prompt_name: name, [mode]: x.group }) });
    });
  }));

  // The comparison: two cohorts of this prompt, by version (or by model).
  const options = versions.rows.map((r) => String(r[0])).filter((v) => v !== 'null');
  const a = p.get('a') || options[options.length - 2] || options[0];
  const b = p.get('b') || options[options.length - 1];
  const sel = (key, value) => h('select', { 'aria-label': `Cohort ${key.toUpperCase()}`, 'data-testid': `cohort-${key}`, onchange: (e) => nav({ [key]: e.target.value }) },
    options.map((o) => h('option', { value: o, selected: o === value }, o)));
  const result = h('div');
  root.append(card('Compare', h('div.filters',
    h('label', 'by ', h('select', { 'aria-label': 'Compare by', onchange: (e) => ctx.go('prompts', { name, by: e.target.value === 'model' ? 'model' : null }) },
      h('option', { value: 'prompt_version', selected: mode !== 'model' }, 'version'), h('option', { value: 'model', selected: mode === 'model' }, 'model'))),
    h('label', 'A ', sel('a', a)), h('label', 'B ', sel('b', b))), result));
  if (a == null || b == null) { result.append(h('p.muted', 'Two cohorts are needed to compare.')); return; }
  await panel(result, async () => {
    const cohort = (v) => ({ filters: [...byName, { field: mode, op: '=', value: v }] });
    const cmp = await api.compare({ from, to, a: cohort(a), b: cohort(b), metrics: ['avg(cost_usd)', 'avg(duration_ms)', 'p95(duration_ms)', 'error_rate', ...scores.map((s) => `avg(${s})`)] });
    return compareTable(cmp, a, b, mode);
  });
}

/** Per metric: A, B, B − A with its 95% CI drawn against zero, the test and its p-value. */
function compareTable(cmp, a, b, mode) {
  const label = mode === 'model' ? '' : 'v';
  return [h('p.muted.small', `A = ${label}${a}: ${num(cmp.a.count)} calls · B = ${label}${b}: ${num(cmp.b.count)} calls`),
    h('div.table-wrap', h('table', { 'data-testid': 'compare', dataset: { a, b } },
      h('thead', h('tr', ['metric', `A (${label}${a})`, `B (${label}${b})`, 'B − A', '95% CI', '', 'test', 'p', 'n A / n B'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', cmp.metrics.map((m) => {
        const f = formatterFor(m.metric);
        const ci = m.ci95 || [null, null];
        return h(`tr${m.significant ? '.significant' : ''}`,
          h('td', m.metric), h('td.num', f(m.a)), h('td.num', f(m.b)), h('td.num', f(m.difference)),
          h('td.num', ci[0] == null ? '–' : `[${f(ci[0])}, ${f(ci[1])}]`), h('td', ciBar(ci, m.difference)),
          h('td', m.test ?? ''), h('td.num', m.pValue == null ? '–' : num(m.pValue, 4)), h('td.num', `${num(m.nA)} / ${num(m.nB)}`));
      })))),
    h('p.muted.small', 'Highlighted rows differ significantly (95%). The bar is the CI of B − A; the line is zero.')];
}

function ciBar([lo, hi], d) {
  if (lo == null || hi == null) return '';
  const span = Math.max(Math.abs(lo), Math.abs(hi), 1e-12) * 1.1;
  const x = (v) => 50 + (50 * v) / span;
  return h('span.ci', h('span.ci-zero'), h('span.ci-range', { style: `left:${x(lo)}%;width:${Math.max(1, x(hi) - x(lo))}%` }),
    h('span.ci-point', { style: `left:${x(d)}%` }));
}
