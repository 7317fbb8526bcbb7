import { z } from 'zod';

export const LAYERS = ['raw', 'staging', 'matched', 'published'] as const;
export type Layer = (typeof LAYERS)[number];

const ColumnStats = z.object({
  min: z.string().nullable(),
  max: z.string().nullable(),
  null_count: z.number().nullable(),
});

/** One immutable Parquet file of a table snapshot. */
export const DataFile = z.object({
  path: z.string(),
  partition: z.string(),
  record_count: z.number().int(),
  file_size_bytes: z.number().int(),
  sha256: z.string(),
  column_stats: z.record(z.string(), ColumnStats).default({}),
});
export type DataFile = z.infer<typeof DataFile>;

export const Column = z.object({ id: z.number().int(), name: z.string(), type: z.string() });
export type Column = z.infer<typeof Column>;

export const CheckResult = z.object({
  check: z.string(),
  passed: z.boolean(),
  severity: z.enum(['error', 'warn']).default('error'),
  message: z.string().default(''),
  failing_rows: z.number().int().default(0),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const Producer = z.object({
  workflow_id: z.string().optional(),
  run_id: z.string().optional(),
  activity: z.string().optional(),
  attempt: z.number().optional(),
  duckdb_version: z.string().optional(),
});
export type Producer = z.infer<typeof Producer>;

/** A table snapshot: the complete live file set of one table after one commit. */
export const TableManifest = z.object({
  format_version: z.literal(1),
  layer: z.enum(LAYERS),
  table: z.string(),
  snapshot_id: z.number().int().positive(),
  parent_snapshot_id: z.number().int().nullable(),
  created_at: z.string(),
  operation: z.enum(['replace_partitions', 'overwrite', 'rollback']),
  idempotency_key: z.string(),
  producer: Producer.default({}),
  inputs: z.array(z.object({ table: z.string(), snapshot_id: z.number().int() })).default([]),
  schema: z.array(Column),
  partition_column: z.string().nullable(),
  files: z.array(DataFile),
  checks: z.array(CheckResult).default([]),
  /** A built model's fingerprint (SQL, contract, macros, parameters, inputs' contents): unchanged means not rebuilt. */
  fingerprint: z.string().optional(),
  /** A built model's build time (its SQL, in milliseconds), in the build that wrote this snapshot. */
  build_ms: z.number().optional(),
  /** Free, source-specific facts: source URL, HTTP validators, raw payload keys, drift, skipped requests. */
  source: z.record(z.string(), z.unknown()).optional(),
  summary: z.object({
    rows: z.number().int(),
    files: z.number().int(),
    partitions: z.record(z.string(), z.number().int()),
  }),
});
export type TableManifest = z.infer<typeof TableManifest>;

/** A model (or raw table) a publish left at its last published version, and why. */
export const HeldBackModel = z.object({ model: z.string(), reason: z.string(), fix: z.string().optional() });
export interface HeldBackModel {
  model: string;
  reason: string;
  fix?: string;
}

/** The reason of a model held back only because a model it reads is held back. */
export const readsHeldBack = (upstream: string) => `it reads ${upstream}, which is held back`;
const READS_HELD_BACK = /^it reads \S+, which is held back$/;

/** Whether a model was held back only because a model it reads is (not by a failure of its own). */
export const isReaderOfHeldBack = (m: HeldBackModel) => READS_HELD_BACK.test(m.reason);

/** A lake snapshot: which snapshot of every table is current, committed once per publish. */
export const LakeSnapshot = z.object({
  format_version: z.literal(1),
  snapshot_id: z.number().int().positive(),
  parent_snapshot_id: z.number().int().nullable(),
  created_at: z.string(),
  message: z.string(),
  idempotency_key: z.string(),
  producer: Producer.default({}),
  /** `layer.table` → table snapshot id. */
  tables: z.record(z.string(), z.number().int().positive()),
  /** Models this publish held back at their previous version (a failed build or check, a shrunk partition). */
  held_back: z.array(HeldBackModel).default([]),
});
export type LakeSnapshot = z.infer<typeof LakeSnapshot>;

export const Pointer = z.object({ snapshot_id: z.number().int().positive() });

/** `raw.bcn__n_mef` → { layer: 'raw', table: 'bcn__n_mef' }. */
export function parseTableName(name: string): { layer: Layer; table: string } {
  const [layer, table, ...rest] = name.split('.');
  if (!table || rest.length || !LAYERS.includes(layer as Layer) || !/^[a-z0-9_]+$/.test(table)) {
    throw new Error(`"${name}" is not a table name of the form <layer>.<table> with layer one of ${LAYERS.join(', ')}`);
  }
  return { layer: layer as Layer, table };
}

export const paths = {
  dataFile: (layer: Layer, table: string, partitionColumn: string | null, partition: string, sha256: string) =>
    `${layer}/${table}/data/${partitionColumn ? `${partitionColumn}=${encodeURIComponent(partition)}/` : ''}${sha256.slice(0, 32)}.parquet`,
  tableSnapshot: (layer: Layer, table: string, id: number) =>
    `_meta/${layer}/${table}/snapshots/${String(id).padStart(8, '0')}.json`,
  tableCurrent: (layer: Layer, table: string) => `_meta/${layer}/${table}/current.json`,
  lakeSnapshot: (id: number) => `_meta/lake/snapshots/${String(id).padStart(8, '0')}.json`,
  lakeCurrent: () => `_meta/lake/current.json`,
  tag: (name: string) => `_meta/lake/refs/${name}.json`,
  raw: (source: string, dataset: string, period: string, sha256: string, ext: string) =>
    `raw/${source}/${dataset}/${period}/${sha256}.${ext}`,
};
