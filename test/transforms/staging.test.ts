import { describe, expect, test } from 'vitest';
import { formation, given, inserjeunes } from './fixtures.js';
import { build, openDb, rows } from './support.js';

describe('staging', () => {
  test('stg_bcn__formations_diplomes keeps the latest fetch date, normalises codes and dates, lists one-sided links', async () => {
    const db = await openDb();
    await given(db, {
      bcn__n_formation_diplome: [
        { ...formation('40023203', { anciens: ['40023201', '4002320', '40023203'] }), millesime: '2026-01-05' },
        {
          ...formation(' 40023201 ', { nouveaux: ['40023203'] }),
          date_fermeture: '2022-08-31 00:00:00',
          millesime: '2026-01-05',
        },
        { ...formation('99999999'), millesime: '2025-12-01' },
      ],
    });
    await build(db);
    expect(
      await rows(
        db,
        `select code_formation_diplome, anciens_diplomes, nouveaux_diplomes, date_ouverture::varchar d1,
        date_fermeture::varchar d2, millesime from staging.stg_bcn__formations_diplomes`,
      ),
    ).toEqual([
      {
        code_formation_diplome: '40023201',
        anciens_diplomes: [],
        nouveaux_diplomes: ['40023203'],
        d1: '2015-09-01',
        d2: '2022-08-31',
        millesime: '2026-01-05',
      },
      {
        code_formation_diplome: '40023203',
        anciens_diplomes: ['40023201'],
        nouveaux_diplomes: [],
        d1: '2015-09-01',
        d2: null,
        millesime: '2026-01-05',
      },
    ]);
  });

  test('InserJeunes measures are pivoted per formation, filière resolved, unknown measures kept as JSON', async () => {
    const db = await openDb();
    await given(db, {
      inserjeunes__regionales: [
        ...inserjeunes(
          'region',
          '1',
          '2021_2022',
          '40023203',
          { nb_annee_term: 40, nb_sortant: '25.0', mesure_nouvelle: 7 },
          null,
        ),
        ...inserjeunes('region', '01', '2021_2022', '23830023203', { nb_annee_term: 12 }, 'voie_pro_sco_agri'),
      ],
    });
    await build(db);
    expect(
      await rows(
        db,
        `select scope_code, millesime_annee_debut, millesime_annee_fin, code_certification, filiere,
        nb_annee_term, nb_sortant, mesures_inconnues from staging.stg_inserjeunes__regionales`,
      ),
    ).toEqual([
      {
        scope_code: '01',
        millesime_annee_debut: 2021,
        millesime_annee_fin: 2022,
        code_certification: '23830023203',
        filiere: 'agricole',
        nb_annee_term: 12,
        nb_sortant: null,
        mesures_inconnues: null,
      },
      {
        scope_code: '01',
        millesime_annee_debut: 2021,
        millesime_annee_fin: 2022,
        code_certification: '40023203',
        filiere: 'apprentissage',
        nb_annee_term: 40,
        nb_sortant: 25,
        mesures_inconnues: '{"mesure_nouvelle":"7"}',
      },
    ]);
  });

  test('a national millésime YYYY is stored as the pair YYYY-1_YYYY, the API year kept as millesime_api', async () => {
    const db = await openDb();
    await given(db, {
      inserjeunes__nationales: inserjeunes('france', 'apprentissage', '2022', '40023203', { nb_annee_term: 40 }),
    });
    await build(db);
    expect(
      await rows(
        db,
        `select scope_code, millesime, millesime_api, millesime_annee_debut, millesime_annee_fin from staging.stg_inserjeunes__nationales`,
      ),
    ).toEqual([
      {
        scope_code: 'FR',
        millesime: '2021_2022',
        millesime_api: '2022',
        millesime_annee_debut: 2021,
        millesime_annee_fin: 2022,
      },
    ]);
    expect(await rows(db, `select millesime, millesime_api from published.stats_nationales`)).toEqual([
      { millesime: '2021_2022', millesime_api: '2022' },
    ]);
  });

  test('InserSup markers: "130 *" is a cumulated millésime, "12 **" and no marker a single one; nd/na and French decimals', async () => {
    const db = await openDb();
    const row = {
      etablissement: '0062205p',
      annee_universitaire: '2020-2021',
      nb_inscrits: '119',
      nb_poursuivants: '65',
      nb_in_dsn_6: '23',
      salaire_q1_national_diplome_12: '1 654,5',
    };
    await given(db, {
      insersup__etablissements: [
        { ...row, diplome: '2400074', nb_sortants: '54' },
        { ...row, diplome: '2400075', nb_sortants: '130 *' },
        { ...row, diplome: '2400076', nb_sortants: '12 **', nb_in_dsn_6: 'nd', salaire_q1_national_diplome_12: 'na' },
      ],
    });
    await build(db);
    expect(
      await rows(
        db,
        `select uai, code_certification, millesime, millesime_annee_debut, marqueur_nb_sortants, nb_sortants,
        nb_in_dsn_6, salaire_q1_national_diplome_12 from staging.stg_insersup__etablissements`,
      ),
    ).toEqual([
      {
        uai: '0062205P',
        code_certification: '2400074',
        millesime: '2021',
        millesime_annee_debut: 2020,
        marqueur_nb_sortants: null,
        nb_sortants: 54,
        nb_in_dsn_6: 23,
        salaire_q1_national_diplome_12: 1654.5,
      },
      {
        uai: '0062205P',
        code_certification: '2400075',
        millesime: '2020_2021',
        millesime_annee_debut: 2020,
        marqueur_nb_sortants: 'cumul',
        nb_sortants: 130,
        nb_in_dsn_6: 23,
        salaire_q1_national_diplome_12: 1654.5,
      },
      {
        uai: '0062205P',
        code_certification: '2400076',
        millesime: '2021',
        millesime_annee_debut: 2020,
        marqueur_nb_sortants: 'cumul impossible',
        nb_sortants: 12,
        nb_in_dsn_6: null,
        salaire_q1_national_diplome_12: null,
      },
    ]);
  });

  test('Parcoursup lists are split on ";" and codes normalised (RNCP, Idéo, UAI)', async () => {
    const db = await openDb();
    await given(db, {
      parcoursup__formations: [
        {
          codeformationaccueil: '1234',
          uai_composante: ' 0750001a',
          liste_rncp: 'RNCP37199; 12345;;',
          liste_ideo: 'FOR.1234;5678',
          apprentissageouscolaire: 'Apprentissage',
          formation_parametree: 'Paramétrée',
          codemef: '3112310721',
        },
      ],
    });
    await build(db);
    expect(
      await rows(
        db,
        `select uai_composante, codes_rncp, codes_ideo, voie, est_parametree, code_mef from staging.stg_parcoursup__formations`,
      ),
    ).toEqual([
      {
        uai_composante: '0750001A',
        codes_rncp: ['RNCP12345', 'RNCP37199'],
        codes_ideo: ['FOR.1234', 'FOR.5678'],
        voie: 'apprentissage',
        est_parametree: true,
        code_mef: '3112310721',
      },
    ]);
  });
});
