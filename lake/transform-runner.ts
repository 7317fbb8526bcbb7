import { quotedIdentifier, type DuckDBConnection } from '@duckdb/node-api';
import { orderModels } from './transform-order.js';
import {
  ALL_LAYERS,
  type MacroDef,
  type ModelDef,
  type ModelRunStat,
  type ParamValue,
  type RawSource,
} from './transform-types.js';

export { loadModels, loadSources, type RawSources } from './transform-load.js';
export { orderModels } from './transform-order.js';
export type {
  MacroDef,
  ModelContract,
  ModelDef,
  ModelRunStat,
  ParamValue,
  RawSource,
  Relationship,
  Severity,
} from './transform-types.js';

const NAME = /^[a-z_][a-z0-9_]*$/;

export interface RunModelsOptions {
  /** Values the SQL reads with `getvariable('<name>')`, e.g. `{ secrecy_threshold: 20 }`. */
  params?: Record<string, ParamValue>;
  /** Model ids already built in this connection that `models` may read without rebuilding them. */
  external?: Iterable<string>;
}

/** Sets each param as a DuckDB variable; names are checked, values bound. */
async function setParams(connection: DuckDBConnection, params: Record<string, ParamValue>): Promise<void> {
  for (const [name, value] of Object.entries(params)) {
    if (!NAME.test(name)) throw new Error(`Invalid transform parameter name: ${JSON.stringify(name)}`);
    await connection.run(`set variable ${quotedIdentifier(name)} = $value`, { value });
  }
}

async function createMacros(connection: DuckDBConnection, models: readonly ModelDef[]): Promise<void> {
  const done = new Set<string>();
  const create = async (macro: MacroDef): Promise<void> => {
    if (done.has(macro.name)) return;
    done.add(macro.name);
    try {
      await connection.run(macro.sql);
    } catch (error) {
      throw new Error(`Macro ${macro.name} (${macro.path}) failed: ${(error as Error).message}`);
    }
  };
  for (const model of models) for (const macro of model.macros) await create(macro);
}

/** Creates each missing raw table empty with its declared columns; fails if a present one lacks declared columns. */
async function ensureRawTables(connection: DuckDBConnection, sources: RawSource[]): Promise<Set<string>> {
  const reader = await connection.runAndReadAll(
    `select table_name, list(column_name) as columns from information_schema.columns
     where table_catalog = current_database() and table_schema = 'raw' group by table_name`,
  );
  const present = new Map(reader.getRowObjectsJson().map((r) => [String(r.table_name), (r.columns as string[]) ?? []]));
  const missing = new Set<string>();
  for (const source of sources) {
    const columns = present.get(source.table);
    if (columns === undefined) {
      const defs = source.columns.map((c) => `${quotedIdentifier(c)} ${c === '_raw_row' ? 'bigint' : 'varchar'}`);
      await connection.run(`create table raw.${quotedIdentifier(source.table)} (${defs.join(', ')})`);
      present.set(source.table, source.columns);
      missing.add(source.table);
      continue;
    }
    const absent = source.columns.filter((c) => !columns.includes(c));
    if (absent.length > 0) {
      throw new Error(`raw.${source.table} lacks column(s) ${absent.join(', ')} declared in transforms/sources.yml`);
    }
  }
  return missing;
}

/**
 * Builds each model as `create or replace table <layer>.<name> as <sql>` in dependency order, in schemas
 * raw|staging|matched|published. Missing raw tables are created empty (reported per model in `missingRaw`).
 * Returns rows and wall time per model id.
 */
export async function runModels(
  connection: DuckDBConnection,
  models: readonly ModelDef[],
  options: RunModelsOptions = {},
): Promise<Record<string, ModelRunStat>> {
  const ordered = orderModels(models, { external: options.external });
  for (const model of ordered) {
    const absent = model.variables.filter((v) => options.params?.[v] === undefined);
    if (absent.length > 0)
      throw new Error(`Model ${model.id} (${model.path}) needs the parameter(s) ${absent.join(', ')}`);
  }
  for (const layer of ALL_LAYERS) await connection.run(`create schema if not exists ${layer}`);
  await setParams(connection, options.params ?? {});
  await createMacros(connection, ordered);
  const sources = new Map(ordered.flatMap((m) => m.sources).map((s) => [s.table, s]));
  const missing = await ensureRawTables(connection, [...sources.values()]);
  const stats: Record<string, ModelRunStat> = {};
  for (const model of ordered) {
    const started = performance.now();
    const target = `${model.layer}.${quotedIdentifier(model.name)}`;
    try {
      await connection.run(`create or replace table ${target} as\n${model.sql}`);
    } catch (error) {
      throw new Error(`Model ${model.id} (${model.path}) failed: ${(error as Error).message}`);
    }
    const count = await connection.runAndReadAll(`select count(*)::bigint as n from ${target}`);
    stats[model.id] = {
      rows: Number(count.getRowObjectsJson()[0].n),
      ms: Math.round(performance.now() - started),
      missingRaw: model.sources.map((s) => s.table).filter((t) => missing.has(t)),
    };
  }
  return stats;
}
