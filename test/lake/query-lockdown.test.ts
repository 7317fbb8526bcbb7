import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportTable } from '../../activities/export/export-table.js';
import { runQuery } from '../../activities/export/run-query.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { Lake } from '../../lake/lake.js';
import { openSnapshotWorkspace } from '../../lake/snapshot-workspace.js';
import { stageTable } from '../../lake/staged.js';
import { STORE_KINDS } from '../support/stores.js';

/** SQL a user might try through `devenir query`, each refused with a sentence that says why. */
const REFUSED: Array<[string, (dir: string) => string, RegExp]> = [
  ['writing a local file', (d) => `copy (select 42) to '${d}/pwned.csv'`, /cannot access ".*pwned.csv"/],
  ['reading a file beside the lake', (d) => `select * from read_csv('${d}/secret.csv')`, /cannot access/],
  [
    'reading /etc/hostname',
    () => `select * from read_csv('/etc/hostname')`,
    /a query cannot access "\/etc\/hostname": it reads only the lake's tables/,
  ],
  ['reading a file through a table function', () => `select * from read_text('/etc/passwd')`, /cannot access/],
  ['attaching a database', (d) => `attach '${d}/other.db' as other`, /not ATTACH/],
  ['changing a setting', () => `set enable_external_access = true`, /not SET/],
  ['creating a table', () => `create table published.mine as select 1`, /not CREATE/],
  ['installing an extension', () => `install httpfs`, /not LOAD/],
  ['loading an extension', () => `load httpfs`, /not LOAD/],
  ['a write hidden after a read', (d) => `select 1; copy (select 42) to '${d}/pwned.csv'`, /cannot access/],
];

describe.each(STORE_KINDS)('the query path is locked down: $kind', ({ make }) => {
  const lake = new Lake(make());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devenir-lockdown-'));
  const workDir = path.join(dir, 'work');

  beforeAll(async () => {
    writeFileSync(path.join(dir, 'secret.csv'), 'token\nsecret\n');
    await Workspace.with(async (ws) => {
      await ws.run(`create temp table t as select i as n, 'ligne ' || i as label from range(5) r(i)`);
      const staged = await stageTable(ws, lake.store, 't', {
        name: 'published.lockdown',
        partitionColumn: null,
        replace: 'all',
        localDir: path.join(dir, 'stage'),
      });
      await lake.publish([staged], { message: 'lockdown fixture', idempotencyKey: randomUUID() });
    });
  });

  it('still reads the lake', async () => {
    const { rows } = await runQuery(lake, 'select sum(n) as s, count(*) as c from published.lockdown', {}, workDir);
    expect(rows).toEqual([{ s: '10', c: '5' }]);
    const shown = await runQuery(lake, 'describe published.lockdown', {}, workDir);
    expect(shown.rows.map((r) => r.column_name)).toEqual(['n', 'label']);
  });

  it.each(REFUSED)('refuses %s with a clear error', async (_what, statement, message) => {
    const run = runQuery(lake, statement(dir), {}, workDir);
    await expect(run).rejects.toThrow(message);
    expect(existsSync(path.join(dir, 'pwned.csv'))).toBe(false);
    expect(existsSync(path.join(dir, 'other.db'))).toBe(false);
  });

  it('locks the engine itself, beneath the statement check: an export may write its destination only', async () => {
    const allowed = path.join(dir, 'allowed.csv');
    const { ws } = await openSnapshotWorkspace(lake, {}, workDir, [allowed]);
    try {
      await ws.run(`copy (select * from published.lockdown) to '${allowed}'`);
      expect(readFileSync(allowed, 'utf8')).toContain('ligne 4');
      await expect(ws.run(`copy (select 42) to '${dir}/pwned.csv'`)).rejects.toThrow(/disabled by configuration/);
      await expect(ws.run(`attach '${dir}/other.db' as other`)).rejects.toThrow(/disabled by configuration/);
      await expect(ws.run(`set enable_external_access = true`)).rejects.toThrow(/configuration has been locked/);
      await expect(ws.run(`set allowed_directories = ['/']`)).rejects.toThrow(/configuration has been locked/);
      await expect(ws.run(`load httpfs`)).rejects.toThrow(/disabled/);
      expect(existsSync(path.join(dir, 'pwned.csv'))).toBe(false);
    } finally {
      await ws.close();
    }
  });

  it('exports to its destination and nowhere else', async () => {
    const out = path.join(dir, 'out', 'lockdown.csv');
    const result = await exportTable(lake, { table: 'published.lockdown', format: 'csv', out }, workDir);
    expect(result.rows).toBe(5);
    expect(readFileSync(out, 'utf8').split('\n')[1]).toBe('0,ligne 0');
  });
});

describe('devenir query on the command line', () => {
  it('refuses to write a file or read /etc/hostname, in one sentence, and exits non-zero', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'devenir-lockdown-cli-'));
    const env = { ...process.env, DEVENIR_HOME: home, DEVENIR_LAKE: path.join(home, 'lake') };
    const cli = (sql: string) =>
      spawnSync(process.execPath, [path.resolve('bin/devenir.js'), 'query', sql], { cwd: home, env, encoding: 'utf8' });
    const write = cli(`copy (select 42) to 'pwned.csv'`);
    expect(write.status).not.toBe(0);
    expect(write.stderr).toMatch(/a query cannot access "pwned.csv": it reads only the lake's tables/);
    expect(existsSync(path.join(home, 'pwned.csv'))).toBe(false);
    const read = cli(`select * from read_csv('/etc/hostname')`);
    expect(read.status).not.toBe(0);
    expect(read.stderr).toMatch(/a query cannot access "\/etc\/hostname"/);
    expect(read.stdout).toBe('');
  });
});
