import { describe, expect, test } from 'vitest';
import { acce, formation, formationApprentissage, given } from './fixtures.js';
import { build, openDb, rows } from './support.js';

/** Wherever a re-fetch can correct values, the latest fetch is what gets published. */
describe('the latest fetch wins', () => {
  test('a second fetch that corrects a value changes the published value', async () => {
    const db = await openDb();
    const insersup = (nbSortants: string, millesime: string) => ({
      etablissement: '0750015N',
      diplome: '2400074',
      annee_universitaire: '2020-2021',
      nb_inscrits: '119',
      nb_sortants: nbSortants,
      nb_poursuivants: '65',
      millesime,
    });
    const first = {
      insersup__etablissements: [insersup('54', '2026-01-05')],
      bcn__n_formation_diplome: [{ ...formation('40023203', { libelle: 'ANCIEN LIBELLE' }), millesime: '2026-01-05' }],
      acce__etablissements: [{ ...acce('0750015N'), appellation_officielle: 'Ancien nom', millesime: '2026-01-05' }],
    };
    await given(db, first);
    await build(db);
    const published = async () => ({
      insersup: await rows(
        db,
        `select nb_sortant from published.stats_etablissements where uai = '0750015N' and code_certification = '2400074'`,
      ),
      bcn: await rows(db, `select libelle from published.certifications where code_certification = '40023203'`),
      acce: await rows(db, `select * from published.etablissements where uai = '0750015N'`),
    });
    const before = await published();
    expect(before.insersup).toEqual([{ nb_sortant: 54 }]);

    // The publishers correct their data; the corrections arrive with a later fetch date.
    await given(db, {
      insersup__etablissements: [insersup('60', '2026-02-02')],
      bcn__n_formation_diplome: [{ ...formation('40023203', { libelle: 'NOUVEAU LIBELLE' }), millesime: '2026-02-02' }],
      acce__etablissements: [{ ...acce('0750015N'), appellation_officielle: 'Nouveau nom', millesime: '2026-02-02' }],
    });
    await build(db);
    const after = await published();
    expect(after.insersup).toEqual([{ nb_sortant: 60 }]);
    expect(JSON.stringify(before.bcn)).toContain('ANCIEN LIBELLE');
    expect(JSON.stringify(after.bcn)).toContain('NOUVEAU LIBELLE');
    expect(JSON.stringify(before.acce)).toContain('Ancien nom');
    expect(JSON.stringify(after.acce)).toContain('Nouveau nom');
  });

  test('a second fetch of the apprenticeship catalogue or of Certif Info changes what is published', async () => {
    const db = await openDb();
    const catalogue = (intitule: string, millesime: string) => ({
      ...formationApprentissage('RCO1', '32000002', null, null, null, { intitule_long: intitule }),
      millesime,
    });
    // Certif Info tells which CFD the RNCP code a Parcoursup formation cites stands for.
    const certifinfo = (cfd: string, millesime: string) => ({
      code_diplome: '1002',
      code_rncp: '37002',
      code_scolarite: cfd,
      millesime,
    });
    await given(db, {
      bcn__n_formation_diplome: [formation('32000002'), formation('32000003')],
      parcoursup__formations: [
        { codeformationaccueil: 'PS1', apprentissageouscolaire: 'Apprentissage', liste_rncp: 'RNCP37002' },
      ],
      catalogue_apprentissage__formations: [catalogue('BTS ANCIEN INTITULE', '2026-01-05')],
      certifinfo__certifications: [certifinfo('32000002', '2026-01-05')],
    });
    await build(db);
    const published = async () => ({
      catalogue: await rows(
        db,
        `select libelle from published.appariement_catalogue_apprentissage where cle_ministere_educatif = 'RCO1'`,
      ),
      certifinfo: await rows(
        db,
        `select code_certification_candidat from published.appariement_parcoursup where code_formation_accueil = 'PS1'`,
      ),
    });
    expect(await published()).toEqual({
      catalogue: [{ libelle: 'BTS ANCIEN INTITULE' }],
      certifinfo: [{ code_certification_candidat: '32000002' }],
    });

    // The catalogue corrects its intitulé and Certif Info its CFD, in a later fetch.
    await given(db, {
      catalogue_apprentissage__formations: [catalogue('BTS NOUVEL INTITULE', '2026-02-02')],
      certifinfo__certifications: [certifinfo('32000003', '2026-02-02')],
    });
    await build(db);
    expect(await published()).toEqual({
      catalogue: [{ libelle: 'BTS NOUVEL INTITULE' }],
      certifinfo: [{ code_certification_candidat: '32000003' }],
    });
  });
});
