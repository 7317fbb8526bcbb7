import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportError, exportTable, type ExportFormat } from '../../activities/export/export-table.js';
import { runQuery } from '../../activities/export/run-query.js';
import { TRANSFORMS_DIR } from '../../activities/build/build-layers.js';
import { sql, Workspace } from '../../lake/duckdb-session.js';
import type { TableManifest } from '../../lake/manifest.js';
import { openStore } from '../../lake/open-lake.js';
import { diffSnapshots, type TableDiff } from '../../lake/snapshot-diff.js';
import { stageTable } from '../../lake/staged.js';
import { loadModels } from '../../lake/transform-runner.js';
import type { RefreshSourceInput, RefreshSourceResult } from '../../workflows/refresh-source-workflow.js';
import { startHarness, type Harness } from '../support/harness.js';
import { testS3 } from '../support/stores.js';

const DATE = '2026-11-29';
const FORMATS: ExportFormat[] = ['csv', 'json', 'parquet'];
/** A table made for the interrupted export: tiny as Parquet, hundreds of MB as CSV. */
const LARGE = 'raw.export_test__large';

/**
 * Row count and an order-independent checksum over every column of `relation`, each value taken as text
 * (so a CSV read back as text and the typed original hash alike); NULL and '' stay distinct.
 */
function checksumSql(relation: string, columns: string[]): string {
  const values = columns.map((c) => `coalesce(${sql.id(c)}::varchar, '<null>')`).join(', ');
  return `select count(*)::bigint as n, coalesce(sum(hash(${values})), 0)::varchar as h from ${relation}`;
}

interface Sum {
  n: string;
  h: string;
}

/** What DuckDB reads back from an exported file, with the table's own column types for JSON. */
function readBack(file: string, format: ExportFormat, schema: TableManifest['schema']): string {
  if (format === 'parquet') return `read_parquet(${sql.str(file)})`;
  if (format === 'csv')
    return `read_csv(${sql.str(file)}, header = true, all_varchar = true, auto_detect = false, columns = {${schema.map((c) => `${sql.str(c.name)}: 'VARCHAR'`).join(', ')}})`;
  return `read_json(${sql.str(file)}, format = 'array', columns = {${schema.map((c) => `${sql.str(c.name)}: ${sql.str(c.type)}`).join(', ')}})`;
}

async function fileSum(file: string, format: ExportFormat, schema: TableManifest['schema']): Promise<Sum> {
  return Workspace.with(
    async (ws) =>
      (
        await ws.rows<Sum>(
          checksumSql(
            readBack(file, format, schema),
            schema.map((c) => c.name),
          ),
        )
      )[0],
  );
}

describe('export and query against a published lake (Temporal, SeaweedFS, DuckDB)', () => {
  let h: Harness;
  let tmp: string;
  const bucket = testS3().bucket;
  const exportPrefix = `exports-${randomUUID()}`;
  const remote = (url: string) => openStore({ lake: url, s3: h.config.s3 });

  const refresh = (id: string, input: Omit<RefreshSourceInput, 'queues' | 'committerId'>) =>
    h.client.workflow.execute('refreshSourceWorkflow', {
      taskQueue: h.ctx.queues.workflows,
      workflowId: `${id}-${randomUUID().slice(0, 8)}`,
      args: [{ ...h.ctx, date: DATE, ...input }],
    }) as Promise<RefreshSourceResult>;

  const lakeSum = async (
    table: string,
    columns: string[],
    selector: { snapshot?: number; tag?: string } = {},
    where = '',
  ) =>
    (await runQuery(h.lake, `${checksumSql(sql.table(table), columns)} ${where}`, selector, h.config.workDir))
      .rows[0] as unknown as Sum;

  beforeAll(async () => {
    h = await startHarness({ lake: 's3' });
    await h.startWorker();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'devenir-export-'));
    // Referentials as raw only, then the statistics with one build: every layer is published.
    await Promise.all([
      refresh('setup-bcn', { source: 'bcn', build: false }),
      refresh('setup-acce', { source: 'acce', build: false }),
    ]);
    const ij = await refresh('setup-ij', {
      source: 'inserjeunes',
      datasets: ['regionales', 'nationales'],
      periods: ['2021_2022'],
    });
    expect(ij.committed).toBe(true);
  });
  afterAll(async () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    if (h) {
      const store = await remote(`s3://${bucket}`);
      for (const o of await store.list(`${exportPrefix}/`)) await store.delete(o.key);
    }
    await h?.stop();
  });

  it('exports every published table to CSV, JSON and Parquet, locally and to s3://, matching the query layer', async () => {
    const tables = [...(await h.lake.tables())].filter(([name]) => name.startsWith('published.'));
    expect(tables.length).toBeGreaterThanOrEqual(5);
    expect(tables.some(([, m]) => m.summary.rows > 0)).toBe(true);
    const store = await remote(`s3://${bucket}`);
    for (const [name, manifest] of tables) {
      const columns = manifest.schema.map((c) => c.name);
      const expected = await lakeSum(name, columns);
      expect(Number(expected.n)).toBe(manifest.summary.rows);
      // The six exports of a table run side by side.
      await Promise.all(
        FORMATS.flatMap((format) => [
          (async () => {
            const local = path.join(tmp, 'all', `${name}.${format}`);
            const result = await exportTable(h.lake, { table: name, format, out: local }, h.config.workDir);
            expect(result.rows).toBe(manifest.summary.rows);
            expect(statSync(local).size).toBe(result.bytes);
            expect(await fileSum(local, format, manifest.schema), `${name} as ${format}`).toEqual(expected);
          })(),
          (async () => {
            const key = `${exportPrefix}/${name}.${format}`;
            const s3 = await exportTable(
              h.lake,
              { table: name, format, out: `s3://${bucket}/${key}` },
              h.config.workDir,
              remote,
            );
            expect(s3.rows).toBe(manifest.summary.rows);
            const copy = path.join(tmp, 's3', `${name}.${format}`);
            await store.downloadFile(key, copy);
            expect(statSync(copy).size).toBe(s3.bytes);
            expect(await fileSum(copy, format, manifest.schema), `${name} as ${format} on S3`).toEqual(expected);
          })(),
        ]),
      );
    }
    // The temporary copies of S3 exports are gone from the work dir.
    expect(readdirSync(path.join(h.config.workDir, 'exports'))).toEqual([]);
  });

  it('filters by millésime and column = value as bound parameters, and names what exists on a mistake', async () => {
    const table = 'published.stats_regionales';
    const manifest = (await h.lake.tables()).get(table)!;
    const columns = manifest.schema.map((c) => c.name);
    const total = await lakeSum(table, columns);
    const subset = await lakeSum(table, columns, {}, `where millesime = '2021_2022' and filiere = 'apprentissage'`);
    expect(Number(subset.n)).toBeGreaterThan(0);
    expect(Number(subset.n)).toBeLessThan(Number(total.n));

    for (const format of FORMATS) {
      const out = path.join(tmp, 'filtered', `apprentissage.${format}`);
      const result = await exportTable(
        h.lake,
        { table, format, out, millesime: ['2021_2022'], where: { filiere: 'apprentissage' } },
        h.config.workDir,
      );
      expect(result.rows).toBe(Number(subset.n));
      expect(await fileSum(out, format, manifest.schema)).toEqual(subset);
    }
    // Several millésimes are OR-ed; one not landed adds nothing.
    const both = await exportTable(
      h.lake,
      { table, format: 'csv', out: path.join(tmp, 'filtered', 'both.csv'), millesime: ['2021_2022', '2019_2020'] },
      h.config.workDir,
    );
    expect(both.rows).toBe(Number(total.n));
    const none = await exportTable(
      h.lake,
      { table, format: 'csv', out: path.join(tmp, 'filtered', 'none.csv'), millesime: ['2019_2020'] },
      h.config.workDir,
    );
    expect(none.rows).toBe(0);
    // A value is data, never SQL.
    const injected = await exportTable(
      h.lake,
      {
        table,
        format: 'csv',
        out: path.join(tmp, 'filtered', 'injected.csv'),
        where: { filiere: "apprentissage' or '1'='1" },
      },
      h.config.workDir,
    );
    expect(injected.rows).toBe(0);

    const unknownTable = exportTable(
      h.lake,
      { table: 'published.nope', format: 'csv', out: path.join(tmp, 'nope.csv') },
      h.config.workDir,
    );
    await expect(unknownTable).rejects.toBeInstanceOf(ExportError);
    await expect(unknownTable).rejects.toThrow(/no table "published\.nope".*published\.stats_regionales/);
    const unknownColumn = exportTable(
      h.lake,
      { table, format: 'csv', out: path.join(tmp, 'nope.csv'), where: { nope: 'x' } },
      h.config.workDir,
    );
    await expect(unknownColumn).rejects.toBeInstanceOf(ExportError);
    await expect(unknownColumn).rejects.toThrow(
      /published\.stats_regionales has no column nope; columns: .*filiere.*millesime/,
    );
    expect(existsSync(path.join(tmp, 'nope.csv'))).toBe(false);
  });

  it('an interrupted export leaves nothing under the destination name', async () => {
    // The destination is written as `<out>.partial-<uuid>` beside it and renamed into place. A process killed
    // mid-write cannot clean up: the destination must not exist, a `.partial-*` sibling is tolerated.
    // A failure the process survives (here: the rename) must leave nothing at all.
    await Workspace.with(async (ws) => {
      await ws.run(
        `create temp table large as select i::bigint as n, repeat('x', 240) as filler from range(1200000) t(i)`,
      );
      const staged = await stageTable(ws, h.lake.store, 'large', {
        name: LARGE,
        partitionColumn: null,
        replace: 'all',
        localDir: path.join(tmp, 'stage'),
      });
      const published = await h.lake.publish([staged], {
        message: 'large table for the interrupted export',
        idempotencyKey: `large-${randomUUID()}`,
      });
      expect(published.committed).toBe(true);
    });
    const dir = path.join(tmp, 'killed');
    mkdirSync(dir, { recursive: true });
    const out = path.join(dir, 'large.csv');
    const child = spawn(
      process.execPath,
      [path.resolve('bin/devenir.js'), 'export', LARGE, '--format', 'csv', '--out', out],
      { env: { ...process.env, ...h.env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 90_000;
    let partial: string | undefined;
    while (!partial) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`the export never started writing (exit ${child.exitCode}): ${stderr}`);
      const found = readdirSync(dir).find((f) => f.startsWith('large.csv.partial-'));
      if (found && statSync(path.join(dir, found)).size > 1_000_000) partial = found;
      else await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await exited;
    expect(child.signalCode).toBe('SIGKILL');
    const left = readdirSync(dir);
    expect(left).not.toContain('large.csv');
    expect(left.every((f) => /^large\.csv\.partial-[0-9a-f-]{36}$/.test(f))).toBe(true);

    // The rename fails (the destination is a non-empty directory): an error, the directory untouched, no temp file.
    const blocked = path.join(tmp, 'blocked');
    mkdirSync(path.join(blocked, 'stats.csv'), { recursive: true });
    writeFileSync(path.join(blocked, 'stats.csv', 'keep.txt'), 'keep');
    await expect(
      exportTable(
        h.lake,
        { table: 'published.stats_regionales', format: 'csv', out: path.join(blocked, 'stats.csv') },
        h.config.workDir,
      ),
    ).rejects.toThrow();
    expect(readdirSync(blocked)).toEqual(['stats.csv']);
    expect(readdirSync(path.join(blocked, 'stats.csv'))).toEqual(['keep.txt']);
  });

  it('diffs two publishes per table and millésime, reads by tag, rolls back as a new snapshot, and gc keeps what is referenced', async () => {
    const uniqueKeys = Object.fromEntries((await loadModels(TRANSFORMS_DIR)).map((m) => [m.id, m.contract.uniqueKey]));
    const a = (await h.lake.lakeSnapshot())!.snapshot_id;
    await h.lake.tag('before-changes', a);
    await expect(h.lake.tag('before-changes', a)).rejects.toThrow(); // a tag never moves
    const niveaux = 'staging.stg_bcn__niveaux';
    const niveauxCols = (await h.lake.tables()).get(niveaux)!.schema.map((c) => c.name);
    const relabelled = Number(
      (
        await runQuery(
          h.lake,
          `select count(*) as n from ${niveaux} where libelle is distinct from 'NIVEAU MODIFIÉ'`,
          {},
          h.config.workDir,
        )
      ).rows[0].n,
    );
    const rawNiveaux = (await h.lake.tables()).get('raw.bcn__n_niveau_formation_diplome')!.summary.rows;
    expect(relabelled).toBeGreaterThan(0);

    // Snapshot B: BCN relabels every diploma level (same keys, new values) and adds a column; rebuilt and published.
    const match = 'N_NIVEAU_FORMATION_DIPLOME';
    h.sims.faults.add({ source: 'bcn', kind: 'extra-column', column: 'libelle_100', to: 'NIVEAU MODIFIÉ', match });
    h.sims.faults.add({ source: 'bcn', kind: 'extra-column', column: 'nouvelle_colonne', to: 'oui', match });
    const relabel = await refresh('diff-bcn', { source: 'bcn', datasets: ['n_niveau_formation_diplome'] });
    expect(relabel.committed).toBe(true);
    const b = relabel.snapshotId!;
    const ab = byTable(await diffSnapshots(h.lake, a, b, h.config.workDir, uniqueKeys));
    expect(ab['raw.bcn__n_niveau_formation_diplome']).toEqual([
      { millesime: DATE, added: rawNiveaux, removed: rawNiveaux },
    ]);
    expect(ab[niveaux]).toEqual([{ millesime: DATE, added: 0, removed: 0, changed: relabelled }]);
    expect(ab['raw.inserjeunes__regionales']).toBeUndefined();
    expect(ab['raw.acce__etablissements']).toBeUndefined();

    // Snapshot B2: the same answer with one column fewer (raw only): losing a column's values is a change too.
    h.sims.faults.add({ source: 'bcn', kind: 'drop-column', column: 'libelle_court', match });
    const dropped = await refresh('diff-bcn-drop', {
      source: 'bcn',
      datasets: ['n_niveau_formation_diplome'],
      build: false,
    });
    h.sims.faults.clear('bcn');
    const b2 = dropped.snapshotId!;
    expect(b2).toBeGreaterThan(b);
    const bb2 = byTable(await diffSnapshots(h.lake, b, b2, h.config.workDir, uniqueKeys));
    expect(Object.entries(bb2).filter(([, parts]) => parts.length)).toEqual([
      ['raw.bcn__n_niveau_formation_diplome', [{ millesime: DATE, added: rawNiveaux, removed: rawNiveaux }]],
    ]);

    // Snapshot C: another millésime of the regional figures, raw only.
    const more = await refresh('diff-ij', {
      source: 'inserjeunes',
      datasets: ['regionales'],
      periods: ['2020_2021'],
      build: false,
    });
    const c = more.snapshotId!;
    expect(c).toBeGreaterThan(b2);
    const added = Number(
      (
        await runQuery(
          h.lake,
          `select count(*) as n from raw.inserjeunes__regionales where millesime = '2020_2021'`,
          {},
          h.config.workDir,
        )
      ).rows[0].n,
    );
    expect(added).toBeGreaterThan(0);
    const bc = byTable(await diffSnapshots(h.lake, b2, c, h.config.workDir, uniqueKeys));
    expect(bc['raw.inserjeunes__regionales']).toEqual([{ millesime: '2020_2021', added, removed: 0 }]);
    expect(
      Object.entries(bc)
        .filter(([, parts]) => parts.length)
        .map(([t]) => t),
    ).toEqual(['raw.inserjeunes__regionales']);
    const cb = byTable(await diffSnapshots(h.lake, c, b2, h.config.workDir, uniqueKeys));
    expect(cb['raw.inserjeunes__regionales']).toEqual([{ millesime: '2020_2021', added: 0, removed: added }]);

    // Read by tag: the frozen state, while the current one has the changes.
    const count = async (q: string, selector: { tag?: string; snapshot?: number } = {}) =>
      Number((await runQuery(h.lake, q, selector, h.config.workDir)).rows[0].n);
    expect(
      await count(`select count(*) as n from ${niveaux} where libelle = 'NIVEAU MODIFIÉ'`, { tag: 'before-changes' }),
    ).toBe(0);
    expect(await count(`select count(*) as n from ${niveaux} where libelle = 'NIVEAU MODIFIÉ'`)).toBe(relabelled);
    expect(
      await count(`select count(*) as n from raw.inserjeunes__regionales where millesime = '2020_2021'`, {
        tag: 'before-changes',
      }),
    ).toBe(0);

    // Rollback: a new snapshot D with A's content; B and C stay readable.
    const before = {
      niveaux: await lakeSum(niveaux, niveauxCols, { snapshot: a }),
      regionales: await lakeSum(
        'raw.inserjeunes__regionales',
        ['millesime', 'scope_code', 'id_mesure', 'valeur_mesure', 'code'],
        { snapshot: a },
      ),
    };
    const rolled = await h.lake.rollback({ tag: 'before-changes' }, `rollback-${randomUUID()}`);
    expect(rolled.committed).toBe(true);
    const d = rolled.snapshot!.snapshot_id;
    expect(d).toBeGreaterThan(c);
    expect(await lakeSum(niveaux, niveauxCols)).toEqual(before.niveaux);
    expect(
      await lakeSum('raw.inserjeunes__regionales', ['millesime', 'scope_code', 'id_mesure', 'valeur_mesure', 'code']),
    ).toEqual(before.regionales);
    expect(Object.values(byTable(await diffSnapshots(h.lake, a, d, h.config.workDir, uniqueKeys))).flat()).toEqual([]);
    expect(
      await count(`select count(*) as n from raw.inserjeunes__regionales where millesime = '2020_2021'`, {
        snapshot: c,
      }),
    ).toBe(added);

    // gc: an unreferenced data file is kept while young, deleted once past the grace period; referenced files never.
    const orphan = 'raw/export_test__orphan/data/millesime=x/orphan.parquet';
    await h.lake.store.put(orphan, 'not referenced by any manifest');
    const young = await h.lake.gc({ graceMs: 3_600_000 });
    expect(young.deleted).not.toContain(orphan);
    expect(await h.lake.store.head(orphan)).toBeDefined();
    const later = new Date(Date.now() + 2 * 3_600_000);
    const dry = await h.lake.gc({ graceMs: 3_600_000, now: later, dryRun: true });
    expect(dry.deleted).toContain(orphan);
    expect(await h.lake.store.head(orphan)).toBeDefined();
    const referenced = await referencedFiles(h);
    const swept = await h.lake.gc({ graceMs: 3_600_000, now: later });
    expect(swept.deleted).toContain(orphan);
    expect(swept.deleted.filter((k) => referenced.has(k))).toEqual([]);
    expect(await h.lake.store.head(orphan)).toBeUndefined();
    for (const key of referenced) expect(await h.lake.store.head(key), key).toBeDefined();
    expect(
      await count(`select count(*) as n from raw.inserjeunes__regionales where millesime = '2020_2021'`, {
        snapshot: c,
      }),
    ).toBe(added);
    expect(await lakeSum(niveaux, niveauxCols, { tag: 'before-changes' })).toEqual(before.niveaux);
  });
});

function byTable(diffs: TableDiff[]): Record<string, TableDiff['partitions']> {
  return Object.fromEntries(diffs.map((d) => [d.table, d.partitions]));
}

/** Every data file a table snapshot names (all snapshots, not only the current ones). */
async function referencedFiles(h: Harness): Promise<Set<string>> {
  const out = new Set<string>();
  for (const o of await h.lake.store.list('_meta/')) {
    if (o.key.startsWith('_meta/lake/') || !/\/snapshots\/\d+\.json$/.test(o.key)) continue;
    const body = JSON.parse((await h.lake.store.get(o.key))!.body.toString('utf8')) as TableManifest;
    for (const f of body.files) out.add(f.path);
  }
  return out;
}
