import { describe, expect, it } from 'vitest';
import { SCOPES } from '../../activities/land/scopes.js';
import { openDb, rows } from '../transforms/support.js';

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
    const asked = await rows(db, SCOPES['inserjeunes/etablissements'].queries.uai);
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
});
