import type { DuckDBConnection } from '@duckdb/node-api';
import { rows } from './support.js';

/**
 * The coverage ceiling computed without the cascade, in plain SQL: the formations one of whose resolved
 * certifications (matched.appariement_candidats) has covering figures — latest millésime of the key, at least
 * `threshold` pupils, the three 6-month rates — at one of their own UAIs or those UAIs' ACCE mothers and daughters
 * (either voie), in their région académique (ACCE's for their first UAI it knows, else the académie most ACCE UAIs
 * with the same first three characters have) or nationally (both in their own voie; ONISEP formations, which have
 * no voie, in either). Returns the formations in the
 * ceiling and not covered by the cascade, and the other way round.
 */
export async function ceilingMismatches(db: DuckDBConnection, threshold = 20): Promise<Record<string, unknown>[]> {
  return rows(
    db,
    `
    with candidats as (
      select catalogue, formation_id, methode_rang, filiere_cible, code_certification
      from matched.appariement_candidats where code_certification is not null
    ),
    formations as (select * from matched.formations_catalogues),
    acce as (select * from matched.etablissements),
    propres as (
      select catalogue, formation_id, uai_1 as uai, 1 as rang from formations where filiere <> 'superieur'
      union all select catalogue, formation_id, uai_2, 2 from formations where filiere <> 'superieur'
      union all select catalogue, formation_id, uai_3, 3 from formations
    ),
    lieux as (
      select catalogue, formation_id, uai from propres where uai is not null
      union select p.catalogue, p.formation_id, unnest(a.uais_meres) from propres p join acce a on a.uai = p.uai
      union select p.catalogue, p.formation_id, unnest(a.uais_filles) from propres p join acce a on a.uai = p.uai
    ),
    prefixes as (
      select left(uai, 3) as prefixe, code_academie from acce where code_academie is not null
      group by 1, 2 qualify row_number() over (partition by prefixe order by count(*) desc, code_academie) = 1
    ),
    regions as (
      select p.catalogue, p.formation_id, ac.code_region_academique
      from propres p
      left join acce a on a.uai = p.uai
      left join prefixes x on x.prefixe = left(p.uai, 3)
      join staging.stg_reference__academies ac on ac.code_academie = coalesce(a.code_academie, x.code_academie)
      where p.uai is not null
      qualify row_number() over (partition by p.catalogue, p.formation_id order by a.code_academie is null, p.rang) = 1
    ),
    dernieres as (
      select * from matched.stats_toutes_echelles
      where donnee_source_type in ('self', 'ancienne', 'nouvelle') and scope in ('uai', 'region', 'france')
      qualify row_number() over (
        partition by scope, scope_code, code_certification, filiere order by millesime_annee_fin desc, millesime desc
      ) = 1
    ),
    couvrantes as (
      select scope, scope_code, code_certification, filiere from dernieres
      where nb_annee_term >= ${threshold} and taux_en_formation is not null and taux_en_emploi_6_mois is not null
        and taux_autres_6_mois is not null
    ),
    plafond as (
      select c.catalogue, c.formation_id from candidats c
      join lieux l using (catalogue, formation_id)
      join couvrantes s on s.scope = 'uai' and s.scope_code = l.uai and s.code_certification = c.code_certification
        and s.filiere = c.filiere_cible
      union
      select c.catalogue, c.formation_id from candidats c
      join regions r using (catalogue, formation_id)
      join couvrantes s on s.scope = 'region' and s.scope_code = r.code_region_academique
        and s.code_certification = c.code_certification and s.filiere = c.filiere_cible
      where c.methode_rang <= 4 or c.catalogue = 'onisep'
      union
      select c.catalogue, c.formation_id from candidats c
      join couvrantes s on s.scope = 'france' and s.code_certification = c.code_certification
        and s.filiere = c.filiere_cible
      where c.methode_rang <= 4 or c.catalogue = 'onisep'
    ),
    couverts as (select catalogue, formation_id from matched.appariements where couverture = 'couvert')
    select 'ceiling, not covered' as ecart, * from (select * from plafond except select * from couverts)
    union all
    select 'covered, not in the ceiling', * from (select * from couverts except select * from plafond)
    order by all`,
  );
}

/**
 * Every published figure shown with fewer than `threshold` pupils in the final year (or without the cohort size):
 * in every published table with nb_/taux_/salaire_ columns, rows where nb_annee_term is under the threshold or null
 * and another figure is not null. A table with such columns and no nb_annee_term is reported too.
 */
export async function secrecyLeaks(db: DuckDBConnection, threshold = 20): Promise<string[]> {
  const columns = await rows(
    db,
    `select table_name, list(column_name order by ordinal_position) as columns from information_schema.columns
    where table_schema = 'published' group by table_name order by table_name`,
  );
  const leaks: string[] = [];
  for (const { table_name: table, columns: names } of columns) {
    const figures = (names as string[]).filter((c) => /^(nb_|taux_|salaire_)/.test(c) && c !== 'nb_annee_term');
    const measures = figures.filter((c) => !/^nb_formations/.test(c));
    if (measures.length === 0) continue;
    if (!(names as string[]).includes('nb_annee_term')) {
      leaks.push(`published.${table} has figures but no nb_annee_term`);
      continue;
    }
    const shown = measures.map((c) => `"${c}" is not null`).join(' or ');
    const [{ n }] = await rows(
      db,
      `select count(*)::integer as n from published."${table}"
      where (nb_annee_term < ${threshold} or nb_annee_term is null) and (${shown})`,
    );
    if (n) leaks.push(`published.${table}: ${n} rows show figures under ${threshold} pupils`);
  }
  return leaks;
}
