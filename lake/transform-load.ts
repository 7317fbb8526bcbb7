import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DATASETS_DIR, loadRegistry, rawTables } from './dataset-registry.js';
import { parseModelContract } from './transform-contract.js';
import { orderModels, sortByDependencies } from './transform-order.js';
import { MODEL_LAYERS, type MacroDef, type ModelDef, type ModelLayer } from './transform-types.js';

const NAME = /^[a-z][a-z0-9_]*$/;
const REF = /\b(raw|staging|matched|published)\.([a-z_][a-z0-9_]*)\b/g;
const VARIABLE = /getvariable\(\s*'([a-z_][a-z0-9_]*)'\s*\)/g;
const RANK: Record<string, number> = { raw: -1, staging: 0, matched: 1, published: 2 };

/** The raw tables the dataset registry declares (activities/land/datasets): lineage columns plus each table's columns. */
export interface RawSources {
  lineage: string[];
  tables: Record<string, string[]>;
  /** Per table, the columns a landing check demands; the others may be absent from data landed before they were declared. */
  required: Record<string, string[]>;
}

/** The SQL layer's raw contract, read from the dataset registry (one declaration per dataset, shared with landing). */
export function loadSources(registryDir = DATASETS_DIR): RawSources {
  const tables = rawTables(loadRegistry(registryDir));
  return {
    lineage: ['_raw_key', '_raw_row', 'millesime'],
    tables: Object.fromEntries(Object.entries(tables).map(([t, d]) => [t, d.columns])),
    required: Object.fromEntries(Object.entries(tables).map(([t, d]) => [t, d.requiredColumns])),
  };
}

/** Strips `--` and block comments so references inside them do not count. */
function stripComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
}

async function sqlFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sqlFiles(file)));
    else if (entry.isFile() && entry.name.endsWith('.sql')) files.push(file);
  }
  return files.sort();
}

async function loadMacros(dir: string): Promise<MacroDef[]> {
  const files = await sqlFiles(path.join(dir, 'macros'));
  const macros = await Promise.all(
    files.map(async (file) => ({
      name: path.basename(file, '.sql'),
      sql: (await readFile(file, 'utf8')).trim(),
      path: file,
    })),
  );
  return macros.map((m) => {
    if (!new RegExp(`^create or replace macro ${m.name}\\b`).test(stripComments(m.sql).trim())) {
      throw new Error(`${m.path}: must hold one "create or replace macro ${m.name}" statement`);
    }
    const body = stripComments(m.sql).replace(/^[^(]*/, '');
    return { ...m, uses: macros.filter((o) => o.name !== m.name && calls(body, o.name)).map((o) => o.name) };
  });
}

function calls(sql: string, macro: string): boolean {
  return new RegExp(`\\b${macro}\\s*\\(`).test(sql);
}

/**
 * Loads every model `<dir>/<layer>/**\/<name>.sql` with its `<name>.yml`, the raw tables it reads (checked against
 * the dataset registry) and the macros of `<dir>/macros` it calls. Returns the models in build order.
 */
export async function loadModels(dir: string, registryDir = DATASETS_DIR): Promise<ModelDef[]> {
  const sources = loadSources(registryDir);
  const macros = await loadMacros(dir);
  const models: ModelDef[] = [];
  for (const layer of MODEL_LAYERS) {
    for (const file of await sqlFiles(path.join(dir, layer)))
      models.push(await loadModel(file, layer, sources, macros));
  }
  const seen = new Map<string, string>();
  for (const m of models) {
    if (seen.has(m.id)) throw new Error(`Model ${m.id} is defined twice: ${seen.get(m.id)} and ${m.path}`);
    seen.set(m.id, m.path);
  }
  return orderModels(models);
}

async function loadModel(file: string, layer: ModelLayer, sources: RawSources, macros: MacroDef[]): Promise<ModelDef> {
  const name = path.basename(file, '.sql');
  const id = `${layer}.${name}`;
  if (!NAME.test(name)) throw new Error(`${file}: model file names must match ${NAME}`);
  const ymlFile = file.replace(/\.sql$/, '.yml');
  if (!existsSync(ymlFile)) throw new Error(`${file}: missing contract ${path.basename(ymlFile)}`);
  const sql = (await readFile(file, 'utf8')).trim().replace(/;\s*$/, '');
  const contract = parseModelContract(await readFile(ymlFile, 'utf8'), ymlFile, layer);
  const code = stripComments(sql);
  const dependsOn = new Set<string>();
  const raw = new Set<string>();
  for (const [, refLayer, table] of code.matchAll(REF)) {
    if (RANK[refLayer] > RANK[layer] || (refLayer === 'raw' && layer !== 'staging')) {
      throw new Error(
        `Model ${id} (${file}) reads ${refLayer}.${table}: a ${layer} model may not read the ${refLayer} layer`,
      );
    }
    if (refLayer === 'raw') {
      if (!(table in sources.tables))
        throw new Error(
          `Model ${id} (${file}) reads raw.${table}, not declared in the dataset registry (activities/land/datasets)`,
        );
      raw.add(table);
    } else if (`${refLayer}.${table}` !== id) dependsOn.add(`${refLayer}.${table}`);
  }
  const direct = macros.filter((m) => calls(code, m.name)).map((m) => m.name);
  const closure = new Set<string>();
  const add = (n: string): void => {
    if (closure.has(n)) return;
    closure.add(n);
    for (const u of macros.find((m) => m.name === n)?.uses ?? []) add(u);
  };
  direct.forEach(add);
  const used = sortByDependencies(
    macros.filter((m) => closure.has(m.name)),
    { key: (m) => m.name, deps: (m) => m.uses, describe: (m) => `Macro ${m.name} (${m.path})` },
  );
  return {
    id,
    layer,
    name,
    path: file,
    sql,
    contract,
    dependsOn: [...dependsOn].sort(),
    sources: [...raw].sort().map((table) => ({
      table,
      columns: [...sources.tables[table], ...sources.lineage],
      required: [...sources.required[table], ...sources.lineage],
    })),
    macros: used,
    variables: [
      ...new Set([code, ...used.map((m) => m.sql)].flatMap((text) => [...text.matchAll(VARIABLE)].map((v) => v[1]))),
    ].sort(),
  };
}
