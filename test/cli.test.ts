import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../activities/export/run-query.js';
import { SOURCE_IDS } from '../infra/config.js';
import { startHarness, type Harness } from './support/harness.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Commands whose help shows examples (`addHelpText` in infra/cli.ts); '' is the program itself. */
const WITH_EXAMPLES = ['', 'refresh', 'backfill', 'query', 'export', 'schedules backfill'];
/** Commands the walk below must find, at least. */
const KNOWN = [
  'start',
  'services',
  'services install',
  'services up',
  'services down',
  'services status',
  'worker',
  'simulators',
  'refresh',
  'backfill',
  'build',
  'query',
  'export',
  'snapshots',
  'snapshots list',
  'snapshots show',
  'snapshots diff',
  'snapshots tag',
  'snapshots rollback',
  'snapshots gc',
  'schedules',
  'schedules apply',
  'schedules list',
  'schedules pause',
  'schedules unpause',
  'schedules trigger',
  'schedules backfill',
  'sources',
];
const TABLE = 'raw.bcn__n_niveau_formation_diplome';

/** Names under "Commands:" in a help text (commander's implicit `help` aside). */
function subcommands(help: string): string[] {
  const section = help.split(/\n\s*\n/).find((block) => block.startsWith('Commands:'));
  return (section ?? '')
    .split('\n')
    .slice(1)
    .map((l) => /^ {2}([a-z][\w-]*)/.exec(l)?.[1])
    .filter((n): n is string => Boolean(n) && n !== 'help');
}

/** Maps `items` with at most `n` in flight. */
async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

describe('the devenir command line (spawned, on a temp filesystem lake and the test Temporal)', () => {
  let h: Harness;
  let tmp: string;
  const cli = (...args: string[]) =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [path.resolve('bin/devenir.js'), ...args], {
        env: { ...process.env, ...h.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  /** The lines of stderr that are not blank. */
  const lines = (text: string) => text.split('\n').filter((l) => l.trim());

  beforeAll(async () => {
    h = await startHarness({ lake: 'fs' });
    await h.startWorker();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'devenir-cli-'));
  });
  afterAll(async () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    await h?.stop();
  });

  it('--help works on every command and subcommand, with the examples where defined', async () => {
    const helps = new Map<string, Run>();
    let level: string[][] = [[]];
    while (level.length) {
      const runs = await pool(level, 4, (p) => cli(...p, '--help'));
      const next: string[][] = [];
      for (const [i, p] of level.entries()) {
        helps.set(p.join(' '), runs[i]);
        next.push(...subcommands(runs[i].stdout).map((name) => [...p, name]));
      }
      level = next;
    }
    expect([...helps.keys()]).toEqual(expect.arrayContaining(['', ...KNOWN]));
    for (const [command, run] of helps) {
      expect(run.code, `devenir ${command} --help`).toBe(0);
      expect(run.stderr, `devenir ${command} --help`).toBe('');
      expect(run.stdout, `devenir ${command} --help`).toMatch(
        new RegExp(`^Usage: devenir ${command}${command ? ' ' : ''}\\[options\\]`),
      );
    }
    for (const command of WITH_EXAMPLES) {
      const help = helps.get(command)!.stdout;
      expect(help, `devenir ${command} --help`).toMatch(/\nExamples?:\n {2}\$ /);
      // Every example names a command that exists.
      for (const example of help.split('\n').filter((l) => l.startsWith('  $ devenir '))) {
        const words = example.slice('  $ devenir '.length).split(' ');
        expect(helps.has(words.slice(0, 2).join(' ')) || helps.has(words[0]), example).toBe(true);
      }
    }
  });

  it('rejects an unknown source with exit code 2 and one sentence', async () => {
    const [choice, backfill, schedule] = await Promise.all([
      cli('refresh', '--source', 'nope', '--wait'),
      cli('backfill', '--source', 'nope', '--millesime', '2021_2022'),
      cli('schedules', 'pause', 'nope'),
    ]);
    for (const run of [choice, backfill, schedule]) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      const [sentence, ...rest] = lines(run.stderr);
      expect(sentence).toMatch(/"?nope"?.*inserjeunes, insersup, bcn/);
      expect(rest.filter((l) => l !== '(run with --help for usage)')).toEqual([]);
    }
    expect(backfill.stderr).toBe(`devenir: unknown source "nope"; sources: ${SOURCE_IDS.join(', ')}\n`);
  });

  it('on an empty lake, a query says the lake is empty and the snapshot list is empty', async () => {
    const [query, list] = await Promise.all([
      cli('query', 'select * from published.stats_regionales'),
      cli('snapshots', 'list', '--json'),
    ]);
    expect(query.code).toBe(2);
    expect(lines(query.stderr)).toHaveLength(1);
    expect(query.stderr).toMatch(/stats_regionales.*empty lake/);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('lands a dataset, then query (table, CSV, JSON), export, snapshots list and sources answer from it', async () => {
    const refresh = await cli(
      'refresh',
      '--source',
      'bcn',
      '--dataset',
      'n_niveau_formation_diplome',
      '--date',
      '2026-11-29',
      '--no-build',
      '--wait',
      '--json',
    );
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(JSON.parse(refresh.stdout)).toMatchObject({ source: 'bcn', committed: true, snapshotId: 1 });
    const sql = `select niveau_formation_diplome, libelle_court, libelle_100 from ${TABLE} order by niveau_formation_diplome`;
    const expected = (await runQuery(h.lake, sql, {}, h.config.workDir)).rows;
    expect(expected.length).toBeGreaterThan(100);
    const out = path.join(tmp, 'niveaux.csv');

    const [table, csv, json, limited, exported, badWhere, badTable, list, sources] = await Promise.all([
      cli('query', sql),
      cli('query', sql, '--format', 'csv'),
      cli('query', sql, '--format', 'json'),
      cli('query', sql, '--format', 'json', '--limit', '5'),
      cli('export', TABLE, '--format', 'csv', '--out', out, '--json'),
      cli('export', TABLE, '--format', 'csv', '--out', out, '--where', 'libelle_court'),
      cli('export', 'raw.nope', '--format', 'csv', '--out', out),
      cli('snapshots', 'list', '--json'),
      cli('sources', '--json'),
    ]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(String(expected[0].libelle_100));
    expect(lines(table.stdout).length).toBeGreaterThan(expected.length);

    expect(csv.code, csv.stderr).toBe(0);
    const records = parse(csv.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(records).toEqual(
      expected.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? '' : String(v)]))),
    );

    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(expected);
    expect(limited.code).toBe(0);
    expect(JSON.parse(limited.stdout)).toEqual(expected.slice(0, 5));
    expect(limited.stderr).toMatch(/first 5 rows/);

    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ out, rows: expected.length, snapshotId: 1 });
    const file = parse(readFileSync(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(file).toHaveLength(expected.length);
    expect(file.map((r) => r.libelle_100).sort()).toEqual(records.map((r) => r.libelle_100).sort());
    expect(badWhere.code).toBe(2);
    expect(badWhere.stderr).toBe('devenir: --where takes column=value, not "libelle_court"\n');
    expect(badTable.code).toBe(2);
    expect(badTable.stderr).toMatch(
      new RegExp(`^devenir: no table "raw\\.nope" in snapshot 1; tables: .*${TABLE.replace('.', '\\.')}`),
    );

    expect(list.code).toBe(0);
    const snapshots = JSON.parse(list.stdout) as Array<{ snapshot: number; message: string; tables: number }>;
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ snapshot: 1, message: expect.stringContaining('bcn') });

    expect(sources.code).toBe(0);
    const rows = JSON.parse(sources.stdout) as Array<{
      source: string;
      dataset: string;
      last_period: string;
      rows: number;
    }>;
    expect([...new Set(rows.map((r) => r.source))].sort()).toEqual([...SOURCE_IDS].sort());
    expect(rows.find((r) => r.source === 'bcn' && r.dataset === 'n_niveau_formation_diplome')).toMatchObject({
      last_period: '2026-11-29',
      rows: expected.length,
    });
  });

  it('on a terminal, a refresh prints a short table and one line; a refresh with nothing new prints only "nothing new"', async () => {
    const landed = await cli(
      'refresh',
      '--source',
      'bcn',
      '--dataset',
      'n_formation_diplome',
      '--date',
      '2026-11-29',
      '--no-build',
      '--wait',
    );
    expect(landed.code, landed.stderr).toBe(0);
    expect(landed.stdout).not.toContain('{');
    expect(landed.stdout).not.toContain('_meta/staged');
    const row = lines(landed.stdout).find((l) => l.includes('n_formation_diplome'));
    expect(row).toMatch(/bcn.*n_formation_diplome.*2026-11-29.*[1-9][\d,]*.*landed/);
    expect(lines(landed.stdout).at(-1)).toMatch(/^Published snapshot 2: [1-9]\d* tables changed(, 0 models run)?\.$/);

    // The next day, BCN serves the same tables: nothing lands, nothing is published, one line says so.
    const again = await cli(
      'refresh',
      '--source',
      'bcn',
      '--dataset',
      'n_formation_diplome',
      '--dataset',
      'n_niveau_formation_diplome',
      '--date',
      '2026-11-30',
      '--no-build',
      '--wait',
    );
    expect(again.code, again.stderr).toBe(0);
    expect(lines(again.stdout)).toEqual(['nothing new: snapshot 2 stays current']);
    const json = await cli(
      'refresh',
      '--source',
      'bcn',
      '--dataset',
      'n_formation_diplome',
      '--date',
      '2026-12-01',
      '--no-build',
      '--wait',
      '--json',
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      unchanged: true,
      message: 'nothing new',
      snapshotId: 2,
      stagedKeys: [],
    });
  });
});
