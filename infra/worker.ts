import path from 'node:path';
import { configureDuckdb, defaultThreads } from '../lake/duckdb-settings.js';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities/index.js';
import type { Config, SourceId } from './config.js';
import { openLake } from '../lake/open-lake.js';
import { runContext } from './temporal.js';
import { WORKER_ROLES, type WorkerRole } from './worker-roles.js';
import { recordActivity, sdkMetricsAddress, serveMetrics } from './metrics.js';

const WORKFLOWS_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../workflows/index.ts');
let bundle: Promise<WorkflowBundle> | undefined;

/** The workflow bundle, built once per process (webpack, about a second). */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
  });
  return bundle;
}

export interface RunningWorker {
  /** Stops polling, lets running activities finish (up to the grace time), resolves when all are down. */
  shutdown(): Promise<void>;
  /** Resolves when the workers stop (after shutdown, or a fatal error). */
  done: Promise<void>;
}

let runtimeInstalled = false;
/** Where the Temporal SDK exports its Prometheus metrics in this process (when DEVENIR_METRICS_ADDRESS is set). */
let sdkMetrics: string | undefined;

/**
 * Starts the workers of one lake for the given roles (default all three): workflows, landing (I/O-bound, many
 * slots) and building (DuckDB-bound, one slot, which also serialises publishing through the committer).
 */
export async function startWorker(
  config: Config,
  log: Logger,
  defaultSourceUrls: Partial<Record<SourceId, string>> = {},
  roles: readonly WorkerRole[] = WORKER_ROLES,
): Promise<RunningWorker> {
  if (!runtimeInstalled) {
    // The SDK's own chatter goes to debug; its warnings and errors (e.g. "Activity failed", with the error) to warn.
    const forward = (level: 'debug' | 'warn') => (message: string, meta?: Record<string, unknown>) =>
      log[/^No (activities|workflows) registered/.test(message) ? 'debug' : level](
        { temporal: true, ...meta, err: meta?.error },
        message,
      );
    sdkMetrics = process.env.DEVENIR_METRICS_ADDRESS ? await sdkMetricsAddress() : undefined;
    Runtime.install({
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn: forward('warn'), error: forward('warn') } as never,
      telemetryOptions: sdkMetrics ? { metrics: { prometheus: { bindAddress: sdkMetrics } } } : undefined,
    });
    runtimeInstalled = true;
  }
  configureDuckdb({ ...config.duckdb, threads: config.duckdb.threads ?? defaultThreads(roles) });
  const ctx = runContext(config);
  const lake = await openLake({ lake: config.lake, s3: config.s3 });
  const metricsAddress = process.env.DEVENIR_METRICS_ADDRESS;
  const closeMetrics = metricsAddress ? await serveMetrics(metricsAddress, lake, sdkMetrics) : undefined;
  if (metricsAddress) log.info({ metrics: `http://${metricsAddress}/metrics` }, 'Prometheus metrics served');
  const plain = createActivities({ config, store: lake.store, lake, log, defaultSourceUrls });
  // With metrics on, every activity's result also feeds them.
  const activities = !metricsAddress
    ? plain
    : (Object.fromEntries(
        Object.entries(plain).map(([name, fn]) => [
          name,
          async (...args: unknown[]) => {
            const result = await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
            recordActivity(name, result);
            return result;
          },
        ]),
      ) as typeof plain);
  const connection = await NativeConnection.connect({ address: config.temporal.address ?? '127.0.0.1:7233' });
  // Heartbeats carry resume cursors (e.g. the per-UAI loop's): the SDK's default throttle (80% of the heartbeat
  // timeout, up to 60 s) would let the server's copy lag many batches behind, all refetched after a crash.
  const common = {
    connection,
    namespace: config.temporal.namespace,
    shutdownGraceTime: '10s' as const,
    maxHeartbeatThrottleInterval: '1s' as const,
  };
  const create: Record<WorkerRole, () => Promise<Worker>> = {
    workflows: async () =>
      Worker.create({ ...common, taskQueue: ctx.queues.workflows, workflowBundle: await workflowBundle() }),
    landing: () =>
      Worker.create({
        ...common,
        taskQueue: ctx.queues.landing,
        activities,
        maxConcurrentActivityTaskExecutions: Number(process.env.DEVENIR_LANDING_SLOTS ?? 8),
      }),
    building: () =>
      Worker.create({
        ...common,
        taskQueue: ctx.queues.building,
        activities,
        maxConcurrentActivityTaskExecutions: Number(process.env.DEVENIR_BUILDING_SLOTS ?? 1),
      }),
  };
  const workers = await Promise.all(roles.map((role) => create[role]()));
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    await connection.close();
    await closeMetrics?.();
  });
  log.debug({ queues: ctx.queues, roles, lake: config.lake }, 'worker started');
  return {
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
