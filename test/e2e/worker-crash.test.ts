import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../activities/export/run-query.js';
import type { RefreshSourceResult } from '../../workflows/refresh-source-workflow.js';
import { startHarness, type Harness } from '../support/harness.js';

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a worker killed during landing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ lake: 's3', heartbeatTimeout: '5s' });
  });
  afterAll(async () => h?.stop());

  it('is replaced by another worker, and the workflow finishes with the same result', async () => {
    // The first BCN download hangs long enough for the worker to be killed while it is in flight.
    h.sims.faults.add({ source: 'bcn', kind: 'slow', delayMs: 15_000, match: 'nomenclature', times: 1 });
    const first = h.spawnWorker();
    const handle = await h.client.workflow.start('refreshSourceWorkflow', {
      taskQueue: h.ctx.queues.workflows,
      workflowId: `${h.ctx.idPrefix}/crash-1`,
      args: [{ ...h.ctx, source: 'bcn', datasets: ['n_formation_diplome'], date: '2026-11-29' }],
    });
    await until(() => (h.sims.requests.get('bcn') ?? []).some((r) => r.includes('nomenclature')));
    first.kill('SIGKILL');
    await new Promise<void>((resolve) => first.once('exit', () => resolve()));
    h.spawnWorker();
    const result = (await handle.result()) as RefreshSourceResult;
    expect(result.committed).toBe(true);
    const downloads = (h.sims.requests.get('bcn') ?? []).filter((r) => r.includes('nomenclature'));
    expect(downloads.length).toBe(2); // the one lost with the worker, and its retry
    const { rows } = await runQuery(
      h.lake,
      'select count(*) as n, count(distinct formation_diplome) as cfd from raw.bcn__n_formation_diplome',
      {},
      h.config.workDir,
    );
    expect(rows[0].n).toBe(rows[0].cfd); // no duplicate rows from the lost attempt
    const staged = await runQuery(
      h.lake,
      'select count(*) as n from staging.stg_bcn__formations_diplomes',
      {},
      h.config.workDir,
    );
    expect(Number(staged.rows[0].n)).toBe(Number(rows[0].n));
  });
});
