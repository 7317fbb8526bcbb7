import { describe, expect, it } from 'vitest';
import { emptyStandIns, SCOPES } from '../../activities/land/scopes.js';
import { openDb, rows } from '../transforms/support.js';

const scope = SCOPES['inserjeunes/etablissements'];

describe('the per-UAI InserJeunes loop', () => {
  it('asks every ACCE nature of the anchor (§6.1), for UAIs in France only', async () => {
    const db = await openDb();
    await db.run(
      `create table raw.acce__etablissements as select * from (values
        ('0000001A', '610', 'France'), ('0000002B', '625', 'France'), ('0000003C', '630', 'France'),
        ('0000004D', '710', 'France'), ('0000005E', '740', 'France'), ('0000006F', '523', 'France'),
        ('0000007G', '580', 'France'), ('0000008H', '240', 'France'), ('0000009J', '320', 'France'),
        ('0000010K', '610', 'Maroc'), ('0000011L', '340', 'France'), ('bad', '320', 'France')
      ) as t (numero_uai, nature_uai, pays_libe)`,
    );
    for (const sql of emptyStandIns(scope, new Set(['raw.acce__etablissements']))) await db.run(sql);
    const asked = await rows(db, scope.queries.uai);
    expect(asked.map((r) => r.code)).toEqual([
      '0000001A',
      '0000002B',
      '0000003C',
      '0000004D',
      '0000005E',
      '0000006F',
      '0000007G',
      '0000008H',
      '0000009J',
    ]);
  });

  it('asks each UAI once, however often ACCE lists it (établissement, mother, daughter), and adds linked UAIs', async () => {
    const db = await openDb();
    await db.run(
      `create table raw.acce__etablissements as select * from (values
        ('0690001A', '300', 'France'), ('0690002B', '610', 'France'), (' 0690002b', '610', 'France')
      ) as t (numero_uai, nature_uai, pays_libe)`,
    );
    // ACCE_UAI_MERE: attributes are the mother's; ACCE_UAI_FILLE: attributes are the daughter's.
    await db.run(
      `create table raw.acce__uai_mere as select * from (values
        ('0690002B', '0690001A', '300', 'France'), ('0690003C', '0690009J', '600', 'France'),
        ('0690004D', '0690008H', '340', 'France')
      ) as t (numero_uai_trouve, numero_uai_mere, nature_uai, pays_libe)`,
    );
    await db.run(
      `create table raw.acce__uai_fille as select * from (values
        ('0690001A', '0690002B', '610', 'France'), ('0690009J', '0690003C', '630', 'France'),
        ('0690009J', '0690007G', '710', 'Maroc')
      ) as t (numero_uai_trouve, numero_uai_fille, nature_uai, pays_libe)`,
    );
    const asked = (await rows(db, scope.queries.uai)).map((r) => r.code);
    expect(asked).toEqual(['0690001A', '0690002B', '0690003C', '0690009J']);
  });
});
