import { createHash } from 'node:crypto';
import type { TableFiles } from './lake-views.js';
import type { ModelDef, ParamValue } from './transform-types.js';

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** A table's content hash: its schema and the sha256 of each of its files (by partition), not its snapshot id. */
export function contentHash(table: TableFiles | undefined): string {
  if (!table) return 'absent';
  const files = table.files.map((f) => [f.partition, f.sha256]).sort((a, b) => `${a}`.localeCompare(`${b}`));
  return sha256({ schema: table.schema.map((c) => [c.name, c.type]), files });
}

/**
 * Each model's fingerprint: its SQL, its contract, the macros it calls (closure), the parameters it reads, the
 * content of the raw tables it reads (with their declared columns) and the fingerprints of the models it reads.
 * Two builds with equal fingerprints give the same table, so a model whose fingerprint is unchanged is not rebuilt.
 */
export function modelFingerprints(
  models: readonly ModelDef[],
  raw: ReadonlyMap<string, TableFiles>,
  params: Record<string, ParamValue>,
): Map<string, string> {
  const out = new Map<string, string>();
  // `models` come in build order (loadModels), so every upstream fingerprint is known first.
  for (const m of models) {
    out.set(
      m.id,
      sha256({
        sql: m.sql,
        contract: m.contract,
        macros: m.macros.map((x) => [x.name, x.sql]),
        params: m.variables.map((v) => [v, params[v] ?? null]),
        raw: m.sources.map((s) => [s.table, s.columns, contentHash(raw.get(`raw.${s.table}`))]),
        upstream: m.dependsOn.map((d) => [d, out.get(d) ?? 'unknown']),
      }),
    );
  }
  return out;
}

/** `ids` and every model that reads one of them, directly or not. */
export function withDescendants(models: readonly ModelDef[], ids: Iterable<string>): Set<string> {
  const out = new Set(ids);
  for (const m of models) if (m.dependsOn.some((d) => out.has(d))) out.add(m.id);
  return out;
}
