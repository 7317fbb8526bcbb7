import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../activities/export/run-query.js';
import { readSample } from '../../infra/simulators/sample-data.js';
import type { RefreshSourceResult } from '../../workflows/refresh-source-workflow.js';
import { startHarness, type Harness } from '../support/harness.js';
import { lakeListing } from '../support/lake-listing.js';

/** Records in the bundled N_FORMATION_DIPLOME (the BCN simulator serves exactly these). */
function sampleRows(): number {
  return (
    readSample('bcn/N_FORMATION_DIPLOME.csv')
      .toString('latin1')
      .split(/\r?\n/)
      .filter((l) => l.trim()).length - 1
  );
}

describe('first slice: BCN N_FORMATION_DIPLOME through Temporal, S3 and DuckDB', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ lake: 's3' });
    await h.startWorker();
  });
  afterAll(async () => h?.stop());

  const refresh = (id: string) =>
    h.client.workflow.execute('refreshSourceWorkflow', {
      taskQueue: h.ctx.queues.workflows,
      workflowId: `${h.ctx.idPrefix}/${id}`,
      args: [{ ...h.ctx, source: 'bcn', datasets: ['n_formation_diplome'], date: '2026-11-29' }],
    }) as Promise<RefreshSourceResult>;

  it('lands the raw payload, builds the staging model, publishes a snapshot, and answers the query', async () => {
    const result = await refresh('slice-1');
    expect(result.committed).toBe(true);
    expect(result.snapshotId).toBeGreaterThan(0);
    const raw = await h.lake.store.list('raw/bcn/n_formation_diplome/2026-11-29/');
    expect(raw).toHaveLength(1);
    const { rows } = await runQuery(
      h.lake,
      'select count(*) as n from staging.stg_bcn__formations_diplomes',
      {},
      h.config.workDir,
    );
    expect(Number(rows[0].n)).toBe(sampleRows());
    const accents = await runQuery(
      h.lake,
      "select count(*) as n from raw.bcn__n_formation_diplome where libelle_long_200 like '%É%' or libelle_long_200 like '%é%'",
      {},
      h.config.workDir,
    );
    expect(Number(accents.rows[0].n)).toBeGreaterThan(0);
  });

  it('a second refresh of unchanged data writes nothing and keeps the snapshot', async () => {
    const before = await lakeListing(h.lake.store, ['_meta/staged/']);
    const head = await h.lake.lakeSnapshot();
    const result = await refresh('slice-2');
    expect(result.tablesChanged).toEqual([]);
    expect(result.committed).toBe(false);
    expect(result.snapshotId).toBe(head?.snapshot_id);
    const after = await lakeListing(h.lake.store, ['_meta/staged/']);
    expect(after).toEqual(before);
  });
});
