/**
 * Orchestration overhead on a real Temporal dev server: refresh-all of one millésime against the bundled simulators
 * with an in-process worker, wall time against the activities' own time read from the workflow histories (the parent,
 * its `<id>/<source>` children and the lake's committer), then the same refresh again with nothing changed upstream.
 * Uses its own task queues and a temp lake; leaves the services running (like `devenir start`).
 * Usage: npx tsx bench/orchestration.ts [--millesime 2021_2022]
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { SIMULATOR_RATE } from '../infra/commands/embedded.js';
import { loadConfig } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';
import { servicesUp } from '../infra/services/index.js';
import { startSimulators } from '../infra/simulators/index.js';
import { sampleMillesimes } from '../infra/simulators/sample-data.js';
import { connectClient, runContext } from '../infra/temporal.js';
import { startWorker } from '../infra/worker.js';
import type { RefreshAllResult } from '../workflows/refresh-all-workflow.js';
import { benchDir, benchEnv, peakRssMb, secs } from './bench-env.js';

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];
interface ActivitySpan {
  workflow: string;
  type: string;
  scheduled: number;
  started: number;
  closed: number;
}
interface RunFigures {
  load: number;
  wallMs: number;
  activities: ActivitySpan[];
  workflowTasks: number;
  workflowTaskMs: number;
  workflows: number;
  result: RefreshAllResult;
}

const ms = (ts: HistoryEvent['eventTime']): number => Number(String(ts?.seconds ?? 0)) * 1000 + (ts?.nanos ?? 0) / 1e6;

/** Activities (scheduled → started → completed), workflow tasks and children of one history; only what was scheduled in [from, to]. */
function readHistory(workflow: string, events: HistoryEvent[], from: number, to: number) {
  const scheduled = new Map<string, { type: string; at: number }>();
  const started = new Map<string, number>();
  const activities: ActivitySpan[] = [];
  const wftScheduled = new Map<string, number>();
  const children: string[] = [];
  let workflowTasks = 0;
  let workflowTaskMs = 0;
  for (const e of events) {
    const at = ms(e.eventTime);
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes)
      scheduled.set(id, { type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?', at });
    if (e.activityTaskStartedEventAttributes)
      started.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), at);
    const closed =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes;
    if (closed) {
      const s = scheduled.get(String(closed.scheduledEventId));
      if (s && s.at >= from && s.at <= to)
        activities.push({
          workflow,
          type: s.type,
          scheduled: s.at,
          started: started.get(String(closed.scheduledEventId)) ?? s.at,
          closed: at,
        });
    }
    const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (child) children.push(child);
    if (e.workflowTaskScheduledEventAttributes) wftScheduled.set(id, at);
    if (e.workflowTaskCompletedEventAttributes) {
      const s = wftScheduled.get(String(e.workflowTaskCompletedEventAttributes.scheduledEventId));
      if (s !== undefined && s >= from && s <= to) {
        workflowTasks += 1;
        workflowTaskMs += at - s;
      }
    }
  }
  return { activities, workflowTasks, workflowTaskMs, children };
}

/** Runs refresh-all under `workflowId` to its end and reads back every history it touched: its own, its children's, the committer's. */
async function timedRefresh(
  client: Client,
  workflowId: string,
  args: Record<string, unknown>,
  committerId: string,
  queue: string,
): Promise<RunFigures> {
  const from = Date.now();
  const handle = await client.workflow.start('refreshAllWorkflow', { workflowId, taskQueue: queue, args: [args] });
  const result = (await handle.result()) as RefreshAllResult;
  const to = Date.now();
  const ids = [workflowId, committerId];
  const figures: RunFigures = {
    load: os.loadavg()[0],
    wallMs: to - from,
    activities: [],
    workflowTasks: 0,
    workflowTaskMs: 0,
    workflows: 0,
    result,
  };
  for (let i = 0; i < ids.length; i++) {
    const history = await client.workflow.getHandle(ids[i]).fetchHistory();
    const h = readHistory(ids[i], history.events ?? [], from, to);
    ids.push(...h.children);
    figures.workflows += 1;
    figures.activities.push(...h.activities);
    figures.workflowTasks += h.workflowTasks;
    figures.workflowTaskMs += h.workflowTaskMs;
  }
  return figures;
}

/** Time covered by at least one running activity. */
function busyMs(spans: ActivitySpan[]): number {
  let total = 0;
  let end = -Infinity;
  for (const s of [...spans].sort((a, b) => a.started - b.started)) {
    if (s.closed <= end) continue;
    total += s.closed - Math.max(s.started, end);
    end = s.closed;
  }
  return total;
}

function report(label: string, f: RunFigures): void {
  const sum = f.activities.reduce((n, a) => n + a.closed - a.started, 0);
  const busy = busyMs(f.activities);
  const waited = f.activities.reduce((n, a) => n + a.started - a.scheduled, 0);
  console.log(
    `  ${label}: wall ${secs(f.wallMs)}, snapshot ${f.result.snapshotId ?? '-'} (${f.result.committed ? 'committed' : 'nothing new'}), ${f.result.sources.reduce((n, s) => n + s.rows, 0).toLocaleString('en')} rows landed, load ${f.load.toFixed(1)} at the end`,
  );
  console.log(
    `    ${f.activities.length} activities in ${f.workflows} workflows: own time ${secs(sum)} summed, ${secs(busy)} with at least one running; queued before start ${secs(waited)} summed`,
  );
  console.log(
    `    wall / summed activity time ${(f.wallMs / sum).toFixed(2)}, wall / busy time ${(f.wallMs / busy).toFixed(2)}: ${secs(f.wallMs - busy)} (${((100 * (f.wallMs - busy)) / f.wallMs).toFixed(1)} %) with no activity running`,
  );
  console.log(`    ${f.workflowTasks} workflow tasks, ${secs(f.workflowTaskMs)} scheduled → completed summed`);
  const byType = new Map<string, { n: number; ms: number }>();
  for (const a of f.activities) {
    const t = byType.get(a.type) ?? { n: 0, ms: 0 };
    byType.set(a.type, { n: t.n + 1, ms: t.ms + a.closed - a.started });
  }
  const spans = new Map<string, { from: number; to: number }>();
  for (const a of f.activities) {
    const s = spans.get(a.workflow) ?? { from: a.started, to: a.closed };
    spans.set(a.workflow, { from: Math.min(s.from, a.started), to: Math.max(s.to, a.closed) });
  }
  const longest = [...spans]
    .map(
      ([id, s]) => [id.startsWith('committer/') ? 'committer' : (id.split('/').at(-1) ?? id), s.to - s.from] as const,
    )
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4);
  console.log(
    `    longest workflows (first activity start → last activity end): ${longest.map(([id, span]) => `${id} ${secs(span)}`).join(', ')}`,
  );
  console.log(
    `    by activity: ${[...byType]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([type, t]) => `${type} ×${t.n} ${secs(t.ms)}`)
      .join(', ')}`,
  );
}

const millesimeArg = process.argv.indexOf('--millesime');
const millesime = millesimeArg > 0 ? process.argv[millesimeArg + 1] : sampleMillesimes().at(-1)!;
const dir = benchDir();
const home = process.env.DEVENIR_HOME ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.devenir');
const extra: Record<string, string> = { DEVENIR_HOME: home, DEVENIR_TASK_QUEUE_PREFIX: `bench-${process.pid}` };
if (process.env.TEMPORAL_ADDRESS) extra.TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS;
let config = loadConfig(benchEnv(dir, Number(SIMULATOR_RATE), extra));
const log = createLogger('error', { pretty: false });
const servicesStarted = performance.now();
const up = await servicesUp(config, { log, s3: false });
const servicesMs = performance.now() - servicesStarted;
config = { ...config, temporal: { ...config.temporal, address: up.temporalAddress } };
const sims = await startSimulators();
const workerStarted = performance.now();
const worker = await startWorker(config, log, sims.baseUrls);
const workerMs = performance.now() - workerStarted;
const client = await connectClient(config);
const ctx = runContext(config);
const date = new Date().toISOString().slice(0, 10);
try {
  console.log(
    `orchestration benchmark: refresh-all of millésime ${millesime}, simulators at ${SIMULATOR_RATE} requests/s, Temporal at ${up.temporalAddress}, ${os.cpus().length} cores`,
  );
  console.log(
    `  services up ${secs(servicesMs)} (${up.started.length ? `started ${up.started.join(', ')}` : 'already running'}), worker start (workflow bundle + 3 workers) ${secs(workerMs)}`,
  );
  const stamp = Date.now();
  const first = await timedRefresh(
    client,
    `bench/refresh-all/${stamp}/first`,
    { ...ctx, date, periods: [millesime] },
    ctx.committerId,
    ctx.queues.workflows,
  );
  report('first refresh', first);
  const noop = await timedRefresh(
    client,
    `bench/refresh-all/${stamp}/again`,
    { ...ctx, date, periods: [millesime] },
    ctx.committerId,
    ctx.queues.workflows,
  );
  report('no-op refresh (nothing changed upstream)', noop);
  console.log(`  peak RSS of this process (worker + simulators) ${peakRssMb().toFixed(0)} MB`);
} finally {
  // The committer waits 10 minutes for more work; its queue dies with this worker, so end it now.
  await client.workflow
    .getHandle(ctx.committerId)
    .terminate('orchestration benchmark done')
    .catch(() => undefined);
  await client.connection.close();
  await worker.shutdown();
  await sims.close();
  rmSync(dir, { recursive: true, force: true });
}
