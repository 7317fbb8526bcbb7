import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../activities/export/run-query.js';
import type { SourceId } from '../../infra/config.js';
import { deppUais } from '../../infra/simulators/inserjeunes-uai.js';
import type { RunningWorker } from '../../infra/worker.js';
import { sql, Workspace } from '../../lake/duckdb-session.js';
import { registerTables } from '../../lake/lake-views.js';
import { loadStaged } from '../../lake/staged.js';
import type { RefreshSourceInput, RefreshSourceResult } from '../../workflows/refresh-source-workflow.js';
import { startHarness, type Harness } from '../support/harness.js';
import { IJ_COLUMNS } from '../../activities/land/inserjeunes-rows.js';

const DATE = '2026-11-29';
/** The InserJeunes raw columns that are data, not lineage (`_raw_key`, `_raw_row`). */
const IJ_DATA = [...IJ_COLUMNS, 'millesime'];
const checksum = (relation: string) =>
  `select count(*)::bigint as n, coalesce(sum(hash(${IJ_DATA.map((c) => `coalesce(${sql.id(c)}, '<null>')`).join(', ')})), 0)::varchar as h from ${relation}`;

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The ApplicationFailure a failed refresh ended with (workflow → activity → application failure). */
async function failureOf(run: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const activity = (error as WorkflowFailedError).cause;
  expect(activity).toBeInstanceOf(ActivityFailure);
  const cause = (activity as ActivityFailure).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('fault knobs on: each error class against real Temporal and S3', () => {
  let h: Harness;
  let worker: RunningWorker | undefined;
  /** The worker process the per-UAI test kills, started early so that its start-up overlaps the first test. */
  let doomed: ChildProcess;
  const requests = (source: SourceId, part: string) =>
    (h.sims.requests.get(source) ?? []).filter((r) => r.includes(part));
  const refresh = (id: string, input: Omit<RefreshSourceInput, 'queues' | 'committerId'>) =>
    h.client.workflow.execute('refreshSourceWorkflow', {
      taskQueue: h.ctx.queues.workflows,
      workflowId: `${id}-${randomUUID().slice(0, 8)}`,
      args: [{ ...h.ctx, date: DATE, build: false, ...input }],
    }) as Promise<RefreshSourceResult>;

  beforeAll(async () => {
    // 20 requests per second to every simulator: a batch of 50 UAIs takes 2.5 s, longer than the heartbeat
    // throttle (1 s), so each batch's checkpoint reaches Temporal before the next batch is done.
    h = await startHarness({ lake: 's3', rate: 20, heartbeatTimeout: '5s' });
    doomed = h.spawnWorker();
  });
  afterAll(async () => {
    await worker?.shutdown();
    await h?.stop();
  });

  it('a 429 storm with Retry-After lands the same raw rows as a clean run', async () => {
    worker = await h.startWorker();
    const clean = await refresh('clean', { source: 'inserjeunes', datasets: ['regionales'], periods: ['2021_2022'] });
    expect(clean.committed).toBe(true);
    const expected = (await runQuery(h.lake, checksum('raw.inserjeunes__regionales'), {}, h.config.workDir)).rows[0];
    expect(Number(expected.n)).toBeGreaterThan(1000);
    const regions = requests('inserjeunes', '/region/').length;

    h.sims.faults.add({
      source: 'inserjeunes',
      kind: 'status',
      status: 429,
      retryAfter: 1,
      times: 10,
      match: '/region/',
    });
    const started = Date.now();
    const storm = await refresh('storm', {
      source: 'inserjeunes',
      datasets: ['regionales'],
      periods: ['2021_2022'],
      publish: false,
      force: true, // the same payload as the clean run: land it again rather than stop at "unchanged"
    });
    const elapsed = Date.now() - started;
    expect(h.sims.faults.list()).toEqual([]); // all ten 429s were served
    expect(requests('inserjeunes', '/region/').length - regions).toBeGreaterThanOrEqual(regions + 10); // each one asked again
    expect(elapsed).toBeGreaterThanOrEqual(1000); // Retry-After: 1 honoured
    expect(storm.landed[0].quarantined).toBe(0);
    const staged = (await loadStaged(h.lake.store, storm.stagedKeys[0])).find(
      (t) => t.name === 'raw.inserjeunes__regionales',
    )!;
    const got = await Workspace.with(async (ws) => {
      await registerTables(ws, h.lake.store, [staged], path.join(h.config.workDir, 'cache'));
      return (await ws.rows(checksum('raw.inserjeunes__regionales')))[0];
    });
    expect(got).toEqual(expected);
    await worker.shutdown();
    worker = undefined;
  });

  it('a worker killed mid per-UAI loop is resumed by another from its heartbeat cursor', async () => {
    const uais = [...deppUais().keys()].sort().slice(0, 300);
    expect(uais).toHaveLength(300);
    const batch = Number(h.env.DEVENIR_INSERJEUNES_BATCH_SIZE ?? 50);
    const fetched = () => requests('inserjeunes', '/UAI/').map((r) => /\/UAI\/([^/]+)\//.exec(r)![1]);
    // Only the worker process about to be killed polls now (the in-process worker of the test above is shut down).
    await worker?.shutdown();
    worker = undefined;
    const first = doomed;
    const handle = await h.client.workflow.start('refreshSourceWorkflow', {
      taskQueue: h.ctx.queues.workflows,
      workflowId: `uai-loop-${randomUUID().slice(0, 8)}`,
      args: [
        {
          ...h.ctx,
          source: 'inserjeunes',
          datasets: ['etablissements'],
          periods: ['2021_2022'],
          scope: { uai: uais },
          build: false,
          date: DATE,
        },
      ],
    });
    // The replacement starts once the first worker holds the activity, and is ready by the time it is killed.
    await until(() => fetched().length > 0, 90_000);
    const second = h.spawnWorker();
    // Killed late in the third batch: the checkpoint of the second one has reached Temporal by then.
    await until(() => fetched().length >= 2 * batch + 40, 90_000);
    first.kill('SIGKILL');
    await new Promise<void>((resolve) => first.once('exit', () => resolve()));
    expect(fetched().length).toBeLessThan(uais.length);
    const result = (await handle.result()) as RefreshSourceResult;
    expect(result.committed).toBe(true);

    const counts = new Map<string, number>();
    for (const uai of fetched()) counts.set(uai, (counts.get(uai) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(uais);
    const twice = uais.filter((u) => counts.get(u)! > 1);
    expect(Math.max(...counts.values())).toBe(2);
    expect(twice.length).toBeGreaterThan(0); // the batch in flight was lost with the worker…
    expect(twice.length).toBeLessThanOrEqual(batch); // …and only that one
    expect(counts.get(uais[0])).toBe(1); // the second attempt did not start over
    const { rows } = await runQuery(
      h.lake,
      `select count(*) as n, count(distinct (scope_code, filiere, code, id_mesure)) as d, count(distinct scope_code) as uais from raw.inserjeunes__etablissements`,
      {},
      h.config.workDir,
    );
    expect(Number(rows[0].n)).toBe(Number(rows[0].d)); // no row landed twice
    expect(Number(rows[0].n)).toBe(result.landed[0].rows);
    expect(Number(rows[0].uais)).toBeGreaterThan(200);
    second.kill('SIGTERM');
    await new Promise<void>((resolve) => second.once('exit', () => resolve()));
  });

  it('permanent errors fail fast, non-retryably, with a message naming what broke, and publish nothing', async () => {
    worker = await h.startWorker();
    const head = async () => (await h.lake.lakeSnapshot())?.snapshot_id;
    const before = await head();

    // A required column missing from the ACCE extraction: a broken contract.
    h.sims.faults.add({ source: 'acce', kind: 'drop-column', column: 'numero_uai', match: 'ACCE_UAI.csv' });
    let fetches = requests('acce', 'ACCE_UAI.csv').length;
    const contract = await failureOf(refresh('contract', { source: 'acce', datasets: ['etablissements'] }));
    h.sims.faults.clear('acce');
    expect(contract.type).toBe('ContractError');
    expect(contract.nonRetryable).toBe(true);
    expect(contract.message).toMatch(/acce/);
    expect(contract.message).toMatch(/etablissements/);
    expect(contract.message).toMatch(/numero_uai/);
    expect(requests('acce', 'ACCE_UAI.csv').length - fetches).toBe(1);
    expect(await head()).toBe(before);

    // Every row's closing date broken: far above the 5 % quarantine threshold.
    h.sims.faults.add({
      source: 'acce',
      kind: 'extra-column',
      column: 'date_fermeture',
      to: 'bientôt',
      match: 'ACCE_UAI.csv',
    });
    fetches = requests('acce', 'ACCE_UAI.csv').length;
    const quarantine = await failureOf(refresh('quarantine', { source: 'acce', datasets: ['etablissements'] }));
    h.sims.faults.clear('acce');
    expect(quarantine.type).toBe('QuarantineThresholdExceeded');
    expect(quarantine.nonRetryable).toBe(true);
    expect(quarantine.message).toContain(`acce/etablissements/${DATE}`);
    expect(quarantine.message).toMatch(
      /(\d+) of \1 rows \(100\.0%\) break the contract, above the 5\.0% threshold \(DEVENIR_QUARANTINE_THRESHOLD\)/,
    );
    expect(quarantine.message).toContain('date_fermeture bientôt does not match');
    expect(requests('acce', 'ACCE_UAI.csv').length - fetches).toBe(1);
    expect(await head()).toBe(before);

    // HTTP 404 on a dataset: asked once, never again.
    h.sims.faults.add({ source: 'bcn', kind: 'status', status: 404, match: 'N_NIVEAU_FORMATION_DIPLOME' });
    const notFound = await failureOf(refresh('not-found', { source: 'bcn', datasets: ['n_niveau_formation_diplome'] }));
    h.sims.faults.clear('bcn');
    expect(notFound.type).toBe('SourceHttpError');
    expect(notFound.nonRetryable).toBe(true);
    expect(notFound.message).toMatch(/^bcn: HTTP 404 on \S*N_NIVEAU_FORMATION_DIPLOME/);
    expect(requests('bcn', 'N_NIVEAU_FORMATION_DIPLOME')).toHaveLength(1);
    expect(await head()).toBe(before);
  });
});
