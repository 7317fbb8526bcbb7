import { lakeReport, modelUniqueKeys } from '../../activities/publish/write-lake-report.js';
import { syncDeltaLogs } from '../../lake/delta-log.js';
import type { Lake } from '../../lake/lake.js';
import { diffSnapshots } from '../../lake/snapshot-diff.js';
import { writeViewsCatalog } from '../../lake/views-catalog.js';
import type { App } from '../app.js';
import { selector } from './query.js';
import { UsageError } from './usage-error.js';

/** `devenir snapshots list`: every lake snapshot, newest first, with its tags. */
export async function listSnapshots(app: App, opts: { limit?: string }) {
  const lake = await app.lake();
  const tags = await lake.tags();
  const history = await lake.lakeLog.history(Number(opts.limit ?? 50));
  return history.map((s) => ({
    snapshot: s.snapshot_id,
    created_at: s.created_at,
    message: s.message,
    tables: Object.keys(s.tables).length,
    tags: tags
      .filter((t) => t.snapshot_id === s.snapshot_id)
      .map((t) => t.name)
      .join(','),
  }));
}

/**
 * `devenir snapshots show`: the tables of one snapshot with rows, files and snapshot ids; a table the publish held
 * back at its previous version says so, and why.
 */
export async function showSnapshot(app: App, opts: { snapshot?: string; tag?: string }) {
  const lake = await app.lake();
  const sel = selector(opts);
  const held = new Map(((await lake.lakeSnapshot(sel))?.held_back ?? []).map((h) => [h.model, h]));
  const tables = await lake.tables(sel);
  const rows = [...tables].map(([name, m]) => ({
    table: name,
    table_snapshot: m.snapshot_id,
    rows: m.summary.rows,
    files: m.summary.files,
    millesimes: Object.keys(m.summary.partitions).join(','),
    checks_failed: m.checks.filter((c) => !c.passed).length,
    held_back: held.get(name)?.reason ?? '',
  }));
  // Held back before its first publish: no table yet, still named.
  for (const [name, h] of held)
    if (!tables.has(name))
      rows.push({
        table: name,
        table_snapshot: 0,
        rows: 0,
        files: 0,
        millesimes: '',
        checks_failed: 0,
        held_back: h.reason,
      });
  return rows;
}

/** `devenir snapshots diff A B`: rows added, removed and changed per table and millésime. */
export async function diff(app: App, from: string, to: string) {
  if (!/^\d+$/.test(from) || !/^\d+$/.test(to))
    throw new UsageError('diff takes two snapshot numbers, e.g. `devenir snapshots diff 3 4`');
  const keys = await modelUniqueKeys();
  const diffs = await diffSnapshots(await app.lake(), Number(from), Number(to), app.config.workDir, keys);
  return diffs.flatMap((d) =>
    (d.partitions.length ? d.partitions : [{ millesime: '', added: 0, removed: 0 }]).map((p) => ({
      table: d.table,
      millesime: p.millesime,
      added: p.added,
      removed: p.removed,
      changed: 'changed' in p ? p.changed : '',
    })),
  );
}

/** `devenir snapshots tag NAME [ID]`: freezes a snapshot (the current one by default) under a name. */
export async function tag(app: App, name: string, id?: string) {
  const lake = await app.lake();
  const snapshot = id ? Number(id) : (await lake.lakeSnapshot())?.snapshot_id;
  if (!snapshot) throw new UsageError('the lake has no snapshot yet: run `npm start` or `devenir refresh` first');
  await lake.tag(name, snapshot);
  return { tag: name, snapshot };
}

/** `devenir snapshots rollback ID|--tag`: a new snapshot pointing back at an older one's files. */
export async function rollback(app: App, opts: { snapshot?: string; tag?: string }) {
  const sel = selector(opts);
  if (sel.snapshot === undefined && !sel.tag)
    throw new UsageError('say where to roll back to: a snapshot number or --tag NAME');
  const lake = await app.lake();
  const result = await lake.rollback(sel, `rollback/${sel.tag ?? sel.snapshot}/${new Date().toISOString()}`);
  if (result.committed && result.snapshot) await refreshReaders(lake, result.snapshot.snapshot_id, app.config.workDir);
  return { snapshot: result.snapshot?.snapshot_id, committed: result.committed, tables: result.tables.length };
}

/** `devenir snapshots gc`: deletes data files no snapshot references, older than the grace period. */
export async function gc(app: App, opts: { graceHours?: string; dryRun?: boolean }) {
  const lake = await app.lake();
  const result = await lake.gc({ graceMs: Number(opts.graceHours ?? 168) * 3_600_000, dryRun: opts.dryRun });
  return { deleted: result.deleted.length, kept: result.kept, dryRun: Boolean(opts.dryRun), files: result.deleted };
}

/** The analysts' views catalog, the Delta logs and the report, brought to a lake snapshot (after a rollback, or a copied lake). */
async function refreshReaders(lake: Lake, snapshotId: number, workDir: string) {
  const catalog = await writeViewsCatalog(lake, snapshotId);
  await syncDeltaLogs(lake, snapshotId);
  return { catalog, report: await lakeReport(lake, snapshotId, workDir) };
}

/** `devenir catalog`: rewrites the views catalog for where the lake is now (after a copy or a move), the Delta logs and the report. */
export async function regenerateCatalog(app: App) {
  const lake = await app.lake();
  const head = await lake.lakeSnapshot();
  if (!head) throw new UsageError('the lake has no snapshot yet: publish one first (npx devenir start)');
  return { snapshot: head.snapshot_id, ...(await refreshReaders(lake, head.snapshot_id, app.config.workDir)) };
}
