// Overview: how many, how fast, how costly, by model and by service.
import { api } from '../api.js';
import { timeseries } from '../chart.js';
import { h, card, num, usd, ms, pct, stepFor, panel } from '../util.js';

export const refreshable = true;

/** Panels: [title, metric, group]. Each is one grouped query per step, sized to the chart. */
const PANELS = [
  ['Requests by model', 'count', 'model'],
  ['Requests by service', 'count', 'service'],
  ['Error rate by model', 'error_rate', 'model'],
  ['Latency p50 / p95 / p99', ['p50(duration_ms)', 'p95(duration_ms)', 'p99(duration_ms)'], null],
  ['p95 latency by model', 'p95(duration_ms)', 'model'],
  ['Time to first token p95 by model', 'p95(ttft_ms)', 'model'],
  ['Tokens by model', 'sum(total_tokens)', 'model'],
  ['Cost by model', 'sum(cost_usd)', 'model'],
  ['Cost by service', 'sum(cost_usd)', 'service'],
];

export async function render(root, ctx) {
  const { from, to } = ctx.range;
  const status = await api.status();
  if (status.spans === 0) {
    root.append(emptyStore());
    return;
  }
  // Two charts a row: each about half the page wide.
  const width = Math.max(300, (document.getElementById('app').clientWidth || 1200) / 2 - 40);
  const step = stepFor(from, to, width);
  const totals = await api.query({ from, to, metrics: ['count', 'error_rate', 'p95(duration_ms)', 'p95(ttft_ms)', 'sum(total_tokens)', 'sum(cost_usd)'] });
  const t = totals.rows[0] || [];
  const tile = (label, value, testid, raw) => h('div.tile', { 'data-testid': testid, dataset: { value: raw ?? '' } },
    h('div.tile-label', label), h('div.tile-value', value));
  root.append(h('div.tiles',
    tile('Requests', num(t[0]), 'total-requests', t[0]),
    tile('Error rate', pct(t[1]), 'error-rate', t[1]),
    tile('p95 latency', ms(t[2]), 'p95', t[2]),
    tile('p95 TTFT', ms(t[3]), 'ttft', t[3]),
    tile('Tokens', num(t[4]), 'tokens', t[4]),
    tile('Cost', usd(t[5]), 'cost', t[5])),
  h('p.muted.small', `Model calls from ${new Date(from).toLocaleString('en-GB')} to ${new Date(to).toLocaleString('en-GB')}, one point per ${step}. Click a point to see its calls.`));
  const grid = h('div.grid2');
  root.append(grid);
  await Promise.all(PANELS.map(async ([title, metric, group], i) => {
    const body = h('div');
    grid.append(card(title, body));
    const metrics = [].concat(metric);
    await panel(body, async () => {
      const res = await api.query({ from, to, step, groupBy: group ? [group] : [], metrics });
      const pick = ({ from: f, to: t2, group: g }) => ctx.go('traces', { from: f, to: t2, llm: '1', ...(group && g ? { [group]: g } : {}) });
      if (metrics.length > 1) return multi(res, metrics, { step, from, to, pick, testid: `chart-${i}` });
      return timeseries(res, { metric, group, step, fromMs: from, toMs: to, onPick: pick, testid: `chart-${i}` });
    });
  }));
}

/** Several metrics of one query as lines: reshaped into one row per (time, metric). */
function multi(res, metrics, { step, from, to, pick, testid }) {
  const rows = [];
  for (const r of res.rows) metrics.forEach((m, j) => rows.push([r[0], m, r[1 + j]]));
  return timeseries({ columns: ['time', 'metric', 'value'], rows },
    { metric: 'value', group: 'metric', step, fromMs: from, toMs: to, onPick: (p) => pick({ ...p, group: null }), testid, fmtMetric: metrics[0] });
}

function emptyStore() {
  const host = location.hostname || 'localhost';
  return h('section.card.empty-store', { 'data-testid': 'empty-store' },
    h('h2', 'No traces yet'),
    h('p', 'This store has no spans. Send your first trace over OTLP (gRPC port 4317, HTTP port 4318 by default):'),
    h('pre', `# synthetic GenAI traffic, from this jar:\njava -jar llmscope.jar loadgen --target http://${host}:4318 --spans 10000\n\n# or point any OpenTelemetry SDK at it:\nexport OTEL_EXPORTER_OTLP_ENDPOINT=http://${host}:4318\nexport OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf`),
    h('p', 'Or start the server with ', h('code', 'serve --demo'), ' for live synthetic traffic. This page refreshes by itself.'));
}
