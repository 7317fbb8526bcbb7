import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The folder of the dataset declarations, beside the connectors: one `<source>.yml` per source. */
export const DATASETS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../activities/land/datasets');

const NAME = /^[a-z][a-z0-9_]*$/;
const Column = z.union([
  z.enum(['required', 'optional']),
  z.object({
    required: z.boolean().default(false),
    notNull: z.boolean().optional(),
    pattern: z.string().optional(),
    /** A stricter pattern by the value of another column (e.g. a CFD has 8 characters, a MEFSTAT11 11). */
    patternBy: z.object({ column: z.string().regex(NAME), patterns: z.record(z.string(), z.string()) }).optional(),
    description: z.string().optional(),
  }),
]);
const Shape = z.object({ description: z.string(), columns: z.array(z.string().regex(NAME)).min(1) });
const Dataset = z.object({
  description: z.string(),
  period: z.enum(['millesime', 'fetch-date']),
  /** An empty answer is a normal answer (e.g. a lookup with nothing to ask); otherwise it is suspicious. */
  emptyIsLegitimate: z.boolean().default(false),
  /** Left out of refresh-all and of a source refresh that names no dataset. */
  optIn: z.boolean().default(false),
  shapes: z.record(z.string(), Shape).optional(),
  /** Free lists a connector reads (e.g. the ACCE natures InserJeunes is asked about). */
  lists: z.record(z.string(), z.array(z.string())).optional(),
  columns: z.record(z.string().regex(NAME), Column),
});
const SourceFile = z.object({
  source: z.string(),
  /** Refresh-all lands stage 1 (referentials) before stage 2 (what reads their scopes). */
  stage: z.number().int().min(1),
  schedule: z.object({ cron: z.string(), why: z.string().optional(), paused: z.boolean().optional() }),
  datasets: z.record(z.string().regex(NAME), Dataset),
});

/** One dataset as declared: its columns, shapes, period kind and whether an empty answer is legitimate. */
export interface DatasetDeclaration {
  source: string;
  dataset: string;
  /** `raw.<source with _>__<dataset>`, the table the landed rows become. */
  table: string;
  description: string;
  period: 'millesime' | 'fetch-date';
  emptyIsLegitimate: boolean;
  optIn: boolean;
  /** Every declared column, in declaration order: the raw table always has them all (absent ones land as null). */
  columns: string[];
  requiredColumns: string[];
  notNull: string[];
  patterns: Record<string, string>;
  /** Column → the column whose value (case-insensitive) picks its pattern, and the pattern of each value. */
  patternsBy: Record<string, { column: string; patterns: Record<string, string> }>;
  descriptions: Record<string, string>;
  /** Shape name → the columns that identify it; a payload must match one shape when any is declared. */
  shapes: Record<string, { description: string; columns: string[] }>;
  lists: Record<string, string[]>;
}

/** One source as declared: its refresh stage, its schedule and its datasets. */
export interface SourceDeclaration {
  source: string;
  stage: number;
  schedule: { cron: string; why?: string; paused?: boolean };
  datasets: Record<string, DatasetDeclaration>;
}

/**
 * Where a parsed registry is kept between processes, by the content of its files and of this module: parsing the
 * YAML takes longer than a command's whole start-up (0.3–0.9 s).
 */
export const REGISTRY_CACHE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../node_modules/.cache/devenir',
);

/** Reads and checks every `<source>.yml` of `dir`; a malformed file fails with its name and the field. */
export function loadRegistry(dir = DATASETS_DIR, cacheDir = REGISTRY_CACHE_DIR): Record<string, SourceDeclaration> {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort();
  const texts = names.map((name) => readFileSync(path.join(dir, name), 'utf8'));
  const key = createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(JSON.stringify([names, texts]))
    .digest('hex')
    .slice(0, 32);
  const cached = path.join(cacheDir, `registry-${key}.json`);
  try {
    return JSON.parse(readFileSync(cached, 'utf8')) as Record<string, SourceDeclaration>;
  } catch {
    // not parsed yet
  }
  const out = parseRegistry(dir, names, texts);
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(out));
    renameSync(tmp, cached);
  } catch {
    // a read-only install parses every time
  }
  return out;
}

function parseRegistry(dir: string, names: string[], texts: string[]): Record<string, SourceDeclaration> {
  // Loaded only when the cache misses (a synchronous require: the registry is read at module load).
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const out: Record<string, SourceDeclaration> = {};
  for (const [i, name] of names.entries()) {
    const file = path.join(dir, name);
    const parsed = SourceFile.safeParse(parse(texts[i]));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
    }
    const { source, stage, schedule, datasets } = parsed.data;
    if (name !== `${source}.yml`) throw new Error(`${file}: declares source "${source}"; name the file ${source}.yml`);
    const declared: Record<string, DatasetDeclaration> = {};
    for (const [dataset, d] of Object.entries(datasets)) {
      const cols = Object.entries(d.columns).map(([c, v]) => ({
        name: c,
        ...(typeof v === 'string' ? { required: v === 'required' } : v),
      }));
      const columns = cols.map((c) => c.name);
      for (const [shape, s] of Object.entries(d.shapes ?? {}))
        for (const c of s.columns)
          if (!columns.includes(c)) throw new Error(`${file}: ${dataset}: shape ${shape} names undeclared column ${c}`);
      const patternsBy = Object.fromEntries(
        cols.flatMap((c) => ('patternBy' in c && c.patternBy ? [[c.name, c.patternBy] as const] : [])),
      );
      for (const [c, by] of Object.entries(patternsBy))
        if (!columns.includes(by.column))
          throw new Error(`${file}: ${dataset}: ${c}.patternBy names undeclared column ${by.column}`);
      declared[dataset] = {
        source,
        dataset,
        table: `${source.replace(/-/g, '_')}__${dataset}`,
        description: d.description,
        period: d.period,
        emptyIsLegitimate: d.emptyIsLegitimate,
        optIn: d.optIn,
        columns,
        requiredColumns: cols.filter((c) => c.required).map((c) => c.name),
        notNull: cols.filter((c) => 'notNull' in c && c.notNull).map((c) => c.name),
        patterns: Object.fromEntries(cols.flatMap((c) => ('pattern' in c && c.pattern ? [[c.name, c.pattern]] : []))),
        patternsBy,
        descriptions: Object.fromEntries(
          cols.flatMap((c) => ('description' in c && c.description ? [[c.name, c.description]] : [])),
        ),
        shapes: d.shapes ?? {},
        lists: d.lists ?? {},
      };
    }
    out[source] = { source, stage, schedule, datasets: declared };
  }
  return out;
}

let cached: Record<string, SourceDeclaration> | undefined;

/** The project's registry (activities/land/datasets), read once. */
export function registry(): Record<string, SourceDeclaration> {
  cached ??= loadRegistry();
  return cached;
}

/** The datasets a source declares; an undeclared source fails naming the registry folder. */
export function sourceDatasets(source: string): Record<string, DatasetDeclaration> {
  const found = registry()[source];
  if (!found) throw new Error(`source ${source} has no declaration ${path.join(DATASETS_DIR, `${source}.yml`)}`);
  return found.datasets;
}

/** Every raw table the registry declares, with its columns: the SQL layer's raw contract. */
export function rawTables(reg = registry()): Record<string, DatasetDeclaration> {
  return Object.fromEntries(
    Object.values(reg).flatMap((s) => Object.values(s.datasets).map((d) => [d.table, d] as const)),
  );
}
