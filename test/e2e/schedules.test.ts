import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../infra/app.js';
import { applySchedules, backfillSchedule, controlSchedule, listSchedules } from '../../infra/commands/schedules.js';
import type { RefreshSourceResult } from '../../workflows/refresh-source-workflow.js';
import { startHarness, type Harness } from '../support/harness.js';

const DAY = 86_400_000;
/** UTC date `YYYY-MM-DD`, `days` ago. */
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().slice(0, 10);

const SCHEDULES = `
timezone: Europe/Paris
catchupWindow: 1 day
overlap: SKIP
sources:
  bcn: { cron: "0 3 * * *", why: "daily at 03:00, for this test" }
  acce: { cron: "0 4 * * 2", why: "weekly, paused from the file", paused: true }
`;

/** What `schedules apply` owns in a schedule: comparing two of them says whether it was changed. */
const shape = (d: ScheduleDescription) =>
  JSON.parse(
    JSON.stringify({
      spec: d.spec,
      action: d.action,
      policies: d.policies,
      paused: d.state.paused,
      memo: d.memo,
      createdAt: d.info.createdAt,
    }),
  );

describe('schedules', () => {
  let h: Harness;
  let app: App;
  const previousFile = process.env.DEVENIR_SCHEDULES_FILE;
  const describeAll = async () =>
    Object.fromEntries(
      await Promise.all(
        ['bcn', 'acce'].map(
          async (s) =>
            [
              s,
              await h.client.schedule.getHandle(`${h.config.temporal.taskQueuePrefix}/refresh/${s}`).describe(),
            ] as const,
        ),
      ),
    );

  beforeAll(async () => {
    h = await startHarness({ lake: 's3' });
    await h.startWorker();
    app = {
      config: h.config,
      log: pino({ level: 'warn' }, pino.destination(2)),
      lake: async () => h.lake,
      client: async () => h.client,
    };
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'devenir-schedules-')), 'schedules.yml');
    writeFileSync(file, SCHEDULES);
    process.env.DEVENIR_SCHEDULES_FILE = file;
  });
  afterAll(async () => {
    if (previousFile === undefined) delete process.env.DEVENIR_SCHEDULES_FILE;
    else process.env.DEVENIR_SCHEDULES_FILE = previousFile;
    if (!h) return;
    for (const s of ['bcn', 'acce']) {
      await h.client.schedule
        .getHandle(`${h.config.temporal.taskQueuePrefix}/refresh/${s}`)
        .delete()
        .catch((e) => (e instanceof ScheduleNotFoundError ? undefined : Promise.reject(e)));
    }
    for await (const w of h.client.workflow.list({
      query: `TaskQueue = '${h.ctx.queues.workflows}' AND ExecutionStatus = 'Running'`,
    })) {
      await h.client.workflow
        .getHandle(w.workflowId, w.runId)
        .terminate('end of test')
        .catch(() => undefined); // the idle committer
    }
    await h.stop();
  });

  it('apply twice changes nothing, pause and unpause work, and a backfill runs each past tick for its own date', async () => {
    const first = await applySchedules(app);
    expect(first.map((s) => [s.schedule.split('/').pop(), s.change])).toEqual([
      ['bcn', 'created'],
      ['acce', 'created'],
    ]);
    const created = await describeAll();
    expect(created.bcn.spec.timezone).toBe('Europe/Paris');
    expect(created.acce.state.paused).toBe(true);
    expect(created.bcn.state.paused).toBe(false);

    const second = await applySchedules(app);
    expect(second.map((s) => s.change)).toEqual(['unchanged', 'unchanged']);
    const kept = await describeAll();
    for (const s of ['bcn', 'acce']) expect(shape(kept[s]), s).toEqual(shape(created[s]));

    await controlSchedule(app, 'pause', 'bcn');
    expect((await describeAll()).bcn.state.paused).toBe(true);
    expect((await listSchedules(app)).find((s) => s.schedule.endsWith('/bcn'))?.paused).toBe(true);
    await controlSchedule(app, 'unpause', 'bcn');
    expect((await describeAll()).bcn.state.paused).toBe(false);

    // Two ticks at 03:00 Paris time, three and two days ago: each run lands the period of its own tick.
    const [older, newer] = [daysAgo(3), daysAgo(2)];
    await backfillSchedule(app, 'bcn', `${older}T00:00:00Z`, `${newer}T12:00:00Z`);
    const scheduleId = `${h.config.temporal.taskQueuePrefix}/refresh/bcn`;
    const runs = async () => {
      const out = [];
      for await (const w of h.client.workflow.list({ query: `TemporalScheduledById = '${scheduleId}'` })) out.push(w);
      return out;
    };
    const end = Date.now() + 150_000;
    while ((await runs()).filter((w) => w.status.name !== 'RUNNING').length < 2) {
      if (Date.now() > end)
        throw new Error(
          `the backfilled ticks did not finish: ${JSON.stringify((await runs()).map((w) => [w.workflowId, w.status.name]))}`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
    const done = await runs();
    expect(done).toHaveLength(2);
    const ticks = [];
    const unchangedTicks: string[] = [];
    for (const w of done) {
      expect(w.workflowId.startsWith(`${h.env.DEVENIR_TASK_QUEUE_PREFIX}/scheduled/refresh/bcn`), w.workflowId).toBe(
        true,
      );
      expect(w.type).toBe('refreshSourceWorkflow');
      expect(w.status.name).toBe('COMPLETED');
      const scheduled = w.searchAttributes.TemporalScheduledStartTime?.[0];
      const at = scheduled instanceof Date ? scheduled : new Date(String(scheduled));
      const result = (await h.client.workflow.getHandle(w.workflowId, w.runId).result()) as RefreshSourceResult;
      const periods = [...new Set(result.landed.map((l) => l.period))];
      expect(periods).toEqual([at.toISOString().slice(0, 10)]);
      ticks.push(periods[0]);
      if (result.unchanged) unchangedTicks.push(periods[0]);
    }
    expect(ticks.sort()).toEqual([older, newer]);
    // A tick that found BCN as the other had landed it wrote no payload under its own date.
    const raw = (await h.lake.store.list('raw/bcn/n_formation_diplome/')).map((o) => o.key.split('/')[3]);
    expect([...new Set(raw)].sort()).toEqual(ticks.filter((t) => !unchangedTicks.includes(t)));

    for (const s of ['bcn', 'acce'])
      await h.client.schedule.getHandle(`${h.config.temporal.taskQueuePrefix}/refresh/${s}`).delete();
    expect(await listSchedules(app)).toEqual([]);
  }, 240_000);
});
