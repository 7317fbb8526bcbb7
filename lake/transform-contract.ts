import { parse } from 'yaml';
import {
  ALL_LAYERS,
  type Layer,
  type ModelContract,
  type ModelLayer,
  type Relationship,
  type Severity,
  type UniqueRule,
} from './transform-types.js';

const IDENT = /^[a-z_][a-z0-9_]*$/;

type Yml = Record<string, unknown>;

/** Parses and validates a model's sidecar yml; errors name the file and the offending field. */
export function parseModelContract(text: string, file: string, layer: ModelLayer): ModelContract {
  const doc = (parse(text) ?? {}) as Yml;
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what}`);
  };
  const idents = (value: unknown, field: string): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && IDENT.test(v))) {
      return fail(`${field} must be a list of column names`);
    }
    return value as string[];
  };
  const severity = (value: unknown, field: string): Severity => {
    if (value === undefined) return 'error';
    if (value !== 'error' && value !== 'warn') return fail(`${field} must be error or warn`);
    return value;
  };
  const where = (value: unknown, field: string): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.includes(';')) return fail(`${field} must be one SQL predicate`);
    return value;
  };
  if (typeof doc.description !== 'string' || doc.description.trim() === '') fail('description (the grain) is required');
  const uniqueKey = idents(doc.unique_key, 'unique_key');
  if (uniqueKey.length === 0) fail('unique_key is required');
  const acceptedValues: Record<string, string[]> = {};
  for (const [column, values] of Object.entries((doc.accepted_values ?? {}) as Yml)) {
    if (!IDENT.test(column) || !Array.isArray(values)) fail(`accepted_values.${column} must be a list`);
    acceptedValues[column] = (values as unknown[]).map(String);
  }
  const relationships: Relationship[] = ((doc.relationships ?? []) as Yml[]).map((r, i) => {
    const field = `relationships[${i}]`;
    const column = idents([r.column], `${field}.column`)[0];
    const parts = typeof r.to === 'string' ? r.to.split('.') : [];
    const full = parts.length === 2 ? [layer, ...parts] : parts;
    if (full.length !== 3 || !ALL_LAYERS.includes(full[0] as Layer) || !full.slice(1).every((p) => IDENT.test(p))) {
      fail(`${field}.to must be [layer.]table.column`);
    }
    const to = { layer: full[0] as Layer, table: full[1], column: full[2] };
    return { column, to, severity: severity(r.severity, `${field}.severity`), where: where(r.where, `${field}.where`) };
  });
  const unique: UniqueRule[] = ((doc.unique ?? []) as Yml[]).map((u, i) => ({
    columns: idents(u.columns, `unique[${i}].columns`),
    severity: severity(u.severity, `unique[${i}].severity`),
    where: where(u.where, `unique[${i}].where`),
  }));
  const columns: Record<string, string> = {};
  for (const [column, text] of Object.entries((doc.columns ?? {}) as Yml)) {
    if (!IDENT.test(column) || typeof text !== 'string' || text.trim() === '') {
      fail(`columns.${column} must be a column name with its description`);
    }
    columns[column] = (text as string).trim();
  }
  return {
    description: (doc.description as string).trim(),
    uniqueKey,
    notNull: idents(doc.not_null, 'not_null'),
    acceptedValues,
    relationships,
    unique,
    rowDriftSeverity: severity(doc.row_drift_severity, 'row_drift_severity'),
    columns,
  };
}
