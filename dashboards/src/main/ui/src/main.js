// The shell: hash routing (#/page?params), the time range, auto-refresh, theme and errors.
import './style.css';
import { destroyCharts } from './chart.js';
import * as overview from './pages/overview.js';
import * as explore from './pages/explore.js';
import * as traces from './pages/traces.js';
import * as trace from './pages/trace.js';
import * as cost from './pages/cost.js';
import * as prompts from './pages/prompts.js';
import * as alerts from './pages/alerts.js';
import { parseDur } from './util.js';

const PAGES = { overview, explore, traces, trace, cost, prompts, alerts };
const $ = (id) => document.getElementById(id);
const app = $('app');
let timer = null;
let renderSeq = 0;

/** The chosen range as absolute epoch ms, resolved once per render so every panel agrees. */
function range() {
  const r = localStorage.getItem('llmscope.range') || '1h';
  if (r === 'custom') {
    const from = Date.parse(localStorage.getItem('llmscope.from'));
    const to = Date.parse(localStorage.getItem('llmscope.to'));
    if (from < to) return { key: r, from, to };
  }
  const to = Date.now();
  return { key: r, from: to - (parseDur(r) || 3.6e6), to };
}

function parseHash() {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const [page, ...rest] = path.split('/');
  return { page: PAGES[page] ? page : 'overview', arg: rest.join('/'), params: new URLSearchParams(query || '') };
}

export function go(page, params = {}, arg = '') {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== '')).toString();
  location.hash = `#/${page}${arg ? '/' + encodeURIComponent(arg) : ''}${q ? '?' + q : ''}`;
}

export function showError(e) {
  const el = $('error');
  if (!e) { el.hidden = true; return; }
  el.replaceChildren(String(e.message || e), Object.assign(document.createElement('button'), {
    type: 'button', textContent: 'Dismiss', onclick: () => showError(null),
  }));
  el.hidden = false;
}

async function render({ quiet } = {}) {
  const seq = ++renderSeq;
  const { page, arg, params } = parseHash();
  for (const a of document.querySelectorAll('#nav a')) {
    a.toggleAttribute('aria-current', a.dataset.page === page || (page === 'trace' && a.dataset.page === 'traces'));
  }
  const ctx = { arg, params, range: range(), go, stale: () => seq !== renderSeq };
  const root = document.createElement('div');
  root.className = 'page';
  root.dataset.page = page;
  root.dataset.from = ctx.range.from;
  root.dataset.to = ctx.range.to;
  if (!quiet) showError(null);
  try {
    // Built off-screen and swapped in whole: a refresh never flashes an empty page.
    await PAGES[page].render(root, ctx);
  } catch (e) {
    showError(e);
  }
  if (seq !== renderSeq) return;
  app.replaceChildren(root);
  destroyCharts(root);
  root.dataset.ready = 'true';
  document.title = `LLMScope · ${page}`;
}

function schedule() {
  clearInterval(timer);
  const s = Number($('refresh').value);
  localStorage.setItem('llmscope.refresh', String(s));
  if (s > 0) timer = setInterval(() => {
    const { page } = parseHash();
    if (PAGES[page].refreshable && !document.hidden) render({ quiet: true });
  }, s * 1000);
}

function initControls() {
  const sel = $('range');
  sel.value = localStorage.getItem('llmscope.range') || '1h';
  const custom = $('custom-range');
  custom.hidden = sel.value !== 'custom';
  sel.addEventListener('change', () => {
    custom.hidden = sel.value !== 'custom';
    if (sel.value === 'custom') {
      const r = range();
      const local = (t) => new Date(t - new Date(t).getTimezoneOffset() * 6e4).toISOString().slice(0, 16);
      $('custom-from').value ||= local(r.from);
      $('custom-to').value ||= local(r.to);
      return;
    }
    localStorage.setItem('llmscope.range', sel.value);
    render();
  });
  $('custom-apply').addEventListener('click', () => {
    const from = new Date($('custom-from').value);
    const to = new Date($('custom-to').value);
    if (!(from < to)) { showError('Custom range: "from" must be before "to".'); return; }
    localStorage.setItem('llmscope.range', 'custom');
    localStorage.setItem('llmscope.from', from.toISOString());
    localStorage.setItem('llmscope.to', to.toISOString());
    render();
  });
  $('refresh').value = localStorage.getItem('llmscope.refresh') || '15';
  $('refresh').addEventListener('change', schedule);
  $('theme').addEventListener('click', () => {
    const t = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = t;
    localStorage.setItem('llmscope.theme', t);
    render(); // charts read their colours from the theme when drawn
  });
}

initControls();
schedule();
window.addEventListener('hashchange', () => render());
render();
