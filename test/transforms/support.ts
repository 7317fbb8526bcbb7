import { fileURLToPath } from 'node:url';
import { DuckDBInstance, quotedIdentifier, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import {
  loadModels,
  loadSources,
  runModels,
  type ModelDef,
  type ModelRunStat,
  type ParamValue,
} from '../../lake/transform-runner.js';

export const TRANSFORMS_DIR = fileURLToPath(new URL('../../transforms', import.meta.url));
export const PARAMS: Record<string, ParamValue> = { secrecy_threshold: 20 };

let cachedModels: Promise<ModelDef[]> | undefined;

/** The models of transforms/, loaded once per test file. */
export function models(): Promise<ModelDef[]> {
  cachedModels ??= loadModels(TRANSFORMS_DIR);
  return cachedModels;
}

/** A fresh in-memory DuckDB with the raw schema. */
export async function openDb(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('create schema if not exists raw');
  return connection;
}

/** Creates every raw table the dataset registry declares that is missing, empty, with exactly its VARCHAR columns + lineage. */
export async function createMissingRawTables(connection: DuckDBConnection): Promise<string[]> {
  const sources = loadSources();
  const present = new Set(
    (await rows(connection, `select table_name from information_schema.tables where table_schema = 'raw'`)).map((r) =>
      String(r.table_name),
    ),
  );
  const created: string[] = [];
  for (const [table, columns] of Object.entries(sources.tables)) {
    if (present.has(table)) continue;
    const defs = [...columns, ...sources.lineage].map(
      (c) => `${quotedIdentifier(c)} ${c === '_raw_row' ? 'bigint' : 'varchar'}`,
    );
    await connection.run(`create table raw.${quotedIdentifier(table)} (${defs.join(', ')})`);
    created.push(table);
  }
  return created;
}

type RawRow = Record<string, string | null | undefined>;

/**
 * Inserts rows into raw.<table> (created first if missing). Keys must be declared columns of the table;
 * lineage defaults: _raw_key `test://<table>`, _raw_row = position, millesime `2025-01-01` (a fetch date).
 */
export async function insertRaw(connection: DuckDBConnection, table: string, input: RawRow[]): Promise<void> {
  await createMissingRawTables(connection);
  const sources = loadSources();
  const declared = new Set([...(sources.tables[table] ?? []), ...sources.lineage]);
  if (!sources.tables[table]) throw new Error(`raw.${table} is not declared in activities/land/datasets`);
  for (const [i, row] of input.entries()) {
    const full: RawRow = { _raw_key: `test://${table}`, millesime: '2025-01-01', ...row };
    const columns = Object.keys(full).filter((c) => c !== '_raw_row');
    for (const c of columns) if (!declared.has(c)) throw new Error(`raw.${table} has no declared column ${c}`);
    const values: DuckDBValue[] = [...columns.map((c) => full[c] ?? null), Number(row._raw_row ?? i + 1)];
    const names = [...columns, '_raw_row'].map(quotedIdentifier).join(', ');
    const marks = values.map((_, k) => `$${k + 1}`).join(', ');
    await connection.run(`insert into raw.${quotedIdentifier(table)} (${names}) values (${marks})`, values);
  }
}

/** Runs a query and returns JSON-friendly row objects. */
export async function rows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

/** Builds every model (missing raw tables created empty first, as the build does). */
export async function build(connection: DuckDBConnection, params = PARAMS): Promise<Record<string, ModelRunStat>> {
  await createMissingRawTables(connection);
  return runModels(connection, await models(), { params });
}
