import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { PlanSourceInput } from '../../activities/land/plan-source.js';
import type { LandSourceInput, LandSourceResult } from '../../activities/land/land-source.js';
import type { BuildLayersInput } from '../../activities/build/build-layers.js';
import type { PublishStagedInput, PublishStagedResult } from '../../activities/publish/publish-staged.js';
import { requestPublish } from '../../activities/publish/request-publish.js';
import { refreshPlan } from '../../activities/land/refresh-plan.js';
import { ContractError, HttpError } from '../../activities/errors.js';
import { toFailure } from '../../activities/to-failure.js';
import { staleBuild } from '../../lake/lake.js';
import { workflowBundle } from '../../infra/worker.js';
import type { RunContext } from '../../workflows/types.js';

/** What the stub activities saw, in call order, and the failures a test asks for. */
export interface StubLog {
  landed: LandSourceInput[];
  /** Every publish attempt, refused ones included. */
  published: PublishStagedInput[];
  builds: BuildLayersInput[];
  /** `source/dataset/period` prefixes whose landing fails with a ContractError. */
  failLanding: Set<string>;
  /** `source/dataset/period` prefix → how many more landing attempts answer a retryable HTTP 503. */
  unavailable: Map<string, number>;
  /** How many more publish attempts the lake refuses as stale (`StaleBuild`, as when another committer published). */
  stale: number;
}

export interface StubWorker {
  client: Client;
  ctx: RunContext;
  log: StubLog;
  /** A workflow id unique to this run. */
  id(name: string): string;
  stop(): Promise<void>;
}

/**
 * A worker on the running Temporal dev server (the time-skipping test server cannot be downloaded here) that runs
 * the real workflow code with stub activities: planning, landing, building and publishing answer at once and record
 * what they were asked; `requestPublish` (it only signals the committer) and `refreshPlan` are the real ones.
 */
export async function startStubWorker(): Promise<StubWorker> {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  try {
    Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never });
  } catch {
    // installed already by an earlier worker of this process
  }
  const prefix = `stub-${randomUUID().slice(0, 8)}`;
  const queue = `${prefix}-all`;
  const ctx: RunContext = {
    idPrefix: prefix,
    queues: { workflows: queue, landing: queue, building: queue },
    committerId: `${prefix}/committer`,
  };
  const log: StubLog = {
    landed: [],
    published: [],
    builds: [],
    failLanding: new Set(),
    unavailable: new Map(),
    stale: 0,
  };
  let snapshot = 0;
  const activities = {
    async planSource(input: PlanSourceInput) {
      const periods = input.periods?.length ? input.periods : [input.date];
      return (input.datasets?.length ? input.datasets : ['main']).flatMap((dataset) =>
        periods.map((period) => ({ dataset, period })),
      );
    },
    async landSource(input: LandSourceInput): Promise<LandSourceResult> {
      const key = `${input.source}/${input.dataset}/${input.period}`;
      log.landed.push(input);
      if ([...log.failLanding].some((prefix) => key.startsWith(prefix)))
        throw toFailure(new ContractError(`${key}: required column x missing`, input.source, input.dataset));
      const down = [...log.unavailable].find(([prefix, n]) => n > 0 && key.startsWith(prefix));
      if (down) {
        log.unavailable.set(down[0], down[1] - 1);
        throw toFailure(new HttpError(`${key}: HTTP 503 on /stub`, input.source, '/stub', 503, true));
      }
      return {
        source: input.source,
        dataset: input.dataset,
        period: input.period,
        stagedKey: `_meta/staged/${key.replace(/\//g, '-')}.json`,
        table: `raw.${input.source}__${input.dataset}`,
        rows: 10,
        quarantined: 0,
        requests: 2,
        rawKeys: 1,
        drift: { unknownColumns: [], unknownMeasures: [] },
        skipped: 0,
      } as LandSourceResult;
    },
    async buildLayers(input: BuildLayersInput) {
      log.builds.push(input);
      return { stagedKey: `_meta/staged/build-${log.builds.length}.json`, models: 1, rows: {}, warnings: [] };
    },
    async publishStaged(input: PublishStagedInput): Promise<PublishStagedResult> {
      log.published.push(input);
      if (log.stale > 0) {
        log.stale -= 1;
        throw toFailure(staleBuild([`published.t was built over raw.t@${snapshot}, now @${snapshot + 1}`]));
      }
      snapshot += 1;
      return {
        snapshotId: snapshot,
        committed: true,
        tablesChanged: ['published.t'],
        tables: 1,
        heldBack: [],
        modelsRun: ['t'],
      };
    },
    requestPublish,
    refreshPlan, // the registry's plan: data, no I/O beyond reading the declarations
  };
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue: queue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address }) });
  return {
    client,
    ctx,
    log,
    id: (name) => `${prefix}/${name}`,
    async stop() {
      await client.workflow
        .getHandle(ctx.committerId)
        .terminate('test over')
        .catch(() => undefined);
      worker.shutdown();
      await running;
      await connection.close();
      await client.connection.close();
    },
  };
}
