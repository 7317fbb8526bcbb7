import { describe, expect, test } from 'vitest';
import { checkModels } from '../../lake/contract-checks.js';
import { acce, cohorte, given, inserjeunes } from './fixtures.js';
import { build, models, openDb } from './support.js';

describe('contract checks', () => {
  test('every contract passes on a consistent build', async () => {
    const db = await openDb();
    await given(db, {
      acce__etablissements: [acce('0690001A')],
      inserjeunes__etablissements: inserjeunes('uai', '0690001A', '2021_2022', '23830000001', cohorte(30, 5, 10)),
      bcn__n_mef: [
        {
          mef: '2470000113',
          mef_stat_11: '23830000001',
          formation_diplome: '40000001',
          duree_dispositif: '3',
          annee_dispositif: '3',
        },
      ],
    });
    await build(db);
    const failed = (await checkModels(db, await models(), { rowDriftThreshold: 0.5 })).filter((r) => !r.passed);
    expect(failed.map((r) => r.message)).toEqual([]);
  });

  test('a failing unique key is reported with the model, the check and sample offending rows', async () => {
    const db = await openDb();
    await build(db);
    const all = await models();
    const model = all.find((m) => m.id === 'staging.stg_reference__academies')!;
    await db.run(
      `insert into staging.stg_reference__academies select * from staging.stg_reference__academies where code_academie in ('01', '10')`,
    );
    const results = await checkModels(db, [model], { rowDriftThreshold: 0.5, previousRowCounts: { [model.id]: 20 } });
    const unique = results.find((r) => r.check === 'unique(code_academie)')!;
    expect(unique).toMatchObject({
      model: 'staging.stg_reference__academies',
      passed: false,
      severity: 'error',
      failingRows: 4,
    });
    expect(unique.sample).toEqual([
      { code_academie: '01', n: '2' },
      { code_academie: '10', n: '2' },
    ]);
    expect(unique.message).toBe(
      '[error] staging.stg_reference__academies: unique(code_academie) failed on 4 row(s); e.g. {"code_academie":"01","n":"2"}; {"code_academie":"10","n":"2"}',
    );
    const drift = results.find((r) => r.check === 'row_count_drift')!;
    expect(drift).toMatchObject({
      passed: false,
      failingRows: 18,
      sample: [{ previous: 20, current: 38, drift: 0.9, threshold: 0.5 }],
    });
  });

  test('not-null, accepted values and relationships (error and warn) name their offending values', async () => {
    const db = await openDb();
    await given(db, {
      inserjeunes__etablissements: inserjeunes('uai', '0690001A', '2021_2022', '40000001', cohorte(30, 5, 10)),
    });
    await build(db);
    await db.run(`insert into staging.stg_inserjeunes__etablissements
      select * replace ('autre' as filiere, null as dimension) from staging.stg_inserjeunes__etablissements`);
    const all = await models();
    const staging = all.find((m) => m.id === 'staging.stg_inserjeunes__etablissements')!;
    const matched = all.find((m) => m.id === 'matched.stats_etablissements')!;
    const byCheck = Object.fromEntries(
      (await checkModels(db, [staging, matched], { rowDriftThreshold: 0.5 })).map((r) => [`${r.model} ${r.check}`, r]),
    );
    const stg = 'staging.stg_inserjeunes__etablissements';
    expect(byCheck[`${stg} not_null(dimension)`]).toMatchObject({
      passed: false,
      failingRows: 1,
      sample: [{ scope_code: '0690001A', millesime: '2021_2022', code_certification: '40000001', filiere: 'autre' }],
    });
    expect(byCheck[`${stg} accepted_values(filiere)`]).toMatchObject({
      passed: false,
      failingRows: 1,
      sample: [{ value: 'autre', n: '1' }],
    });
    expect(byCheck[`${stg} accepted_values(filiere)`].message).toContain('(accepted: pro, agricole, apprentissage)');
    expect(
      byCheck[
        "matched.stats_etablissements relationship(code_certification → matched.certifications.code_certification where filiere <> 'superieur')"
      ],
    ).toMatchObject({ passed: false, severity: 'error', failingRows: 1, sample: [{ value: '40000001', n: '1' }] });
    expect(byCheck['matched.stats_etablissements relationship(uai → matched.etablissements.uai)']).toMatchObject({
      passed: false,
      severity: 'warn',
      failingRows: 1,
    });
  });
});
