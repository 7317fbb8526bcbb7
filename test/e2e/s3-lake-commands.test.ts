import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analystsHint } from '../../infra/commands/analysts-hint.js';
import { runCli, spawnCliWorker, waitForPollers } from '../support/cli-run.js';
import { startHarness, type Harness } from '../support/harness.js';
import { testS3 } from '../support/stores.js';

const TABLE = 'raw.bcn__n_niveau_formation_diplome';

/**
 * An `s3://` lake on the local SeaweedFS, used as a new user would: no AWS_* variable at all, every command finds the
 * gateway the way `start` does. `start` itself takes minutes here, so the run is the same path on a smaller refresh
 * (one source): refresh, then the commands `start` suggests (snapshots list, query, the "Analysts:" command).
 */
describe('an S3 lake is as easy as a folder', () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  let worker: ChildProcess;
  let tmp: string;

  beforeAll(async () => {
    h = await startHarness({ lake: 's3' });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'devenir-s3-cli-'));
    env = {
      ...h.env,
      AWS_ENDPOINT_URL_S3: undefined,
      AWS_ENDPOINT_URL: undefined,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_PROFILE: undefined,
      DEVENIR_SEAWEEDFS_S3_PORT: new URL(testS3().endpoint).port,
    };
    worker = spawnCliWorker(env);
    await waitForPollers(
      h.client,
      h.config.temporal.namespace,
      h.ctx,
      ['workflows', 'landing', 'building'],
      1,
      () => worker.exitCode === null,
    );
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    await h?.stop();
  });

  it('refresh, snapshots list, query and the Analysts command work with no AWS_* variable', async () => {
    const refresh = await runCli(env, ['refresh', '--source', 'bcn', '--no-build', '--wait', '--json']);
    expect(refresh.code, refresh.stderr).toBe(0);

    const list = await runCli(env, ['snapshots', 'list', '--json']);
    expect(list.stderr).not.toMatch(/credentials/i);
    expect(list.code, list.stderr).toBe(0);
    const snapshots = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
    expect(snapshots.length).toBeGreaterThanOrEqual(1);

    const rows = (await h.lake.tables()).get(TABLE)!.summary.rows;
    expect(rows).toBeGreaterThan(0);
    const query = await runCli(env, ['query', `select count(*)::integer as n from ${TABLE}`, '--format', 'json']);
    expect(query.code, query.stderr).toBe(0);
    expect(JSON.parse(query.stdout)).toEqual([{ n: rows }]);

    // The "Analysts:" line of an S3 lake: export to a local Parquet file, then read it with any DuckDB.
    const hint = analystsHint(h.lake, TABLE);
    const [exportPart, duckdbPart] = hint.split(' && ');
    const args = exportPart.split(' ');
    expect(args.slice(0, 2)).toEqual(['npx', 'devenir']);
    const exported = await runCli(env, args.slice(2), { cwd: tmp });
    expect(exported.code, exported.stderr).toBe(0);
    const sql = /^duckdb -c "(.*)"$/.exec(duckdbPart)![1];
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      await connection.run(`set file_search_path = '${tmp}'`);
      const read = await connection.runAndReadAll(`select count(*)::integer as n from (${sql})`);
      expect(read.getRowObjects()).toEqual([{ n: rows }]);
    } finally {
      connection.closeSync();
    }
  });
});
