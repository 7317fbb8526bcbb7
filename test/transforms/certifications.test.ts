import { describe, expect, test } from 'vitest';
import { formation, given, mef } from './fixtures.js';
import { build, openDb, rows } from './support.js';

describe('matched.certifications', () => {
  test('continuum links are made two-way; 1:1 links are flagged, merges and splits are not', async () => {
    const db = await openDb();
    await given(db, {
      bcn__n_formation_diplome: [
        // A → B only said on A's side, B → C only on C's side: both become two-way.
        formation('40000001', { nouveaux: ['40000002'] }),
        formation('40000002'),
        formation('40000003', { anciens: ['40000002'] }),
        // Merge: D and E → F. Split: G → H and I.
        formation('40000004', { nouveaux: ['40000006'] }),
        formation('40000005', { nouveaux: ['40000006'] }),
        formation('40000006'),
        formation('40000007', { nouveaux: ['40000008', '40000009'] }),
        formation('40000008'),
        formation('40000009'),
      ],
    });
    await build(db);
    expect(
      await rows(
        db,
        `select code_certification, anciens, nouveaux from matched.certifications
        where code_certification_type = 'cfd' order by code_certification`,
      ),
    ).toEqual([
      { code_certification: '40000001', anciens: [], nouveaux: ['40000002'] },
      { code_certification: '40000002', anciens: ['40000001'], nouveaux: ['40000003'] },
      { code_certification: '40000003', anciens: ['40000002'], nouveaux: [] },
      { code_certification: '40000004', anciens: [], nouveaux: ['40000006'] },
      { code_certification: '40000005', anciens: [], nouveaux: ['40000006'] },
      { code_certification: '40000006', anciens: ['40000004', '40000005'], nouveaux: [] },
      { code_certification: '40000007', anciens: [], nouveaux: ['40000008', '40000009'] },
      { code_certification: '40000008', anciens: ['40000007'], nouveaux: [] },
      { code_certification: '40000009', anciens: ['40000007'], nouveaux: [] },
    ]);
    expect(await rows(db, `select code_ancien, code_nouveau, distance from matched.continuum_chaines`)).toEqual([
      { code_ancien: '40000001', code_nouveau: '40000002', distance: 1 },
      { code_ancien: '40000001', code_nouveau: '40000003', distance: 2 },
      { code_ancien: '40000002', code_nouveau: '40000003', distance: 1 },
    ]);
  });

  test('MEF continuum: single MEFs are linked, otherwise only same dispositif and same year', async () => {
    const db = await openDb();
    await given(db, {
      bcn__n_formation_diplome: [
        formation('40000001', { nouveaux: ['40000002'] }),
        formation('40000002'),
        formation('50000001', { nouveaux: ['50000002'] }),
        formation('50000002'),
      ],
      bcn__n_mef: [
        mef('2472000131', '23810000001', '40000001', 3, 1),
        mef('2472000133', '23830000001', '40000001', 3, 3),
        mef('2462000132', '23720000001', '40000001', 2, 2, '246'),
        mef('2472000231', '23810000002', '40000002', 3, 1),
        mef('2472000233', '23830000002', '40000002', 3, 3),
        mef('5002000121', '50020000001', '50000001', 2, 2),
        mef('5002000221', '50120000002', '50000002', 2, 2),
      ],
    });
    await build(db);
    expect(
      await rows(
        db,
        `select code_ancien, code_nouveau, est_1_1 from matched.continuum_liens where type_code = 'mef11'`,
      ),
    ).toEqual([
      { code_ancien: '23810000001', code_nouveau: '23810000002', est_1_1: true },
      { code_ancien: '23830000001', code_nouveau: '23830000002', est_1_1: true },
      { code_ancien: '50020000001', code_nouveau: '50120000002', est_1_1: true },
    ]);
    expect(
      await rows(
        db,
        `select code_certification, anciens, nouveaux from matched.certifications where code_certification = '23830000002'`,
      ),
    ).toEqual([{ code_certification: '23830000002', anciens: ['23830000001'], nouveaux: [] }]);
  });

  test('années non terminales point to their terminal MEF; an année commune to the famille terminal MEFs', async () => {
    const db = await openDb();
    await given(db, {
      bcn__n_formation_diplome: [
        formation('40000001'),
        formation('40000002'),
        formation('40000003'),
        formation('40000009'),
      ],
      bcn__n_mef: [
        // Terminal found by replacing the 4th character (year) with the duration.
        mef('2470000111', '23810000001', '40000001', 3, 1),
        mef('2470000112', '23820000001', '40000001', 3, 2),
        mef('2470000113', '23830000001', '40000001', 3, 3),
        // Terminal found as the only final-year MEF of the same CFD and dispositif.
        mef('2460000211', '23710000002', '40000002', 2, 1),
        mef('2460000212', '23729999999', '40000002', 2, 2, '237'),
        // 2nde commune of a famille de métiers (all MEFs first year of a 3-year dispositif).
        mef('2470000911', '23810000009', '40000009', 3, 1),
        mef('2470000313', '23830000003', '40000003', 3, 3),
      ],
      bcn__n_groupe_formation: [
        { groupe_formation: 'G0003', type_groupe_formation: 'TG01', libelle_edition: 'Construction' },
      ],
      bcn__n_lien_formation_groupe: [
        { groupe_formation: 'G0003', formation_diplome: '40000009' },
        { groupe_formation: 'G0003', formation_diplome: '40000001' },
        { groupe_formation: 'G0003', formation_diplome: '40000003' },
      ],
    });
    await build(db);
    expect(
      await rows(
        db,
        `select code_certification, est_annee_terminale, est_annee_commune, certifications_terminales, famille_metier_code
        from matched.certifications where code_certification_type = 'mef11'`,
      ),
    ).toEqual([
      {
        code_certification: '23710000002',
        est_annee_terminale: false,
        est_annee_commune: false,
        certifications_terminales: ['23729999999'],
        famille_metier_code: null,
      },
      {
        code_certification: '23729999999',
        est_annee_terminale: true,
        est_annee_commune: false,
        certifications_terminales: [],
        famille_metier_code: null,
      },
      {
        code_certification: '23810000001',
        est_annee_terminale: false,
        est_annee_commune: false,
        certifications_terminales: ['23830000001'],
        famille_metier_code: 'G0003',
      },
      {
        code_certification: '23810000009',
        est_annee_terminale: false,
        est_annee_commune: true,
        certifications_terminales: ['23830000001', '23830000003'],
        famille_metier_code: 'G0003',
      },
      {
        code_certification: '23820000001',
        est_annee_terminale: false,
        est_annee_commune: false,
        certifications_terminales: ['23830000001'],
        famille_metier_code: 'G0003',
      },
      {
        code_certification: '23830000001',
        est_annee_terminale: true,
        est_annee_commune: false,
        certifications_terminales: [],
        famille_metier_code: 'G0003',
      },
      {
        code_certification: '23830000003',
        est_annee_terminale: true,
        est_annee_commune: false,
        certifications_terminales: [],
        famille_metier_code: 'G0003',
      },
    ]);
  });
});
