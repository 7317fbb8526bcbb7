import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../activities/export/run-query.js';
import type { Fault } from '../../infra/simulators/faults.js';
import { FAILPOINTS, type Failpoint } from '../../lake/failpoints.js';
import type { Lake } from '../../lake/lake.js';
import { TableManifest, parseTableName, paths } from '../../lake/manifest.js';
import type { RefreshSourceResult } from '../../workflows/refresh-source-workflow.js';
import { contentChecksums } from '../support/checksums.js';
import { startHarness, type Harness } from '../support/harness.js';
import { copyLake } from '../support/lake-listing.js';

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a worker killed during landing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ lake: 's3', heartbeatTimeout: '5s' });
  });
  afterAll(async () => h?.stop());

  it('is replaced by another worker, and the workflow finishes with the same result', async () => {
    // The first BCN download hangs long enough for the worker to be killed while it is in flight.
    h.sims.faults.add({ source: 'bcn', kind: 'slow', delayMs: 15_000, match: 'nomenclature', times: 1 });
    const first = h.spawnWorker();
    const handle = await h.client.workflow.start('refreshSourceWorkflow', {
      taskQueue: h.ctx.queues.workflows,
      workflowId: `${h.ctx.idPrefix}/crash-1`,
      args: [{ ...h.ctx, source: 'bcn', datasets: ['n_formation_diplome'], date: '2026-11-29' }],
    });
    await until(() => (h.sims.requests.get('bcn') ?? []).some((r) => r.includes('nomenclature')));
    first.kill('SIGKILL');
    await new Promise<void>((resolve) => first.once('exit', () => resolve()));
    h.spawnWorker();
    const result = (await handle.result()) as RefreshSourceResult;
    expect(result.committed).toBe(true);
    const downloads = (h.sims.requests.get('bcn') ?? []).filter((r) => r.includes('nomenclature'));
    expect(downloads.length).toBeGreaterThanOrEqual(2); // the one lost with the worker, its retry (and maybe more)
    const { rows } = await runQuery(
      h.lake,
      'select count(*) as n, count(distinct formation_diplome) as cfd from raw.bcn__n_formation_diplome',
      {},
      h.config.workDir,
    );
    expect(rows[0].n).toBe(rows[0].cfd); // no duplicate rows from the lost attempt
    const staged = await runQuery(
      h.lake,
      'select count(*) as n from staging.stg_bcn__formations_diplomes',
      {},
      h.config.workDir,
    );
    expect(Number(staged.rows[0].n)).toBe(Number(rows[0].n));
  });
});

type Checksums = Awaited<ReturnType<typeof contentChecksums>>;
type Observed = { snapshotId: number | undefined; tables: Checksums; catalog: number | undefined };

const DATE = '2026-11-29';
/** The change each crashed refresh publishes: a new label in one BCN record of every 50. */
const CHANGE: Fault = { source: 'bcn', kind: 'bad-value', column: 'libelle_long_200', to: 'LIBELLE REVU', every: 50 };

const refreshBcn = (h: Harness, id: string) =>
  h.client.workflow.start('refreshSourceWorkflow', {
    taskQueue: h.ctx.queues.workflows,
    workflowId: `${h.ctx.idPrefix}/${id}`,
    args: [{ ...h.ctx, source: 'bcn', datasets: ['n_formation_diplome'], date: DATE }],
  });

/** The snapshot the analysts' catalog (`_meta/catalog/devenir.sql`) was written for. */
async function catalogSnapshot(h: Harness): Promise<number | undefined> {
  const found = await h.lake.store.get('_meta/catalog/devenir.sql');
  const id = found && /^-- devenir lake snapshot (\d+):/.exec(found.body.toString('utf8'))?.[1];
  return id ? Number(id) : undefined;
}

/** A reader polling the lake until stopped: what `devenir query` and the catalog showed, each time. */
function watchLake(h: Harness, tables: string[]) {
  const seen: Observed[] = [];
  let stopped = false;
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'devenir-reader-'));
  const loop = (async () => {
    while (!stopped) {
      const snapshotId = (await h.lake.lakeSnapshot())?.snapshot_id;
      const sums = await contentChecksums(h.lake, workDir, tables, { snapshot: snapshotId });
      seen.push({ snapshotId, tables: sums, catalog: await catalogSnapshot(h) });
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return {
    async stop(): Promise<Observed[]> {
      stopped = true;
      await loop;
      return seen;
    },
  };
}

/** The entries of `sums` for these tables (and their millésimes). */
function pick(sums: Checksums, tables: string[]): Checksums {
  return Object.fromEntries(Object.entries(sums).filter(([k]) => tables.includes(k.replace(/ \[.*\]$/, ''))));
}

/**
 * Objects no snapshot of the lake's history accounts for: table manifests no lake snapshot names, data files no
 * named manifest lists, raw payloads no named manifest's source facts cite. Coordination and derived metadata (rate
 * leases, staged sets, the catalog, the report, Delta logs) are not data.
 */
async function unreferenced(lake: Lake): Promise<string[]> {
  const named = new Set<string>();
  const cited = new Set<string>();
  for (const snapshot of await lake.lakeLog.history()) {
    named.add(paths.lakeSnapshot(snapshot.snapshot_id));
    for (const [name, id] of Object.entries(snapshot.tables)) {
      const { layer, table } = parseTableName(name);
      const key = paths.tableSnapshot(layer, table, id);
      named.add(key);
      const manifest = (await lake.store.get(key))!.body.toString('utf8');
      for (const f of TableManifest.parse(JSON.parse(manifest)).files) cited.add(f.path);
      for (const raw of manifest.match(/raw\/[^"]+\.[a-z]+/g) ?? []) cited.add(raw);
    }
  }
  return (await lake.store.list(''))
    .map((o) => o.key)
    .filter((key) => {
      if (/^_meta\/(rate|staged|catalog|report)\//.test(key) || key.endsWith('current.json')) return false;
      if (key.includes('/_delta_log/')) return false;
      if (key.startsWith('_meta/')) return !named.has(key);
      return !cited.has(key);
    });
}

/*
 * The crash matrix: for each step of a build and publish, a worker process is SIGKILLed there (DEVENIR_FAILPOINT,
 * lake/failpoints.ts) while it refreshes a changed BCN dataset, and a new worker takes over. Each case runs on its
 * own lake and queues, a copy of lake R after the same first refresh; R's uninterrupted run of the change is the
 * reference.
 */
describe('a worker killed at each step of a build and publish', () => {
  let ref: Harness;
  const cases = new Map<Failpoint, { h: Harness; exited: Promise<string> }>();
  let before: { snapshotId: number; tables: Checksums };
  let after: Checksums;
  /** The tables the change rewrites: a reader seeing some at one snapshot and others at the next would see a mix. */
  let changed: string[];
  beforeAll(async () => {
    const harnesses = await Promise.all(
      [undefined, ...FAILPOINTS].map(() => startHarness({ lake: 's3', heartbeatTimeout: '5s' })),
    );
    ref = harnesses[0];
    await ref.startWorker();
    // The crashing workers start while R runs; each waits, idle, on its own queues.
    FAILPOINTS.forEach((point, i) => {
      const h = harnesses[i + 1];
      const crashing = h.spawnWorker({ DEVENIR_FAILPOINT: point });
      const exited = new Promise<string>((resolve) =>
        crashing.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
      );
      cases.set(point, { h, exited });
    });
    await (await refreshBcn(ref, 'seed')).result();
    before = {
      snapshotId: (await ref.lake.lakeSnapshot())!.snapshot_id,
      tables: await contentChecksums(ref.lake, ref.config.workDir),
    };
    await Promise.all([...cases.values()].map(({ h }) => copyLake(ref.lake.store, h.lake.store)));
    ref.sims.faults.add(CHANGE);
    await (await refreshBcn(ref, 'change')).result();
    after = await contentChecksums(ref.lake, ref.config.workDir);
    const moved = Object.keys(after).filter((k) => after[k].checksum !== before.tables[k]?.checksum);
    changed = [...new Set(moved.map((k) => k.replace(/ \[.*\]$/, '')))];
    expect(changed.length).toBeGreaterThan(1);
    expect(await unreferenced(ref.lake)).toEqual([]);
  }, 180_000);
  afterAll(async () => {
    await ref?.stop();
    for (const { h } of cases.values()) await h.stop();
  });

  it.each(FAILPOINTS)(
    'killed at %s: finishes, readers see one snapshot or the next, nothing left over',
    async (point) => {
      const { h, exited } = cases.get(point)!;
      h.sims.faults.add(CHANGE);
      const handle = await refreshBcn(h, `crash/${point}`);
      const reader = watchLake(h, changed);
      const result = handle.result() as Promise<RefreshSourceResult>;
      expect(await Promise.race([exited, result.then(() => 'finished without reaching it')])).toBe('SIGKILL');
      await h.startWorker(); // the replacement (in this process: the crash is the other one)
      const done = await result;
      const seen = await reader.stop();

      expect(done.committed).toBe(true);
      const head = (await h.lake.lakeSnapshot())!;
      expect(head.snapshot_id).toBe(before.snapshotId + 1); // one publish: the retry did not commit again
      expect(done.snapshotId).toBe(head.snapshot_id);
      expect(await catalogSnapshot(h)).toBe(head.snapshot_id);
      // Every poll saw the previous snapshot whole or the next one whole.
      expect(seen.some((s) => s.snapshotId === before.snapshotId)).toBe(true);
      for (const s of seen) {
        expect([before.snapshotId, head.snapshot_id]).toContain(s.snapshotId);
        expect(s.tables).toEqual(pick(s.snapshotId === before.snapshotId ? before.tables : after, changed));
        expect([before.snapshotId, head.snapshot_id]).toContain(s.catalog);
      }
      // Data files a lost attempt wrote go at the collection; after it, every object is accounted for.
      await h.lake.gc({ graceMs: 0 });
      expect(await unreferenced(h.lake)).toEqual([]);
      const fresh = mkdtempSync(path.join(os.tmpdir(), 'devenir-reader-'));
      expect(await contentChecksums(h.lake, fresh)).toEqual(after);
    },
    180_000,
  );
});
