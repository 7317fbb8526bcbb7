import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_IDS } from '../../activities/land/sources.js';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import type { RefreshAllResult } from '../../workflows/refresh-all-workflow.js';
import type { RefreshSourceResult } from '../../workflows/refresh-source-workflow.js';
import { startHarness, type Harness } from '../support/harness.js';
import { lakeListing } from '../support/lake-listing.js';

/** A refresh that finds nothing new lands nothing: no payload, no staged set, no publish, on a later day too. */
describe('no-op refresh: unchanged payloads stop at landing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ lake: 's3' });
    await h.startWorker();
  });
  afterAll(async () => h?.stop());

  const refresh = (id: string, source: 'acce' | 'bcn', date: string, datasets?: string[]) =>
    h.client.workflow.execute('refreshSourceWorkflow', {
      taskQueue: h.ctx.queues.workflows,
      workflowId: `${h.ctx.idPrefix}/${id}`,
      args: [{ ...h.ctx, source, date, datasets }],
    }) as Promise<RefreshSourceResult>;
  const listing = () => lakeListing(h.lake.store);

  it('BCN (no usable validator: its envelope carries the time of sending) compares the payload itself', async () => {
    const first = await refresh('bcn-1', 'bcn', '2026-11-29', ['n_formation_diplome']);
    expect(first.committed).toBe(true);
    const before = await listing();
    const second = await refresh('bcn-2', 'bcn', '2026-11-30', ['n_formation_diplome']);
    expect(second.unchanged).toBe(true);
    expect(second.landed[0]).toMatchObject({ unchanged: true, notModified: false, rows: 0 });
    expect(await listing()).toEqual(before);
    const raw = await h.lake.store.list('raw/bcn/n_formation_diplome/');
    expect(raw.map((o) => o.key.split('/')[3])).toEqual(['2026-11-29']);
  });

  it('a later refresh of an unchanged ACCE gets 304 Not Modified and writes no object', async () => {
    const first = await refresh('acce-1', 'acce', '2026-11-29');
    expect(first.committed).toBe(true);
    expect(first.landed.every((l) => l.rows > 0 && !l.unchanged)).toBe(true);
    const before = await listing();
    const head = await h.lake.lakeSnapshot();

    const second = await refresh('acce-2', 'acce', '2026-11-30');
    expect(second.unchanged).toBe(true);
    expect(second.message).toBe('nothing new');
    expect(second.landed.map((l) => [l.dataset, l.notModified, l.rows])).toEqual(
      first.landed.map((l) => [l.dataset, true, 0]),
    );
    expect(second.stagedKeys).toEqual([]);
    expect(second.modelsRun).toEqual([]); // no publish was requested: no model ran
    expect(second.snapshotId).toBe(head?.snapshot_id);
    expect(await listing()).toEqual(before);
    expect((await h.lake.lakeSnapshot())?.snapshot_id).toBe(head?.snapshot_id);
    // The publisher saw conditional requests and answered them without a body.
    const asked = h.sims.requests.get('acce') ?? [];
    expect(asked.filter((r) => r.includes('ACCE_UAI.csv'))).toHaveLength(2);
  });

  it('a changed payload lands and publishes as before', async () => {
    await fetch(`${h.sims.url}/__control/faults`, {
      method: 'POST',
      body: JSON.stringify({
        source: 'acce',
        kind: 'extra-column',
        column: 'nouvelle_colonne',
        to: 'x',
        match: 'ACCE_UAI.csv',
      }),
    });
    try {
      const third = await refresh('acce-3', 'acce', '2026-12-01', ['etablissements']);
      expect(third.unchanged).toBeFalsy();
      expect(third.committed).toBe(true);
      expect(third.landed[0].notModified).toBeFalsy();
      expect(third.landed[0].drift.unknownColumns).toEqual(['nouvelle_colonne']);
      expect(third.landed[0].rows).toBeGreaterThan(0);
    } finally {
      await fetch(`${h.sims.url}/__control/faults`, { method: 'DELETE' });
    }
  });

  it('refresh-all with freshness does not ask ACCE again within its schedule, and says so; without it, asks', async () => {
    const refreshAll = (id: string, freshness?: { timeZone: string }) =>
      h.client.workflow.execute('refreshAllWorkflow', {
        taskQueue: h.ctx.queues.workflows,
        workflowId: `${h.ctx.idPrefix}/${id}`,
        args: [{ ...h.ctx, date: '2026-12-02', skip: SOURCE_IDS.filter((s) => s !== 'acce'), freshness }],
      }) as Promise<RefreshAllResult>;
    const before = await listing();
    const asked = [...(h.sims.requests.get('acce') ?? [])];
    const fresh = await refreshAll('all-fresh', { timeZone: 'Europe/Paris' });
    expect(fresh.unchanged).toBe(true);
    expect(fresh.sources).toEqual([]);
    expect(fresh.snapshotId).toBe((await h.lake.lakeSnapshot())?.snapshot_id);
    const declared = Object.values(sourceDatasets('acce')).filter((d) => !d.optIn);
    expect(fresh.fresh?.map((f) => f.dataset).sort()).toEqual(declared.map((d) => d.dataset).sort());
    for (const f of fresh.fresh ?? []) expect(f.fetchedAt >= f.lastPublication).toBe(true);
    expect(h.sims.requests.get('acce')).toEqual(asked); // the publisher was not asked
    expect(await listing()).toEqual(before);

    const forced = await refreshAll('all-forced');
    expect(forced.fresh).toBeUndefined();
    expect(forced.sources.map((s) => [s.source, s.datasets])).toEqual([['acce', declared.length]]);
    expect((h.sims.requests.get('acce') ?? []).length).toBeGreaterThan(asked.length);
  });
});
