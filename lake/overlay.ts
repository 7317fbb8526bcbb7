import { mergeStaged, type StagedTable } from './lake.js';
import { fromManifest, fromStaged, type TableFiles } from './lake-views.js';
import type { TableManifest } from './manifest.js';

/**
 * The tables a build reads: the committed ones, with staged (not yet published) sets laid over them
 * partition by partition, as a publish of those sets would leave them.
 */
export function overlayTables(committed: Map<string, TableManifest>, staged: StagedTable[]): TableFiles[] {
  const out = new Map<string, TableFiles>([...committed].map(([name, m]) => [name, fromManifest(name, m)]));
  for (const t of mergeStaged(staged)) {
    const base = committed.get(t.name);
    if (!base || t.replace === 'all') {
      out.set(t.name, fromStaged(t));
      continue;
    }
    const replaced = new Set(t.replace);
    out.set(t.name, {
      name: t.name,
      schema: t.schema,
      files: [...base.files.filter((f) => !replaced.has(f.partition)), ...t.files],
    });
  }
  return [...out.values()];
}
