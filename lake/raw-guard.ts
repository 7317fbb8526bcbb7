import { mergeStaged, type StagedTable } from './lake.js';
import type { HeldBackModel, TableManifest } from './manifest.js';

/** What to tell the user when a partition shrank: where the threshold lives and how to accept a real removal. */
export const REMOVAL_FIX =
  'check the source; if the rows were really removed, rerun with --accept-removal (or raise DEVENIR_ROW_DRIFT_THRESHOLD)';

/**
 * Staged raw tables that would empty a partition (millésime, period) that had rows, or shrink it by more than
 * `threshold` (a share of its previous rows). They are not published: a bad answer never erases published data.
 */
export function shrunkPartitions(
  committed: ReadonlyMap<string, TableManifest>,
  staged: StagedTable[],
  threshold: number,
): HeldBackModel[] {
  const out: HeldBackModel[] = [];
  for (const t of mergeStaged(staged)) {
    const before = committed.get(t.name)?.summary.partitions;
    if (!t.name.startsWith('raw.') || t.name.endsWith('__quarantine') || !before) continue;
    const after: Record<string, number> = {};
    for (const f of t.files) after[f.partition] = (after[f.partition] ?? 0) + f.record_count;
    const replaced = t.replace === 'all' ? Object.keys(before) : t.replace;
    const shrunk = replaced
      .filter((p) => (before[p] ?? 0) > 0)
      .filter((p) => (after[p] ?? 0) === 0 || (before[p] - (after[p] ?? 0)) / before[p] > threshold)
      .map((p) => `${t.partitionColumn ?? 'partition'}=${p || '(none)'} ${before[p]} → ${after[p] ?? 0} rows`);
    if (shrunk.length)
      out.push({
        model: t.name,
        reason: `${t.name}: partition ${shrunk.join(', ')} (emptied or shrank by more than DEVENIR_ROW_DRIFT_THRESHOLD=${threshold}); not published`,
        fix: REMOVAL_FIX,
      });
  }
  return out;
}

/** What to tell the user when a landing lost columns its models read. */
export const COLUMNS_FIX =
  'fix the source (or declare its new shape in activities/land/datasets), then refresh it: the held-back models are rebuilt then';

/**
 * Staged raw tables that lost columns the published table had and the dataset registry declares required (a publisher's
 * export came without them): not published, so older partitions never mask the gap with nulls.
 */
export function droppedColumns(
  committed: ReadonlyMap<string, TableManifest>,
  staged: StagedTable[],
  declared: Record<string, string[]>,
): HeldBackModel[] {
  const out: HeldBackModel[] = [];
  for (const t of mergeStaged(staged)) {
    const before = new Set(committed.get(t.name)?.schema.map((c) => c.name) ?? []);
    const now = new Set(t.schema.map((c) => c.name));
    const lost = (declared[t.name.slice('raw.'.length)] ?? []).filter((c) => before.has(c) && !now.has(c));
    if (!t.name.startsWith('raw.') || !lost.length) continue;
    const partitions = t.replace === 'all' ? 'all partitions' : `${t.partitionColumn}=${t.replace.join(',')}`;
    out.push({
      model: t.name,
      reason: `${t.name} lacks column(s) ${lost.join(', ')} declared required in activities/land/datasets (landed ${partitions}); not published`,
      fix: COLUMNS_FIX,
    });
  }
  return out;
}
