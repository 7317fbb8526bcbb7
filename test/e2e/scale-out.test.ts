import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../activities/export/run-query.js';
import type { RefreshAllResult } from '../../workflows/refresh-all-workflow.js';
import { spawnCliWorker, waitForPollers } from '../support/cli-run.js';
import { startHarness, type Harness } from '../support/harness.js';

const DATE = '2026-11-29';
const PERIODS = ['2021_2022'];

/** Per published table: rows and an order-insensitive checksum of their content (sum of row hashes). */
async function checksums(h: Harness): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name] of await h.lake.tables()) {
    if (!name.startsWith('published.')) continue;
    const { rows } = await runQuery(
      h.lake,
      `select count(*)::varchar || ':' || coalesce(sum(hash(t))::varchar, '0') as c from ${name} t`,
      {},
      h.config.workDir,
    );
    out[name] = String(rows[0].c);
  }
  return out;
}

async function refreshAll(h: Harness, id: string): Promise<RefreshAllResult> {
  return (await h.client.workflow.execute('refreshAllWorkflow', {
    taskQueue: h.ctx.queues.workflows,
    workflowId: `${h.ctx.idPrefix}/${id}`,
    args: [{ ...h.ctx, date: DATE, periods: PERIODS }],
  })) as RefreshAllResult;
}

/**
 * Scaled out on an S3 lake: two worker processes per role, one landing worker SIGKILLed while InserJeunes is being
 * landed (its per-UAI loop resumes on the other landing worker from the last heartbeat). The run publishes the same
 * content, table by table, as an uninterrupted run on another lake with one in-process worker.
 */
describe('two workers per role, one landing worker killed mid-run', () => {
  const harnesses: Harness[] = [];
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await Promise.all(harnesses.map((h) => h.stop()));
  });

  it('refresh-all completes with the same published content as a clean run', async () => {
    const clean = await startHarness({ lake: 's3', heartbeatTimeout: '60s' });
    harnesses.push(clean);
    const cleanWorker = await clean.startWorker();
    const cleanResult = await refreshAll(clean, 'refresh/all/clean');
    await cleanWorker.shutdown();
    expect(cleanResult.committed).toBe(true);
    const expected = await checksums(clean);
    expect(Object.keys(expected).length).toBeGreaterThan(3);

    const h = await startHarness({ lake: 's3', heartbeatTimeout: '20s' });
    harnesses.push(h);
    const spawn = (role: string) => {
      const child = spawnCliWorker(h.env, ['--role', role]);
      children.push(child);
      return child;
    };
    const [victim] = [spawn('landing'), spawn('landing'), spawn('workflows'), spawn('workflows')];
    spawn('building');
    spawn('building');
    await waitForPollers(h.client, h.config.temporal.namespace, h.ctx, ['landing', 'workflows', 'building'], 2);
    const run = refreshAll(h, 'refresh/all/killed');
    // Kill a landing worker once the per-UAI InserJeunes loop is under way.
    const uaiRequests = () => (h.sims.requests.get('inserjeunes') ?? []).filter((r) => r.includes('/UAI/')).length;
    const deadline = Date.now() + 600_000;
    while (uaiRequests() < 500) {
      if (Date.now() > deadline) throw new Error('the per-UAI loop never started');
      await new Promise((r) => setTimeout(r, 200));
    }
    victim.kill('SIGKILL');
    const result = await run;
    expect(victim.signalCode).toBe('SIGKILL');
    expect(result.sources.filter((s) => s.error)).toEqual([]);
    expect(result.committed).toBe(true);
    expect(await checksums(h)).toEqual(expected);
  }, 2_400_000);
});
