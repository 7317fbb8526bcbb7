import { buildTimeChart, coverageChart } from './report-charts.js';
import type { ReportData } from './report-data.js';

const esc = (v: unknown) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const num = (n: number) => n.toLocaleString('en-US');
/** `data-x="…"` attributes the tests (and scripts) read the figures from. */
const attrs = (a: Record<string, unknown>) =>
  Object.entries(a)
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('');
const table = (head: string[], rows: string[]) =>
  rows.length
    ? `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`
    : '<p class="none">None.</p>';
const cells = (values: unknown[]) => values.map((v) => `<td>${typeof v === 'number' ? num(v) : esc(v)}</td>`).join('');

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc}
.meta{color:#555}table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}
td:nth-child(n+2){font-variant-numeric:tabular-nums}th{background:#f4f4f4}.warn{color:#b71c1c}.none{color:#777}
figure{margin:8px 0}details{margin:6px 0}`;

async function coverageSection(d: ReportData): Promise<string> {
  if (!d.coverage.length) return '<p class="none">published.couverture is not in this snapshot.</p>';
  const charts = [];
  for (const c of [...new Set(d.coverage.map((r) => r.catalogue))])
    charts.push(`<figure>${await coverageChart(c, d.coverage)}</figure>`);
  const rows = d.coverage.map(
    (r) =>
      `<tr${attrs({ coverage: '', catalogue: r.catalogue, level: r.level, voie: r.voie, couverture: r.coverage, formations: r.formations })}>${cells([r.catalogue, r.level, r.voie, r.coverage, r.formations])}</tr>`,
  );
  return `${charts.join('')}<details><summary>Figures (formations per catalogue, level, voie and coverage)</summary>${table(['catalogue', 'level', 'voie', 'coverage', 'formations'], rows)}</details>`;
}

function sourcesSection(d: ReportData): string {
  const rows = d.sources.map(
    (s) =>
      `<tr${attrs({ 'source-table': s.table, rows: s.rows, quarantined: s.quarantined, 'last-landing': s.lastLanding })}>${cells([s.source, s.dataset, s.lastLanding.replace('T', ' ').slice(0, 19), s.lastPeriod, s.rows, s.quarantined])}<td${s.drift.length ? ' class="warn"' : ''}>${esc(s.drift.join(', ') || 'none')}</td></tr>`,
  );
  return table(['source', 'dataset', 'last landing (UTC)', 'last period', 'rows', 'quarantined', 'drift'], rows);
}

function changesSection(d: ReportData): string {
  if (!d.snapshot.parent_snapshot_id) return '<p class="none">First snapshot of the lake: every table is new.</p>';
  const rows = d.changes.flatMap((t) =>
    (t.partitions.length ? t.partitions : [{ millesime: '', added: 0, removed: 0, changed: 0 }]).map(
      (p) =>
        `<tr${attrs({ 'change-table': t.table, millesime: p.millesime, added: p.added, removed: p.removed, changed: p.changed ?? '' })}>${cells([t.table, p.millesime || '—', p.added, p.removed, p.changed ?? '—'])}</tr>`,
    ),
  );
  return `<p>Since snapshot ${d.snapshot.parent_snapshot_id}: rows added, removed and changed (same unique key, other values), per table and millésime.</p>${table(['table', 'millésime', 'added', 'removed', 'changed'], rows)}`;
}

function heldBackSection(d: ReportData): string {
  if (!d.heldBack.length) return '<p class="none">No model held back: every model published its latest build.</p>';
  const items = d.heldBack.map(
    (h) =>
      `<li${attrs({ 'held-back': h.model })}><strong>${esc(h.model)}</strong>: ${esc(h.reason)}${h.fix ? ` <em>Fix: ${esc(h.fix)}</em>` : ''}</li>`,
  );
  return `<ul class="warn">${items.join('')}</ul>`;
}

async function modelsSection(d: ReportData): Promise<string> {
  if (!d.models.length) return '<p class="none">No build time recorded for this snapshot\'s models.</p>';
  const total = d.models.reduce((n, m) => n + m.ms, 0);
  const rows = d.models.map(
    (m) =>
      `<tr${attrs({ model: m.model, ms: m.ms, rows: m.rows })}>${cells([m.model, (m.ms / 1000).toFixed(2), m.rows, m.builtAt.replace('T', ' ').slice(0, 19)])}</tr>`,
  );
  return `<p>${d.models.length} models, ${(total / 1000).toFixed(1)} s of model SQL in all (the build that last wrote each model).</p><figure>${await buildTimeChart(d.models)}</figure><details><summary>Figures</summary>${table(['model', 'seconds', 'rows', 'built (UTC)'], rows)}</details>`;
}

/** The report as one self-contained HTML page (inline CSS and SVG charts: nothing fetched when viewing). */
export async function renderReport(d: ReportData): Promise<string> {
  const s = d.snapshot;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>devenir: lake snapshot ${s.snapshot_id}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body data-snapshot="${s.snapshot_id}">
<h1>devenir: lake snapshot ${s.snapshot_id}</h1>
<p class="meta">${esc(s.created_at.replace('T', ' ').slice(0, 19))} UTC · ${esc(s.message)} · ${esc(d.lake)} · ${Object.keys(s.tables).length} tables</p>
<h2 id="coverage">Coverage of the catalogues</h2>${await coverageSection(d)}
<h2 id="held-back">Held-back models</h2>${heldBackSection(d)}
<h2 id="sources">Sources</h2>${sourcesSection(d)}
<h2 id="changes">Changes since the previous snapshot</h2>${changesSection(d)}
<h2 id="build">Build time per model</h2>${await modelsSection(d)}
</body></html>
`;
}
