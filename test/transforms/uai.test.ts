import { describe, expect, test } from 'vitest';
import { acce, cohorte, formation, formationApprentissage as ca, given, inserjeunes } from './fixtures.js';
import { build, openDb, rows } from './support.js';

const etab = (uai: string, code: string, nb: number) => inserjeunes('uai', uai, '2021_2022', code, cohorte(nb, 5, 10));

describe('UAI roles and propagation (computeUAI)', () => {
  test('roles from the catalogue and figures filled from formateur and gestionnaire rows', async () => {
    const db = await openDb();
    await given(db, {
      bcn__n_formation_diplome: ['40000001', '40000002', '40000003', '40000004'].map((c) => formation(c)),
      acce__etablissements: [acce('0690001A'), acce('0690010J')],
      catalogue_apprentissage__formations: [
        // 40000001: formateur FA with lieux LA1 and LA2 (LA2 has its own figures).
        ca('f1', '40000001', '0690002B', '0690001A', '0690001A'),
        ca('f2', '40000001', '0690003C', '0690001A', '0690001A'),
        // 40000002: gestionnaire G; lieu LG1 has only G, lieu LG2 has two gestionnaires.
        ca('f3', '40000002', '0690011K', '0690012L', '0690010J'),
        ca('f4', '40000002', '0690013M', '0690012L', '0690010J'),
        ca('f5', '40000002', '0690013M', '0690012L', '0690014N'),
        // 40000003: L is a lieu and its own only formateur; its other lieu L2 has no figures (phase 2).
        ca('f6', '40000003', '0690020W', '0690020W', '0690020W'),
        ca('f7', '40000003', '0690021X', '0690020W', '0690020W'),
        // 40000004: formateur U, its own only gestionnaire, with another formateur V lacking figures (phase 3).
        ca('f8', '40000004', '0690041C', '0690040B', '0690040B'),
        ca('f9', '40000004', '0690043E', '0690042D', '0690040B'),
      ],
      inserjeunes__etablissements: [
        ...etab('0690001A', '40000001', 50),
        ...etab('0690003C', '40000001', 30),
        ...etab('0690099Z', '40000001', 25),
        ...etab('0690010J', '40000002', 60),
        ...etab('0690020W', '40000003', 70),
        ...etab('0690040B', '40000004', 80),
        ...etab('0690030A', '23830000001', 40),
      ],
    });
    await build(db);
    expect(
      await rows(
        db,
        `select uai, code_certification, filiere, uai_type, uai_donnee, uai_donnee_type, nb_annee_term,
        uai_lieu_formation, uai_formateur, uai_gestionnaire from matched.stats_etablissements order by code_certification, uai`,
      ),
    ).toEqual([
      {
        uai: '0690030A',
        code_certification: '23830000001',
        filiere: 'pro',
        uai_type: 'lieu_formation',
        uai_donnee: '0690030A',
        uai_donnee_type: 'lieu_formation',
        nb_annee_term: 40,
        uai_lieu_formation: ['0690030A'],
        uai_formateur: ['0690030A'],
        uai_gestionnaire: ['0690030A'],
      },
      {
        uai: '0690001A',
        code_certification: '40000001',
        filiere: 'apprentissage',
        uai_type: 'formateur',
        uai_donnee: '0690001A',
        uai_donnee_type: 'formateur',
        nb_annee_term: 50,
        uai_lieu_formation: ['0690002B', '0690003C'],
        uai_formateur: ['0690001A'],
        uai_gestionnaire: ['0690001A'],
      },
      {
        uai: '0690002B',
        code_certification: '40000001',
        filiere: 'apprentissage',
        uai_type: 'lieu_formation',
        uai_donnee: '0690001A',
        uai_donnee_type: 'formateur',
        nb_annee_term: 50,
        uai_lieu_formation: ['0690002B'],
        uai_formateur: ['0690001A'],
        uai_gestionnaire: ['0690001A'],
      },
      {
        uai: '0690003C',
        code_certification: '40000001',
        filiere: 'apprentissage',
        uai_type: 'lieu_formation',
        uai_donnee: '0690003C',
        uai_donnee_type: 'lieu_formation',
        nb_annee_term: 30,
        uai_lieu_formation: ['0690003C'],
        uai_formateur: ['0690001A'],
        uai_gestionnaire: ['0690001A'],
      },
      {
        uai: '0690099Z',
        code_certification: '40000001',
        filiere: 'apprentissage',
        uai_type: 'inconnu',
        uai_donnee: '0690099Z',
        uai_donnee_type: 'inconnu',
        nb_annee_term: 25,
        uai_lieu_formation: [],
        uai_formateur: [],
        uai_gestionnaire: [],
      },
      {
        uai: '0690010J',
        code_certification: '40000002',
        filiere: 'apprentissage',
        uai_type: 'gestionnaire',
        uai_donnee: '0690010J',
        uai_donnee_type: 'gestionnaire',
        nb_annee_term: 60,
        uai_lieu_formation: ['0690011K', '0690013M'],
        uai_formateur: ['0690012L'],
        uai_gestionnaire: ['0690010J'],
      },
      {
        uai: '0690011K',
        code_certification: '40000002',
        filiere: 'apprentissage',
        uai_type: 'lieu_formation',
        uai_donnee: '0690010J',
        uai_donnee_type: 'gestionnaire',
        nb_annee_term: 60,
        uai_lieu_formation: ['0690011K'],
        uai_formateur: ['0690012L'],
        uai_gestionnaire: ['0690010J'],
      },
      {
        uai: '0690020W',
        code_certification: '40000003',
        filiere: 'apprentissage',
        uai_type: 'formateur',
        uai_donnee: '0690020W',
        uai_donnee_type: 'formateur',
        nb_annee_term: 70,
        uai_lieu_formation: ['0690020W', '0690021X'],
        uai_formateur: ['0690020W'],
        uai_gestionnaire: ['0690020W'],
      },
      {
        uai: '0690021X',
        code_certification: '40000003',
        filiere: 'apprentissage',
        uai_type: 'lieu_formation',
        uai_donnee: '0690020W',
        uai_donnee_type: 'formateur',
        nb_annee_term: 70,
        uai_lieu_formation: ['0690021X'],
        uai_formateur: ['0690020W'],
        uai_gestionnaire: ['0690020W'],
      },
      {
        uai: '0690040B',
        code_certification: '40000004',
        filiere: 'apprentissage',
        uai_type: 'gestionnaire',
        uai_donnee: '0690040B',
        uai_donnee_type: 'gestionnaire',
        nb_annee_term: 80,
        uai_lieu_formation: ['0690041C', '0690043E'],
        uai_formateur: ['0690040B', '0690042D'],
        uai_gestionnaire: ['0690040B'],
      },
      {
        uai: '0690041C',
        code_certification: '40000004',
        filiere: 'apprentissage',
        uai_type: 'lieu_formation',
        uai_donnee: '0690040B',
        uai_donnee_type: 'gestionnaire',
        nb_annee_term: 80,
        uai_lieu_formation: ['0690041C'],
        uai_formateur: ['0690040B'],
        uai_gestionnaire: ['0690040B'],
      },
      {
        uai: '0690043E',
        code_certification: '40000004',
        filiere: 'apprentissage',
        uai_type: 'lieu_formation',
        uai_donnee: '0690040B',
        uai_donnee_type: 'gestionnaire',
        nb_annee_term: 80,
        uai_lieu_formation: ['0690043E'],
        uai_formateur: ['0690042D'],
        uai_gestionnaire: ['0690040B'],
      },
    ]);
  });

  test('establishment roles and mother/daughter links (ACCE_UAI_MERE and ACCE_UAI_FILLE, each once) in matched.etablissements', async () => {
    const db = await openDb();
    await given(db, {
      acce__etablissements: [acce('0690001A', '10'), acce('0690002B', '70')],
      acce__uai_mere: [{ numero_uai_trouve: '0690002B', numero_uai_mere: '0690001A', type_rattachement: 'AN' }],
      // the same link seen from the mother, and a daughter only ACCE_UAI_FILLE lists
      acce__uai_fille: [
        { numero_uai_trouve: '0690001A', numero_uai_fille: '0690002B', type_rattachement: 'AN' },
        { numero_uai_trouve: '0690001a', numero_uai_fille: '0690003C', type_rattachement: 'JU' },
      ],
      catalogue_apprentissage__formations: [ca('f1', '40000001', '0690002B', '0690001A', '0690001A')],
    });
    await build(db);
    expect(
      await rows(
        db,
        `select uai, code_departement, code_academie, code_region, code_region_academique, est_lieu_formation,
        est_formateur, est_gestionnaire, uais_meres, uais_filles from matched.etablissements`,
      ),
    ).toEqual([
      {
        uai: '0690001A',
        code_departement: '69',
        code_academie: '10',
        code_region: '84',
        code_region_academique: '01',
        est_lieu_formation: false,
        est_formateur: true,
        est_gestionnaire: true,
        uais_meres: [],
        uais_filles: ['0690002B', '0690003C'],
      },
      {
        uai: '0690002B',
        code_departement: '69',
        code_academie: '70',
        code_region: '28',
        code_region_academique: '14',
        est_lieu_formation: true,
        est_formateur: false,
        est_gestionnaire: false,
        uais_meres: ['0690001A'],
        uais_filles: [],
      },
    ]);
  });
});
