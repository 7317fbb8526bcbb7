import { beforeAll, describe, expect, test } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { acce, cohorte, formation, formationApprentissage, given, inserjeunes, mef } from './fixtures.js';
import { build, openDb, rows } from './support.js';

const M = '2021_2022';
const etab = (uai: string, code: string, nb: number) => inserjeunes('uai', uai, M, code, cohorte(nb, 5, 10));
const ps = (code: string, fields: Record<string, string>) => ({
  codeformationaccueil: code,
  apprentissageouscolaire: 'Apprentissage',
  ...fields,
});

describe('Parcoursup appariement cascade', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await given(db, {
      bcn__n_formation_diplome: [
        ...[
          '32000001',
          '32000002',
          '32000003',
          '32000004',
          '32000005',
          '32000006',
          '32000007',
          '32000008',
          '32000013',
        ].map((c) => formation(c)),
        formation('32000011', { premiereSession: '2030' }),
        formation('40000001'),
        formation('40000009'),
      ],
      bcn__n_mef: [
        mef('3112000521', '31120000005', '32000005', 2, 2),
        mef('2470000911', '23810000009', '40000009', 3, 1),
        mef('2470000113', '23830000001', '40000001', 3, 3),
      ],
      bcn__n_diplome_sise: [{ diplome_sise: '2400074', type_diplome_sise: 'XA', libelle_intitule_1: 'LICENCE PRO' }],
      bcn__n_groupe_formation: [
        { groupe_formation: 'G0003', type_groupe_formation: 'TG01', libelle_edition: 'Construction' },
      ],
      bcn__n_lien_formation_groupe: [
        { groupe_formation: 'G0003', formation_diplome: '40000009' },
        { groupe_formation: 'G0003', formation_diplome: '40000001' },
      ],
      certifinfo__certifications: [
        { code_diplome: '1002', code_rncp: '37002', code_scolarite: '32000002' },
        { code_diplome: '1003', code_scolarite: '32000003', codeideo2: 'FOR.3' },
        { code_diplome: '1007', code_rncp: '37007', code_scolarite: '32000007' },
        { code_diplome: '1081', code_rncp: '37081', code_scolarite: '32000008' },
        { code_diplome: '1082', code_rncp: '37082', code_scolarite: '32000001' },
      ],
      catalogue_apprentissage__formations: [formationApprentissage('RCO4', '32000004', null, null, null)],
      acce__etablissements: [
        '0750001A',
        '0750002B',
        '0750003C',
        '0750004D',
        '0750005E',
        '0750061F',
        '0750062G',
        '0750063H',
        '0750007J',
        '0750011K',
        '0750012L',
        '0750013M',
        '0750015N',
      ].map((u) => acce(u)),
      inserjeunes__etablissements: [
        ...etab('0750001A', '32000001', 30),
        ...etab('0750002B', '32000002', 30),
        ...etab('0750003C', '32000003', 30),
        ...etab('0750004D', '32000004', 30),
        ...etab('0750005E', '32000005', 30),
        ...etab('0750061F', '32000006', 10),
        ...etab('0750062G', '32000006', 25),
        ...etab('0750063H', '32000006', 40),
        ...etab('0750007J', '32000007', 10),
        ...etab('0750007J', '32000001', 40),
      ],
      insersup__etablissements: [
        {
          etablissement: '0750015N',
          diplome: '2400074',
          annee_universitaire: '2020-2021',
          nb_inscrits: '119',
          nb_sortants: '54',
          nb_poursuivants: '65',
          nb_in_dsn_6: '23',
        },
      ],
      parcoursup__formations: [
        ps('1', { codecfd: '32000001', uai_composante: '0750001A' }),
        ps('2', { liste_rncp: 'RNCP37002', uai_composante: '0750002B' }),
        ps('3', { liste_ideo: 'FOR.3', uai_composante: '0750003C' }),
        ps('4', { id_rco: 'RCO4', uai_composante: '0750004D' }),
        ps('5', { codecfd: '32000005', uai_composante: '0750005E', apprentissageouscolaire: 'Scolaire' }),
        ps('6', { codecfd: '32000006', uai_composante: '0750061F', uai_aff: '0750062G', uai_ges: '0750063H' }),
        ps('7', { codecfd: '32000007', liste_rncp: 'RNCP37082', uai_composante: '0750007J' }),
        ps('8', { liste_rncp: 'RNCP37081;RNCP37082', uai_composante: '0750001A' }),
        ps('9', { codecfd: '99999999', uai_composante: '0750001A' }),
        ps('10', { codecfd: '32000001', uai_composante: '0999999Z' }),
        ps('11', { codecfd: '32000011', uai_composante: '0750011K' }),
        ps('12', { codemef: '2470000911', uai_composante: '0750012L', apprentissageouscolaire: 'Scolaire' }),
        ps('13', { codecfd: '32000013', uai_composante: '0750013M' }),
        ps('15', { codesise: '2400074', uai_ges: '0750015N', codeformation: '89000' }),
      ],
    });
    await build(db);
  });

  const appariement = async (code: string) =>
    (
      await rows(
        db,
        `select methode, validite_code_certification, code_certification, filiere_donnee, uai, uai_role,
      millesime_donnee, couverture, raison_non_couverture from matched.appariement_parcoursup where code_formation_accueil = '${code}'`,
      )
    )[0];

  test("normal: the formation's own CFD at its composante", async () => {
    expect(await appariement('1')).toEqual({
      methode: 'normal',
      validite_code_certification: 'valide',
      code_certification: '32000001',
      filiere_donnee: 'apprentissage',
      uai: '0750001A',
      uai_role: 'composante',
      millesime_donnee: M,
      couverture: 'couvert',
      raison_non_couverture: null,
    });
  });

  test('rncp, ideo and mne methods follow Certif Info and the apprenticeship catalogue', async () => {
    expect(await appariement('2')).toMatchObject({
      methode: 'rncp',
      code_certification: '32000002',
      couverture: 'couvert',
    });
    expect(await appariement('3')).toMatchObject({
      methode: 'ideo',
      code_certification: '32000003',
      couverture: 'couvert',
    });
    expect(await appariement('4')).toMatchObject({
      methode: 'mne',
      code_certification: '32000004',
      couverture: 'couvert',
    });
  });

  test('inverse: a scolaire formation covered by the apprenticeship figures of its CFD', async () => {
    expect(await appariement('5')).toMatchObject({
      methode: 'inverse',
      code_certification: '32000005',
      filiere_donnee: 'apprentissage',
      couverture: 'couvert',
    });
  });

  test('tie-breaks: best coverage first, then UAI priority (composante > affectation > gestionnaire)', async () => {
    expect(await appariement('6')).toMatchObject({
      methode: 'normal',
      uai: '0750062G',
      uai_role: 'affectation',
      couverture: 'couvert',
    });
  });

  test('within a level, a method that covers wins over an earlier one under the threshold', async () => {
    // Its own CFD has 10 pupils at 0750007J (< 20); its RNCP leads to 32000001, 40 pupils there. The anchor stops at
    // the first method covered or under the threshold; devenir takes the covering one, and shows no figure under 20.
    expect(await appariement('7')).toMatchObject({
      methode: 'rncp',
      code_certification: '32000001',
      couverture: 'couvert',
    });
  });

  test('validity and reasons of non-coverage', async () => {
    expect(await appariement('8')).toMatchObject({
      methode: 'rncp',
      validite_code_certification: 'plusieurs codes',
      couverture: 'non couvert',
      raison_non_couverture: 'plusieurs formations en annee terminale',
    });
    expect(await appariement('9')).toMatchObject({
      validite_code_certification: 'code inconnu',
      raison_non_couverture: 'code certification inconnu',
    });
    expect(await appariement('10')).toMatchObject({
      validite_code_certification: 'valide',
      raison_non_couverture: 'UAI inconnu',
    });
    expect(await appariement('11')).toMatchObject({
      code_certification: '32000011',
      raison_non_couverture: 'nouvelle formation',
    });
    // A seconde commune whose famille has a single terminal MEFSTAT11 reads that code (no figures here).
    expect(await appariement('12')).toMatchObject({
      methode: 'normal',
      code_certification: '23830000001',
      raison_non_couverture: 'sans raison evidente',
    });
    expect(await appariement('13')).toMatchObject({
      code_certification: '32000013',
      raison_non_couverture: 'sans raison evidente',
    });
  });

  test('supérieur: the SISE code read at the gestionnaire in the InserSup figures', async () => {
    expect(await appariement('15')).toMatchObject({
      methode: 'normal',
      code_certification: '2400074',
      filiere_donnee: 'superieur',
      uai: '0750015N',
      uai_role: 'gestionnaire',
      millesime_donnee: '2021',
      couverture: 'couvert',
    });
  });

  test('coverage counts per catalogue, method and reason', async () => {
    expect(
      await rows(
        db,
        `select methode, couverture, raison_non_couverture, sum(nb_formations)::integer as nb_formations from published.couverture
        where catalogue = 'parcoursup' group by all order by all`,
      ),
    ).toEqual([
      { methode: 'ideo', couverture: 'couvert', raison_non_couverture: null, nb_formations: 1 },
      { methode: 'inverse', couverture: 'couvert', raison_non_couverture: null, nb_formations: 1 },
      { methode: 'mne', couverture: 'couvert', raison_non_couverture: null, nb_formations: 1 },
      { methode: 'normal', couverture: 'couvert', raison_non_couverture: null, nb_formations: 3 },
      { methode: 'normal', couverture: 'non couvert', raison_non_couverture: 'UAI inconnu', nb_formations: 1 },
      {
        methode: 'normal',
        couverture: 'non couvert',
        raison_non_couverture: 'code certification inconnu',
        nb_formations: 1,
      },
      { methode: 'normal', couverture: 'non couvert', raison_non_couverture: 'nouvelle formation', nb_formations: 1 },
      { methode: 'normal', couverture: 'non couvert', raison_non_couverture: 'sans raison evidente', nb_formations: 2 },
      { methode: 'rncp', couverture: 'couvert', raison_non_couverture: null, nb_formations: 2 },
      {
        methode: 'rncp',
        couverture: 'non couvert',
        raison_non_couverture: 'plusieurs formations en annee terminale',
        nb_formations: 1,
      },
    ]);
  });
});
