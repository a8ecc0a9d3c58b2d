// Cost: where the money goes, the month so far and projected, and models nobody priced.
import { api } from '../api.js';
import { h, card, usd, num, bars, panel, table, stepFor } from '../util.js';
import { timeseries } from '../chart.js';

export const refreshable = true;

export async function render(root, ctx) {
  const { from, to } = ctx.range;
  const now = Date.now();
  const d = new Date(now);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const [mtd, inRange] = await Promise.all([
    api.query({ from: monthStart, to: now, metrics: ['sum(cost_usd)'] }),
    api.query({ from, to, metrics: ['sum(cost_usd)', 'count'] }),
  ]);
  const spent = mtd.rows[0]?.[0] ?? 0;
  // Straight-line projection: the month's spend so far at its average rate to the month's end.
  const projected = spent * (monthEnd - monthStart) / Math.max(1, now - monthStart);
  root.append(h('div.tiles',
    h('div.tile', { 'data-testid': 'cost-range', dataset: { value: inRange.rows[0]?.[0] ?? 0 } }, h('div.tile-label', 'Spend in range'), h('div.tile-value', usd(inRange.rows[0]?.[0] ?? 0))),
    h('div.tile', h('div.tile-label', 'Cost per call'), h('div.tile-value', usd((inRange.rows[0]?.[0] ?? 0) / Math.max(1, inRange.rows[0]?.[1] ?? 0)))),
    h('div.tile', { 'data-testid': 'cost-mtd' }, h('div.tile-label', 'Month to date (UTC)'), h('div.tile-value', usd(spent))),
    h('div.tile', h('div.tile-label', 'Projected for the month'), h('div.tile-value', usd(projected)))));

  const width = Math.max(300, (document.getElementById('app').clientWidth || 1200) - 60);
  const step = stepFor(from, to, width);
  const over = h('div');
  root.append(card('Spend over time by model', over));
  const pick = (field) => (r) => ctx.go('traces', { from, to, llm: '1', [field]: r[0] });
  const grid = h('div.grid2');
  root.append(grid);
  const byField = (title, field, testid) => {
    const body = h('div');
    grid.append(card(title, body));
    return panel(body, async () => {
      const res = await api.query({ from, to, groupBy: [field], metrics: ['sum(cost_usd)', 'count'], orderBy: [{ column: 'sum(cost_usd)', desc: true }], limit: 10 });
      return bars(res.rows, { label: (r) => r[0], value: (r) => r[1] ?? 0, fmt: usd, onPick: pick(field), testid });
    });
  };
  const unpriced = h('div');
  await Promise.all([
    panel(over, async () => {
      const res = await api.query({ from, to, step, groupBy: ['model'], metrics: ['sum(cost_usd)'] });
      return timeseries(res, { metric: 'sum(cost_usd)', group: 'model', step, fromMs: from, toMs: to, testid: 'cost-chart',
        onPick: (p) => ctx.go('traces', { from: p.from, to: p.to, llm: '1', model: p.group }) });
    }),
    byField('By model', 'model', 'cost-by-model'),
    byField('By service', 'service', 'cost-by-service'),
    byField('Top spenders (user)', 'user', 'cost-by-user'),
    byField('By prompt', 'prompt_name', 'cost-by-prompt'),
    (async () => {
      const body = h('div');
      grid.append(card('By prompt version', body));
      await panel(body, async () => {
        const res = await api.query({ from, to, groupBy: ['prompt_name', 'prompt_version'], metrics: ['sum(cost_usd)', 'count', 'avg(cost_usd)'],
          filters: [{ field: 'prompt_name', op: 'exists', value: true }], orderBy: [{ column: 'sum(cost_usd)', desc: true }], limit: 15 });
        return table(res.columns, res.rows, { onRow: (r) => ctx.go('traces', { from, to, llm: '1', prompt_name: r[0], prompt_version: r[1] }) });
      });
    })(),
    panel(unpriced, () => unpricedModels(from, to)),
  ]);
  root.append(card('Unpriced models', unpriced));
}

/** Model calls with no cost: their model has no price. A form adds one (PUT /api/v1/prices). */
async function unpricedModels(from, to) {
  const res = await api.query({ from, to, groupBy: ['model', 'provider'], metrics: ['count'],
    filters: [{ field: 'cost_usd', op: 'exists', value: false }], orderBy: [{ column: 'count', desc: true }], limit: 50 });
  const rows = res.rows.filter((r) => r[0] != null);
  const msg = h('p', { role: 'status' });
  const form = h('form.filters', { 'data-testid': 'price-form', onsubmit: async (e) => {
    e.preventDefault();
    const f = form.elements;
    const entry = { model: f.model.value.trim(), input: Number(f.input.value), output: Number(f.output.value) };
    if (f.provider.value.trim()) entry.provider = f.provider.value.trim();
    if (f.cacheRead.value) entry.cacheRead = Number(f.cacheRead.value);
    try {
      await api.putPrices({ prices: [entry] });
      msg.className = 'ok';
      msg.textContent = `Price of ${entry.model} saved. New calls are priced with it; POST /api/v1/reprice reprices stored ones.`;
    } catch (err) {
      msg.className = 'error-inline';
      msg.textContent = err.message;
    }
  } },
  h('label', 'model', h('input', { name: 'model', required: true, value: rows[0]?.[0] ?? '' })),
  h('label', 'provider', h('input', { name: 'provider', value: rows[0]?.[1] ?? '' })),
  h('label', 'input $/1M', h('input', { name: 'input', type: 'number', step: 'any', min: 0, required: true, size: 6 })),
  h('label', 'cache read $/1M', h('input', { name: 'cacheRead', type: 'number', step: 'any', min: 0, size: 6 })),
  h('label', 'output $/1M', h('input', { name: 'output', type: 'number', step: 'any', min: 0, required: true, size: 6 })),
  h('button', { type: 'submit' }, 'Add price'));
  const list = rows.length === 0 ? h('p.muted', { 'data-testid': 'no-unpriced' }, 'Every model call in this range has a cost.')
    : h('ul', { 'data-testid': 'unpriced' }, rows.map((r) => h('li', h('button.link', { type: 'button', onclick: () => { form.elements.model.value = r[0]; form.elements.provider.value = r[1] ?? ''; form.elements.input.focus(); } },
      `${r[0]}${r[1] ? ` (${r[1]})` : ''}`), ` — ${num(r[2])} calls without a cost`)));
  return [list, h('h3', 'Add or override a price'), form, msg];
}
