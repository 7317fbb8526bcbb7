import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { getClient } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RefreshPlan } from '../../activities/land/refresh-plan.js';
import { refreshPlan } from '../../activities/land/refresh-plan.js';
import type { RequestPublishInput } from '../../activities/publish/request-publish.js';
import { workflowBundle } from '../../infra/worker.js';
import type { RefreshAllResult } from '../../workflows/refresh-all-workflow.js';
import type { RunContext } from '../../workflows/types.js';

const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const queue = `plan-replay-${randomUUID().slice(0, 8)}`;
const ctx: RunContext = {
  queues: { workflows: queue, landing: queue, building: queue },
  committerId: `${queue}/committer`,
};

/** A plan unlike the registry's: if the workflow read the registry itself, its commands would differ from this. */
const RECORDED: RefreshPlan = {
  stages: [[{ source: 'bcn', datasets: ['n_mef'] }], [{ source: 'insersup', datasets: ['etablissements'] }]],
};

/** Datasets the stub planSource marks opt-in, and those whose landing fails (as a 404 would). */
const OPT_IN = new Set(['departementales']);
const FAILING = new Set(['departementales']);
const published: string[][] = [];

/** Stub activities: the plan above, one landed period per dataset, and a publish answered at once. */
const activities = {
  refreshPlan: async (): Promise<RefreshPlan> => RECORDED,
  planSource: async (input: { datasets?: string[]; date: string }) =>
    (input.datasets ?? []).map((dataset) => ({
      dataset,
      period: input.date,
      optIn: OPT_IN.has(dataset) || undefined,
    })),
  landSource: async (input: { source: string; dataset: string; period: string }) => {
    if (FAILING.has(input.dataset))
      throw ApplicationFailure.nonRetryable(`${input.source}: HTTP 404 on /departement/69/millesime/x`, 'NotFound');
    return landed(input);
  },
  requestPublish: async ({ request }: RequestPublishInput) => {
    published.push(request.input.stagedKeys);
    await getClient()
      .workflow.getHandle(request.requesterWorkflowId)
      .signal('publishDone', {
        requestId: request.requestId,
        result: { snapshotId: 1, committed: true, tablesChanged: request.input.stagedKeys },
      });
  },
};

function landed(input: { source: string; dataset: string; period: string }) {
  return {
    ...input,
    stagedKey: `staged/${input.source}/${input.dataset}`,
    table: `raw.${input.source}__${input.dataset}`,
    rows: 1,
    quarantined: 0,
    requests: 1,
    rawKeys: 1,
    drift: { unknownColumns: [], unknownMeasures: [] },
    skipped: 0,
  };
}

describe.skipIf(process.env.DEVENIR_TEST_SERVICES === 'off')('refresh-all takes its plan as data', () => {
  let connection: NativeConnection;
  let client: Client;
  beforeAll(async () => {
    connection = await NativeConnection.connect({ address });
    client = new Client({ connection: await Connection.connect({ address }) });
  });
  afterAll(async () => {
    await client.connection.close();
    await connection.close();
  });

  test('a recorded history replays although the registry now plans other stages', async () => {
    const worker = await Worker.create({
      connection,
      taskQueue: queue,
      workflowBundle: await workflowBundle(),
      activities,
    });
    const workflowId = `${queue}/refresh/all`;
    const result = (await worker.runUntil(
      client.workflow.execute('refreshAllWorkflow', {
        taskQueue: queue,
        workflowId,
        args: [{ ...ctx, date: '2026-11-30' }],
      }),
    )) as RefreshAllResult;
    expect(result.sources.map((s) => s.source)).toEqual(['bcn', 'insersup']);
    const children = await Promise.all(
      ['bcn', 'insersup'].map((s) => client.workflow.getHandle(`${workflowId}/${s}`).result()),
    );
    expect(children.map((c) => c.landed.map((l: { dataset: string }) => l.dataset))).toEqual([
      ['n_mef'],
      ['etablissements'],
    ]);

    // The registry the code sees today plans every source in two stages: a different plan from the recorded one.
    const current = await refreshPlan();
    expect(current.stages.flat().length).toBeGreaterThan(2);
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId),
    ).resolves.toBeUndefined();
  });

  test('an opt-in dataset that fails (a 404) fails alone: the documented ones are published', async () => {
    const worker = await Worker.create({
      connection,
      taskQueue: queue,
      workflowBundle: await workflowBundle(),
      activities,
    });
    published.length = 0;
    const run = (datasets: string[], id: string) =>
      client.workflow.execute('refreshSourceWorkflow', {
        taskQueue: queue,
        workflowId: `${queue}/${id}`,
        args: [{ ...ctx, source: 'inserjeunes', datasets, date: '2026-11-30', build: false }],
      });
    const error = await worker.runUntil(run(['regionales', 'departementales'], 'opt-in')).catch((e: unknown) => e);
    expect((error as Error).cause).toMatchObject({
      type: 'DatasetsFailed',
      message: expect.stringMatching(
        /^inserjeunes: published snapshot 1 without opt-in dataset\(s\) departementales 2026-11-30 \(inserjeunes: HTTP 404/,
      ),
    });
    expect(published).toEqual([['staged/inserjeunes/regionales']]);
  });
  test('a documented dataset failing fails the source: nothing is published', async () => {
    FAILING.add('regionales');
    published.length = 0;
    const worker = await Worker.create({
      connection,
      taskQueue: queue,
      workflowBundle: await workflowBundle(),
      activities,
    });
    const error = await worker
      .runUntil(
        client.workflow.execute('refreshSourceWorkflow', {
          taskQueue: queue,
          workflowId: `${queue}/documented`,
          args: [
            { ...ctx, source: 'inserjeunes', datasets: ['regionales', 'nationales'], date: '2026-11-30', build: false },
          ],
        }),
      )
      .catch((e: unknown) => e)
      .finally(() => FAILING.delete('regionales'));
    const messages: string[] = [];
    for (let e = error as Error | undefined; e; e = e.cause as Error | undefined) messages.push(e.message);
    expect(messages.join(' | ')).toContain('inserjeunes: HTTP 404');
    expect(published).toEqual([]);
  }, 40_000);
});
