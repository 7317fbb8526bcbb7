import { describe, expect, test } from 'vitest';
import { acce, formation, given } from './fixtures.js';
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
});
