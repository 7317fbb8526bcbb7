import path from 'node:path';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import { Workspace } from '../../lake/duckdb-session.js';
import type { StagedTable } from '../../lake/lake.js';
import { registerTables } from '../../lake/lake-views.js';
import { overlayTables } from '../../lake/overlay.js';
import { loadStaged } from '../../lake/staged.js';
import type { ActivityDeps } from '../deps.js';

/** ACCE natures the per-UAI InserJeunes loop asks about: declared (and explained) in datasets/inserjeunes.yml. */
export const INSERJEUNES_NATURES = sourceDatasets('inserjeunes').etablissements.lists.natures ?? [];

interface ScopeQuery {
  /** Raw tables the query reads; the scope is empty while one is missing. */
  needs: string[];
  /** Raw tables the query also reads when the lake holds them (table → the columns read): empty while missing. */
  optional?: Record<string, string[]>;
  /** scope key → SQL returning one column `code`. */
  queries: Record<string, string>;
}

/**
 * Which codes a per-item dataset asks its publisher for, read from what the lake already holds:
 * the UAIs ACCE lists (InserJeunes per établissement), the organismes the apprenticeship catalogue names
 * (QuiForme), the certifications the catalogues cite (Certif Info API).
 */
export const SCOPES: Record<string, ScopeQuery> = {
  'inserjeunes/etablissements': {
    needs: ['raw.acce__etablissements'],
    optional: {
      'raw.acce__uai_mere': ['numero_uai_mere', 'nature_uai', 'pays_libe'],
      'raw.acce__uai_fille': ['numero_uai_fille', 'nature_uai', 'pays_libe'],
    },
    queries: {
      // A UAI ACCE lists several times (an établissement, a mother, a daughter) is asked once.
      uai: `select distinct code from (
          select upper(trim(numero_uai)) as code, nature_uai, pays_libe from raw.acce__etablissements
          union all
          select upper(trim(numero_uai_mere)), nature_uai, pays_libe from raw.acce__uai_mere
          union all
          select upper(trim(numero_uai_fille)), nature_uai, pays_libe from raw.acce__uai_fille
        )
        where regexp_full_match(code, '[0-9]{7}[A-Z]') and nature_uai in (${INSERJEUNES_NATURES.map((n) => `'${n}'`).join(', ')})
          and coalesce(lower(pays_libe), 'france') = 'france'
        order by code`,
    },
  },
  'quiforme/organismes': {
    needs: ['raw.catalogue_apprentissage__formations'],
    queries: {
      uai: `select distinct code from (select unnest([etablissement_gestionnaire_uai, etablissement_formateur_uai]) as code from raw.catalogue_apprentissage__formations) where regexp_full_match(code, '[0-9]{7}[A-Z]') order by code`,
      siret: `select distinct code from (select unnest([etablissement_gestionnaire_siret, etablissement_formateur_siret]) as code from raw.catalogue_apprentissage__formations) where regexp_full_match(code, '[0-9]{14}') order by code`,
    },
  },
  'certifinfo-api/certifications': {
    needs: ['raw.parcoursup__formations'],
    queries: {
      rncp: `select distinct code from (select trim(unnest(string_split(liste_rncp, ';'))) as code from raw.parcoursup__formations) where code <> '' order by code`,
      sise: `select distinct codesise as code from raw.parcoursup__formations where regexp_full_match(codesise, '[0-9A-Z]{7}') order by code`,
    },
  },
};

/** The scope of `source/dataset` from the lake plus staged sets, or undefined when the dataset needs none. */
export async function resolveScope(
  deps: ActivityDeps,
  source: string,
  dataset: string,
  overlayStagedKeys: string[] = [],
): Promise<Record<string, string[]> | undefined> {
  const scope = SCOPES[`${source}/${dataset}`];
  if (!scope) return undefined;
  const snapshot = await deps.lake.lakeSnapshot();
  const committed = snapshot ? await deps.lake.tables({ snapshot: snapshot.snapshot_id }) : new Map();
  const staged: StagedTable[] = [];
  for (const key of overlayStagedKeys) staged.push(...(await loadStaged(deps.store, key)));
  const all = overlayTables(committed, staged);
  const tables = all.filter((t) => scope.needs.includes(t.name) || t.name in (scope.optional ?? {}));
  if (scope.needs.some((name) => !tables.some((t) => t.name === name)))
    return Object.fromEntries(Object.keys(scope.queries).map((k) => [k, []]));
  return Workspace.with(async (ws) => {
    await registerTables(ws, deps.store, tables, path.join(deps.config.workDir, 'cache'));
    for (const sql of emptyStandIns(scope, new Set(tables.map((t) => t.name)))) await ws.run(sql);
    const out: Record<string, string[]> = {};
    for (const [key, query] of Object.entries(scope.queries))
      out[key] = (await ws.rows<{ code: string }>(query)).map((r) => r.code);
    return out;
  });
}

/** `create table` statements standing in, empty, for the optional tables of `scope` the lake does not hold. */
export function emptyStandIns(scope: ScopeQuery, present: ReadonlySet<string>): string[] {
  return Object.entries(scope.optional ?? {})
    .filter(([name]) => !present.has(name))
    .map(([name, columns]) => `create table ${name} (${columns.map((c) => `${c} varchar`).join(', ')})`);
}
