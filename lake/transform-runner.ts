import { quotedIdentifier, type DuckDBConnection } from '@duckdb/node-api';
import { events } from './events.js';
import { failpoint } from './failpoints.js';
import { readsHeldBack } from './manifest.js';
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
  /**
   * When given, a model that fails (SQL error, raw table lacking a declared column) is recorded here with its
   * reason instead of failing the run, and the models that read it, directly or not, are skipped (recorded too).
   */
  failed?: Map<string, string>;
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

/**
 * Creates each missing raw table empty with its declared columns; fails if a present one lacks a required column.
 * An optional column absent from data landed before it was declared is added as null (the table is renamed and a
 * view with the null column takes its name), so staging always sees every declared column.
 */
async function ensureRawTables(
  connection: DuckDBConnection,
  sources: RawSource[],
  lacking?: Map<string, string>,
): Promise<Set<string>> {
  const reader = await connection.runAndReadAll(
    `select c.table_name, any_value(t.table_type) as kind, list(c.column_name) as columns
     from information_schema.columns c join information_schema.tables t using (table_catalog, table_schema, table_name)
     where c.table_catalog = current_database() and c.table_schema = 'raw' group by c.table_name`,
  );
  const rows = reader.getRowObjectsJson();
  const present = new Map(rows.map((r) => [String(r.table_name), (r.columns as string[]) ?? []]));
  const kinds = new Map(rows.map((r) => [String(r.table_name), String(r.kind)]));
  const missing = new Set<string>();
  for (const source of sources) {
    const columns = present.get(source.table);
    const id = `raw.${quotedIdentifier(source.table)}`;
    if (columns === undefined) {
      const defs = source.columns.map((c) => `${quotedIdentifier(c)} ${c === '_raw_row' ? 'bigint' : 'varchar'}`);
      await connection.run(`create table ${id} (${defs.join(', ')})`);
      present.set(source.table, source.columns);
      missing.add(source.table);
      continue;
    }
    const absentRequired = source.required.filter((c) => !columns.includes(c));
    if (absentRequired.length > 0) {
      const message = `raw.${source.table} lacks required column(s) ${absentRequired.join(', ')} declared in activities/land/datasets`;
      if (!lacking) throw new Error(message);
      lacking.set(source.table, message);
      continue;
    }
    const absent = source.columns.filter((c) => !columns.includes(c));
    if (absent.length === 0) continue;
    const landed = quotedIdentifier(`${source.table}__landed`);
    await connection.run(`alter ${kinds.get(source.table) === 'VIEW' ? 'view' : 'table'} ${id} rename to ${landed}`);
    const nulls = absent.map((c) => `null::varchar as ${quotedIdentifier(c)}`).join(', ');
    await connection.run(`create view ${id} as select *, ${nulls} from raw.${landed}`);
    present.set(source.table, [...columns, ...absent]);
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
  const lacking = options.failed && new Map<string, string>();
  const missing = await ensureRawTables(connection, [...sources.values()], lacking);
  const stats: Record<string, ModelRunStat> = {};
  const failed = options.failed;
  for (const model of ordered) {
    const started = performance.now();
    const target = `${model.layer}.${quotedIdentifier(model.name)}`;
    const blocked =
      model.sources.map((s) => lacking?.get(s.table)).find(Boolean) ??
      model.dependsOn.filter((d) => failed?.has(d)).map((d) => readsHeldBack(d))[0];
    if (failed && blocked) {
      failed.set(model.id, blocked);
      continue;
    }
    try {
      await connection.run(`create or replace table ${target} as\n${model.sql}`);
    } catch (error) {
      const message = `Model ${model.id} (${model.path}) failed: ${(error as Error).message}`;
      if (!failed) throw new Error(message);
      failed.set(model.id, message);
      continue;
    }
    const count = await connection.runAndReadAll(`select count(*)::bigint as n from ${target}`);
    const ms = Math.round(performance.now() - started);
    events.emit('model', model.id, ms);
    failpoint('build.models');
    stats[model.id] = {
      rows: Number(count.getRowObjectsJson()[0].n),
      ms,
      missingRaw: model.sources.map((s) => s.table).filter((t) => missing.has(t)),
    };
  }
  return stats;
}
