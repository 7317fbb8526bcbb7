import type { Client } from '@temporalio/client';
import type { App } from '../app.js';
import { ServiceError } from '../services/service-error.js';
import { runContext } from '../temporal.js';
import type { WorkerRole } from '../worker-roles.js';

/** temporal.api.enums.v1.TaskQueueType values. */
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;

/** A poller seen this recently is a live worker: an idle one re-polls at least every minute (long poll). */
const LIVE_POLLER_MS = 90_000;

/** Whether some worker polled `taskQueue` (workflow or activity tasks) within the last LIVE_POLLER_MS. */
export async function hasLivePoller(
  client: Client,
  namespace: string,
  taskQueue: string,
  kind: 'workflow' | 'activity',
): Promise<boolean> {
  return (await livePollers(client, namespace, taskQueue, kind)) > 0;
}

/** How many workers (distinct identities) polled `taskQueue` within the last LIVE_POLLER_MS. */
export async function livePollers(
  client: Client,
  namespace: string,
  taskQueue: string,
  kind: 'workflow' | 'activity',
): Promise<number> {
  const response = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: kind === 'workflow' ? TASK_QUEUE_TYPE_WORKFLOW : TASK_QUEUE_TYPE_ACTIVITY,
  });
  const now = Date.now();
  const live = (response.pollers ?? []).filter((p) => {
    const seconds = Number(p.lastAccessTime?.seconds ?? 0);
    return seconds === 0 || now - seconds * 1000 < LIVE_POLLER_MS;
  });
  return new Set(live.map((p) => p.identity)).size;
}

/**
 * Before starting work: checks that some worker polls each queue the work needs, else fails with one sentence
 * naming the queue and the command that starts a worker for it (rather than waiting forever for none).
 */
export async function requireWorkers(app: App, client: Client, roles: readonly WorkerRole[]): Promise<void> {
  const queues = runContext(app.config).queues;
  const missing: WorkerRole[] = [];
  for (const role of roles) {
    const live = await hasLivePoller(
      client,
      app.config.temporal.namespace,
      queues[role],
      role === 'workflows' ? 'workflow' : 'activity',
    );
    if (!live) missing.push(role);
  }
  if (!missing.length) return;
  const names = missing.map((r) => `${queues[r]} (${r})`).join(', ');
  const roleArg = missing.length === 3 ? '' : ` --role ${missing.join(',')}`;
  throw new ServiceError(
    `no worker polls the task queue${missing.length > 1 ? 's' : ''} ${names}: start one in another terminal with ` +
      `\`npx devenir worker${roleArg} --simulators\` (drop --simulators when DEVENIR_<SOURCE>_URL point at the real services), then run this command again, ` +
      'or add --worker to run one in this process for this run',
  );
}

/**
 * The workers a command's run needs. With `inProcess` (`--worker`), a worker for `roles` runs in this process, with the
 * bundled simulators for every source that has no DEVENIR_<SOURCE>_URL, until the returned stop is called; otherwise
 * requireWorkers checks that deployed workers poll the queues.
 */
export async function workersFor(
  app: App,
  client: Client,
  roles: readonly WorkerRole[],
  inProcess: boolean | undefined,
): Promise<{ stop(): Promise<void> } | undefined> {
  if (!inProcess) return void (await requireWorkers(app, client, roles));
  const { startEmbedded } = await import('./embedded.js');
  return startEmbedded(app, { roles });
}
