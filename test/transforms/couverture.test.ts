import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, test } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { COVERAGE_SUMMARY_SQL } from '../../infra/commands/coverage-summary.js';
import { given } from './fixtures.js';
import { COUVERTURE_FIXTURE, M } from './couverture-fixture.js';
import { renderDataDictionary } from '../../lake/data-dictionary.js';
import { ceilingMismatches, secrecyLeaks } from './coverage-invariants.js';
import { build, models, openDb, rows } from './support.js';

const COLUMNS = `niveau_donnee, couverture, couverture_etablissement, raison_non_couverture, raison_etablissement,
  code_certification, millesime_donnee, nb_annee_term`;

describe('coverage by level: établissement → région académique → national', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await given(db, COUVERTURE_FIXTURE);
    await build(db);
  });
  const parcoursup = async (code: string, columns = COLUMNS) =>
    (
      await rows(db, `select ${columns} from published.appariement_parcoursup where code_formation_accueil = '${code}'`)
    )[0];

  test('établissement: the formation’s own UAI has 30 pupils (≥ 20): covered there', async () => {
    expect(await parcoursup('1')).toEqual({
      niveau_donnee: 'etablissement',
      couverture: 'couvert',
      couverture_etablissement: 'couvert',
      raison_non_couverture: null,
      raison_etablissement: null,
      code_certification: '32100001',
      millesime_donnee: M,
      nb_annee_term: 30,
    });
  });

  test('région: 10 pupils at the UAI (< 20) give way to 200 in région académique 01; the UAI’s status stays', async () => {
    expect(await parcoursup('2', `${COLUMNS}, code_region_academique, uai`)).toEqual({
      niveau_donnee: 'region',
      couverture: 'couvert',
      couverture_etablissement: 'sous le seuil de 20',
      raison_non_couverture: null,
      raison_etablissement: 'etablissement sous le seuil de 20 eleves',
      code_certification: '32100002',
      millesime_donnee: M,
      nb_annee_term: 200,
      code_region_academique: '01',
      uai: null,
    });
  });

  test('national: no UAI figures, 15 in the région (< 20), 500 in France', async () => {
    expect(await parcoursup('3')).toMatchObject({
      niveau_donnee: 'national',
      couverture: 'couvert',
      couverture_etablissement: 'non couvert',
      raison_etablissement: "pas de donnees pour l'etablissement",
      // The API's national year 2022 is stored as the cohort pair, like every other level.
      millesime_donnee: '2021_2022',
      nb_annee_term: 500,
    });
  });

  test('under the threshold everywhere (12 at the UAI, 8 in France): nothing shown, finest level recorded', async () => {
    expect(await parcoursup('4', `${COLUMNS}, taux_en_emploi_6_mois_sur_annee_term`)).toEqual({
      niveau_donnee: 'etablissement',
      couverture: 'sous le seuil de 20',
      couverture_etablissement: 'sous le seuil de 20',
      raison_non_couverture: 'sous le seuil de 20 eleves',
      raison_etablissement: null,
      code_certification: '32100004',
      millesime_donnee: M,
      nb_annee_term: null,
      taux_en_emploi_6_mois_sur_annee_term: null,
    });
  });

  test('ACCE mother UAI: 0690005E has no figures, its mother 0690050M has 40', async () => {
    expect(await parcoursup('5', 'niveau_donnee, couverture, uai, uai_role, uai_priorite')).toEqual({
      niveau_donnee: 'etablissement',
      couverture: 'couvert',
      uai: '0690050M',
      uai_role: 'mere',
      uai_priorite: 4,
    });
  });

  test('UAI unknown to ACCE: its région académique comes from its département (069 → académie 10 → 01)', async () => {
    expect(
      await parcoursup(
        '6',
        'niveau_donnee, couverture, code_region_academique_formation, localisation_source, est_uai_connue, est_dans_perimetre, raison_etablissement',
      ),
    ).toEqual({
      niveau_donnee: 'region',
      couverture: 'couvert',
      code_region_academique_formation: '01',
      localisation_source: 'departement',
      est_uai_connue: false,
      est_dans_perimetre: false,
      raison_etablissement: 'UAI inconnu',
    });
  });

  test('voie must match beyond the établissement: a school formation whose diploma has only apprentices’ figures', async () => {
    // 32100008 has 100 apprentices nationally; its school MEFSTAT11 31121000008 has nothing anywhere.
    expect(await parcoursup('8', 'couverture, raison_non_couverture, code_certification')).toEqual({
      couverture: 'non couvert',
      raison_non_couverture: "donnees dans l'autre voie seulement",
      code_certification: '31121000008',
    });
  });

  test('continuum: 32100009 has no figures, its only ancien 32100019 has 60 nationally', async () => {
    expect(
      await parcoursup(
        '9',
        'niveau_donnee, couverture, est_continuum, donnee_source_type, donnee_source_code_certification',
      ),
    ).toEqual({
      niveau_donnee: 'national',
      couverture: 'couvert',
      est_continuum: true,
      donnee_source_type: 'ancienne',
      donnee_source_code_certification: '32100019',
    });
  });

  test('Certif Info replacement chain: RNCP37010 → CI 2010 → 2011 → 2012 (CFD 32100010), cycle back to 2010 cut', async () => {
    expect(await parcoursup('10', 'methode, code_certification, est_code_remplace, couverture')).toEqual({
      methode: 'rncp',
      code_certification: '32100010',
      est_code_remplace: true,
      couverture: 'couvert',
    });
    expect(
      await rows(
        db,
        `select code_remplacant, sens, distance, chemin from matched.certifinfo_remplacements where code_certifinfo = '2010' order by sens, distance`,
      ),
    ).toEqual([
      // Symmetrised: 2010 → 2012 is also "ancien" through the 2012 → 2010 link; the path never revisits 2010.
      { code_remplacant: '2012', sens: 'ancien', distance: 1, chemin: ['2010', '2012'] },
      { code_remplacant: '2011', sens: 'ancien', distance: 2, chemin: ['2010', '2012', '2011'] },
      { code_remplacant: '2011', sens: 'nouveau', distance: 1, chemin: ['2010', '2011'] },
      { code_remplacant: '2012', sens: 'nouveau', distance: 2, chemin: ['2010', '2011', '2012'] },
    ]);
  });

  test('non-terminal year: the first year carries the figures of its terminal MEFSTAT11, flagged', async () => {
    expect(
      await parcoursup(
        '11',
        'code_certification, certifications_terminales, est_annee_non_terminale, niveau_donnee, nb_annee_term',
      ),
    ).toEqual({
      code_certification: '31121000011',
      certifications_terminales: ['31121000011'],
      est_annee_non_terminale: true,
      niveau_donnee: 'etablissement',
      nb_annee_term: 25,
    });
  });

  test('every reason the anchor reports', async () => {
    const reasons = await rows(
      db,
      `select code_formation_accueil as code, raison_non_couverture as raison, est_dans_perimetre
      from published.appariement_parcoursup where couverture = 'non couvert' order by code::integer`,
    );
    expect(reasons).toEqual([
      { code: '7', raison: 'territoire mal couvert', est_dans_perimetre: false },
      { code: '8', raison: "donnees dans l'autre voie seulement", est_dans_perimetre: true },
      { code: '12', raison: 'plusieurs formations en annee terminale', est_dans_perimetre: false },
      { code: '13', raison: 'code certification inconnu', est_dans_perimetre: false },
      { code: '14', raison: 'UAI inconnu', est_dans_perimetre: false },
      { code: '15', raison: 'nouvelle formation', est_dans_perimetre: false },
      { code: '17', raison: 'sans raison evidente', est_dans_perimetre: true },
      { code: '18', raison: 'premiere annee commune', est_dans_perimetre: true },
    ]);
  });

  test('années communes: one terminal code in the famille carries its figures; several leave it unresolved', async () => {
    // 2470000911 (G0003) leads to one terminal MEFSTAT11, 23830000001: 45 pupils at 0690016P.
    expect(
      await parcoursup(
        '16',
        'resolution, certifications_terminales, est_annee_non_terminale, couverture, nb_annee_term',
      ),
    ).toEqual({
      resolution: 'annee commune',
      certifications_terminales: ['23830000001'],
      est_annee_non_terminale: true,
      couverture: 'couvert',
      nb_annee_term: 45,
    });
    // 2470001111 (G0004) leads to two: 23830000012 and 23830000013.
    expect(await parcoursup('18', 'resolution, certifications_terminales, couverture, raison_non_couverture')).toEqual({
      resolution: 'annee commune',
      certifications_terminales: ['23830000012', '23830000013'],
      couverture: 'non couvert',
      raison_non_couverture: 'premiere annee commune',
    });
  });

  test('supérieur: no InserSup figures at the gestionnaire, national InserSup figures of the SISE', async () => {
    expect(
      await parcoursup('20', 'filiere, niveau_donnee, couverture, code_certification, salaire_12_mois_q2'),
    ).toEqual({
      filiere: 'superieur',
      niveau_donnee: 'national',
      couverture: 'couvert',
      code_certification: '2400075',
      salaire_12_mois_q2: 1800,
    });
  });

  test('ONISEP (no UAI) reads national figures; the apprenticeship catalogue falls back like Parcoursup', async () => {
    expect(
      await rows(
        db,
        `select code_ideo, methode, filiere_donnee, niveau_donnee, couverture, nb_annee_term
        from published.appariement_onisep order by code_ideo`,
      ),
    ).toEqual([
      // FOR.18: school figures of its terminal MEFSTAT11, 300 pupils. FOR.21: an Idéo formation has no voie of its
      // own; its diploma has only apprentices' figures (40), shown as such.
      {
        code_ideo: 'FOR.18',
        methode: 'ideo',
        filiere_donnee: 'pro',
        niveau_donnee: 'national',
        couverture: 'couvert',
        nb_annee_term: 300,
      },
      {
        code_ideo: 'FOR.21',
        methode: 'ideo_inverse',
        filiere_donnee: 'apprentissage',
        niveau_donnee: 'national',
        couverture: 'couvert',
        nb_annee_term: 40,
      },
    ]);
    expect(
      await rows(
        db,
        `select cle_ministere_educatif, niveau_donnee, couverture_etablissement, nb_annee_term from published.appariement_catalogue_apprentissage`,
      ),
    ).toEqual([
      {
        cle_ministere_educatif: 'CA19',
        niveau_donnee: 'region',
        couverture_etablissement: 'sous le seuil de 20',
        nb_annee_term: 200,
      },
    ]);
  });

  test('published.couverture: counts and shares per level, of the catalogue and of the in-scope formations', async () => {
    // What `npm start` prints, computed from the counts.
    const printed = await rows(db, COVERAGE_SUMMARY_SQL);
    const row = (level: string, coverage: string, formations: number, pctCatalogue: number, pctInScope: number) => ({
      catalogue: 'parcoursup',
      level,
      coverage,
      formations,
      pct_catalogue: pctCatalogue,
      pct_in_scope: pctInScope,
    });
    // 19 formations, 13 in scope. Établissement: 1, 5, 10, 11, 16 covered (5/19 = 26.3 %, 5/13 = 38.5 %), 4 under
    // the threshold (1/19 = 5.3 %, 1/13 = 7.7 %); région: 2 and 6 (2/19 = 10.5 %; 6 is out of scope: 1/13 = 7.7 %);
    // national: 3, 9, 20 (3/19 = 15.8 %, 3/13 = 23.1 %); none: 7, 8, 12–15, 17, 18 (8/19 = 42.1 %; in scope 8, 17,
    // 18: 3/13 = 23.1 %).
    expect(printed.filter((r) => r.catalogue === 'parcoursup')).toEqual([
      row('etablissement', 'couvert', 5, 26.3, 38.5),
      row('etablissement', 'sous le seuil de 20', 1, 5.3, 7.7),
      row('region', 'couvert', 2, 10.5, 7.7),
      row('national', 'couvert', 3, 15.8, 23.1),
      row('aucun', 'non couvert', 8, 42.1, 23.1),
    ]);
  });
});

describe('coverage invariants on the fixture', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await given(db, COUVERTURE_FIXTURE);
    await build(db);
  });

  test('coverage equals the ceiling computed in plain SQL without the cascade', async () => {
    const [{ n }] = await rows(
      db,
      `select count(*)::integer as n from matched.appariements where couverture = 'couvert'`,
    );
    // Parcoursup 1, 2, 3, 5, 6, 9, 10, 11, 16, 20; ONISEP FOR.18, FOR.21; catalogue CA19.
    expect(n).toBe(13);
    expect(await ceilingMismatches(db)).toEqual([]);
  });

  test('no figure under the threshold is published, in any published table', async () => {
    const [{ n }] = await rows(
      db,
      `select count(*)::integer as n from published.stats_etablissements where nb_annee_term < 20`,
    );
    expect(n).toBeGreaterThan(0);
    expect(await secrecyLeaks(db)).toEqual([]);
  });

  test('every column of every published table is described in its contract', async () => {
    for (const model of (await models()).filter((m) => m.id.startsWith('published.'))) {
      const built = await rows(
        db,
        `select column_name from information_schema.columns where table_schema = 'published' and table_name = '${model.name}' order by ordinal_position`,
      );
      expect([model.id, Object.keys(model.contract.columns)]).toEqual([model.id, built.map((r) => r.column_name)]);
    }
  });

  test('docs/data-dictionary.md is the one npm run dictionary renders from the contracts', async () => {
    const committed = await readFile(new URL('../../docs/data-dictionary.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderDataDictionary(await models()));
  });
});
