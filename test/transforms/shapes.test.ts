import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { scalarsAsText } from '../../activities/land/esr-opendata.js';
import { insersupApiRecords, insersupOdsRecords, toWideShape } from '../../infra/simulators/insersup-data.js';
import { readSampleCsv } from '../../infra/simulators/sample-csv.js';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { stageLanding } from '../../lake/landing.js';
import { build, insertRaw, openDb, rows } from './support.js';

type Rec = Record<string, unknown>;

/** Lands records through the landing step with their dataset's declaration; returns the rows of the raw table. */
async function land(
  source: string,
  dataset: string,
  records: Rec[],
  period: string,
): Promise<Record<string, string>[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'devenir-shape-'));
  const file = path.join(dir, `${dataset}.ndjson`);
  await writeFile(file, records.map((r) => JSON.stringify(scalarsAsText(r))).join('\n'));
  const spec = sourceDatasets(source)[dataset];
  return Workspace.with(async (ws) => {
    const staged = await stageLanding(
      ws,
      [{ path: file, format: { kind: 'ndjson' }, rawKey: 'test://x' }],
      spec,
      period,
      't',
    );
    expect(staged.quarantined).toBe(0);
    return ws.rows<Record<string, string>>('select * exclude (_raw_row), _raw_row::varchar as _raw_row from landed');
  });
}

/** Builds staging from one raw table and returns a staging model's rows. */
async function staged(table: string, raw: Record<string, string>[], query: string) {
  const db = await openDb();
  await insertRaw(db, table, raw);
  await build(db);
  return rows(db, query);
}

describe('every shape the publishers use reaches staging', () => {
  // Real 2024_S2 records of one établissement; staging keeps the national rows, so they are relabelled `National`.
  const national = insersupOdsRecords()
    .filter((r) => JSON.stringify(r.promo) === '["2020"]')
    .map((r): Rec => ({ ...r, uo_lib: 'National' }));
  const query = `select * exclude (_raw_key, _raw_row) from staging.stg_insersup__nationales order by all`;

  test('stg_insersup__nationales reads the long shape and the wide Dec 2025 shape to the same figures', async () => {
    const long = await staged('insersup__nationales', await land('insersup', 'nationales', national, '2020'), query);
    const wide = await staged(
      'insersup__nationales',
      await land('insersup', 'nationales', toWideShape(national), '2020'),
      query,
    );
    expect(long.length).toBeGreaterThan(0);
    expect(wide).toEqual(long);
    const source = national.filter(
      (r) => r.genre === 'ensemble' && r.nationalite === 'ensemble' && r.obtention_diplome === 'ensemble',
    );
    const at = (m: number) => Number(source.find((r) => Number(r.date_inser) === m)!.nb_sortants_en_emploi_sal_fr);
    expect(long[0]).toMatchObject({
      code_certification: String(source[0].diplome),
      nb_sortants: Number(source[0].nb_sortants),
      nb_sortants_en_emploi_6_mois: at(6),
      nb_sortants_en_emploi_12_mois: at(12),
      nb_sortants_en_emploi_24_mois: at(24),
    });
  });

  test('a payload of neither shape fails at landing, naming both shapes', async () => {
    const neither = national.map(
      ({ date_inser: _d, date_inser_long: _l, nb_sortants_en_emploi_sal_fr: _n, ...rest }) => rest,
    );
    await expect(land('insersup', 'nationales', neither, '2020')).rejects.toThrow(
      /none of the declared shapes \(long: date_inser \+ nb_sortants_en_emploi_sal_fr; wide: /,
    );
  });

  test('stg_insersup__etablissements reads `diplome` and `diplome_consol`', async () => {
    const query = `select uai, code_certification, millesime, nb_sortants from staging.stg_insersup__etablissements order by all`;
    const records = insersupApiRecords();
    const withDiplome = await staged(
      'insersup__etablissements',
      await land('insersup', 'etablissements', records, '2026-01-01'),
      query,
    );
    const consol = records.map(({ diplome, ...r }) => ({ ...r, diplome_consol: diplome }));
    const withConsol = await staged(
      'insersup__etablissements',
      await land('insersup', 'etablissements', consol, '2026-01-01'),
      query,
    );
    expect(withDiplome.map((r) => r.code_certification)).toEqual(
      expect.arrayContaining([...new Set(records.map((r) => r.diplome))]),
    );
    expect(withConsol).toEqual(withDiplome);
  });

  test('stg_onisep__formations reads the 2022 Idéo layout and the current one (CFD from `code scolarité`)', async () => {
    const query = `select code_ideo, libelle, code_rncp, code_formation_diplome from staging.stg_onisep__formations order by code_ideo`;
    const current = JSON.parse(
      await readFile(
        new URL('../../data/sample/onisep/ideo-formations_initiales_current_layout.json', import.meta.url),
        'utf8',
      ),
    ) as Record<string, string>[];
    const ids = new Set(current.map((r) => r['url et ID Onisep'].split('/').pop()));
    // The real 2022 export: its first 300 formations and those of the current-layout fixture.
    const old = readSampleCsv('onisep/ideo-formations_initiales_en_france.csv', { delimiter: ';', encoding: 'utf-8' });
    const sample = old.rows.filter((r, i) => i < 300 || ids.has(r['lien site onisep.fr'].split('/').pop()));
    const fromOld = await staged(
      'onisep__formations_initiales',
      await land('onisep', 'formations_initiales', sample, '2026-01-01'),
      query,
    );
    expect(fromOld.length).toBeGreaterThan(290);
    expect(fromOld.every((r) => r.code_formation_diplome === null)).toBe(true);
    const fromCurrent = await staged(
      'onisep__formations_initiales',
      await land('onisep', 'formations_initiales', current, '2026-01-01'),
      query,
    );
    expect(fromCurrent).toEqual(
      current.map((r) => ({
        code_ideo: r['url et ID Onisep'].split('/').pop(),
        libelle: r['libellé formation principal'],
        code_rncp: `RNCP${r['code RNCP']}`,
        code_formation_diplome: r['code scolarité'] || null,
      })),
    );
    // The same formation reads the same in both layouts.
    const same = fromOld.find((r) => r.code_ideo === fromCurrent[0].code_ideo);
    expect(same).toMatchObject({ libelle: fromCurrent[0].libelle, code_rncp: fromCurrent[0].code_rncp });
  });
});
