import Table from 'cli-table3';
import type { LandSourceResult } from '../../activities/land/land-source.js';
import type { BackfillOutcome } from '../../workflows/backfill-workflow.js';
import type { RefreshAllResult } from '../../workflows/refresh-all-workflow.js';
import type { BuildOutcome, HeldBack } from '../../workflows/types.js';
import { isReaderOfHeldBack } from '../../lake/manifest.js';

/** What `refresh`, `backfill` and `build --wait` return, as far as their summary reads it (every field optional). */
export interface RunResult extends BuildOutcome {
  source?: string;
  landed?: Array<Pick<LandSourceResult, 'dataset' | 'period' | 'rows' | 'requests' | 'unchanged'>>;
  sources?: RefreshAllResult['sources'];
  fresh?: RefreshAllResult['fresh'];
  runs?: BackfillOutcome['runs'];
  failed?: BackfillOutcome['failed'];
  alreadyDone?: string[];
  snapshotId?: number;
  committed?: boolean;
  tablesChanged?: string[];
  unchanged?: boolean;
}

/** A run's summary: the table a terminal shows, the one closing sentence, and whether the run falls short (exit 1). */
export interface RunSummary {
  table: string;
  sentence: string;
  incomplete: boolean;
}

const ROW_DRIFT_FIX =
  'if the rows really changed that much, rerun with --accept-removal or raise DEVENIR_ROW_DRIFT_THRESHOLD';

/** The fix to show beside a failure or a held-back model: its own, or the row-drift one when the drift check stopped it. */
export function fixFor(reason: string, fix?: string): string | undefined {
  if (fix) return fix;
  if (/row_count_drift|row.count drift|shrank|emptied/i.test(reason) && !/DEVENIR_ROW_DRIFT_THRESHOLD/.test(reason))
    return ROW_DRIFT_FIX;
  return undefined;
}

/** A table with no rule between rows: a dozen datasets fit a screen. */
const grid = (head: string[], colWidths: Array<number | null> = []) =>
  new Table({
    head,
    colWidths,
    wordWrap: true,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
const count = (n: number) => n.toLocaleString('en-US');

/** Rows and requests per source (or per millésime for a backfill). */
function perSource(r: RunResult): string | undefined {
  if (r.sources?.length) {
    const t = grid(['source', 'rows', 'requests', 'datasets', 'outcome']);
    for (const s of r.sources) {
      const outcome = s.error
        ? `failed: ${s.error}`
        : s.unchanged && s.unchanged === s.datasets
          ? 'unchanged'
          : 'landed';
      const datasets =
        s.datasets === undefined ? '' : `${s.datasets}${s.unchanged ? ` (${s.unchanged} unchanged)` : ''}`;
      t.push([s.source, count(s.rows), count(s.requests), datasets, outcome]);
    }
    return t.toString();
  }
  if (r.landed?.length) {
    const t = grid(['source', 'dataset', 'period', 'rows', 'requests', 'outcome']);
    for (const l of r.landed)
      t.push([
        r.source ?? '',
        l.dataset,
        l.period,
        count(l.rows),
        count(l.requests),
        l.unchanged ? 'unchanged' : 'landed',
      ]);
    return t.toString();
  }
  if (r.runs?.length || r.failed?.length) {
    const t = grid(['millésime', 'rows', 'requests', 'snapshot', 'outcome']);
    for (const m of r.runs ?? [])
      t.push([
        m.millesime,
        count(m.rows),
        count(m.requests),
        m.snapshotId ?? '',
        `${m.tablesChanged ?? 0} tables changed`,
      ]);
    for (const m of r.alreadyDone ?? []) t.push([m, '', '', '', 'done before']);
    for (const f of r.failed ?? []) t.push([f.millesime, '', '', '', `failed: ${f.error}`]);
    return t.toString();
  }
  return undefined;
}

/** The datasets refresh-all did not ask, per source: when they were landed, when the publisher publishes next. */
function freshTable(fresh: NonNullable<RunResult['fresh']>): string {
  const t = grid(['fresh (not asked)', 'datasets', 'landed', 'next publication'], [null, 44, null, null]);
  const minute = (iso?: string) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '');
  for (const source of [...new Set(fresh.map((f) => f.source))]) {
    const of = fresh.filter((f) => f.source === source);
    const landed = of.map((f) => f.fetchedAt).sort()[0];
    t.push([source, of.map((f) => f.dataset).join(', '), minute(landed), minute(of[0].nextPublication)]);
  }
  return t.toString();
}

/** Why the fresh datasets were not asked, and how to ask them anyway. */
const freshNote = (fresh: RunResult['fresh']) =>
  fresh?.length
    ? `; ${fresh.length} datasets not asked, landed since their publisher's last scheduled publication (--force asks them)`
    : '';

function heldBackTable(held: HeldBack[]): string {
  const t = grid(['held back', 'reason', 'fix'], [null, 44, 44]); // long reasons wrap rather than overflow
  for (const h of held) t.push([h.model, h.reason, fixFor(h.reason, h.fix) ?? '']);
  return t.toString();
}

/** The summary of a finished run: per-source rows and requests, tables changed, models held back, the snapshot. */
export function summariseRun(r: RunResult): RunSummary {
  const held = r.heldBack ?? [];
  const failed = [
    ...(r.sources ?? []).filter((s) => s.error).map((s) => `${s.source} (${s.error})`),
    ...(r.failed ?? []).map((f) => `${f.millesime} (${f.error})`),
  ];
  const snapshot = r.snapshotId === undefined ? 'no snapshot' : `snapshot ${r.snapshotId}`;
  const fresh = r.fresh?.length ? freshTable(r.fresh) : '';
  if (r.unchanged && !failed.length && !held.length)
    return { table: fresh, sentence: `nothing new: ${snapshot} stays current${freshNote(r.fresh)}`, incomplete: false };
  const changed = r.tablesChanged?.length ?? (r.runs ?? []).reduce((n, m) => n + (m.tablesChanged ?? 0), 0);
  const models = r.modelsRun ? `, ${r.modelsRun.length} models run` : '';
  const parts = [perSource(r), fresh, held.length ? heldBackTable(held) : undefined].filter(Boolean);
  const what =
    r.committed === false && !changed ? `nothing published (${snapshot} stays current)` : `published ${snapshot}`;
  const published = `${what}: ${changed} tables changed${models}${rebuiltNote(r.staleRefusals)}`;
  const shortfalls = [
    ...(held.length ? [heldBackClause(held)] : []),
    ...(failed.length ? [`failed ${failed.join(', ')}`] : []),
  ];
  const fixes = [...new Set(held.map((h) => fixFor(h.reason, h.fix)).filter((f): f is string => Boolean(f)))];
  const sentence = shortfalls.length
    ? `${capitalise(published)}; ${shortfalls.join('; ')}${fixes.length ? `; fix: ${fixes.join('; ')}` : ''}.`
    : `${capitalise(published)}${freshNote(r.fresh)}.`;
  return { table: parts.join('\n'), sentence, incomplete: shortfalls.length > 0 };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** That the committer built the run again because another deployment published its models' inputs meanwhile. */
const rebuiltNote = (refusals = 0) =>
  refusals
    ? `, built again ${refusals === 1 ? 'once' : `${refusals} times`} over what another committer published meanwhile`
    : '';

/**
 * `held back A (why), B (why) and the 12 models that read them`: each model that failed on its own with its reason;
 * the models held back only because they read one are counted (the table and `snapshots show` list them).
 */
function heldBackClause(held: HeldBack[]): string {
  const causes = held.filter((h) => !isReaderOfHeldBack(h));
  const readers = held.length - causes.length;
  const named = (causes.length ? causes : held).map((h) => `${h.model} (${h.reason})`).join(', ');
  if (!causes.length || !readers) return `held back ${named}`;
  const them = causes.length > 1 ? 'them' : 'it';
  return `held back ${named} and the ${readers} model${readers > 1 ? 's' : ''} that read ${them}`;
}
