import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { parse } from 'yaml';
import { registry } from '../../lake/dataset-registry.js';
import { z } from 'zod';
import type { RefreshSourceInput } from '../../workflows/refresh-source-workflow.js';
import type { App } from '../app.js';
import { SOURCE_IDS, type SourceId } from '../config.js';
import { runContext } from '../temporal.js';
import { UsageError } from './usage-error.js';

const DEFAULT_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schedules.yml');
const Overlap = z.enum(['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'TERMINATE_OTHER', 'ALLOW_ALL']);
const ScheduleFile = z.object({
  timezone: z.string(),
  catchupWindow: z.string(),
  overlap: Overlap,
  // Any subset of the sources (zod 4's record over an enum would demand every one of them). Absent: every source's
  // `schedule` in its registry entry (activities/land/datasets/<source>.yml).
  sources: z
    .partialRecord(
      z.enum(SOURCE_IDS),
      z.object({ cron: z.string(), why: z.string().optional(), paused: z.boolean().optional() }),
    )
    .optional(),
});

/** The schedule file (infra/schedules.yml, or DEVENIR_SCHEDULES_FILE), each source's cron from the registry unless the file lists them. */
export function loadSchedules(file = process.env.DEVENIR_SCHEDULES_FILE ?? DEFAULT_FILE) {
  const parsed = ScheduleFile.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new UsageError(`${file}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  const sources =
    parsed.data.sources ?? Object.fromEntries(Object.values(registry()).map((s) => [s.source as SourceId, s.schedule]));
  return { ...parsed.data, sources };
}

const scheduleId = (app: App, source: string) => `${app.config.temporal.taskQueuePrefix}/refresh/${source}`;

function options(app: App, source: SourceId, file: ReturnType<typeof loadSchedules>): ScheduleOptions {
  const entry = file.sources[source]!;
  const args: [RefreshSourceInput] = [{ ...runContext(app.config), source }];
  const desired = {
    spec: { cronExpressions: [entry.cron], timezone: file.timezone },
    overlap: file.overlap,
    catchupWindow: file.catchupWindow,
    args,
  };
  const fingerprint = createHash('sha256').update(JSON.stringify(desired)).digest('hex').slice(0, 16);
  return {
    scheduleId: scheduleId(app, source),
    spec: desired.spec,
    action: {
      type: 'startWorkflow',
      workflowType: 'refreshSourceWorkflow',
      taskQueue: runContext(app.config).queues.workflows,
      args,
      workflowId: `${app.config.temporal.taskQueuePrefix}/scheduled/refresh/${source}`,
    },
    policies: {
      overlap: ScheduleOverlapPolicy[file.overlap],
      catchupWindow: file.catchupWindow,
      pauseOnFailure: false,
    },
    memo: { devenirFingerprint: fingerprint, why: entry.why ?? '' },
    state: { paused: entry.paused ?? false, note: entry.why },
  };
}

/** `devenir schedules apply`: creates or updates every source's schedule; applying the same file twice changes nothing. */
export async function applySchedules(app: App, client?: Client) {
  client ??= await app.client();
  const file = loadSchedules();
  const out = [];
  for (const source of Object.keys(file.sources) as SourceId[]) {
    const wanted = options(app, source, file);
    const handle = client.schedule.getHandle(wanted.scheduleId);
    const current = await handle
      .describe()
      .catch((e) => (e instanceof ScheduleNotFoundError ? undefined : Promise.reject(e)));
    if (!current) {
      await client.schedule.create(wanted);
      out.push({ schedule: wanted.scheduleId, cron: file.sources[source]!.cron, change: 'created' });
    } else if (current.memo?.devenirFingerprint !== wanted.memo!.devenirFingerprint) {
      await handle.delete();
      await client.schedule.create(wanted); // re-created: the memo (our fingerprint) cannot be updated in place
      out.push({ schedule: wanted.scheduleId, cron: file.sources[source]!.cron, change: 'updated' });
    } else {
      out.push({ schedule: wanted.scheduleId, cron: file.sources[source]!.cron, change: 'unchanged' });
    }
  }
  return out;
}

/** `devenir schedules list`. */
export async function listSchedules(app: App, client?: Client) {
  client ??= await app.client();
  const out = [];
  for await (const s of client.schedule.list()) {
    if (!s.scheduleId.startsWith(`${app.config.temporal.taskQueuePrefix}/refresh/`)) continue;
    out.push({
      schedule: s.scheduleId,
      paused: s.state.paused,
      next: s.info.nextActionTimes[0]?.toISOString() ?? '',
      last: s.info.recentActions.at(-1)?.takenAt.toISOString() ?? '',
    });
  }
  return out.sort((a, b) => a.schedule.localeCompare(b.schedule));
}

function handleFor(app: App, client: Client, source: string) {
  if (!SOURCE_IDS.includes(source as SourceId))
    throw new UsageError(`unknown source "${source}"; sources: ${SOURCE_IDS.join(', ')}`);
  return client.schedule.getHandle(scheduleId(app, source));
}

/** `devenir schedules pause|unpause|trigger <source>`. */
export async function controlSchedule(
  app: App,
  verb: 'pause' | 'unpause' | 'trigger',
  source: string,
  client?: Client,
) {
  client ??= await app.client();
  const handle = handleFor(app, client, source);
  if (verb === 'pause') await handle.pause('paused with devenir schedules pause');
  if (verb === 'unpause') await handle.unpause('unpaused with devenir schedules unpause');
  if (verb === 'trigger') await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
  return { schedule: handle.scheduleId, done: verb };
}

/** `devenir schedules backfill <source> --from --to`: runs the ticks a schedule would have run in that range, one after the other. */
export async function backfillSchedule(app: App, source: string, from: string, to: string, client?: Client) {
  client ??= await app.client();
  const [start, end] = [new Date(from), new Date(to)];
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start > end)
    throw new UsageError('--from and --to take dates (YYYY-MM-DD or ISO times), --from first');
  const handle = handleFor(app, client, source);
  // BUFFER_ALL: every tick in the range runs (the schedule's SKIP would silently drop all but one).
  await handle.backfill({ start, end, overlap: ScheduleOverlapPolicy.BUFFER_ALL });
  return { schedule: handle.scheduleId, from: start.toISOString(), to: end.toISOString() };
}
