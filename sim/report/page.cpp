#include "report/page.hpp"

namespace scsim::report {

namespace {

const char* const kHead = R"HTML(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>scsim report</title>
<script>
window.__errors = [];
window.onerror = function (msg, src, line) {
  window.__errors.push(String(msg) + ' (line ' + line + ')');
  document.documentElement.setAttribute('data-js-errors', window.__errors.join(' | '));
};
</script>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2530; background: #f4f6f9; }
header { background: #1f3a5f; color: #fff; padding: 14px 28px; }
header h1 { margin: 0; font-size: 20px; }
header .meta { opacity: .85; font-size: 12px; margin-top: 4px; }
main { max-width: 1180px; margin: 0 auto; padding: 8px 20px 40px; }
section { background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.12); margin: 16px 0; padding: 12px 20px; }
h2 { font-size: 17px; margin: 4px 0 2px; color: #1f3a5f; }
p.what { margin: 0 0 10px; color: #55606e; }
p.sentence { font-size: 16px; font-weight: 600; margin: 8px 0 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 14px; }
.chart { position: relative; height: 260px; }
.chart.tall { height: 360px; }
table { border-collapse: collapse; font-size: 12.5px; margin: 6px 0 10px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e3e7ec; text-align: right; }
th { background: #eef2f7; }
td:first-child, th:first-child, td.l { text-align: left; }
.none { color: #8a94a3; font-style: italic; }
.sig { color: #b03a2e; font-weight: 600; }
p.note { background: #fff6e0; border-left: 4px solid #f0b429; padding: 6px 10px; margin: 6px 0 10px; }
select { font: inherit; margin: 0 12px 8px 4px; }
.legend span { display: inline-block; padding: 1px 8px; margin: 0 6px 4px 0; border-radius: 3px; font-size: 12px; }
footer { color: #8a94a3; font-size: 11px; text-align: center; margin: 20px; }
</style>
<script>
)HTML";

const char* const kMid = R"HTML(
</script>
<script type="application/json" id="scsim-data">)HTML";

const char* const kTail = R"HTML(</script>
</head><body>
<header><h1 id="title">scsim report</h1><div class="meta" id="meta"></div></header>
<main id="main"></main>
<footer>Written by scsim report. Charts: Chart.js (Debian libjs-chart.js), inlined; works offline.</footer>
<script>
(function () {
'use strict';
var D = JSON.parse(document.getElementById('scsim-data').textContent);
var main = document.getElementById('main');
var expected = 0, drawn = 0;
var PAL = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
var PERIOD_COLORS = { partitioned: 'rgba(214,39,40,0.13)', undetected: 'rgba(255,127,14,0.16)', resyncing: 'rgba(31,119,180,0.14)', connected: 'rgba(44,160,44,0.10)' };
var LINK_COLORS = { up: '#3fae49', cut_undeclared: '#f39c12', declared_lost: '#d62728', resyncing: '#1f77b4', peer_down: '#7f7f7f' };
if (window.Chart) { Chart.defaults.animation = false; Chart.defaults.font.size = 11; }

function el(tag, attrs, text) {
  var e = document.createElement(tag);
  if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}
function section(title, what) {
  var s = el('section');
  s.appendChild(el('h2', null, title));
  s.appendChild(el('p', { 'class': 'what' }, what));
  main.appendChild(s);
  return s;
}
function none(parent, what) { parent.appendChild(el('p', { 'class': 'none' }, what + ': not recorded in these results.')); }
// Simulated time as hh:mm, or hh:mm:ss for runs shorter than six hours.
var SHORT = (D.end || 0) < 6 * 3600;
function two(n) { return (n < 10 ? '0' : '') + n; }
function hhmm(s) {
  s = Math.round(s); var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
  return two(h) + ':' + two(m) + (SHORT ? ':' + two(s % 60) : '');
}
function dur(s) { return s < 120 ? f(s, 1) + ' s' : s < 7200 ? f(s / 60, 1) + ' min' : f(s / 3600, 1) + ' h'; }
function f(v, d) { return (v === null || v === undefined || isNaN(v)) ? '–' : Number(v).toFixed(d === undefined ? 3 : d); }
function table(parent, head, rows, cap) {
  var t = el('table'), tr = el('tr');
  head.forEach(function (h) { tr.appendChild(el('th', null, h)); });
  t.appendChild(tr);
  rows.slice(0, cap || 200).forEach(function (r) {
    var tr = el('tr');
    r.forEach(function (c) {
      var td = el('td');
      if (c && typeof c === 'object') { td.textContent = c.text; if (c.cls) td.className = c.cls; }
      else td.textContent = c;
      tr.appendChild(td);
    });
    t.appendChild(tr);
  });
  parent.appendChild(t);
  if (rows.length > (cap || 200)) parent.appendChild(el('p', { 'class': 'none' }, (rows.length - (cap || 200)) + ' more rows not shown.'));
}
function grid(parent) { var g = el('div', { 'class': 'grid' }); parent.appendChild(g); return g; }
function chart(parent, config, tall) {
  expected++;
  var box = el('div', { 'class': 'chart' + (tall ? ' tall' : '') }), c = el('canvas');
  box.appendChild(c); parent.appendChild(box);
  try { new Chart(c.getContext('2d'), config); drawn++; }
  catch (e) { window.onerror('chart: ' + e.message, '', 0); }
}
// Periods shaded behind, timeline actions (episode starts and ends) as dashed lines.
var shade = {
  id: 'scsimShade',
  beforeDatasetsDraw: function (ch) {
    var x = ch.scales.x, a = ch.chartArea, ctx = ch.ctx;
    ctx.save();
    (D.spans || []).forEach(function (s) {
      var x0 = Math.max(a.left, x.getPixelForValue(s[0])), x1 = Math.min(a.right, x.getPixelForValue(s[1]));
      if (x1 <= x0) x1 = x0 + 1;
      ctx.fillStyle = PERIOD_COLORS[s[2]] || 'rgba(0,0,0,0.08)';
      ctx.fillRect(x0, a.top, x1 - x0, a.bottom - a.top);
    });
    ctx.setLineDash([4, 3]); ctx.strokeStyle = '#555'; ctx.fillStyle = '#333'; ctx.font = '10px sans-serif';
    (D.marks || []).forEach(function (m, i) {
      var px = x.getPixelForValue(m.t);
      if (px < a.left || px > a.right) return;
      ctx.beginPath(); ctx.moveTo(px, a.top); ctx.lineTo(px, a.bottom); ctx.stroke();
      ctx.fillText(m.label, px + 3, a.top + 10 + 11 * (i % 3));
    });
    ctx.restore();
  }
};
function timeAxis(end) {
  return { type: 'linear', min: 0, max: end || undefined, ticks: { callback: function (v) { return hhmm(v); }, maxTicksLimit: 13 }, title: { display: true, text: SHORT ? 'simulated time (hh:mm:ss)' : 'simulated time (hh:mm)' } };
}
function lines(t, series, ylabel, end, ymax) {
  var ds = [], i = 0;
  Object.keys(series).forEach(function (k) {
    var ys = series[k]; var pts = [];
    for (var j = 0; j < t.length; j++) pts.push({ x: t[j], y: ys[j] });
    ds.push({ label: k, data: pts, borderColor: PAL[i % PAL.length], backgroundColor: PAL[i % PAL.length], pointRadius: 0, borderWidth: k === 'all' || k === 'truth' ? 2.5 : 1.2, spanGaps: false });
    i++;
  });
  return { type: 'line', data: { datasets: ds }, plugins: [shade],
    options: { maintainAspectRatio: false, parsing: false, normalized: true,
      scales: { x: timeAxis(end), y: { beginAtZero: true, max: ymax, title: { display: true, text: ylabel } } },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 10 } }, title: { display: true, text: ylabel } } } };
}
function bars(labels, series, title, stacked, ylabel) {
  var ds = [], i = 0;
  Object.keys(series).forEach(function (k) { ds.push({ label: k, data: series[k], backgroundColor: PAL[i % PAL.length] }); i++; });
  return { type: 'bar', data: { labels: labels, datasets: ds },
    options: { maintainAspectRatio: false,
      scales: { x: { stacked: !!stacked }, y: { stacked: !!stacked, beginAtZero: true, title: { display: !!ylabel, text: ylabel || '' } } },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 10 } }, title: { display: true, text: title } } } };
}
function legendPeriods(parent) {
  var l = el('div', { 'class': 'legend' });
  ['undetected', 'partitioned', 'resyncing'].forEach(function (p) { var s = el('span', null, p); s.style.background = PERIOD_COLORS[p]; l.appendChild(s); });
  l.appendChild(el('span', null, '- - - fault episode start / end'));
  parent.appendChild(l);
}
var PERIOD_ORDER = ['connected', 'undetected', 'partitioned', 'resyncing'];
function sortPeriods(keys) { return keys.sort(function (a, b) { var x = PERIOD_ORDER.indexOf(a), y = PERIOD_ORDER.indexOf(b); return (x < 0 ? 9 : x) - (y < 0 ? 9 : y); }); }
// {period: {name: n}} -> labels (periods), series (name -> per period)
function pivot(obj, skip) {
  var labels = sortPeriods(Object.keys(obj)), names = {};
  labels.forEach(function (p) { Object.keys(obj[p]).forEach(function (n) { if (!skip || skip.indexOf(n) < 0) names[n] = 1; }); });
  var series = {};
  Object.keys(names).sort().forEach(function (n) { series[n] = labels.map(function (p) { return obj[p][n] || 0; }); });
  return { labels: labels, series: series };
}

function runReport() {
  var m = D.meta || {}, end = D.end;
  document.getElementById('title').textContent = 'scsim report: ' + (m.scenario || D.source);
  document.title = 'scsim report: ' + (m.scenario || D.source);
  document.getElementById('meta').textContent = 'seed ' + (m.seed || '?') + ' · fingerprint ' + (m.fingerprint || '?') + ' · duration ' + hhmm(end) + ' (' + f(end, 0) + ' s) · ' + (m.events || '?') + ' events · scsim ' + (m.scsim_version || '?') + ' (' + (m.git_commit || '?') + ')';

  // 1. Headline
  var s = section('1. Headline', 'The run\'s call KPIs per period (connected, undetected, partitioned, resyncing) and per node or DC, warm-up excluded.');
  s.appendChild(el('p', { 'class': 'sentence' }, D.sentence));
  if (m.description) s.appendChild(el('p', { 'class': 'what' }, m.description));
  if (D.periods) {
    var rows = D.periods.filter(function (r) { return r.offered !== null; }).map(function (r) {
      return [r.period, { text: r.scope, cls: 'l' }, dur(r.time_s || 0), f(r.offered, 0), f(r.sl), f(r.asa_s, 2), f(r.abandonment_rate), f(r.routing_failure_rate), f(r.remote_share)];
    });
    table(s, ['period', 'scope', 'time', 'calls', 'SL', 'ASA s', 'abandoned', 'routing failures', 'remote share'], rows);
    var scopes = {}, per = sortPeriods(D.periods.map(function (r) { return r.period; }).filter(function (v, i, a) { return a.indexOf(v) === i; }));
    D.periods.forEach(function (r) { (scopes[r.scope] = scopes[r.scope] || {})[r.period] = r.sl; });
    var ser = {}; Object.keys(scopes).forEach(function (k) { ser[k] = per.map(function (p) { return scopes[k][p] === undefined ? null : scopes[k][p]; }); });
    var g = grid(s); chart(g, bars(per, ser, 'Service level per period and scope', false, 'SL'));
  } else none(s, 'periods.csv');

  // 2. Service over time
  s = section('2. Service over time', 'SL, ASA, abandonment and calls waiting per node over simulated time; periods shaded behind, fault episodes marked.');
  legendPeriods(s);
  var g2 = grid(s);
  if (D.service && D.service.t && D.service.t.length) {
    var pick = function (k) { var o = {}; Object.keys(D.service.scopes).forEach(function (sc) { o[sc] = D.service.scopes[sc][k]; }); return o; };
    chart(g2, lines(D.service.t, pick('sl'), 'SL (per ' + f(D.service.interval_s / 60, 0) + ' min)', end, 1));
    chart(g2, lines(D.service.t, pick('asa_s'), 'ASA (s)', end));
    chart(g2, lines(D.service.t, pick('abandonment_rate'), 'abandonment rate', end));
  } else none(s, 'intervals.csv (calls per interval)');
  if (D.queue && Object.keys(D.queue.scopes).length) chart(g2, lines(D.queue.t, D.queue.scopes, 'calls waiting (mean)', end));
  else if (D.queue) s.appendChild(el('p', { 'class': 'none' }, 'No call waited in this run.'));
  else none(s, 'calls.csv (queue length)');

  // 3. Availability
  s = section('3. Availability', 'DNs in service and eligible as each Stat Server sees them, against the truth (the OOS wave of a partition and its recovery), and staleness: DN-seconds a view was falsely up or down.');
  legendPeriods(s);
  var A = D.availability || {}, g3 = grid(s);
  if (A.insrv) {
    chart(g3, lines(A.t, A.insrv, 'DNs in service', end));
    chart(g3, lines(A.t, A.eligible, 'DNs eligible for routing', end));
  } else none(s, 'dn_views.csv or view_series.csv (views over time)');
  if (A.staleness) {
    var views = Object.keys(A.staleness).sort(), kinds = {};
    views.forEach(function (v) { Object.keys(A.staleness[v]).forEach(function (k) { kinds[k] = 1; }); });
    var ss = {}; Object.keys(kinds).sort().forEach(function (k) { ss[k] = views.map(function (v) { return A.staleness[v][k] || 0; }); });
    chart(g3, bars(views, ss, 'staleness per Stat Server (DN-seconds)', false, 'DN-s'));
  } else none(s, 'summary.csv staleness');

  // 4. Links
  s = section('4. Links', 'One lane per TC link end: up, cut and not yet declared, declared lost, resyncing, peer down (the GUI\'s colours).');
  if (D.links && D.links.lanes.length) {
    var lanes = D.links.lanes.map(function (l) { return l.lane; }), byState = {};
    D.links.lanes.forEach(function (l) { l.segs.forEach(function (sg) { (byState[sg[2]] = byState[sg[2]] || []).push({ y: l.lane, x: [sg[0], sg[1]] }); }); });
    var ds = Object.keys(byState).map(function (st) { return { label: st, data: byState[st], backgroundColor: LINK_COLORS[st] || '#aaa', grouped: false, barPercentage: 0.8, categoryPercentage: 1 }; });
    var box = el('div'); s.appendChild(box);
    chart(box, { type: 'bar', data: { labels: lanes, datasets: ds },
      options: { indexAxis: 'y', maintainAspectRatio: false, scales: { x: timeAxis(end), y: { type: 'category', labels: lanes } },
        plugins: { legend: { position: 'bottom' }, title: { display: true, text: 'TC link ends' },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ' ' + hhmm(c.raw.x[0]) + '–' + hhmm(c.raw.x[1]); } } } } } }, lanes.length > 8);
    if (D.links.truncated) s.appendChild(el('p', { 'class': 'none' }, 'Only the first link segments are shown.'));
  } else none(s, 'links.csv');

  // 5. Fault episodes
  s = section('5. Fault episodes', 'KPIs before, during and after each fault episode (cut, crash, ...), for all nodes and per node.');
  if (D.episodes && D.episodes.length) {
    table(s, ['episode', 'kinds', 'start', 'duration', 'scope', 'window', 'calls', 'SL', 'ASA s', 'abandoned', 'routing failures', 'remote share'],
      D.episodes.map(function (e) { return [e.episode, { text: e.kinds, cls: 'l' }, hhmm(e.start || 0), f((e.duration || 0) / 60, 1) + ' min', { text: e.scope, cls: 'l' }, e.window, f(e.offered, 0), f(e.sl), f(e.asa_s, 2), f(e.abandonment_rate), f(e.routing_failure_rate), f(e.remote_share)]; }), 60);
    var eps = [], win = { before: [], during: [], after: [] };
    D.episodes.forEach(function (e) { if (e.scope !== 'all') return; var lbl = e.episode + ' ' + e.kinds; if (eps.indexOf(lbl) < 0) eps.push(lbl); if (win[e.window]) win[e.window][eps.indexOf(lbl)] = e.sl; });
    var g5 = grid(s);
    chart(g5, bars(eps, win, 'SL before / during / after each episode (all nodes)', false, 'SL'));
  } else none(s, 'episodes.csv (no fault episode)');

  // 6. Routing attribution
  s = section('6. Routing attribution', 'Why calls went remote, local, waited or failed: call outcomes, routing decision results, and the DNs each decision excluded (out of service, busy, stale view), per period.');
  var R = D.routing || {}, g6 = grid(s);
  if (R.outcomes && Object.keys(R.outcomes).length) { var po = pivot(R.outcomes); chart(g6, bars(po.labels, po.series, 'call outcomes per period', true, 'calls')); }
  else none(s, 'calls.csv');
  if (R.results && Object.keys(R.results).length) {
    var pr = pivot(R.results); chart(g6, bars(pr.labels, pr.series, 'routing decision results per period', true, 'decisions'));
    var ex = {}; Object.keys(R.exclusions).forEach(function (p) { var e = R.exclusions[p], n = e.decisions || 1; ex[p] = { 'excluded OOS': e['excluded OOS'] / n, 'excluded busy': e['excluded busy'] / n, 'stale view': e['stale view'] / n }; });
    var pe = pivot(ex); chart(g6, bars(pe.labels, pe.series, 'DNs excluded per decision (mean)', false, 'DNs'));
  } else none(s, 'routing.csv');

  if (m.model_choices && m.model_choices.length) {
    s = section('Model choices', 'The choices in force where the specification leaves the behaviour open.');
    table(s, ['question', 'setting'], m.model_choices.map(function (c) { return [c[0], { text: c[1], cls: 'l' }]; }));
  }
}

function compareReport() {
  var m = D.meta || {};
  document.getElementById('title').textContent = 'scsim compare report: ' + (m.scenario || D.source);
  document.title = 'scsim compare report: ' + (m.scenario || D.source);
  var modes = []; (D.means || []).forEach(function (r) { if (modes.indexOf(r.mode) < 0) modes.push(r.mode); });
  var reps = 0; (D.means || []).forEach(function (r) { reps = Math.max(reps, r.n || 0); });
  document.getElementById('meta').textContent = 'base seed ' + (m.seed || '?') + ' · modes ' + modes.join(', ') + ' · ' + reps + ' replications (common random numbers: differences are paired)';
  var KP = [['sl', 'SL', 3], ['asa_s', 'ASA s', 2], ['abandonment_rate', 'abandonment', 3], ['routing_failure_rate', 'routing failures', 3], ['remote_share', 'remote share', 3]];
  var s = section('1. Headline', 'Each mode\'s mean per period at arrival, and the paired difference (first mode − other) with its 95 % confidence interval over the replications.');
  s.appendChild(el('p', { 'class': 'sentence' }, D.sentence));
  if (D.r36_note) s.appendChild(el('p', { 'class': 'note' }, D.r36_note));
  var rows = [];
  (D.differences || []).forEach(function (d) {
    var k = KP.filter(function (x) { return x[0] === d.kpi; })[0]; if (!k || (d.mean_a === null && d.mean_b === null)) return;
    if (d.dc && d.dc !== 'all' && d.kpi !== 'sl') return;
    rows.push([d.scope + (d.dc && d.dc !== 'all' ? ' · ' + d.dc : ''), { text: k[1], cls: 'l' }, d.a + ' ' + f(d.mean_a, k[2]), d.b + ' ' + f(d.mean_b, k[2]),
      { text: (d.diff >= 0 ? '+' : '') + f(d.diff, k[2]) + (d.low !== null ? ' [' + f(d.low, k[2]) + ', ' + f(d.high, k[2]) + ']' : ''), cls: d.significant === 'yes' ? 'sig' : '' }]);
  });
  if (rows.length) table(s, ['period', 'KPI', 'mean (first mode)', 'mean (other)', 'difference [95 % CI]'], rows);
  else none(s, 'differences.csv');
  s.appendChild(el('p', { 'class': 'what' }, 'Red: the confidence interval excludes zero.'));

  s = section('2. Modes side by side', 'Each KPI\'s mean per period and mode; then the paired difference per period as a bar from the low to the high end of its 95 % CI.');
  var g = grid(s), scopes = [];
  D.means = (D.means || []).filter(function (r) { return !r.dc || r.dc === 'all'; });
  D.differences = (D.differences || []).filter(function (r) { return !r.dc || r.dc === 'all'; });
  D.means.forEach(function (r) { if (scopes.indexOf(r.scope) < 0) scopes.push(r.scope); });
  KP.slice(0, 3).forEach(function (k) {
    var ser = {};
    modes.forEach(function (mo) { ser[mo] = scopes.map(function (sc) { var r = D.means.filter(function (x) { return x.scope === sc && x.kpi === k[0] && x.mode === mo; })[0]; return r ? r.mean : null; }); });
    chart(g, bars(scopes, ser, k[1] + ': mean per period', false, k[1]));
    var dser = {};
    (D.differences || []).filter(function (d) { return d.kpi === k[0]; }).forEach(function (d) {
      var key = d.a + ' − ' + d.b; dser[key] = dser[key] || scopes.map(function () { return null; });
      dser[key][scopes.indexOf(d.scope)] = (d.low !== null && d.high !== null) ? [d.low, d.high] : (d.diff !== null ? [d.diff, d.diff] : null);
    });
    chart(g, bars(scopes, dser, k[1] + ': paired difference, 95 % CI', false, 'difference'));
  });
  s = section('3. Replications', 'Every replication and mode: its seed, events, fingerprint and calls.');
  if (D.runs && D.runs.length) table(s, ['replication', 'seed', 'mode', 'events', 'fingerprint', 'calls'], D.runs.map(function (r) { return [r.replication, r.seed, r.mode, r.events, r.fingerprint, r.calls]; }));
  else none(s, 'runs.csv');
  if (m.model_choices && m.model_choices.length) {
    s = section('Model choices', 'The choices in force where the specification leaves the behaviour open (* differs from the default); the same in every run.');
    table(s, ['question', 'setting'], m.model_choices.map(function (c) { return [c[0], { text: c[1], cls: 'l' }]; }));
  }
}

// ---- campaign (scsim sweep) ----
function campaignReport() {
  var m = D.meta || {}, knobs = D.knobs || [], GR = D.grid || [];
  document.getElementById('title').textContent = 'scsim campaign report: ' + (m.name || D.source);
  document.title = 'scsim campaign report: ' + (m.name || D.source);
  document.getElementById('meta').textContent = 'scenario ' + (m.scenario === '(inline)' ? 'inline in ' + (m.campaign_file || '?').split('/').pop() : (m.scenario || '?')) + ' · seed ' + (m.seed || '?') + ' · ' + (m.grid_points || GR.length) + ' grid points × ' + (m.replications || '?') + ' replications × modes ' + (m.modes || '?') + ' = ' + (m.runs || '?') + ' runs (' + (m.failed || 0) + ' failed) · scsim ' + (m.scsim_version || '?') + ' (' + (m.git_commit || '?') + ')';
  var modes = String(m.modes || '').split(',').filter(function (x) { return x; });
  var kpis = [], periods = [];
  (D.summary || []).forEach(function (r) { if (kpis.indexOf(r.kpi) < 0) kpis.push(r.kpi); if (periods.indexOf(r.period) < 0) periods.push(r.period); });
  var S = {}, P = {};
  (D.summary || []).forEach(function (r) { S[r.point + '|' + r.mode + '|' + r.period + '|' + r.kpi] = r; });
  (D.paired || []).forEach(function (r) { P[r.point + '|' + r.b + '|' + r.period + '|' + r.kpi] = r; });
  // The knobs that vary over the grid; knobs of one zip group vary together: keep the first.
  var varied = knobs.map(function (k, i) { return i; }).filter(function (i) { var v = {}; GR.forEach(function (g) { v[g.values[i]] = 1; }); return Object.keys(v).length > 1; });
  varied = varied.filter(function (i, n) { return !varied.slice(0, n).some(function (j) { return GR.every(function (g) { return g.values[j] === g.values[i]; }); }); });
  var pointText = function (g, skip) { return varied.filter(function (i) { return i !== skip; }).map(function (i) { return knobs[i].name + '=' + g.values[i]; }).join(', ') || 'all'; };
  var RATIO = /^(sl|occupancy)$|_rate$|_share$/;
  var hasData = function (per) { return (D.paired || []).some(function (r) { return r.period === per && r.kpi === 'sl' && r.diff !== null; }); };
  var a = modes[0] || 'a', b = modes[1] || 'b';

  // 1. Headline: the paired SL difference per grid point and period.
  var s = section('1. Headline', 'The paired difference ' + a + ' − ' + b + ' of the service level per grid point and period, with its 95 % confidence interval over the replications (common random numbers). Red: the interval excludes zero.');
  var ds = [];
  GR.forEach(function (g) { ['partitioned', 'undetected'].forEach(function (per) { var r = P[g.point + '|' + b + '|' + per + '|sl']; if (r && r.diff !== null) ds.push({ g: g, per: per, r: r }); }); });
  if (ds.length) {
    var lo = ds.reduce(function (x, y) { return y.r.diff < x.r.diff ? y : x; }), hi = ds.reduce(function (x, y) { return y.r.diff > x.r.diff ? y : x; });
    s.appendChild(el('p', { 'class': 'sentence' }, 'Over the grid, ' + a + ' − ' + b + ' SL in faulty periods ranged from ' + f(lo.r.diff) + ' (' + lo.per + ', ' + pointText(lo.g) + ') to ' + f(hi.r.diff) + ' (' + hi.per + ', ' + pointText(hi.g) + ').'));
  } else s.appendChild(el('p', { 'class': 'sentence' }, 'No partitioned or undetected period with calls in this campaign: see the table for the whole runs.'));
  var pers = ['all', 'connected', 'undetected', 'partitioned', 'resyncing'].filter(function (p) { return p === 'all' || hasData(p); });
  var rows = GR.map(function (g) {
    return [g.point, { text: pointText(g), cls: 'l' }].concat(pers.map(function (per) {
      var r = P[g.point + '|' + b + '|' + per + '|sl']; if (!r || r.diff === null) return '–';
      var sig = r.low !== null && (r.low > 0 || r.high < 0);
      return { text: (r.diff >= 0 ? '+' : '') + f(r.diff) + (r.low !== null ? ' [' + f(r.low) + ', ' + f(r.high) + ']' : ''), cls: sig ? 'sig' : '' };
    }));
  });
  table(s, ['point', 'settings'].concat(pers.map(function (p) { return 'SL ' + p; })), rows);

  // 7. Campaign: each KPI against each varied parameter.
  s = section('7. Campaign', 'Each KPI against each varied parameter: one line per mode (and per setting of the other parameters) with its 95 % CI band; beside it the paired difference ' + a + ' − ' + b + ' with its band. Choose the period below; then the grid.');
  var pick = el('select'), label = el('label', null, 'period: ');
  pers.forEach(function (p) { var o = el('option', { value: p }, p); pick.appendChild(o); });
  pick.value = hasData('partitioned') ? 'partitioned' : 'all';
  label.appendChild(pick); s.appendChild(label);
  var box = el('div'); s.appendChild(box);
  var charts = [];
  var DASH = [[], [7, 4], [2, 3], [9, 3, 2, 3]];
  function band(label, color, pts, dash) {  // a line and its CI band: three datasets
    return [
      { label: label, data: pts.map(function (p) { return { x: p.x, y: p.y }; }), borderColor: color, backgroundColor: color, borderDash: dash || [], pointRadius: 3, borderWidth: 2, fill: false },
      { label: '~lo', data: pts.map(function (p) { return { x: p.x, y: p.lo }; }), borderColor: 'transparent', pointRadius: 0, fill: false },
      { label: '~hi', data: pts.map(function (p) { return { x: p.x, y: p.hi }; }), borderColor: 'transparent', backgroundColor: color + '33', pointRadius: 0, fill: '-1' }];
  }
  function xcfg(i) {
    var vals = []; GR.forEach(function (g) { if (vals.indexOf(g.values[i]) < 0) vals.push(g.values[i]); });
    var numeric = vals.every(function (v) { return v !== '' && !isNaN(Number(v)); });
    return { numeric: numeric, vals: numeric ? vals.map(Number).sort(function (x, y) { return x - y; }) : vals };
  }
  function lineChart(title, xname, xc, datasets, ylabel, ratio) {
    return { type: 'line', data: { labels: xc.numeric ? undefined : xc.vals, datasets: datasets },
      options: { maintainAspectRatio: false, spanGaps: true,
        scales: { x: xc.numeric ? { type: 'linear', title: { display: true, text: xname } } : { type: 'category', labels: xc.vals, title: { display: true, text: xname } }, y: ratio ? { min: 0, max: 1, title: { display: true, text: ylabel } } : { title: { display: true, text: ylabel } } },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, filter: function (it) { return it.text.charAt(0) !== '~'; } } }, title: { display: true, text: title } } } };
  }
  function draw(first) {
    charts.forEach(function (c) { c.destroy(); }); charts = []; box.innerHTML = '';
    var per = pick.value;
    varied.forEach(function (i) {
      var xc = xcfg(i), xname = knobs[i].name;
      var others = {}; GR.forEach(function (g) { others[pointText(g, i)] = 1; });
      var combos = Object.keys(others).slice(0, 4);
      box.appendChild(el('h3', null, 'against ' + xname));
      var g7 = grid(box);
      kpis.forEach(function (k) {
        var mds = [], dds = [];
        combos.forEach(function (combo, ci) {
          var gs = GR.filter(function (g) { return pointText(g, i) === combo; });
          var xOf = function (g) { return xc.numeric ? Number(g.values[i]) : g.values[i]; };
          gs.sort(function (x, y) { return xc.vals.indexOf(xOf(x)) - xc.vals.indexOf(xOf(y)); });
          var tag = combos.length > 1 ? ' · ' + combo : '';
          modes.forEach(function (mo, mi) {
            var pts = gs.map(function (g) { var r = S[g.point + '|' + mo + '|' + per + '|' + k] || {}; var h = r.half === null || r.half === undefined ? 0 : r.half; return { x: xOf(g), y: r.mean, lo: r.mean === null || r.mean === undefined ? null : r.mean - h, hi: r.mean === null || r.mean === undefined ? null : r.mean + h }; });
            mds = mds.concat(band(mo + tag, PAL[mi % PAL.length], pts, DASH[ci % DASH.length]));
          });
          var dpts = gs.map(function (g) { var r = P[g.point + '|' + b + '|' + per + '|' + k] || {}; return { x: xOf(g), y: r.diff, lo: r.low === undefined ? null : r.low, hi: r.high === undefined ? null : r.high }; });
          dds = dds.concat(band(a + ' − ' + b + tag, PAL[(2 + ci) % PAL.length], dpts));
        });
        var mk = function (cfg) { expected += first ? 1 : 0; var bx = el('div', { 'class': 'chart' }), cv = el('canvas'); bx.appendChild(cv); g7.appendChild(bx);
          try { charts.push(new Chart(cv.getContext('2d'), cfg)); drawn += first ? 1 : 0; } catch (e) { window.onerror('chart: ' + e.message, '', 0); } };
        mk(lineChart(k + ' (' + per + ') against ' + xname, xname, xc, mds, k, RATIO.test(k)));
        mk(lineChart(a + ' − ' + b + ': ' + k + ' (' + per + ')', xname, xc, dds, 'difference'));
      });
    });
  }
  draw(true);
  pick.addEventListener('change', function () { draw(false); });
  s.appendChild(el('h3', null, 'The grid'));
  table(s, ['point'].concat(knobs.map(function (k) { return k.name; })).concat(['runs', 'ok', 'mean events']),
    GR.map(function (g) { return [g.point].concat(g.values).concat([g.runs, g.ok, f(g.events, 0)]); }));
}

try {
  if (!window.Chart) throw new Error('Chart.js did not load');
  if (D.kind === 'compare') compareReport(); else if (D.kind === 'campaign') campaignReport(); else runReport();
} catch (e) { window.onerror(e.message, '', 0); }
document.body.setAttribute('data-charts-expected', String(expected));
document.body.setAttribute('data-charts-ready', String(drawn));
})();
</script>
</body></html>
)HTML";

}  // namespace

std::string render_page(const std::string& json, const std::string& chartjs) {
  std::string out;
  out.reserve(chartjs.size() + json.size() + 32768);
  out += kHead;
  out += chartjs;
  out += kMid;
  out += json;
  out += kTail;
  return out;
}

}  // namespace scsim::report
