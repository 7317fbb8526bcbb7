import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { quotedIdentifier, quotedString, type DuckDBConnection } from '@duckdb/node-api';
import iconv from 'iconv-lite';

const SAMPLE = fileURLToPath(new URL('../../data/sample/', import.meta.url));
const FETCH_DATE = '2025-06-01';

/** The contract's header normalisation: lower-case, accents stripped, runs of [^a-z0-9] → `_`, trimmed of `_`. */
export function normaliseColumn(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

type CsvSpec = { table: string; file: string; delimiter: string; encoding: 'utf8' | 'win1252' };
type JsonSpec = { table: string; file: string; records: string };

const CSV: CsvSpec[] = [
  { table: 'bcn__n_formation_diplome', file: 'bcn/N_FORMATION_DIPLOME.csv.gz', delimiter: ';', encoding: 'win1252' },
  { table: 'bcn__v_formation_diplome', file: 'bcn/V_FORMATION_DIPLOME.csv.gz', delimiter: ';', encoding: 'utf8' },
  {
    table: 'bcn__n_formation_diplome_enquete_51',
    file: 'bcn/bcn_export_with_labels/N_FORMATION_DIPLOME_ENQUETE_51.csv.gz',
    delimiter: ';',
    encoding: 'utf8',
  },
  { table: 'bcn__n_mef', file: 'bcn/N_MEF.csv.gz', delimiter: ';', encoding: 'utf8' },
  {
    table: 'bcn__n_niveau_formation_diplome',
    file: 'bcn/N_NIVEAU_FORMATION_DIPLOME.csv.gz',
    delimiter: ';',
    encoding: 'utf8',
  },
  { table: 'bcn__n_diplome_sise', file: 'bcn/N_DIPLOME_SISE_1row_pipe.csv.gz', delimiter: '|', encoding: 'utf8' },
  { table: 'bcn__n_type_diplome_sise', file: 'bcn/N_TYPE_DIPLOME_SISE_pipe.csv.gz', delimiter: '|', encoding: 'utf8' },
  { table: 'bcn__n_groupe_formation', file: 'bcn/N_GROUPE_FORMATION.csv.gz', delimiter: ';', encoding: 'utf8' },
  {
    table: 'bcn__n_lien_formation_groupe',
    file: 'bcn/N_LIEN_FORMATION_GROUPE.csv.gz',
    delimiter: ';',
    encoding: 'utf8',
  },
  { table: 'acce__etablissements', file: 'acce_annuaire/acce/ACCE_UAI.csv.gz', delimiter: ';', encoding: 'win1252' },
  { table: 'acce__uai_mere', file: 'acce_annuaire/acce/ACCE_UAI_MERE.csv.gz', delimiter: ';', encoding: 'win1252' },
  { table: 'certifinfo__certifications', file: 'certifinfo/certif_info.csv.gz', delimiter: ';', encoding: 'utf8' },
  {
    table: 'onisep__formations_initiales',
    file: 'onisep/ideo-formations_initiales_en_france.csv.gz',
    delimiter: ';',
    encoding: 'utf8',
  },
  { table: '__ij_region_data', file: 'inserjeunes_api/ij_region_data.csv.gz', delimiter: ';', encoding: 'utf8' },
];

const JSON_FILES: JsonSpec[] = [
  {
    table: 'catalogue_apprentissage__formations',
    file: 'catalogue_apprentissage/api_formations_2.json.gz',
    records: 'formations',
  },
  {
    table: 'catalogue_apprentissage__etablissements',
    file: 'catalogue_apprentissage/api_etablissements_2.json.gz',
    records: 'etablissements',
  },
  { table: 'insersup__etablissements', file: 'insersup/insersup_old_schema_results_2.json.gz', records: 'results' },
];

const IJ_MEASURES = [
  'nb_annee_term',
  'nb_en_emploi_12_mois',
  'nb_en_emploi_18_mois',
  'nb_en_emploi_24_mois',
  'nb_en_emploi_6_mois',
  'nb_poursuite_etudes',
  'nb_sortant',
  'taux_emploi_12_mois',
  'taux_emploi_18_mois',
  'taux_emploi_24_mois',
  'taux_emploi_6_mois',
  'taux_poursuite_etudes',
];

async function loadCsv(connection: DuckDBConnection, dir: string, spec: CsvSpec): Promise<void> {
  const bytes = gunzipSync(await readFile(path.join(SAMPLE, spec.file)));
  const text = iconv.decode(bytes, spec.encoding).replace(/^\uFEFF/, '');
  const tmp = path.join(dir, `${spec.table}.csv`);
  await writeFile(tmp, text);
  const source = `read_csv(${quotedString(tmp)}, delim = ${quotedString(spec.delimiter)}, header = true, all_varchar = true)`;
  const described = (await connection.runAndReadAll(`describe select * from ${source}`)).getRowObjectsJson();
  const seen = new Set<string>();
  const columns = described
    .map((r) => String(r.column_name))
    .filter((c) => {
      const n = normaliseColumn(c);
      if (n === '' || seen.has(n)) return false;
      seen.add(n);
      return true;
    });
  const select = columns.map((c) => `${quotedIdentifier(c)} as ${quotedIdentifier(normaliseColumn(c))}`).join(', ');
  await connection.run(
    `create or replace table raw.${quotedIdentifier(spec.table)} as select ${select}, ${quotedString(`sample://${spec.file}`)} as _raw_key,
     row_number() over () as _raw_row, ${quotedString(FETCH_DATE)} as millesime from ${source}`,
  );
}

/** Top-level scalars as text, nested values as JSON text, keys normalised (first one wins on a clash). */
function flatten(record: Record<string, unknown>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(record)) {
    const name = normaliseColumn(key);
    if (name in out) continue;
    out[name] =
      value === null || value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
}

async function loadJson(connection: DuckDBConnection, dir: string, spec: JsonSpec): Promise<void> {
  const doc = JSON.parse(gunzipSync(await readFile(path.join(SAMPLE, spec.file))).toString('utf8')) as Record<
    string,
    unknown
  >;
  const records = (doc[spec.records] as Record<string, unknown>[]).map(flatten);
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const tmp = path.join(dir, `${spec.table}.ndjson`);
  await writeFile(tmp, records.map((r) => JSON.stringify(r)).join('\n'));
  const types = `{${columns.map((c) => `${quotedString(c)}: 'VARCHAR'`).join(', ')}}`;
  await connection.run(
    `create or replace table raw.${quotedIdentifier(spec.table)} as select *, ${quotedString(`sample://${spec.file}`)} as _raw_key,
     row_number() over () as _raw_row, ${quotedString(FETCH_DATE)} as millesime
     from read_json(${quotedString(tmp)}, format = 'newline_delimited', columns = ${types})`,
  );
}

/** The regional export (one line per formation) unpivoted into the InserJeunes raw rows (one per measure). */
async function loadInserjeunesRegions(connection: DuckDBConnection): Promise<void> {
  await connection.run(`
    create or replace table raw.inserjeunes__regionales as
    select 'region' as scope, code_region_ij as scope_code,
        case voie when 'scolaire' then 'voie_pro_sco_educ_nat' else voie end as filiere,
        id_mesure, valeur_mesure,
        case when cfd is not null then 'id_formation_apprentissage' else 'id_mefstat11' end as dimension,
        coalesce(cfd, mefstat11) as code, null::varchar as libelle_etab,
        _raw_key, row_number() over (order by _raw_row, id_mesure) as _raw_row, millesime
    from (unpivot raw.__ij_region_data on ${IJ_MEASURES.join(', ')} into name id_mesure value valeur_mesure)`);
  await connection.run('drop table raw.__ij_region_data');
}

/** Loads the real extracts of data/sample into raw tables the way the landing step shapes them; returns row counts. */
export async function loadRealSample(connection: DuckDBConnection): Promise<Record<string, number>> {
  await connection.run('create schema if not exists raw');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'devenir-sample-'));
  for (const spec of CSV) await loadCsv(connection, dir, spec);
  for (const spec of JSON_FILES) await loadJson(connection, dir, spec);
  await loadInserjeunesRegions(connection);
  const counts = (
    await connection.runAndReadAll(
      `select table_name, estimated_size as n from duckdb_tables() where schema_name = 'raw' order by table_name`,
    )
  ).getRowObjectsJson();
  return Object.fromEntries(counts.map((r) => [String(r.table_name), Number(r.n)]));
}
