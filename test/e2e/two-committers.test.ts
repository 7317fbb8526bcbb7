import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../activities/export/run-query.js';
import type { PublishStagedResult } from '../../activities/publish/publish-staged.js';
import { paths } from '../../lake/manifest.js';
import type { RefreshSourceInput, RefreshSourceResult } from '../../workflows/refresh-source-workflow.js';
import { contentChecksums } from '../support/checksums.js';
import { startHarness, type Harness } from '../support/harness.js';

type Refresh = Omit<RefreshSourceInput, keyof Harness['ctx']>;
/** What each deployment's change of the second case reaches: BCN's referential, InserJeunes' staged figures. */
const CHANGED = ['published.certifications', 'staging.stg_inserjeunes__nationales'];

/**
 * Two deployments (their own task-queue prefix, worker and committer workflow) configured with the same
 * DEVENIR_LAKE publish at the same time: their committers race on the lake's compare-and-swap pointers.
 */
describe('two committers on one S3 lake, through two Temporal deployments', () => {
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    a = await startHarness({ lake: 's3', heartbeatTimeout: '5s' });
    b = await startHarness({ heartbeatTimeout: '5s', env: { DEVENIR_LAKE: a.env.DEVENIR_LAKE } });
    await Promise.all([a.startWorker(), b.startWorker()]);
  });
  afterAll(async () => Promise.all([a?.stop(), b?.stop()]));

  const refresh = (h: Harness, id: string, input: Refresh) =>
    h.client.workflow.execute('refreshSourceWorkflow', {
      taskQueue: h.ctx.queues.workflows,
      workflowId: `${h.ctx.idPrefix}/${id}`,
      args: [{ ...h.ctx, build: false, ...input }],
    }) as Promise<RefreshSourceResult>;

  it('keeps one linear history holding every table change of both', async () => {
    expect(b.ctx.committerId).not.toBe(a.ctx.committerId);
    expect(b.config.lake).toBe(a.config.lake);
    // Both write raw.inserjeunes__nationales (one millésime each) and a BCN table of their own, all at once.
    const runs: Array<[Harness, string, Refresh]> = [
      [a, 'ij-2021', { source: 'inserjeunes', datasets: ['nationales'], periods: ['2021'] }],
      [b, 'ij-2022', { source: 'inserjeunes', datasets: ['nationales'], periods: ['2022'] }],
      [a, 'bcn-niveaux', { source: 'bcn', datasets: ['n_niveau_formation_diplome'] }],
      [b, 'bcn-groupes', { source: 'bcn', datasets: ['n_groupe_formation'] }],
      [a, 'bcn-familles', { source: 'bcn', datasets: ['n_famille_metier_spec_pro'] }],
      [b, 'bcn-liens', { source: 'bcn', datasets: ['n_lien_formation_groupe'] }],
    ];
    const results = await Promise.all(runs.map(([h, id, input]) => refresh(h, id, input)));
    expect(results.every((r) => r.committed)).toBe(true);

    // Linear: every lake snapshot written is on the head's chain, numbered 1..n, each the child of the previous.
    const history = (await a.lake.lakeLog.history()).reverse();
    expect(history.map((s) => s.snapshot_id)).toEqual(runs.map((_, i) => i + 1));
    expect(history.map((s) => s.parent_snapshot_id)).toEqual(runs.map((_, i) => (i === 0 ? null : i)));
    const written = await a.lake.store.list('_meta/lake/snapshots/');
    expect(written.map((o) => o.key).sort()).toEqual(history.map((s) => paths.lakeSnapshot(s.snapshot_id)));
    expect(new Set(results.map((r) => r.snapshotId))).toEqual(new Set(history.map((s) => s.snapshot_id)));
    // No snapshot drops or rewinds a table another one published before it.
    for (const [i, s] of history.entries())
      for (const [table, id] of Object.entries(history[i - 1]?.tables ?? {}))
        expect(s.tables[table], `${table} in snapshot ${s.snapshot_id}`).toBeGreaterThanOrEqual(id);

    // Nothing lost: each run's tables read at the head the same rows as at the snapshot that published them.
    const head = await contentChecksums(a.lake, a.config.workDir);
    for (const r of results) {
      const tables = r.landed.map((l) => `raw.${r.source}__${l.dataset}`);
      const own = await contentChecksums(a.lake, a.config.workDir, tables, { snapshot: r.snapshotId });
      const period = r.source === 'inserjeunes' ? r.landed[0].period : undefined;
      for (const [key, sum] of Object.entries(own)) {
        if (period && !key.endsWith(`[${period}]`)) continue;
        expect(head[key], `${key} at the head`).toEqual(sum);
        expect(sum.rows, key).toBe(r.landed.reduce((n, l) => n + l.rows, 0));
      }
    }
    expect(
      Object.keys(head)
        .filter((k) => k.startsWith('raw.inserjeunes__nationales ['))
        .sort(),
    ).toEqual(['raw.inserjeunes__nationales [2021]', 'raw.inserjeunes__nationales [2022]']);
    // The other deployment reads the same head.
    expect(await b.lake.lakeSnapshot()).toEqual(history.at(-1));
  });

  it('never publishes a model built over an input the other published meanwhile: its committer builds it again', async () => {
    // Every layer built over both deployments' raw tables (all of the BCN now).
    expect((await refresh(a, 'bcn-all', { source: 'bcn', build: true })).committed).toBe(true);
    // Then at once: A's BCN relabels its diploma levels, B's InserJeunes revises one figure in 40; both rebuild.
    a.sims.faults.add({
      source: 'bcn',
      kind: 'extra-column',
      column: 'libelle_court',
      to: 'NIVEAU MODIFIÉ',
      match: 'N_NIVEAU_FORMATION_DIPLOME',
    });
    b.sims.faults.add({ source: 'inserjeunes', kind: 'bad-value', column: 'valeur_mesure', to: '7', every: 40 });
    const before = await contentChecksums(a.lake, a.config.workDir, CHANGED);
    const builds: Array<[Harness, string, Refresh]> = [
      [a, 'relabel', { source: 'bcn', datasets: ['n_niveau_formation_diplome'], build: true }],
      [b, 'revise', { source: 'inserjeunes', datasets: ['nationales'], periods: ['2022'], build: true }],
    ];
    // Both publish, without a run again: a build the lake refuses as stale is built again by its committer over the
    // new head (the result counts the refusals; whether a race happens depends on timing).
    const results = await Promise.all(builds.map(([h, id, input]) => refresh(h, id, input)));
    expect(results.map((r) => r.committed)).toEqual([true, true]);
    process.stdout.write(`stale refusals: ${results.map((r) => r.staleRefusals ?? 0).join(', ')}\n`);

    // Every model at the head was built over the head's version of its inputs: a build finds nothing to do.
    const rebuild = (await a.client.workflow.execute('buildLayersWorkflow', {
      taskQueue: a.ctx.queues.workflows,
      workflowId: `${a.ctx.idPrefix}/build`,
      args: [{ ...a.ctx }],
    })) as PublishStagedResult;
    expect(rebuild.modelsRun).toEqual([]);
    // Both changes were published, and the figures read the relabelled referential.
    const after = await contentChecksums(a.lake, a.config.workDir, CHANGED);
    for (const key of ['published.certifications', 'staging.stg_inserjeunes__nationales [2021_2022]'])
      expect(after[key], key).not.toEqual(before[key]);
    const untouched = 'staging.stg_inserjeunes__nationales [2020_2021]';
    expect(after[untouched]).toEqual(before[untouched]);
    const relabelled = await runQuery(
      a.lake,
      "select count(*)::integer as n from matched.stats_nationales where diplome_libelle = 'NIVEAU MODIFIÉ'",
      {},
      a.config.workDir,
    );
    expect(relabelled.rows[0].n).toBeGreaterThan(0);
  });
});
