// End-to-end checks of the web UI: Debian's Chromium driven by playwright-core against a running
// llmscope jar (UiIT starts it and feeds it). Every number the UI shows is compared with what the
// public API answers for the same query. Exit code 0 only when every check passed.
//
//   node e2e.js BASE_URL SCREENSHOT_DIR          the checks and screenshots
//   node e2e.js BASE_URL --empty                 an empty store: every page loads, Overview says how to send a trace
//   node e2e.js BASE_URL --time-overview N [RANGE]  N cold loads of the Overview (range 24h unless given, e.g. 7d);
//                                                prints ms per load and the median
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [base, second, third, fourth] = process.argv.slice(2);
if (!base) { console.error('usage: node e2e.js BASE_URL SCREENSHOT_DIR | --time-overview N'); process.exit(2); }
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// The flags this machine needs (STACK.md): without the background-networking ones Chromium keeps
// trying hosts the closed network refuses.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let failures = 0;
let passes = 0;
function check(ok, what, detail = '') {
  if (ok) { passes++; console.log(`ok   ${what}`); }
  else { failures++; console.log(`FAIL ${what} ${detail}`); }
}

async function api(p, body, method) {
  const res = await fetch(base + p, body === undefined ? { method: method || 'GET' }
    : { method: method || 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${p} -> ${res.status} ${text}`);
  return JSON.parse(text);
}

if (!fs.existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium chromium-driver)`);
  process.exit(3);
}
// launch() gives every run a fresh, empty user-data-dir of its own.
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });

async function newPage(theme = 'light', range = '24h') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Before the app's own script: the range and theme a user would have picked; no auto-refresh
  // moving numbers under a check.
  await context.addInitScript(([t, r]) => {
    if (!localStorage.getItem('llmscope.range')) localStorage.setItem('llmscope.range', r);
    localStorage.setItem('llmscope.refresh', '0');
    localStorage.setItem('llmscope.theme', t);
  }, [theme, range]);
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => page.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  return page;
}

/** Navigates to a page and waits until it has rendered (the shell marks it data-ready). */
async function open(page, hash, name) {
  await page.goto(`${base}/${hash}`);
  await page.waitForSelector(`.page[data-page="${name}"][data-ready="true"]`, { timeout: 30000 });
  return page.locator(`.page[data-page="${name}"]`);
}

async function waitPage(page, name) {
  await page.waitForSelector(`.page[data-page="${name}"][data-ready="true"]`, { timeout: 30000 });
  return page.locator(`.page[data-page="${name}"]`);
}

const noErrors = (page, what) => {
  check(page.errors.length === 0, `${what}: no console errors`, page.errors.join('\n'));
  page.errors.length = 0;
};

if (second === '--time-overview') {
  const n = Number(third) || 5;
  const times = [];
  for (let i = 0; i < n; i++) {
    const page = await newPage('light', fourth || '24h');
    const t0 = Date.now();
    await page.goto(`${base}/#/overview`);
    await page.waitForSelector('.page[data-page="overview"][data-ready="true"]', { timeout: 120000 });
    // Drawn: every chart of the page has its canvas (or says it has no data).
    await page.waitForFunction(() => [...document.querySelectorAll('.page .chart')].every((c) => c.querySelector('canvas') || c.querySelector('.empty')));
    times.push(Date.now() - t0);
    await page.context().close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`overview load ms: ${times.join(' ')}; median ${sorted[Math.floor(n / 2)]}`);
  await browser.close();
  process.exit(0);
}

if (second === '--empty') {
  const page = await newPage();
  await open(page, '#/overview', 'overview');
  const text = await page.getByTestId('empty-store').innerText();
  check(/No traces yet/.test(text) && text.includes('loadgen --target') && text.includes('OTEL_EXPORTER_OTLP_ENDPOINT'),
    'empty store: Overview shows how to send a first trace', text);
  noErrors(page, 'overview (empty store)');
  for (const name of ['explore', 'traces', 'cost', 'prompts', 'alerts']) {
    await open(page, `#/${name}`, name);
    check((await page.locator('#error').isHidden()), `${name} (empty store): no error banner`);
    noErrors(page, `${name} (empty store)`);
  }
  await browser.close();
  console.log(`${passes} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

const shots = second || 'ui-screenshots';
fs.mkdirSync(shots, { recursive: true });
const page = await newPage();

// --- Overview: tiles and charts against the API for the same range --------------------------------
let root = await open(page, '#/overview', 'overview');
const from = Number(await root.getAttribute('data-from'));
const to = Number(await root.getAttribute('data-to'));
const truth = await api('/api/v1/query', { from, to, metrics: ['count', 'sum(cost_usd)'] });
const tile = page.getByTestId('total-requests');
check(Number(await tile.getAttribute('data-value')) === truth.rows[0][0],
  'overview: total requests == count of /api/v1/query', `${await tile.getAttribute('data-value')} vs ${truth.rows[0][0]}`);
check((await tile.innerText()).includes(truth.rows[0][0].toLocaleString('en-US')), 'overview: the tile shows that number', await tile.innerText());
check(truth.rows[0][0] > 0, 'overview: the store has model calls in the range');
const chart = page.getByTestId('chart-0');
await chart.locator('canvas').waitFor();
const step = await chart.getAttribute('data-step');
const byStep = await api('/api/v1/query', { from, to, step, groupBy: ['model'], metrics: ['count'] });
const apiSum = byStep.rows.reduce((s, r) => s + r[2], 0);
check(Number(await chart.getAttribute('data-sum')) === apiSum && apiSum === truth.rows[0][0],
  'overview: requests-by-model chart sums to the API count', `${await chart.getAttribute('data-sum')} vs ${apiSum}`);
check(Number(await chart.getAttribute('data-points')) === byStep.rows.length, 'overview: the chart has one point per API row');
const buckets = Math.ceil((to - from) / (await stepMs(step)));
check(buckets <= 1280, `overview: the step (${step}) keeps the chart to ${buckets} buckets, not raw rows`);
noErrors(page, 'overview');

// --- A click on a chart point opens the traces of that bucket and model ----------------------------
// The latest bucket with data: find it from the API, then click its x at the height of its value.
const lastT = Math.max(...byStep.rows.map((r) => r[0]));
const over = chart.locator('.u-over');
const box = await over.boundingBox();
const x0 = Math.floor(from / (await stepMs(step))) * (await stepMs(step));
const xs = (lastT - x0) / ((Math.ceil(to / (await stepMs(step))) * (await stepMs(step))) - x0);
// A click near the bottom picks the line with the smallest value in that bucket.
await over.hover({ position: { x: Math.min(box.width - 2, Math.max(2, xs * box.width)), y: box.height - 3 } });
await page.waitForTimeout(100);
await over.click({ position: { x: Math.min(box.width - 2, Math.max(2, xs * box.width)), y: box.height - 3 } });
root = await waitPage(page, 'traces');
const params = new URLSearchParams(page.url().split('?')[1] || '');
const pf = Number(params.get('from'));
const pt = Number(params.get('to'));
const model = params.get('model');
check(model && pt - pf === (await stepMs(step)) && pf <= lastT && byStep.rows.some((r) => r[0] === pf && r[1] === model),
  'chart click: opens Traces for one bucket and one model the chart drew', page.url());
const listed = await page.locator('[data-testid="span-table"] tbody tr').evaluateAll((trs) => trs.map((t) => ({ ...t.dataset })));
const expected = (await api(`/api/v1/spans?${new URLSearchParams({ from: pf, to: pt, model, limit: 500 })}`)).spans.filter((s) => s.llm);
check(listed.length > 0 && listed.length === expected.length, 'chart click: the list holds the API’s spans of that bucket and model', `${listed.length} vs ${expected.length}`);
check(listed.every((s) => s.model === model && Number(s.start) >= pf && Number(s.start) < pt), 'chart click: every listed span is of that model and bucket');
const bucketCount = byStep.rows.find((r) => r[0] === pf && r[1] === model)[2];
check(Math.min(bucketCount, 500) === listed.length || listed.length === 500, 'chart click: as many calls as the point’s count', `${bucketCount} vs ${listed.length}`);
noErrors(page, 'traces');

// --- A trace opens its waterfall with every span -----------------------------------------------------
const traceId = listed[0].trace;
await page.locator('[data-testid="span-table"] tbody tr').first().click();
root = await waitPage(page, 'trace');
const apiTrace = await api(`/api/v1/traces/${traceId}`);
const wf = page.getByTestId('waterfall');
check(Number(await wf.getAttribute('data-count')) === apiTrace.spans.length && (await wf.locator('.wf-row').count()) === apiTrace.spans.length,
  'trace: the waterfall has the API’s span count', `${await wf.locator('.wf-row').count()} vs ${apiTrace.spans.length}`);
const detail = await page.getByTestId('span-detail').innerText();
check(/Tokens/.test(detail) && /Cost/.test(detail) && detail.includes(model), 'trace: the model call shows its model, tokens and cost');
noErrors(page, 'trace');

// --- Explore: the table is the API's answer to the query in the URL --------------------------------
const q = { filters: [{ field: 'status', op: '!=', value: 'error' }], groupBy: ['service'], metrics: ['count', 'p95(duration_ms)'], step: 'auto', llmOnly: true };
root = await open(page, `#/explore?q=${encodeURIComponent(JSON.stringify(q))}`, 'explore');
const body = JSON.parse(await page.getByTestId('query-body').textContent());
const exploreTruth = await api('/api/v1/query', body);
check((await page.locator('[data-testid="explore-table"] tbody tr').count()) === exploreTruth.rows.length,
  'explore: the table has the API’s rows for the query in the URL', `${exploreTruth.rows.length}`);
check(Number(await page.getByTestId('explore-chart').getAttribute('data-sum')) === exploreTruth.rows.reduce((s, r) => s + r[2], 0),
  'explore: the chart sums to the API’s counts');
noErrors(page, 'explore');

// --- Cost ----------------------------------------------------------------------------------------------
root = await open(page, '#/cost', 'cost');
const costTile = Number(await page.getByTestId('cost-range').getAttribute('data-value'));
const costTruth = (await api('/api/v1/query', { from: Number(await root.getAttribute('data-from')), to: Number(await root.getAttribute('data-to')), metrics: ['sum(cost_usd)'] })).rows[0][0];
check(Math.abs(costTile - costTruth) < 1e-9, 'cost: spend in range == sum(cost_usd) of the API', `${costTile} vs ${costTruth}`);
check((await page.getByTestId('cost-by-model').locator('.bar').count()) > 0, 'cost: spend by model drawn');
noErrors(page, 'cost');

// --- Prompts: the comparison of two versions --------------------------------------------------------
root = await open(page, '#/prompts', 'prompts');
const cmp = page.getByTestId('compare');
await cmp.waitFor();
const [va, vb] = [await cmp.getAttribute('data-a'), await cmp.getAttribute('data-b')];
const head = await cmp.locator('thead').innerText();
check(va && vb && va !== vb && head.includes(`A (v${va})`) && head.includes(`B (v${vb})`), 'prompts: the comparison shows both versions', head);
const promptName = await page.getByTestId('prompt-name').inputValue();
const pr = Number(await root.getAttribute('data-from'));
const pto = Number(await root.getAttribute('data-to'));
const cohort = (v) => ({ filters: [{ field: 'prompt_name', op: '=', value: promptName }, { field: 'prompt_version', op: '=', value: v }] });
const cmpTruth = await api('/api/v1/compare', { from: pr, to: pto, a: cohort(va), b: cohort(vb), metrics: ['avg(duration_ms)'] });
const text = await root.innerText();
check(text.includes(`${cmpTruth.a.count.toLocaleString('en-US')} calls`) && text.includes(`${cmpTruth.b.count.toLocaleString('en-US')} calls`),
  'prompts: cohort sizes are the API’s', `${cmpTruth.a.count} / ${cmpTruth.b.count}`);
check((await cmp.locator('.ci-range').count()) > 0, 'prompts: confidence intervals drawn');
noErrors(page, 'prompts');

// --- Alerts: a rule written in the page lands in the API; a bad one shows the server's message --------
root = await open(page, '#/alerts', 'alerts');
await page.getByTestId('rule-name').fill('ui-bad-rule');
await page.getByTestId('rule-text').fill('type: threshold\nquery:\n  metric: count\nwindow: 5m\n');
await page.getByTestId('rule-save').click();
await page.waitForFunction(() => document.querySelector('[data-testid="rule-status"]').textContent.length > 0);
const bad = await page.getByTestId('rule-status').innerText();
// The browser logs the deliberate 400 as a failed resource load: that one is expected.
page.errors = page.errors.filter((e) => !/status of 400/.test(e));
check(/threshold/.test(bad) && !(await api('/api/v1/alert-rules')).rules.some((r) => r.name === 'ui-bad-rule'), 'alerts: an invalid rule shows the server’s 400 message', bad);
const ruleName = `ui-p95-${Date.now()}`;
await page.getByTestId('rule-name').fill(ruleName);
await page.getByTestId('rule-text').fill(`type: threshold\nquery:\n  groupBy: [model]\n  metric: p95(duration_ms)\nwindow: 30m\nop: ">"\nthreshold: 5000\nseverity: warning\n`);
await page.getByTestId('rule-save').click();
await page.waitForURL(/saved=/);
root = await waitPage(page, 'alerts');
const rules = (await api('/api/v1/alert-rules')).rules;
check(rules.some((r) => r.name === ruleName && r.threshold === 5000), 'alerts: the rule created in the page is in GET /api/v1/alert-rules');
check(await page.locator(`[data-testid="rules"] tr[data-rule="${ruleName}"]`).count() === 1, 'alerts: the page lists it');
await page.locator(`[data-testid="rules"] tr[data-rule="${ruleName}"] button`, { hasText: 'Backtest' }).click();
await page.waitForURL(/backtest=/);
root = await waitPage(page, 'alerts');
const summary = page.getByTestId('backtest-summary');
await summary.waitFor();
const bt = await api(`/api/v1/alert-rules/${ruleName}/backtest`, { from: Number(await root.getAttribute('data-from')), to: Number(await root.getAttribute('data-to')) });
check(Number(await summary.getAttribute('data-episodes')) === bt.episodes.length, 'alerts: backtest shows the API’s episodes', `${await summary.getAttribute('data-episodes')} vs ${bt.episodes.length}`);
check(await page.getByTestId('backtest-chart').locator('canvas').count() === 1, 'alerts: backtest drawn over the metric');
noErrors(page, 'alerts');
await api(`/api/v1/alert-rules/${ruleName}`, undefined, 'DELETE');

// --- Screenshots of every page, light and dark ------------------------------------------------------
const pages = [['overview', '#/overview'], ['explore', `#/explore?q=${encodeURIComponent(JSON.stringify(q))}`], ['traces', '#/traces?llm=1'],
  ['trace', `#/trace/${traceId}`], ['cost', '#/cost'], ['prompts', '#/prompts'], ['alerts', '#/alerts']];
for (const theme of ['light', 'dark']) {
  const p = await newPage(theme);
  for (const [name, hash] of pages) {
    await open(p, hash, name);
    await p.waitForTimeout(150); // charts settle to their card's width
    const file = path.join(shots, `${name}-${theme}.png`);
    await p.screenshot({ path: file, fullPage: true });
    noErrors(p, `${name} (${theme})`);
  }
  await p.context().close();
}
console.log(`screenshots in ${path.resolve(shots)}`);

await browser.close();
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);

async function stepMs(s) {
  const m = /^(\d+)([smhd])$/.exec(s);
  return m[1] * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[m[2]];
}
