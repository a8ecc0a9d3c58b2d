// Time-series charts over query results, drawn with uPlot.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h, formatterFor, parseDur } from './util.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const MAX_SERIES = 8;
const live = new Set();

/** Charts outside the page now shown (the page left, or the last refresh): uPlot holds listeners and canvases. */
export function destroyCharts(keep) {
  for (const u of live) {
    if (!keep.contains(u.root)) { u.resizer.disconnect(); u.destroy(); live.delete(u); }
  }
}

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/**
 * A chart of `metric` from a query result with a leading `time` column, one line per value of
 * `group` (the column after time) when there is one. A click on a point calls
 * onPick({from, to, group, value}) with the bucket's time range and the line's group.
 */
export function timeseries(result, { metric, group, step, fromMs, toMs, onPick, height = 200, testid, extraBands, fmtMetric }) {
  const cols = result.columns;
  const ti = cols.indexOf('time');
  const gi = group ? cols.indexOf(group) : -1;
  const mi = cols.indexOf(metric);
  const stepMs = parseDur(step);
  // Every bucket of the range, so gaps show as gaps rather than as lines across them.
  const xs = [];
  for (let t = Math.floor(fromMs / stepMs) * stepMs; t < toMs; t += stepMs) xs.push(t);
  const at = new Map(xs.map((t, i) => [t, i]));
  const byGroup = new Map();
  let sum = 0;
  let present = 0;
  for (const r of result.rows) {
    const g = gi >= 0 ? String(r[gi] ?? '(none)') : metric;
    if (!byGroup.has(g)) byGroup.set(g, { data: new Array(xs.length).fill(null), total: 0 });
    const s = byGroup.get(g);
    const i = at.get(r[ti]);
    if (i === undefined || r[mi] == null) continue;
    s.data[i] = r[mi];
    present++;
    s.total += Math.abs(r[mi]);
    sum += r[mi];
  }
  // The biggest groups get a line of their own; a chart of 40 lines says nothing.
  const groups = [...byGroup.entries()].sort((a, b) => b[1].total - a[1].total).slice(0, MAX_SERIES);
  const fmt = formatterFor(fmtMetric || metric);
  const el = h('div.chart', { 'data-testid': testid, dataset: { sum: String(sum), points: String(result.rows.length), step } });
  if (present === 0) {
    // No row, or rows whose value is unknown (e.g. no sender reported a time to first token).
    el.append(h('p.empty', 'No data in this range.'));
    return el;
  }
  const axis = { stroke: css('--muted'), grid: { stroke: css('--grid'), width: 1 }, ticks: { stroke: css('--grid') } };
  const opts = {
    width: 600,
    height,
    cursor: { focus: { prox: 30 }, points: { size: 7 } },
    focus: { alpha: 0.35 },
    legend: { live: true },
    scales: { x: { time: true } },
    axes: [{ ...axis }, { ...axis, size: 70, values: (u, vals) => vals.map(fmt) }],
    series: [{ value: (u, v) => v == null ? '' : new Date(v).toLocaleString('en-GB', { hour12: false }) },
      ...groups.map(([name], i) => ({
        label: name, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: false,
        points: { show: xs.length < 80 }, value: (u, v) => fmt(v),
      }))],
    hooks: extraBands ? { drawClear: [(u) => drawBands(u, extraBands)] } : {},
  };
  const data = [xs.map((t) => t / 1000), ...groups.map(([, s]) => s.data)];
  // uPlot wants seconds on a time scale.
  opts.series[0].value = (u, v) => v == null ? '' : new Date(v * 1000).toLocaleString('en-GB', { hour12: false });
  const u = new uPlot(opts, data, el);
  live.add(u);
  // Fill the card's width, and follow it when the window changes size.
  const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
  ro.observe(el);
  u.resizer = ro;
  if (onPick) {
    u.over.style.cursor = 'pointer';
    u.over.addEventListener('click', () => {
      const idx = u.cursor.idx;
      if (idx == null) return;
      // The line nearest the pointer at that time.
      const y = u.posToVal(u.cursor.top, 'y');
      let best = -1;
      let dist = Infinity;
      groups.forEach(([, s], i) => {
        const v = s.data[idx];
        if (v != null && Math.abs(v - y) < dist) { dist = Math.abs(v - y); best = i; }
      });
      if (best < 0) return;
      onPick({ from: xs[idx], to: xs[idx] + stepMs, group: gi >= 0 ? groups[best][0] : null, value: groups[best][1].data[idx] });
    });
  }
  return el;
}

/** Shaded time ranges (a rule's backtest episodes) behind the lines. */
function drawBands(u, bands) {
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = 'rgba(225, 87, 89, 0.18)';
  for (const b of bands) {
    const x0 = u.valToPos(b.start / 1000, 'x', true);
    const x1 = u.valToPos((b.end ?? Date.now()) / 1000, 'x', true);
    ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
  }
  ctx.restore();
}
