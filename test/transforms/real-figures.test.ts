import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { beforeAll, describe, expect, test } from 'vitest';
import { runModels } from '../../lake/transform-runner.js';
import { loadRealSample } from './sample-loader.js';
import { models, openDb, PARAMS, rows } from './support.js';

const SOURCE = fileURLToPath(new URL('../../data/sample/inserjeunes_api/ij_region_data.csv.gz', import.meta.url));
/** The source file as plain DuckDB reads it: one line per région × millésime × voie × formation. */
const src = `(select *, case voie when 'scolaire' then 'pro' else voie end as filiere, coalesce(cfd, mefstat11) as code,
  nb_annee_term::integer as n, nb_en_emploi_6_mois::integer as e6, nb_poursuite_etudes::integer as pe
  from read_csv('${SOURCE}', delim = ';', header = true, all_varchar = true))`;
/** Published regional rows of the producer's own figures (not propagated from another code or year). */
const pub = `(select * from published.stats_regionales where donnee_source_type = 'self')`;

let db: DuckDBConnection;
beforeAll(async () => {
  db = await openDb();
  await loadRealSample(db);
  // National rows for the same cohorts, as the national route answers them (single year `2022` for `2021_2022`):
  // the sum of the regions, per formation and voie, straight from the source file.
  await db.run(`create table raw.inserjeunes__nationales as
    select 'france' as scope, case voie when 'scolaire' then 'voie_pro_sco_educ_nat' else voie end as scope_code,
      case voie when 'scolaire' then 'voie_pro_sco_educ_nat' else voie end as filiere, 'nb_annee_term' as id_mesure,
      sum(n)::varchar as valeur_mesure,
      case when cfd is not null then 'id_formation_apprentissage' else 'id_mefstat11' end as dimension,
      code, null::varchar as libelle_etab, 'test://national' as _raw_key,
      row_number() over ()::bigint as _raw_row, right(millesime, 4) as millesime
    from ${src} where n is not null group by all`);
  await runModels(db, await models(), { params: PARAMS });
}, 120_000);

describe('published figures checked against the source file (real regional extract)', () => {
  test('row count, Σ nb_annee_term per filière and masked rows equal the source', async () => {
    const [source] = await rows(db, `select count(*)::integer as n from ${src}`);
    const [published] = await rows(db, `select count(*)::integer as n from ${pub}`);
    expect(published.n).toBe(source.n);
    const sums = (q: string) => rows(db, q);
    expect(
      await sums(`select filiere, sum(nb_annee_term)::bigint::varchar as s from ${pub} group by 1 order by 1`),
    ).toEqual(await sums(`select filiere, sum(n)::bigint::varchar as s from ${src} group by 1 order by 1`));
    const [masked] = await rows(db, `select count(*)::integer as n from ${pub} where raison_masquage is not null`);
    const [under] = await rows(db, `select count(*)::integer as n from ${src} where n is null or n < 20`);
    expect(masked.n).toBe(under.n);
    expect(masked.n).toBeGreaterThan(0);
  });

  test('every published rate is the half-to-even rounding of the source counts over nb_annee_term', async () => {
    const [check] = await rows(
      db,
      `select count(*)::integer as compared,
         count(*) filter (where p.taux_en_formation_sur_annee_term is distinct from round_even(100 * s.pe / s.n, 0))::integer as formation_off,
         count(*) filter (where s.e6 is not null and p.taux_en_emploi_6_mois_sur_annee_term is distinct from round_even(100 * s.e6 / s.n, 0))::integer as emploi_off
       from ${pub} p join ${src} s
         on p.millesime = s.millesime and p.code_region_academique = s.code_region_ij and p.code_certification = s.code and p.filiere = s.filiere
       where p.raison_masquage is null`,
    );
    expect(check.compared).toBeGreaterThan(10_000);
    expect(check).toMatchObject({ formation_off: 0, emploi_off: 0 });
  });

  test('national and regional figures of one cohort join on millésime and certification code', async () => {
    const [joined] = await rows(
      db,
      `select count(*)::integer as n, count(*) filter (where n.nb_annee_term <> r.total)::integer as off
       from published.stats_nationales n
       join (select millesime, code_certification, filiere, sum(nb_annee_term) as total from ${pub} group by all) r
         using (millesime, code_certification, filiere)
       where n.donnee_source_type = 'self'`,
    );
    const [national] = await rows(
      db,
      `select count(*)::integer as n from published.stats_nationales where donnee_source_type = 'self'`,
    );
    expect(national.n).toBeGreaterThan(1000);
    expect(joined).toEqual({ n: national.n, off: 0 });
  });
});
