import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadModels, orderModels, runModels, type ModelDef } from '../../lake/transform-runner.js';
import { models, openDb, rows } from './support.js';

const CONTRACT = {
  description: 'x',
  uniqueKey: ['k'],
  notNull: [],
  acceptedValues: {},
  relationships: [],
  unique: [],
  rowDriftSeverity: 'error' as const,
  columns: {},
};
const model = (id: string, dependsOn: string[] = []): ModelDef => {
  const [layer, name] = id.split('.');
  return {
    id,
    layer: layer as ModelDef['layer'],
    name,
    path: `${id}.sql`,
    sql: 'select 1 as k',
    contract: CONTRACT,
    dependsOn,
    sources: [],
    macros: [],
    variables: [],
  };
};

const loadModelsOf = (dir: string) => loadModels(dir, path.join(dir, 'datasets'));

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'devenir-transforms-'));
  const registry =
    "source: src\nstage: 1\nschedule: { cron: '0 4 * * 1' }\ndatasets:\n  t:\n    description: t\n    period: fetch-date\n    columns: { a: required, b: optional }\n";
  const all = { 'datasets/src.yml': registry, ...files };
  for (const [file, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

describe('transform runner', () => {
  test('loads every model of transforms/ in dependency order, with its raw sources, macros and contract', async () => {
    const all = await models();
    const ids = all.map((m) => m.id);
    const first = all.find((m) => m.id === 'staging.stg_bcn__formations_diplomes')!;
    expect(first.sources.map((s) => s.table)).toEqual(['bcn__n_formation_diplome']);
    expect(first.sources[0].columns).toContain('_raw_key');
    expect(first.macros.map((m) => m.name)).toEqual(
      expect.arrayContaining(['code_au_format', 'code_normalise', 'date_parse']),
    );
    expect(first.contract.uniqueKey).toEqual(['code_formation_diplome']);
    expect(all.find((m) => m.id === 'published.stats_regionales')!.variables).toEqual(['secrecy_threshold']);
    for (const m of all) for (const dep of m.dependsOn) expect(ids.indexOf(dep)).toBeLessThan(ids.indexOf(m.id));
    expect(ids).toEqual(
      expect.arrayContaining([
        'published.stats_etablissements',
        'published.couverture',
        'matched.appariement_parcoursup',
      ]),
    );
  });

  test('orderModels reports cycles and unknown references clearly', () => {
    expect(() => orderModels([model('matched.a', ['matched.b']), model('matched.b', ['matched.a'])])).toThrow(
      'Dependency cycle: matched.a → matched.b → matched.a',
    );
    expect(() => orderModels([model('matched.a', ['staging.nope'])])).toThrow(
      'Model matched.a (matched.a.sql) reads staging.nope, which is neither a model nor a declared raw source',
    );
    expect(orderModels([model('published.c', ['matched.a']), model('matched.a')]).map((m) => m.id)).toEqual([
      'matched.a',
      'published.c',
    ]);
    expect(orderModels([model('published.c', ['matched.a'])], { external: ['matched.a'] }).map((m) => m.id)).toEqual([
      'published.c',
    ]);
  });

  test('loadModels rejects undeclared raw tables, layer violations and missing contracts', async () => {
    const yml = 'description: one row per k\nunique_key: [k]\n';
    await expect(
      loadModelsOf(await project({ 'staging/x/stg_x.sql': 'select * from raw.other', 'staging/x/stg_x.yml': yml })),
    ).rejects.toThrow('reads raw.other, not declared in the dataset registry');
    await expect(
      loadModelsOf(await project({ 'matched/m.sql': 'select * from raw.src__t', 'matched/m.yml': yml })),
    ).rejects.toThrow('a matched model may not read the raw layer');
    await expect(loadModelsOf(await project({ 'staging/x/stg_x.sql': 'select 1 as k' }))).rejects.toThrow(
      'missing contract stg_x.yml',
    );
    await expect(
      loadModelsOf(
        await project({ 'staging/x/stg_x.sql': 'select 1 as k', 'staging/x/stg_x.yml': 'description: x\n' }),
      ),
    ).rejects.toThrow('unique_key is required');
  });

  test('runModels creates missing raw tables empty, reports them, binds params and times each model', async () => {
    const dir = await project({
      'staging/src/stg_src__t.sql':
        "select a as k, getvariable('seuil') as seuil from raw.src__t -- raw.ignored in a comment",
      'staging/src/stg_src__t.yml': 'description: one row per a\nunique_key: [k]\n',
      'published/p.sql': 'select * from staging.stg_src__t',
      'published/p.yml': 'description: one row per k\nunique_key: [k]\n',
    });
    const loaded = await loadModels(dir, path.join(dir, 'datasets'));
    const db = await openDb();
    const stats = await runModels(db, loaded, { params: { seuil: 20 } });
    expect(Object.keys(stats)).toEqual(['staging.stg_src__t', 'published.p']);
    expect(stats['staging.stg_src__t']).toMatchObject({ rows: 0, missingRaw: ['src__t'] });
    expect(stats['published.p'].missingRaw).toEqual([]);
    expect(
      await rows(
        db,
        `select column_name, data_type from information_schema.columns where table_name = 'src__t' order by ordinal_position`,
      ),
    ).toEqual([
      { column_name: 'a', data_type: 'VARCHAR' },
      { column_name: 'b', data_type: 'VARCHAR' },
      { column_name: '_raw_key', data_type: 'VARCHAR' },
      { column_name: '_raw_row', data_type: 'BIGINT' },
      { column_name: 'millesime', data_type: 'VARCHAR' },
    ]);
    await db.run(`insert into raw.src__t values ('x', 'y', 'k', 1, '2025-01-01')`);
    const again = await runModels(db, loaded, { params: { seuil: 20 } });
    expect(again['published.p']).toMatchObject({ rows: 1, missingRaw: [] });
    expect(typeof again['published.p'].ms).toBe('number');
    expect(await rows(db, 'select * from published.p')).toEqual([{ k: 'x', seuil: 20 }]);
    await expect(runModels(db, loaded)).rejects.toThrow(
      /Model staging.stg_src__t \(.*\) needs the parameter\(s\) seuil/,
    );
  });

  test('runModels stops on a raw table lacking a required column, and adds an absent optional one as null', async () => {
    const dir = await project({
      'staging/src/stg_src__t.sql': 'select a as k, b from raw.src__t',
      'staging/src/stg_src__t.yml': 'description: one row per a\nunique_key: [k]\n',
    });
    const db = await openDb();
    await db.run('create table raw.src__t (b varchar, _raw_key varchar, _raw_row bigint, millesime varchar)');
    await expect(runModels(db, await loadModels(dir, path.join(dir, 'datasets')))).rejects.toThrow(
      'raw.src__t lacks required column(s) a declared in activities/land/datasets',
    );
    await db.run('drop table raw.src__t');
    await db.run(
      `create table raw.src__t as select 'x' as a, 'k' as _raw_key, 1::bigint as _raw_row, 'm' as millesime`,
    );
    await runModels(db, await loadModels(dir, path.join(dir, 'datasets')));
    expect(await rows(db, 'select * from staging.stg_src__t')).toEqual([{ k: 'x', b: null }]);
  });

  test('with `failed`, a failing model and its descendants are recorded and skipped; the others build', async () => {
    const dir = await project({
      'staging/src/stg_src__t.sql': 'select a as k from raw.src__t',
      'staging/src/stg_src__t.yml': 'description: one row per a\nunique_key: [k]\n',
      'staging/src/stg_ok.sql': 'select 1 as k',
      'staging/src/stg_ok.yml': 'description: one row\nunique_key: [k]\n',
      'staging/src/stg_bad.sql': 'select no_such_column as k',
      'staging/src/stg_bad.yml': 'description: one row\nunique_key: [k]\n',
      'published/p.sql': 'select k from staging.stg_src__t union all select k from staging.stg_ok',
      'published/p.yml': 'description: one row per k\nunique_key: [k]\n',
    });
    const db = await openDb();
    await db.run('create table raw.src__t (b varchar, _raw_key varchar, _raw_row bigint, millesime varchar)');
    const failed = new Map<string, string>();
    const stats = await runModels(db, await loadModelsOf(dir), { failed });
    expect(Object.keys(stats)).toEqual(['staging.stg_ok']);
    expect(failed.get('staging.stg_src__t')).toBe(
      'raw.src__t lacks required column(s) a declared in activities/land/datasets',
    );
    expect(failed.get('staging.stg_bad')).toMatch(/Model staging.stg_bad \(.*\) failed: .*no_such_column/);
    expect(failed.get('published.p')).toBe('it reads staging.stg_src__t, which is held back');
  });
});
