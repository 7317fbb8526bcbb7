import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../activities/export/run-query.js';
import { loadConfig, type SourceId } from '../../infra/config.js';
import { readServiceRecord } from '../../infra/services/service-process.js';
import { servicePaths } from '../../infra/services/service-paths.js';
import { servicesDown, servicesUp } from '../../infra/services/index.js';
import type { BackfillOutcome } from '../../workflows/backfill-workflow.js';
import { refreshPlan } from '../../activities/land/refresh-plan.js';
import type { RefreshAllResult } from '../../workflows/refresh-all-workflow.js';

/** The registry's stages, as refresh-all receives them. */
const REFRESH_STAGES = (await refreshPlan()).stages.map((stage) => stage.map((p) => p.source));
import type { RefreshSourceResult } from '../../workflows/refresh-source-workflow.js';
import { spawnCliWorker, waitForPollers } from '../support/cli-run.js';
import { contentChecksums } from '../support/checksums.js';
import { startHarness, type Harness } from '../support/harness.js';

/*
 * Orchestration end to end: real Temporal, SeaweedFS and DuckDB, the simulators of every source. Four isolated lakes,
 * one harness each: A runs refresh-all; B holds the uninterrupted runs (a BCN refresh, a four-millésime backfill) and a
 * refresh-all with a failing source; C runs B's backfill with its worker killed, D B's BCN refresh across a restart of
 * a Temporal dev server of its own; both are compared with B.
 */
const DATE = '2026-11-29';
const MILLESIMES = ['2018_2019', '2019_2020', '2020_2021', '2021_2022'];
/** Every heartbeat-checked activity of a lost worker is retried elsewhere after this long. */
const HEARTBEAT = '10s';
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));

async function rows(h: Harness, sql: string): Promise<Record<string, unknown>[]> {
  return (await runQuery(h.lake, sql, {}, h.config.workDir)).rows;
}

async function count(h: Harness, sql: string): Promise<number> {
  return Number((await rows(h, sql))[0].n);
}

/** Row counts by millésime of a table, as `{ millesime: rows }`. */
async function countsByMillesime(h: Harness, table: string): Promise<Record<string, number>> {
  const found = await rows(h, `select millesime, count(*) as n from ${table} group by all order by all`);
  return Object.fromEntries(found.map((r) => [String(r.millesime), Number(r.n)]));
}

/** Rows of every table of the current lake snapshot. */
async function tableRows(h: Harness): Promise<Record<string, number>> {
  return Object.fromEntries([...(await h.lake.tables())].map(([name, m]) => [name, m.summary.rows]));
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const requests = (h: Harness, source: SourceId, match = '') =>
  (h.sims.requests.get(source) ?? []).filter((r) => r.includes(match));

/** Ids of the child workflows a workflow started, from its history. */
async function childIds(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) =>
    e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId
      ? [e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId]
      : [],
  );
}

async function times(client: Client, workflowId: string): Promise<{ status: string; start: number; close: number }> {
  const d = await client.workflow.getHandle(workflowId).describe();
  return { status: d.status.name, start: d.startTime.getTime(), close: d.closeTime?.getTime() ?? Number.NaN };
}

/** Stops a harness, first terminating what its workflows left running (an idle committer, a run cut short by a failure). */
async function stop(h: Harness | undefined): Promise<void> {
  if (!h) return;
  for await (const w of h.client.workflow.list({
    query: `TaskQueue = '${h.ctx.queues.workflows}' AND ExecutionStatus = 'Running'`,
  })) {
    await h.client.workflow
      .getHandle(w.workflowId, w.runId)
      .terminate('end of test')
      .catch(() => undefined);
  }
  await h.stop();
}

const landedRows = (r: RefreshSourceResult) =>
  Object.fromEntries(r.landed.map((l) => [`${l.dataset}/${l.period}`, l.rows]));

const refreshSource = (h: Harness, id: string, source: SourceId) =>
  h.client.workflow.execute('refreshSourceWorkflow', {
    taskQueue: h.ctx.queues.workflows,
    workflowId: `${h.env.DEVENIR_TASK_QUEUE_PREFIX}/${id}`,
    args: [{ ...h.ctx, source, date: DATE }],
  }) as Promise<RefreshSourceResult>;

const backfillArgs = (h: Harness) => [
  { ...h.ctx, source: 'inserjeunes', datasets: ['regionales'], millesimes: MILLESIMES, parallelism: 4 },
];

const REGIONAL_TABLES = [
  'raw.inserjeunes__regionales',
  'staging.stg_inserjeunes__regionales',
  'published.stats_regionales',
];

/** Raw, staging and published row counts by millésime of the InserJeunes regional figures. */
async function regionalCounts(h: Harness) {
  return {
    raw: await countsByMillesime(h, 'raw.inserjeunes__regionales'),
    staging: await countsByMillesime(h, 'staging.stg_inserjeunes__regionales'),
    published: await countsByMillesime(h, 'published.stats_regionales'),
  };
}

/** Staging rows sharing their unique key (scope_code, millesime, code_certification, filiere): 0 when none. */
async function stagingDuplicates(h: Harness): Promise<number> {
  return count(
    h,
    'select count(*) - count(distinct (scope_code, millesime, code_certification, filiere)) as n from staging.stg_inserjeunes__regionales',
  );
}

// Results of the uninterrupted runs on lake B, compared with the interrupted ones on lakes C and D.
let cleanRefreshAll: Awaited<ReturnType<typeof contentChecksums>> | undefined;
let bcnSeed: { result: RefreshSourceResult; tables: Awaited<ReturnType<typeof contentChecksums>> } | undefined;
let uninterruptedBackfill: Awaited<ReturnType<typeof contentChecksums>> | undefined;

describe('refresh-all from the simulators', () => {
  let a: Harness;
  beforeAll(async () => {
    a = await startHarness({ lake: 's3', heartbeatTimeout: HEARTBEAT });
    await a.startWorker();
  });
  afterAll(async () => stop(a));

  it('publishes one snapshot with raw, staging, matched and published tables', async () => {
    const result = (await a.client.workflow.execute('refreshAllWorkflow', {
      taskQueue: a.ctx.queues.workflows,
      workflowId: `${a.env.DEVENIR_TASK_QUEUE_PREFIX}/refresh/all/${DATE}`,
      args: [{ ...a.ctx, date: DATE, periods: ['2021_2022'] }],
    })) as RefreshAllResult;
    expect(result.sources.map((s) => s.source).sort()).toEqual(REFRESH_STAGES.flat().sort());
    expect(result.sources.filter((s) => s.error)).toEqual([]);
    expect(result.committed).toBe(true);
    const head = await a.lake.lakeSnapshot();
    expect(head?.snapshot_id).toBe(result.snapshotId);
    expect(result.snapshotId).toBe(1); // one publish for the whole run, on an empty lake

    const tables = await tableRows(a);
    for (const layer of ['raw', 'staging', 'matched', 'published']) {
      expect(
        Object.keys(tables).filter((t) => t.startsWith(`${layer}.`) && tables[t] > 0).length,
        layer,
      ).toBeGreaterThan(0);
    }
    for (const source of REFRESH_STAGES.flat()) {
      const raw = Object.entries(tables).filter(
        ([t]) => t.startsWith(`raw.${source.replace(/-/g, '_')}__`) && !t.endsWith('__quarantine'),
      );
      expect(
        raw.reduce((n, [, r]) => n + r, 0),
        `raw rows of ${source}`,
      ).toBeGreaterThan(0);
    }

    // The statistics of the requested millésime only, each row linked to a certification of the referential.
    const regional = await rows(
      a,
      "select millesime, count(*) as n from published.stats_regionales where filiere <> 'superieur' group by all",
    );
    expect(regional.map((r) => r.millesime)).toEqual(['2021_2022']);
    expect(Number(regional[0].n)).toBeGreaterThan(1000);
    expect(
      await count(
        a,
        "select count(*) as n from published.stats_regionales s where filiere <> 'superieur' and not exists (select 1 from published.certifications c where c.code_certification = s.code_certification)",
      ),
    ).toBe(0);
    // Every région académique of the API and every staged regional figure reach the published table.
    expect(await count(a, 'select count(distinct code_region_academique) as n from published.stats_regionales')).toBe(
      await count(a, 'select count(distinct scope_code) as n from staging.stg_inserjeunes__regionales'),
    );
    expect(
      await count(
        a,
        'select count(*) as n from staging.stg_inserjeunes__regionales g where not exists (select 1 from published.stats_regionales p where p.code_region_academique = g.scope_code and p.code_certification = g.code_certification and p.millesime = g.millesime)',
      ),
    ).toBe(0);

    // The coverage lists the whole Parcoursup catalogue.
    const parcoursup = await rows(
      a,
      "select sum(nb_formations)::integer as formations, round(sum(part_catalogue))::integer as part from published.couverture where catalogue = 'parcoursup'",
    );
    expect(parcoursup[0].formations).toBe(
      await count(a, 'select count(*) as n from staging.stg_parcoursup__formations'),
    );
    expect(parcoursup[0].formations).toBeGreaterThan(0);
    expect(parcoursup[0].part).toBe(100);
    const published = [...(await a.lake.tables()).keys()].filter((t) => t.startsWith('published.'));
    cleanRefreshAll = await contentChecksums(a.lake, a.config.workDir, published);
    expect(Object.keys(cleanRefreshAll).length).toBeGreaterThan(3);
  }, 300_000);
});

/**
 * Scaled out on an S3 lake: two worker processes per role, one landing worker SIGKILLed while InserJeunes is being
 * landed (its per-UAI loop resumes on the other landing worker from the last heartbeat). The run publishes the same
 * content, table by table, as the uninterrupted refresh-all of lake A with one in-process worker.
 */
describe('two workers per role, one landing worker killed mid-run', () => {
  let s: Harness;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    s = await startHarness({ lake: 's3', heartbeatTimeout: '20s' });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await s?.stop();
  });

  it('refresh-all completes with the same published content as a clean run', async () => {
    expect(cleanRefreshAll, 'the clean refresh-all of lake A').toBeDefined();
    const spawn = (role: string) => {
      const child = spawnCliWorker(s.env, ['--role', role]);
      children.push(child);
      return child;
    };
    const [victim] = [spawn('landing'), spawn('landing'), spawn('workflows'), spawn('workflows')];
    spawn('building');
    spawn('building');
    await waitForPollers(s.client, s.config.temporal.namespace, s.ctx, ['landing', 'workflows', 'building'], 2);
    const run = s.client.workflow.execute('refreshAllWorkflow', {
      taskQueue: s.ctx.queues.workflows,
      workflowId: `${s.env.DEVENIR_TASK_QUEUE_PREFIX}/refresh/all/${DATE}`,
      args: [{ ...s.ctx, date: DATE, periods: ['2021_2022'] }],
    }) as Promise<RefreshAllResult>;
    // Kill a landing worker once the per-UAI InserJeunes loop is under way.
    await until('the per-UAI loop to be under way', () => requests(s, 'inserjeunes', '/UAI/').length >= 500, 600_000);
    victim.kill('SIGKILL');
    const result = await run;
    expect(victim.signalCode).toBe('SIGKILL');
    expect(result.sources.filter((x) => x.error)).toEqual([]);
    expect(result.committed).toBe(true);
    const published = [...(await s.lake.tables()).keys()].filter((t) => t.startsWith('published.'));
    expect(await contentChecksums(s.lake, s.config.workDir, published)).toEqual(cleanRefreshAll);
  }, 900_000);
});

describe('backfill', () => {
  let b: Harness;
  beforeAll(async () => {
    b = await startHarness({ lake: 's3', heartbeatTimeout: HEARTBEAT });
    await b.startWorker();
    // The referential the InserJeunes figures link to; also the uninterrupted run lake D is compared with.
    const result = await refreshSource(b, 'seed/bcn', 'bcn');
    bcnSeed = { result, tables: await contentChecksums(b.lake, b.config.workDir) };
  });
  afterAll(async () => stop(b));

  it('backfills four millésimes in parallel children, publishes each, and redoes nothing when run again', async () => {
    const id = `${b.env.DEVENIR_TASK_QUEUE_PREFIX}/backfill/inserjeunes/regionales`;
    const run = () =>
      b.client.workflow.execute('backfillWorkflow', {
        taskQueue: b.ctx.queues.workflows,
        workflowId: id,
        args: backfillArgs(b),
      }) as Promise<BackfillOutcome>;
    const outcome = await run();
    expect(outcome.failed).toEqual([]);
    expect(outcome.alreadyDone).toEqual([]);
    expect([...outcome.done].sort()).toEqual(MILLESIMES);

    // One child per millésime, all running at once.
    const children = await childIds(b.client, id);
    expect(children).toHaveLength(4);
    const spans = await Promise.all(children.map((c) => times(b.client, c)));
    expect(spans.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(Math.max(...spans.map((s) => s.start))).toBeLessThan(Math.min(...spans.map((s) => s.close)));
    // The simulator has no 2018_2019: that child landed nothing, and did not fail.
    const empty = await Promise.all(
      children.map(async (c) => (await b.client.workflow.getHandle(c).result()) as RefreshSourceResult),
    );
    expect(Object.assign({}, ...empty.map(landedRows))).toMatchObject({ 'regionales/2018_2019': 0 });

    const counts = await regionalCounts(b);
    for (const layer of ['raw', 'staging', 'published'] as const)
      expect(Object.keys(counts[layer]), layer).toEqual(MILLESIMES.slice(1));
    expect(Object.values(counts.published).every((n) => n > 1000)).toBe(true);
    expect(await stagingDuplicates(b)).toBe(0);
    uninterruptedBackfill = await contentChecksums(b.lake, b.config.workDir, REGIONAL_TABLES);

    const asked = requests(b, 'inserjeunes').length;
    const head = (await b.lake.lakeSnapshot())?.snapshot_id;
    const again = await run();
    expect(again).toEqual({ done: [], alreadyDone: expect.arrayContaining(MILLESIMES), failed: [] });
    expect(again.alreadyDone).toHaveLength(4);
    expect(requests(b, 'inserjeunes')).toHaveLength(asked);
    expect((await b.lake.lakeSnapshot())?.snapshot_id).toBe(head);
  }, 240_000);
});

describe('a worker killed mid-backfill', () => {
  let c: Harness;
  beforeAll(async () => {
    c = await startHarness({ lake: 's3', heartbeatTimeout: HEARTBEAT });
  });
  afterAll(async () => stop(c));

  it('is replaced, and the backfill publishes what an uninterrupted run publishes, without duplicates', async () => {
    const first = c.spawnWorker();
    await refreshSource(c, 'seed/bcn', 'bcn');
    // Région 02 answers slowly once per millésime, so every child is still landing when the worker dies.
    c.sims.faults.add({ source: 'inserjeunes', kind: 'slow', delayMs: 10_000, match: 'region/02/millesime', times: 4 });
    const handle = await c.client.workflow.start('backfillWorkflow', {
      taskQueue: c.ctx.queues.workflows,
      workflowId: `${c.env.DEVENIR_TASK_QUEUE_PREFIX}/backfill/inserjeunes/regionales`,
      args: backfillArgs(c),
    });
    await until('every child to ask for région 02', () =>
      MILLESIMES.every((m) => requests(c, 'inserjeunes', `region/02/millesime/${m}`).length > 0),
    );
    first.kill('SIGKILL');
    await new Promise<void>((resolve) => (first.exitCode !== null ? resolve() : first.once('exit', () => resolve())));
    c.spawnWorker();
    const outcome = (await handle.result()) as BackfillOutcome;
    expect(outcome.failed).toEqual([]);
    expect([...outcome.done].sort()).toEqual(MILLESIMES);
    // The lost attempts were really redone.
    for (const m of MILLESIMES)
      expect(requests(c, 'inserjeunes', `region/02/millesime/${m}`).length, m).toBeGreaterThanOrEqual(2);

    expect(uninterruptedBackfill, 'the uninterrupted backfill of lake B').toBeDefined();
    // The same rows and values (payload keys and row numbers included), millésime by millésime, in the raw, staging
    // and published tables.
    expect(await contentChecksums(c.lake, c.config.workDir, REGIONAL_TABLES)).toEqual(uninterruptedBackfill);
    expect(await stagingDuplicates(c)).toBe(0);
    expect(
      await count(c, 'select count(*) - count(distinct (_raw_key, _raw_row)) as n from raw.inserjeunes__regionales'),
    ).toBe(0);
  }, 240_000);
});

/** A free TCP port on loopback. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A Temporal dev server for this test alone, started and stopped by servicesUp / servicesDown like the shared one
 * (own home, ports and SQLite file; the installed binaries are shared): restarting it disturbs no other run.
 */
async function privateTemporal() {
  const home = mkdtempSync(path.join(os.tmpdir(), 'devenir-temporal-'));
  symlinkSync(servicePaths(loadConfig(process.env).home).venv, servicePaths(home).venv);
  const env: NodeJS.ProcessEnv = {
    DEVENIR_HOME: home,
    DEVENIR_TEMPORAL_PORT: String(await freePort()),
    DEVENIR_TEMPORAL_UI_PORT: String(await freePort()),
  };
  const config = loadConfig(env); // no TEMPORAL_ADDRESS: the local dev server of this home
  const up = () => servicesUp(config, { log, s3: false, env });
  const { temporalAddress } = await up();
  return {
    address: temporalAddress,
    pid: () => readServiceRecord(servicePaths(home).temporal.pidFile)?.pid,
    async restart() {
      expect(await servicesDown(config, ['temporal'])).toEqual(['temporal']);
      expect((await up()).started).toEqual(['temporal']);
    },
    async stop() {
      await servicesDown(config);
      rmSync(home, { recursive: true, force: true }); // the link to the shared binaries goes, not what it points to
    },
  };
}

describe('the Temporal server restarted mid-run', () => {
  let d: Harness;
  let temporal: Awaited<ReturnType<typeof privateTemporal>>;
  beforeAll(async () => {
    temporal = await privateTemporal();
    const shared = process.env.TEMPORAL_ADDRESS;
    process.env.TEMPORAL_ADDRESS = temporal.address;
    try {
      d = await startHarness({ lake: 's3', heartbeatTimeout: HEARTBEAT });
    } finally {
      process.env.TEMPORAL_ADDRESS = shared;
    }
    await d.startWorker();
  });
  afterAll(async () => {
    await stop(d);
    await temporal?.stop();
  });

  it('the in-process worker and the client reconnect, and the workflow finishes with the same result', async () => {
    d.sims.faults.add({ source: 'bcn', kind: 'slow', delayMs: 8_000, match: 'nomenclature', times: 1 });
    const handle = await d.client.workflow.start('refreshSourceWorkflow', {
      taskQueue: d.ctx.queues.workflows,
      workflowId: `${d.env.DEVENIR_TASK_QUEUE_PREFIX}/refresh/bcn`,
      args: [{ ...d.ctx, source: 'bcn', date: DATE }],
    });
    const result = handle.result(); // one long poll that spans the restart
    await until('the first BCN download', () => requests(d, 'bcn', 'nomenclature').length > 0);
    const started = await handle.describe();
    expect(started.status.name).toBe('RUNNING');
    const before = temporal.pid();
    await temporal.restart();
    expect(temporal.pid()).not.toBe(before);
    // The same run, from the history the server kept in its SQLite file.
    const resumed = await handle.describe();
    expect([resumed.runId, resumed.startTime]).toEqual([started.runId, started.startTime]);
    const after = (await result) as RefreshSourceResult;

    expect(bcnSeed, 'the uninterrupted BCN refresh of lake B').toBeDefined();
    expect(after.committed).toBe(true);
    expect(landedRows(after)).toEqual(landedRows(bcnSeed!.result));
    expect(await contentChecksums(d.lake, d.config.workDir)).toEqual(bcnSeed!.tables);
  }, 180_000);
});
