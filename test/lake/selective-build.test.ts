import { describe, expect, test } from 'vitest';
import { buildLayers } from '../../activities/build/build-layers.js';
import { plainRuntime, type ActivityDeps } from '../../activities/deps.js';
import type { Lake } from '../../lake/lake.js';
import { loadStaged } from '../../lake/staged.js';
import { lakeDeps, refresh, stageRaw } from '../support/lake-refresh.js';
import { acce, cohorte, inserjeunes } from '../transforms/fixtures.js';

const UAIS = ['0690001A', '0690002B', '0690003C', '0690004D'];
const MEF = {
  mef: '2470000113',
  mef_stat_11: '23830000001',
  formation_diplome: '40000001',
  duree_dispositif: '3',
  annee_dispositif: '3',
};
const ij = (uais: string[], millesime = '2021_2022') =>
  uais.flatMap((u) => inserjeunes('uai', u, millesime, '23830000001', cohorte(30, 5, 10)));

/** A lake with four establishments, their InserJeunes 2021_2022 rows and one MEF, built and published. */
async function publishedLake() {
  const deps = lakeDeps();
  const raw = {
    acce__etablissements: UAIS.map((u) => acce(u)),
    inserjeunes__etablissements: ij(UAIS),
    bcn__n_mef: [MEF],
  };
  return { deps, first: await refresh(deps, await stageRaw(deps, raw)) };
}

const snapshotIds = async (lake: Lake) =>
  Object.fromEntries([...(await lake.tables())].map(([name, m]) => [name, m.snapshot_id]));
const listing = async (deps: ActivityDeps) => (await deps.store.list('')).map((o) => o.key).sort();

describe('selective build', () => {
  test('runs only what changed; with no change it runs nothing and writes nothing', async () => {
    const { deps, first } = await publishedLake();
    expect(first.published.heldBack).toEqual([]);
    expect(first.built.modelsRun.length).toBe(first.built.models);
    const tables = await deps.lake.tables();
    expect(tables.get('staging.stg_acce__etablissements')!.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    // Nothing changed: no model runs, no object is written.
    const before = await listing(deps);
    const idle = await buildLayers(deps, plainRuntime(), { overlayStagedKeys: [] });
    expect({ ...idle, stagedKey: idle.stagedKey ?? null }).toMatchObject({
      modelsRun: [],
      stagedKey: null,
      heldBack: [],
    });
    expect(await listing(deps)).toEqual(before);

    // One more establishment in ACCE: its staging model and what reads it run, InserJeunes' and BCN's staging do not.
    const ids = await snapshotIds(deps.lake);
    const second = await refresh(
      deps,
      await stageRaw(deps, { acce__etablissements: [...UAIS, '0690005E'].map((u) => acce(u)) }),
    );
    expect(second.built.modelsRun).toContain('staging.stg_acce__etablissements');
    expect(second.built.modelsRun).not.toContain('staging.stg_inserjeunes__etablissements');
    expect(second.built.modelsRun).not.toContain('staging.stg_bcn__n_mef');
    expect(second.built.modelsRun.length).toBeLessThan(first.built.modelsRun.length);
    const after = await snapshotIds(deps.lake);
    expect(after['staging.stg_inserjeunes__etablissements']).toBe(ids['staging.stg_inserjeunes__etablissements']);
    expect(after['staging.stg_acce__etablissements']).toBeGreaterThan(ids['staging.stg_acce__etablissements']);
  }, 30_000);

  test('--full runs every model and writes the very same files as the selective builds', async () => {
    const { deps } = await publishedLake();
    await refresh(deps, await stageRaw(deps, { acce__etablissements: [...UAIS, '0690005E'].map((u) => acce(u)) }));
    const full = await buildLayers(deps, plainRuntime(), { overlayStagedKeys: [], full: true });
    expect(full.modelsRun.length).toBe(full.models);
    const committed = await deps.lake.tables();
    const rebuilt = await loadStaged(deps.store, full.stagedKey!);
    for (const t of rebuilt) {
      expect(
        t.files.map((f) => f.sha256),
        t.name,
      ).toEqual(committed.get(t.name)!.files.map((f) => f.sha256));
      expect(t.fingerprint, t.name).toBe(committed.get(t.name)!.fingerprint);
    }
  }, 30_000);

  test('a raw table lacking a column holds back its models; the rest publishes; the fix publishes them', async () => {
    const { deps } = await publishedLake();
    const ids = await snapshotIds(deps.lake);
    const acceBefore = (await deps.lake.tables()).get('staging.stg_acce__etablissements')!;
    const broken = await refresh(
      deps,
      await stageRaw(
        deps,
        {
          acce__etablissements: [...UAIS, '0690005E'].map((u) => acce(u)),
          inserjeunes__etablissements: ij(UAIS, '2022_2023'),
        },
        { drop: { acce__etablissements: ['appellation_officielle'] } },
      ),
    );
    const held = broken.published.heldBack;
    expect(held.find((h) => h.model === 'staging.stg_acce__etablissements')?.reason).toMatch(
      /raw.acce__etablissements lacks column\(s\) appellation_officielle/,
    );
    expect(held.find((h) => h.model === 'staging.stg_acce__etablissements')?.fix).toMatch(/fix the source/);
    const after = await deps.lake.tables();
    // The held-back model and its descendants keep their snapshot; InserJeunes' new millésime is published.
    for (const h of held) if (ids[h.model]) expect(after.get(h.model)!.snapshot_id, h.model).toBe(ids[h.model]);
    expect(after.get('staging.stg_acce__etablissements')!.files).toEqual(acceBefore.files);
    expect(Object.keys(after.get('staging.stg_inserjeunes__etablissements')!.summary.partitions)).toContain(
      '2022_2023',
    );
    expect((await deps.lake.lakeSnapshot())!.held_back.map((h) => h.model)).toEqual(held.map((h) => h.model));
    // No model that reads a held-back one is published from this build.
    for (const m of broken.built.heldBack) expect(after.get(m.model)?.snapshot_id ?? 0).toBe(ids[m.model] ?? 0);

    const fixed = await refresh(
      deps,
      await stageRaw(deps, { acce__etablissements: [...UAIS, '0690005E'].map((u) => acce(u)) }),
    );
    expect(fixed.published.heldBack).toEqual([]);
    expect(fixed.built.modelsRun).toEqual(
      expect.arrayContaining(held.filter((h) => !h.model.startsWith('raw.')).map((h) => h.model)),
    );
    expect((await deps.lake.tables()).get('staging.stg_acce__etablissements')!.summary.rows).toBe(5);
  }, 30_000);

  test.each([
    ['an empty answer', [] as string[]],
    ['a half-empty answer', UAIS.slice(0, 1)],
  ])(
    '%s for a millésime that had rows publishes nothing of it, says why; --accept-removal publishes',
    async (_, uais) => {
      const { deps } = await publishedLake();
      const ids = await snapshotIds(deps.lake);
      const shrink = () =>
        stageRaw(
          deps,
          { inserjeunes__etablissements: ij(uais) },
          { replace: { inserjeunes__etablissements: ['2021_2022'] } },
        );
      const { published } = await refresh(deps, await shrink());
      const rawHeld = published.heldBack.find((h) => h.model === 'raw.inserjeunes__etablissements');
      const previous = ij(UAIS).length;
      expect(rawHeld?.reason).toContain(`millesime=2021_2022 ${previous} → ${ij(uais).length} rows`);
      expect(rawHeld?.fix).toMatch(/--accept-removal/);
      expect(published.heldBack.map((h) => h.model)).toContain('staging.stg_inserjeunes__etablissements');
      expect(await snapshotIds(deps.lake)).toEqual(ids);

      const accepted = await refresh(deps, await shrink(), { acceptRemoval: true });
      expect(accepted.published.heldBack).toEqual([]);
      const raw = (await deps.lake.tables()).get('raw.inserjeunes__etablissements')!;
      expect(raw.summary.partitions['2021_2022'] ?? 0).toBe(ij(uais).length);
    },
    120_000,
  );
});
