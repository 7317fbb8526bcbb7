import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefreshSourceResult } from '../../workflows/refresh-source-workflow.js';
import { freePort } from '../../infra/metrics.js';
import type { RunningWorker } from '../../infra/worker.js';
import { startHarness, type Harness } from '../support/harness.js';

/** The value of one sample (`name{labels} value`) in a Prometheus text scrape, or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('DEVENIR_METRICS_ADDRESS: a Prometheus endpoint on the worker', () => {
  let h: Harness;
  let worker: RunningWorker;
  let address: string;
  beforeAll(async () => {
    address = `127.0.0.1:${await freePort()}`;
    process.env.DEVENIR_METRICS_ADDRESS = address;
    h = await startHarness({ lake: 'fs' });
    worker = await h.startWorker();
  });
  afterAll(async () => {
    delete process.env.DEVENIR_METRICS_ADDRESS;
    await worker?.shutdown();
    await h?.stop();
  });

  it('counts rows, requests and publishes per source, times models, ages landings, and carries the SDK metrics', async () => {
    h.sims.faults.add({ source: 'bcn', kind: 'status', status: 503, times: 2 });
    const result = (await h.client.workflow.execute('refreshSourceWorkflow', {
      taskQueue: h.ctx.queues.workflows,
      workflowId: `${h.ctx.idPrefix}/metrics`,
      args: [{ ...h.ctx, source: 'bcn', datasets: ['n_formation_diplome', 'n_niveau_formation_diplome'] }],
    })) as RefreshSourceResult;
    expect(result.committed).toBe(true);
    const text = await (await fetch(`http://${address}/metrics`)).text();

    const landed = result.landed.reduce((n, l) => n + l.rows, 0);
    const tables = await h.lake.tables();
    expect(landed).toBe(
      (tables.get('raw.bcn__n_formation_diplome')?.summary.rows ?? 0) +
        (tables.get('raw.bcn__n_niveau_formation_diplome')?.summary.rows ?? 0),
    );
    expect(sample(text, 'devenir_rows_landed_total', 'source="bcn"')).toBe(landed);
    expect(sample(text, 'devenir_rows_quarantined_total', 'source="bcn"')).toBe(
      result.landed.reduce((n, l) => n + l.quarantined, 0),
    );
    expect(sample(text, 'devenir_requests_total', 'source="bcn"')).toBe(
      result.landed.reduce((n, l) => n + l.requests, 0),
    );
    expect(sample(text, 'devenir_request_retries_total', 'source="bcn"')).toBe(2); // the two 503s
    expect(sample(text, 'devenir_publishes_total', 'outcome="committed"')).toBe(1);
    expect(
      sample(text, 'devenir_model_build_seconds', 'model="staging.stg_bcn__formations_diplomes"'),
    ).toBeGreaterThanOrEqual(0);
    const age = sample(text, 'devenir_source_last_landing_age_seconds', 'source="bcn"');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
    // The Temporal SDK's own metrics, from Runtime telemetryOptions (e.g. its worker start and poll counters).
    expect(text).toMatch(/^temporal_\w+/m);
  });
});
