import { normaliseColumnName } from '../../lake/column-names.js';
import type { DatasetSpec } from './connector.js';
import { ContractError } from '../errors.js';

export { ContractError } from '../errors.js';

/** The spec of `dataset` among a connector's datasets; an unknown dataset is a ContractError listing the known ones. */
export function datasetSpec(source: string, datasets: Record<string, DatasetSpec>, dataset: string): DatasetSpec {
  const spec = datasets[dataset];
  if (!spec)
    throw new ContractError(
      `${source}: unknown dataset ${dataset} (known: ${Object.keys(datasets).join(', ')})`,
      source,
      dataset,
    );
  return spec;
}

/** A publisher's field name as the raw layer names it (`Code_Scolarité` → `code_scolarite`): lake/column-names.ts's rule. */
export const normaliseColumn = normaliseColumnName;

/**
 * Checks the columns of a payload against its DatasetSpec: a missing required column is a ContractError naming
 * the source, dataset, URL and column; returns the (normalised) columns the spec does not know, as schema drift.
 */
export function checkColumns(
  where: { source: string; dataset: string; url: string },
  columns: string[],
  spec: DatasetSpec,
): string[] {
  const present = new Set(columns.map(normaliseColumnName));
  const missing = spec.requiredColumns.filter((c) => !present.has(c));
  if (missing.length > 0) {
    throw new ContractError(
      `${where.source}: dataset ${where.dataset}: required column ${missing.map((c) => `"${c}"`).join(', ')} missing from ${where.url} (header of row 1; columns seen: ${[...present].slice(0, 12).join(', ')}${present.size > 12 ? ', …' : ''})`,
      where.source,
      where.dataset,
      where.url,
    );
  }
  checkShape(where, present, spec);
  const known = new Set(spec.columns);
  return [...present].filter((c) => !known.has(c));
}

/** A payload whose columns match none of the dataset's declared shapes is a ContractError naming each shape. */
export function checkShape(
  where: { source: string; dataset: string; url: string },
  present: Set<string>,
  spec: Pick<DatasetSpec, 'shapes'>,
): string | undefined {
  const shapes = Object.entries(spec.shapes);
  if (!shapes.length) return undefined;
  const match = shapes.find(([, s]) => s.columns.every((c) => present.has(c)));
  if (match) return match[0];
  throw new ContractError(
    `${where.source}: dataset ${where.dataset}: ${where.url} has none of the known shapes (${shapes.map(([n, s]) => `${n}: ${s.columns.map((c) => `"${c}"`).join(' + ')}`).join('; ')})`,
    where.source,
    where.dataset,
    where.url,
  );
}
