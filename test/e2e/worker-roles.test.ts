import type { ChildProcess } from 'node:child_process';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasLivePoller } from '../../infra/commands/require-workers.js';
import { startWorker, type RunningWorker } from '../../infra/worker.js';
import { runCli, spawnCliWorker, waitForPollers } from '../support/cli-run.js';
import { startHarness, type Harness } from '../support/harness.js';

describe('worker roles, and commands that say which queue has no worker', () => {
  let h: Harness;
  let inProcess: RunningWorker | undefined;
  let landing: ChildProcess | undefined;

  beforeAll(async () => {
    h = await startHarness({ lake: 'fs' });
  });
  afterAll(async () => {
    landing?.kill('SIGKILL');
    await inProcess?.shutdown();
    await h?.stop();
  });

  it('with no worker at all, refresh fails at once naming the queues and the command that starts a worker', async () => {
    const run = await runCli(h.env, ['refresh', '--source', 'acce', '--wait'], { timeoutMs: 60_000 });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`no worker polls the task queues ${h.ctx.queues.workflows} (workflows)`);
    expect(run.stderr).toContain('`npx devenir worker --simulators`');
    expect(run.stderr).toContain('or add --worker to run one in this process for this run');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a worker with some roles polls only their queues; the command names the queue still missing', async () => {
    const log = pino({ level: 'warn' }, pino.destination(2));
    inProcess = await startWorker(h.config, log, {}, ['workflows', 'building']);
    await waitForPollers(h.client, h.config.temporal.namespace, h.ctx, ['workflows', 'building']);
    expect(await hasLivePoller(h.client, h.config.temporal.namespace, h.ctx.queues.landing, 'activity')).toBe(false);
    const build = await runCli(h.env, ['build', '--json'], { timeoutMs: 60_000 });
    const refresh = await runCli(h.env, ['refresh', '--source', 'acce', '--wait'], { timeoutMs: 60_000 });
    expect(refresh.code).toBe(3);
    expect(refresh.stderr).toContain(`no worker polls the task queue ${h.ctx.queues.landing} (landing)`);
    expect(refresh.stderr).toContain('`npx devenir worker --role landing --simulators`');
    // build needs only the workflows and building queues: it is not refused.
    expect(build.stderr).not.toContain('no worker polls');
    expect(build.code, build.stderr).toBe(0);
  });

  it('with a landing-only worker process added, the refresh runs to its end', async () => {
    landing = spawnCliWorker(h.env, ['--role', 'landing']);
    await waitForPollers(h.client, h.config.temporal.namespace, h.ctx, ['landing']);
    const run = await runCli(h.env, ['refresh', '--source', 'acce', '--dataset', 'etablissements', '--wait', '--json']);
    expect(run.stderr).not.toContain('no worker polls');
    expect(run.code, run.stderr).toBe(0);
    const tables = await h.lake.tables();
    expect(tables.get('raw.acce__etablissements')?.summary.rows).toBeGreaterThan(0);
  });

  it('rejects an unknown role with exit code 2', async () => {
    const run = await runCli(h.env, ['worker', '--role', 'landing,cooking'], { timeoutMs: 60_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown role cooking');
  });

  it('with --worker, the command runs a worker in its own process for the run, publishes, and exits', async () => {
    // Queues of their own: the server lists a stopped worker's pollers for a while, which the cases above would see.
    const env = { ...h.env, DEVENIR_TASK_QUEUE_PREFIX: `${h.env.DEVENIR_TASK_QUEUE_PREFIX}-w` };
    const args = ['refresh', '--source', 'acce', '--dataset', 'uai_mere', '--json'];
    expect((await runCli(env, args, { timeoutMs: 60_000 })).code).toBe(3);
    const run = await runCli(env, [...args, '--worker'], { timeoutMs: 180_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('no worker polls');
    const result = JSON.parse(run.stdout) as { committed: boolean; snapshotId: number };
    expect(result.committed).toBe(true);
    expect((await h.lake.lakeSnapshot())?.snapshot_id).toBe(result.snapshotId);
    expect((await h.lake.tables()).get('raw.acce__uai_mere')?.summary.rows).toBeGreaterThan(0);
  });
});
