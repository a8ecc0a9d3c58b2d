// Small DOM and formatting helpers shared by the pages.

/** h('div.cls', {attrs}, ...children): an element; children may be strings, nodes, arrays or null. */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  // A second argument that is not a plain object is the first child (0 included).
  if (attrs == null || typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    if (attrs != null) children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && k !== 'list' && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export const num = (v, d = 0) => v == null || Number.isNaN(v) ? '–'
  : Number(v).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
export const usd = (v) => {
  if (v == null) return '–';
  const a = Math.abs(v);
  return (v < 0 ? '−$' : '$') + (a >= 100 ? num(a, 0) : a >= 1 ? num(a, 2) : num(a, 4));
};
export const ms = (v) => v == null ? '–' : v >= 10000 ? num(v / 1000, 1) + ' s' : num(v, 0) + ' ms';
export const pct = (v) => v == null ? '–' : num(v * 100, 2) + ' %';
export const when = (t) => t == null ? '–' : new Date(t).toLocaleString('en-GB', { hour12: false });
export const short = (s, n = 12) => s == null ? '–' : s.length > n ? s.slice(0, n) + '…' : s;

/** How a metric's values read: by its name, since the API returns plain numbers. */
export function formatterFor(metric) {
  if (/cost_usd/.test(metric)) return usd;
  if (/rate/.test(metric)) return pct;
  if (/duration_ms|ttft_ms/.test(metric)) return ms;
  if (/score\./.test(metric)) return (v) => num(v, 3);
  return (v) => num(v, 2);
}

const UNIT = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 };
export const parseDur = (s) => { const m = /^(\d+)([smhd])$/.exec(s); return m ? m[1] * UNIT[m[2]] : null; };

/** Steps the charts may ask for; all divide a day, so buckets line up across panels. */
const STEPS = ['10s', '30s', '1m', '5m', '10m', '15m', '30m', '1h', '3h', '6h', '12h', '1d'];

/**
 * The smallest step that keeps a chart at about one bucket per `pxPerBucket` pixels:
 * what a chart can draw, never raw rows, whatever the store's size.
 */
export function stepFor(fromMs, toMs, widthPx, pxPerBucket = 4) {
  const buckets = Math.max(10, Math.floor(widthPx / pxPerBucket));
  const want = (toMs - fromMs) / buckets;
  return STEPS.find((s) => parseDur(s) >= want) || '1d';
}

export function table(columns, rows, { fmt = {}, onRow, testid } = {}) {
  return h('div.table-wrap', h('table', { 'data-testid': testid },
    h('thead', h('tr', columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', rows.map((r) => {
      const tr = h('tr', r.map((v, i) => h('td', (fmt[columns[i]] || defaultFmt(columns[i]))(v))));
      if (onRow) {
        tr.tabIndex = 0;
        tr.classList.add('clickable');
        tr.addEventListener('click', () => onRow(r));
        tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') onRow(r); });
      }
      return tr;
    }))));
}

function defaultFmt(col) {
  if (col === 'time') return when;
  return (v) => typeof v === 'number' ? formatterFor(col)(v) : v == null ? '–' : String(v);
}

/** Horizontal bars, one button each, so a bar is keyboard-reachable and clickable. */
export function bars(rows, { label, value, fmt = (v) => num(v), onPick, testid }) {
  const max = Math.max(...rows.map(value), 0) || 1;
  return h('div.bars', { 'data-testid': testid },
    rows.length === 0 ? h('p.muted', 'No data in this range.') : null,
    rows.map((r) => h('button.bar', {
      type: 'button', title: `${label(r)}: ${fmt(value(r))}`, onclick: onPick ? () => onPick(r) : null,
    }, h('span.bar-label', label(r) ?? '(none)'),
    h('span.bar-track', h('span.bar-fill', { style: `width:${(100 * value(r)) / max}%` })),
    h('span.bar-value', fmt(value(r))))));
}

export function card(title, ...body) {
  return h('section.card', h('h2', title), ...body);
}

export const loading = () => h('p.loading', { 'aria-busy': 'true' }, 'Loading…');

/** An error inside a panel: the API's own message, so the user can act on it. */
export const errorBox = (e) => h('p.error-inline', { role: 'alert' }, String(e.message || e));

/** Runs a panel's async body, showing loading first and the error in place if it fails. */
export async function panel(el, fn) {
  el.replaceChildren(loading());
  try {
    const out = await fn();
    el.replaceChildren(...[].concat(out ?? []));
  } catch (e) {
    el.replaceChildren(errorBox(e));
  }
}
