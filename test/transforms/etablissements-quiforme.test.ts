import { describe, expect, test } from 'vitest';
import { acce, given } from './fixtures.js';
import { build, openDb, rows } from './support.js';

describe('QuiForme completes the établissements', () => {
  test('SIRET and raison sociale join the ACCE UAI; a UAI only QuiForme knows is added', async () => {
    const db = await openDb();
    const organisme = (uai: string, siret: string, raisonSociale: string) => ({
      uai,
      siret,
      siren: siret.slice(0, 9),
      raison_sociale: raisonSociale,
      enseigne: null,
      etat_administratif: 'A',
      lookup_key: uai,
      lookup_type: 'uai',
      millesime: '2026-01-05',
    });
    await given(db, {
      acce__etablissements: [{ ...acce('0750015N'), numero_siren_siret_uai: null }],
      quiforme__organismes: [
        organisme('0750015N', '19750015200011', 'LYCEE PROFESSIONNEL DE PARIS'),
        organisme('0931234X', '88888888800012', 'CFA SANS UAI ACCE'),
      ],
    });
    await build(db);
    expect(
      await rows(
        db,
        `select uai, siret, siren, raison_sociale, etat_administratif, source_referentiel, libelle
         from published.etablissements order by uai`,
      ),
    ).toEqual([
      {
        uai: '0750015N',
        siret: '19750015200011',
        siren: '197500152',
        raison_sociale: 'LYCEE PROFESSIONNEL DE PARIS',
        etat_administratif: 'A',
        source_referentiel: 'acce',
        libelle: 'Etab 0750015N',
      },
      {
        uai: '0931234X',
        siret: '88888888800012',
        siren: '888888888',
        raison_sociale: 'CFA SANS UAI ACCE',
        etat_administratif: 'A',
        source_referentiel: 'quiforme',
        libelle: 'CFA SANS UAI ACCE',
      },
    ]);
  });
});
