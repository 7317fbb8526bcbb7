/** Layers of the lake that SQL models build, in dependency order (`raw` is landed, never built). */
export const MODEL_LAYERS = ['staging', 'matched', 'published'] as const;
export type ModelLayer = (typeof MODEL_LAYERS)[number];
export const ALL_LAYERS = ['raw', ...MODEL_LAYERS] as const;
export type Layer = (typeof ALL_LAYERS)[number];

export type Severity = 'error' | 'warn';

/** A foreign-key style rule: every non-null `column` value exists in `to` (`layer.table.column`). */
export interface Relationship {
  column: string;
  to: { layer: Layer; table: string; column: string };
  severity: Severity;
  /** Optional SQL predicate (from the model's yml) restricting the rows checked. */
  where?: string;
}

/** An extra uniqueness rule besides the unique key (e.g. a warn-only one). */
export interface UniqueRule {
  columns: string[];
  severity: Severity;
  where?: string;
}

/** What a model's sidecar `<name>.yml` promises about its table. */
export interface ModelContract {
  /** One sentence stating the grain. */
  description: string;
  uniqueKey: string[];
  notNull: string[];
  acceptedValues: Record<string, string[]>;
  relationships: Relationship[];
  unique: UniqueRule[];
  rowDriftSeverity: Severity;
  /** Column descriptions (`columns:` in the yml), rendered in docs/data-dictionary.md; empty when none. */
  columns: Record<string, string>;
}

/** A raw table a model reads, with the columns its declaration (activities/land/datasets) gives. */
export interface RawSource {
  table: string;
  columns: string[];
  /** Required columns plus lineage: a raw table without one of them stops the build. */
  required: string[];
}

/** A DuckDB macro from `transforms/macros/<name>.sql`. */
export interface MacroDef {
  name: string;
  sql: string;
  path: string;
  /** Other macros its body calls. */
  uses: string[];
}

/** One SQL model: `transforms/<layer>/**\/<name>.sql` + `<name>.yml`. */
export interface ModelDef {
  /** `<layer>.<name>`, also the DuckDB table it builds. */
  id: string;
  layer: ModelLayer;
  name: string;
  path: string;
  sql: string;
  contract: ModelContract;
  /** Ids of the models it reads. */
  dependsOn: string[];
  /** Raw tables it reads. */
  sources: RawSource[];
  /** Macros it calls, directly or through other macros, in creation order. */
  macros: MacroDef[];
  /** Run parameters it reads with `getvariable('<name>')`; runModels refuses to build it without them. */
  variables: string[];
}

export type ParamValue = string | number | boolean;

/** Row count and wall time of one built model; `missingRaw` lists raw tables it read that were absent (created empty). */
export interface ModelRunStat {
  rows: number;
  ms: number;
  missingRaw: string[];
}
