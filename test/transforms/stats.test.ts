import { describe, expect, test } from 'vitest';
import { cohorte, formation, given, inserjeunes } from './fixtures.js';
import { build, openDb, rows } from './support.js';

const REGION = ['region', '01', '2021_2022'] as const;

describe('statistics', () => {
  test('1:1 continuum propagation, to newer and older diplomas; merges and splits are ignored', async () => {
    const db = await openDb();
    await given(db, {
      bcn__n_formation_diplome: [
        // A → B → C with figures for A only; P → Q → R with figures for R only; X → Y → Z with figures for X and Z.
        formation('40000001', { nouveaux: ['40000002'] }),
        formation('40000002', { nouveaux: ['40000003'] }),
        formation('40000003'),
        formation('40000011', { nouveaux: ['40000012'] }),
        formation('40000012', { nouveaux: ['40000013'] }),
        formation('40000013'),
        formation('40000021', { nouveaux: ['40000022'] }),
        formation('40000022', { nouveaux: ['40000023'] }),
        formation('40000023'),
        // Merge D, E → F (figures for D and F); split G → H, I (figures for G).
        formation('40000031', { nouveaux: ['40000033'] }),
        formation('40000032', { nouveaux: ['40000033'] }),
        formation('40000033'),
        formation('40000041', { nouveaux: ['40000042', '40000043'] }),
        formation('40000042'),
        formation('40000043'),
      ],
      inserjeunes__regionales: [
        ...inserjeunes(...REGION, '40000001', cohorte(30, 10, 10)),
        ...inserjeunes(...REGION, '40000013', cohorte(40, 10, 20)),
        ...inserjeunes(...REGION, '40000021', cohorte(50, 10, 20)),
        ...inserjeunes(...REGION, '40000023', cohorte(60, 20, 20)),
        ...inserjeunes(...REGION, '40000031', cohorte(70, 10, 20)),
        ...inserjeunes(...REGION, '40000033', cohorte(80, 10, 20)),
        ...inserjeunes(...REGION, '40000041', cohorte(90, 10, 20)),
      ],
    });
    await build(db);
    expect(
      await rows(
        db,
        `select code_certification, donnee_source_type, donnee_source_code_certification, nb_annee_term
        from matched.stats_regionales order by code_certification`,
      ),
    ).toEqual([
      {
        code_certification: '40000001',
        donnee_source_type: 'self',
        donnee_source_code_certification: '40000001',
        nb_annee_term: 30,
      },
      {
        code_certification: '40000002',
        donnee_source_type: 'ancienne',
        donnee_source_code_certification: '40000001',
        nb_annee_term: 30,
      },
      {
        code_certification: '40000003',
        donnee_source_type: 'ancienne',
        donnee_source_code_certification: '40000001',
        nb_annee_term: 30,
      },
      {
        code_certification: '40000011',
        donnee_source_type: 'nouvelle',
        donnee_source_code_certification: '40000013',
        nb_annee_term: 40,
      },
      {
        code_certification: '40000012',
        donnee_source_type: 'nouvelle',
        donnee_source_code_certification: '40000013',
        nb_annee_term: 40,
      },
      {
        code_certification: '40000013',
        donnee_source_type: 'self',
        donnee_source_code_certification: '40000013',
        nb_annee_term: 40,
      },
      {
        code_certification: '40000021',
        donnee_source_type: 'self',
        donnee_source_code_certification: '40000021',
        nb_annee_term: 50,
      },
      {
        code_certification: '40000022',
        donnee_source_type: 'nouvelle',
        donnee_source_code_certification: '40000023',
        nb_annee_term: 60,
      },
      {
        code_certification: '40000023',
        donnee_source_type: 'self',
        donnee_source_code_certification: '40000023',
        nb_annee_term: 60,
      },
      {
        code_certification: '40000031',
        donnee_source_type: 'self',
        donnee_source_code_certification: '40000031',
        nb_annee_term: 70,
      },
      {
        code_certification: '40000033',
        donnee_source_type: 'self',
        donnee_source_code_certification: '40000033',
        nb_annee_term: 80,
      },
      {
        code_certification: '40000041',
        donnee_source_type: 'self',
        donnee_source_code_certification: '40000041',
        nb_annee_term: 90,
      },
    ]);
  });

  test('rates are recomputed from counts with half-to-even rounding and never sum past 100; nb_sortant is repaired', async () => {
    const db = await openDb();
    const national = ['france', 'apprentissage', '2022'] as const;
    await given(db, {
      inserjeunes__nationales: [
        // 5/8 = 62.5 → 62 and 3/8 = 37.5 → 38 (half-up would give 63 + 38 = 101); 1/8 = 12.5 → 12.
        ...inserjeunes(...national, '40000001', cohorte(8, 5, 3, { nb_en_emploi_12_mois: 1 })),
        // Everybody pursues studies: missing employment counts are 0.
        ...inserjeunes(...national, '40000002', { nb_annee_term: 10, nb_poursuite_etudes: 10 }),
        // The DEPP 6-month parts win over the counts when given.
        ...inserjeunes(
          ...national,
          '40000003',
          cohorte(50, 15, 20, {
            DEVENIR_part_en_emploi_6_mois: '45.5',
            DEVENIR_part_poursuite_etudes: 30,
            DEVENIR_part_autre_situation_6_mois: '24.5',
          }),
        ),
      ],
    });
    await build(db);
    expect(
      await rows(
        db,
        `select code_certification, nb_sortant, nb_en_emploi_6_mois, taux_en_formation, taux_en_emploi_6_mois,
        taux_autres_6_mois, taux_en_emploi_12_mois, taux_autres_12_mois from matched.stats_nationales order by 1`,
      ),
    ).toEqual([
      {
        code_certification: '40000001',
        nb_sortant: 3,
        nb_en_emploi_6_mois: 3,
        taux_en_formation: 62,
        taux_en_emploi_6_mois: 38,
        taux_autres_6_mois: 0,
        taux_en_emploi_12_mois: 12,
        taux_autres_12_mois: 26,
      },
      {
        code_certification: '40000002',
        nb_sortant: 0,
        nb_en_emploi_6_mois: 0,
        taux_en_formation: 100,
        taux_en_emploi_6_mois: 0,
        taux_autres_6_mois: 0,
        taux_en_emploi_12_mois: 0,
        taux_autres_12_mois: 0,
      },
      {
        code_certification: '40000003',
        nb_sortant: 35,
        nb_en_emploi_6_mois: 20,
        taux_en_formation: 30,
        taux_en_emploi_6_mois: 46,
        taux_autres_6_mois: 24,
        taux_en_emploi_12_mois: null,
        taux_autres_12_mois: null,
      },
    ]);
  });

  test('secrecy: under 20 in the final year, or an unknown final year, every count and rate is withheld, with a reason', async () => {
    const db = await openDb();
    await given(db, {
      inserjeunes__regionales: [
        ...inserjeunes(...REGION, '40000001', cohorte(19, 5, 10, { taux_rupture_contrats: 12 })),
        ...inserjeunes(...REGION, '40000002', cohorte(20, 5, 10)),
        ...inserjeunes(...REGION, '40000003', { nb_poursuite_etudes: 5, nb_en_emploi_6_mois: 10 }),
      ],
    });
    await build(db);
    const columns = `code_certification, nb_annee_term, nb_poursuite_etudes, nb_sortant, taux_en_formation, taux_rupture_contrats`;
    // published: the rate over nb_annee_term says so in its name
    const published = columns.replace('taux_en_formation', 'taux_en_formation_sur_annee_term');
    expect(await rows(db, `select ${published}, raison_masquage from published.stats_regionales order by 1`)).toEqual([
      {
        code_certification: '40000001',
        nb_annee_term: 19,
        nb_poursuite_etudes: null,
        nb_sortant: null,
        taux_en_formation_sur_annee_term: null,
        taux_rupture_contrats: null,
        raison_masquage: 'moins de 20 eleves en annee terminale',
      },
      {
        code_certification: '40000002',
        nb_annee_term: 20,
        nb_poursuite_etudes: 5,
        nb_sortant: 15,
        taux_en_formation_sur_annee_term: 25,
        taux_rupture_contrats: null,
        raison_masquage: null,
      },
      {
        code_certification: '40000003',
        nb_annee_term: null,
        nb_poursuite_etudes: null,
        nb_sortant: null,
        taux_en_formation_sur_annee_term: null,
        taux_rupture_contrats: null,
        raison_masquage: 'effectif en annee terminale inconnu',
      },
    ]);
    expect(
      await rows(db, `select ${columns} from matched.stats_regionales where code_certification = '40000001'`),
    ).toEqual([
      {
        code_certification: '40000001',
        nb_annee_term: 19,
        nb_poursuite_etudes: 5,
        nb_sortant: 14,
        taux_en_formation: 26,
        taux_rupture_contrats: 12,
      },
    ]);
  });

  test('outputs do not depend on the order raw rows were landed in', async () => {
    const input = [
      ...inserjeunes(...REGION, '40000001', cohorte(30, 10, 10)),
      ...inserjeunes(...REGION, '40000002', cohorte(25, 5, 10)),
      ...inserjeunes('region', '02', '2020_2021', '40000001', cohorte(19, 5, 10)),
    ];
    const snapshot = async (raw: typeof input) => {
      const db = await openDb();
      await given(db, {
        bcn__n_formation_diplome: [
          formation('40000001', { nouveaux: ['40000002'] }),
          formation('40000002'),
          formation('40000003'),
        ],
        inserjeunes__regionales: raw,
      });
      await build(db);
      const tables = await rows(
        db,
        `select table_name from information_schema.tables where table_schema = 'published' order by 1`,
      );
      const out: Record<string, unknown> = {};
      for (const { table_name } of tables)
        out[String(table_name)] = await rows(db, `select * from published."${table_name}"`);
      return JSON.stringify(out);
    };
    expect(await snapshot([...input].reverse())).toBe(await snapshot(input));
  });

  test('the secrecy threshold is a parameter', async () => {
    const db = await openDb();
    await given(db, { inserjeunes__regionales: inserjeunes(...REGION, '40000001', cohorte(19, 5, 10)) });
    await build(db, { secrecy_threshold: 10 });
    expect(await rows(db, `select nb_poursuite_etudes, raison_masquage from published.stats_regionales`)).toEqual([
      { nb_poursuite_etudes: 5, raison_masquage: null },
    ]);
  });
});
