// Alerts: what fires now, what fired, the rules (edited as JSON or YAML) and a rule's backtest.
import { api } from '../api.js';
import { timeseries } from '../chart.js';
import { h, card, panel, table, when, stepFor, num } from '../util.js';

export const refreshable = false;

const EXAMPLE = `# YAML or JSON; the server validates it.
type: threshold
query:
  filters: []
  groupBy: [model]
  metric: p95(duration_ms)
window: 5m
for: 0m
op: ">"
threshold: 20000
severity: warning
`;

export async function render(root, ctx) {
  const { from, to } = ctx.range;
  const live = h('div');
  const hist = h('div');
  const rulesEl = h('div');
  const bt = h('div');
  root.append(h('div.grid2', card('Firing and pending', live), card('Recent alerts (7 days)', hist)));
  const editor = ruleEditor(ctx);
  root.append(card('Rules', rulesEl), editor.el, card('Backtest', bt));
  const backtest = ctx.params.get('backtest');
  await Promise.all([
    panel(live, async () => {
      const { alerts } = await api.alerts();
      if (!alerts.length) return h('p.muted', { 'data-testid': 'no-alerts' }, 'Nothing is firing.');
      return table(['rule', 'state', 'labels', 'value', 'since'], alerts.map((a) => [a.rule, a.state, JSON.stringify(a.labels || {}), a.value, when(a.since)]), { testid: 'alerts' });
    }),
    panel(hist, async () => {
      const { history } = await api.history(Date.now() - 7 * 8.64e7, Date.now());
      if (!history.length) return h('p.muted', 'No alert in the last 7 days.');
      return table(['rule', 'state', 'labels', 'value', 'at'], history.slice(-50).reverse().map((a) => [a.rule, a.state, JSON.stringify(a.labels || {}), a.value, when(a.at ?? a.since ?? a.time)]));
    }),
    panel(rulesEl, async () => {
      const { rules } = await api.rules();
      if (!rules.length) return h('p.muted', { 'data-testid': 'no-rules' }, 'No rules yet. Write one below.');
      return h('div.table-wrap', h('table', { 'data-testid': 'rules' },
        h('thead', h('tr', ['name', 'type', 'metric', 'window', 'severity', ''].map((c) => h('th', c)))),
        h('tbody', rules.map((r) => h('tr', { dataset: { rule: r.name } }, h('td', r.name), h('td', r.type), h('td', r.query?.metric ?? ''),
          h('td', r.window ?? r.period ?? ''), h('td', r.severity ?? ''),
          h('td.actions', h('button', { type: 'button', onclick: () => editor.load(r) }, 'Edit'),
            h('button', { type: 'button', onclick: () => ctx.go('alerts', { backtest: r.name }) }, 'Backtest'),
            h('button', { type: 'button', onclick: async () => {
              if (!confirm(`Delete rule ${r.name}?`)) return;
              try { await api.deleteRule(r.name); ctx.go('alerts', { t: Date.now() }); } catch (e) { editor.status(e.message, true); }
            } }, 'Delete')))))));
    }),
    panel(bt, async () => {
      if (!backtest) return h('p.muted', 'Pick a rule’s Backtest to see what it would have fired over the selected range, drawn over its metric.');
      const { rules } = await api.rules();
      const rule = rules.find((r) => r.name === backtest);
      if (!rule) return h('p.error-inline', `No rule named ${backtest}.`);
      const { episodes } = await api.backtest(backtest, from, to);
      const step = stepFor(from, to, 1100, 4);
      const q = rule.query || {};
      const metric = q.metric || (rule.type === 'budget' ? 'sum(cost_usd)' : 'count');
      const res = await api.query({ from, to, step, filters: q.filters || [], groupBy: q.groupBy || [], metrics: [metric] });
      return [h('p', { 'data-testid': 'backtest-summary', dataset: { episodes: episodes.length } },
        `${backtest}: ${episodes.length} episode${episodes.length === 1 ? '' : 's'} would have fired in this range (shaded).`),
      timeseries(res, { metric, group: (q.groupBy || [])[0], step, fromMs: from, toMs: to, extraBands: episodes, testid: 'backtest-chart', height: 260 }),
      episodes.length ? table(['labels', 'start', 'end', 'peak'], episodes.map((e) => [JSON.stringify(e.labels || {}), when(e.start), e.end ? when(e.end) : 'ongoing', num(e.peak, 3)])) : null];
    }),
  ]);
}

function ruleEditor(ctx) {
  const name = h('input', { name: 'rule-name', 'aria-label': 'Rule name', required: true, placeholder: 'p95-latency-high', 'data-testid': 'rule-name' });
  const text = h('textarea', { 'aria-label': 'Rule (JSON or YAML)', rows: 14, spellcheck: false, 'data-testid': 'rule-text' }, EXAMPLE);
  const msg = h('p', { role: 'status', 'data-testid': 'rule-status' });
  const status = (m, bad) => { msg.textContent = m; msg.className = bad ? 'error-inline' : 'ok'; };
  const form = h('form.rule-form', { onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api.putRule(name.value.trim(), text.value);
      status(`Rule ${name.value.trim()} saved.`);
      ctx.go('alerts', { saved: name.value.trim(), t: Date.now() });
    } catch (err) {
      // The server's own validation message, e.g. "threshold: is required".
      status(err.message, true);
    }
  } }, h('label', 'Name ', name), text, h('div', h('button', { type: 'submit', 'data-testid': 'rule-save' }, 'Save rule')), msg);
  if (ctx.params.get('saved')) status(`Rule ${ctx.params.get('saved')} saved.`);
  return {
    el: card('Create or edit a rule', form),
    load(rule) {
      name.value = rule.name;
      const { name: _n, ...rest } = rule;
      text.value = JSON.stringify(rest, null, 2);
      text.focus();
    },
    status,
  };
}
