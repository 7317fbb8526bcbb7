import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { runQuery } from '../../activities/export/run-query.js';
import { publishStaged } from '../../activities/publish/publish-staged.js';
import { loadConfig } from '../../infra/config.js';
import { installDeltaReader } from '../../infra/services/install-delta-reader.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { openLake } from '../../lake/open-lake.js';
import type { Lake } from '../../lake/lake.js';
import { saveStaged, stageTable } from '../../lake/staged.js';
import { runCli } from '../support/cli-run.js';

const run = promisify(execFile);
type Rows = Array<Record<string, unknown>>;

/** The same normalisation as read_delta.py: null, lists, booleans as true/false, everything else as a string. */
const norm = (v: unknown): unknown =>
  v === null || v === undefined
    ? null
    : Array.isArray(v)
      ? v.map(norm)
      : typeof v === 'boolean'
        ? String(v)
        : String(v);
const sortRows = (rows: Rows) =>
  rows
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, norm(v)])))
    .sort((a, b) => JSON.stringify(a, Object.keys(a).sort()).localeCompare(JSON.stringify(b, Object.keys(b).sort())));

/** One published table per shape: partitioned by millésime with every published column type, and unpartitioned. */
const STATS = (bump: number) => `select * from (values
  ('2020_2021', 'cap', 12::integer, 120::bigint, 0.25::double, true, date '2021-06-30', ['a', 'b']),
  ('2021_2022', 'bac_pro', ${7 + bump}::integer, 70::bigint, 12.5::double, false, date '2022-06-30', ['c']),
  ('2021_2022', 'bts', 3::integer, null::bigint, null::double, null::boolean, null::date, null::varchar[])
) t(millesime, niveau, nb_sortants, nb_inscrits, taux_emploi, apprentissage, arrete, voies)`;
const REF = `select * from (values ('0750001A', 'Paris'), ('1310001B', 'Marseille')) t(uai, commune)`;

describe('Delta Lake logs follow lake snapshots (read back with delta-rs)', () => {
  let dir: string;
  let lake: Lake;
  let python: string;
  const env = () => ({ DEVENIR_LAKE: path.join(dir, 'lake'), DEVENIR_HOME: path.join(dir, 'home'), LOG_LEVEL: 'warn' });

  async function publish(bump: number, replace: string[] | 'all', key: string) {
    const staged = await Workspace.with(async (ws) => {
      // Only the partitions replaced are staged, as the build does.
      const only = replace === 'all' ? '' : ` where millesime in (${replace.map((m) => `'${m}'`).join(', ')})`;
      await ws.run(`create table stats as select * from (${STATS(bump)})${only}`);
      await ws.run(`create table ref as ${REF}`);
      const localDir = path.join(dir, 'work', key);
      return [
        await stageTable(ws, lake.store, 'stats', {
          name: 'published.t_stats',
          partitionColumn: 'millesime',
          replace,
          localDir,
        }),
        await stageTable(ws, lake.store, 'ref', {
          name: 'published.t_ref',
          partitionColumn: null,
          replace: 'all',
          localDir,
        }),
      ];
    });
    const stagedKey = await saveStaged(lake.store, staged);
    const config = loadConfig(env());
    const deps = { config, store: lake.store, lake, log: pino({ level: 'warn' }), defaultSourceUrls: {} };
    const rt = { heartbeat() {}, checkpoint: undefined, signal: new AbortController().signal, attempt: 1 };
    return publishStaged(deps as never, rt as never, { stagedKeys: [stagedKey], message: key, idempotencyKey: key });
  }

  async function readDelta(lakeDir: string) {
    const tables = ['t_stats', 't_ref'].map((t) => path.join(lakeDir, 'published', t));
    const { stdout } = await run(python, [path.resolve('test/lake/read_delta.py'), ...tables], { maxBuffer: 1 << 26 });
    const parsed = JSON.parse(stdout) as Record<string, { versions: Record<string, Rows>; operations: string[] }>;
    return { stats: parsed[tables[0]], ref: parsed[tables[1]] };
  }

  const query = async (l: Lake, table: string, snapshot: number) =>
    sortRows((await runQuery(l, `select * from published.${table}`, { snapshot }, path.join(dir, 'work'))).rows);

  beforeAll(async () => {
    python = await installDeltaReader(path.resolve('.devenir'));
    dir = mkdtempSync(path.join(os.tmpdir(), 'devenir-delta-'));
    lake = await openLake({ lake: path.join(dir, 'lake') });
  }, 600_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('each publish is a Delta version with the rows of devenir query; old versions are old snapshots; a rollback is a new version', async () => {
    expect((await publish(0, ['2020_2021', '2021_2022'], 'p1')).snapshotId).toBe(1);
    expect((await publish(100, ['2021_2022'], 'p2')).snapshotId).toBe(2);
    const rollback = await runCli(env(), ['snapshots', 'rollback', '1', '--json']);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(JSON.parse(rollback.stdout)).toMatchObject({ snapshot: 3, committed: true });

    const delta = await readDelta(path.join(dir, 'lake'));
    // t_stats changed at every snapshot: versions 0, 1, 2 are lake snapshots 1, 2, 3; t_ref never changed after 1.
    expect(Object.keys(delta.stats.versions)).toEqual(['0', '1', '2']);
    expect(Object.keys(delta.ref.versions)).toEqual(['0']);
    for (const [version, snapshot] of [
      [0, 1],
      [1, 2],
      [2, 3],
    ])
      expect(delta.stats.versions[version], `t_stats v${version}`).toEqual(await query(lake, 't_stats', snapshot));
    for (const snapshot of [1, 2, 3]) expect(delta.ref.versions[0]).toEqual(await query(lake, 't_ref', snapshot));
    expect(delta.stats.versions[1]).not.toEqual(delta.stats.versions[0]);
    expect(delta.stats.versions[2]).toEqual(delta.stats.versions[0]);
    expect(delta.stats.operations).toEqual(['WRITE', 'WRITE', 'RESTORE']);
  });

  it('a copied (then moved) lake reads the same through Delta, and `devenir catalog` makes its views catalog work there', async () => {
    const copy = path.join(dir, 'copy');
    cpSync(path.join(dir, 'lake'), copy, { recursive: true });
    renameSync(path.join(dir, 'lake'), path.join(dir, 'gone')); // the original location no longer exists
    try {
      const delta = await readDelta(copy);
      const copied = await openLake({ lake: copy });
      expect(delta.stats.versions[2]).toEqual(await query(copied, 't_stats', 3));
      const regenerated = await runCli({ ...env(), DEVENIR_LAKE: copy }, ['catalog', '--json']);
      expect(regenerated.code, regenerated.stderr).toBe(0);
      const rows = await Workspace.with(async (ws) => {
        await ws.run(`attach '${path.join(copy, '_meta/catalog/devenir.duckdb')}' as devenir (read_only)`);
        return (await ws.connection.runAndReadAll('select * from devenir.published.t_stats')).getRowObjectsJson();
      });
      expect(sortRows(rows as Rows)).toEqual(delta.stats.versions[2]);
    } finally {
      renameSync(path.join(dir, 'gone'), path.join(dir, 'lake'));
    }
  });
});
