import { listValue, quotedIdentifier, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { ModelDef, Severity } from './transform-types.js';

/** Outcome of one contract check on one built model. */
export interface ContractCheckResult {
  model: string;
  check: string;
  severity: Severity;
  passed: boolean;
  failingRows: number;
  sample: Record<string, unknown>[];
  message: string;
}

export interface CheckModelsOptions {
  /** Row counts of the previous snapshot by model id (`layer.name`); models absent here skip the drift check. */
  previousRowCounts?: Record<string, number>;
  /** Row counts by millésime of the previous snapshot, by model id: drift is measured on the millésimes it had. */
  previousPartitionRows?: Record<string, Record<string, number>>;
  /** Largest accepted relative change of the row count (0.5 = ±50 %). */
  rowDriftThreshold: number;
  /** Accept millésimes that emptied or shrank, and the drift they make, once (a removal the user confirmed). */
  acceptRemoval?: boolean;
}

const SAMPLE_SIZE = 5;
type Row = Record<string, unknown>;

const ident = quotedIdentifier;
const table = (layer: string, name: string) => `${layer}.${ident(name)}`;
const where = (predicate?: string) => (predicate ? `(${predicate})` : 'true');

async function read(connection: DuckDBConnection, sql: string, values?: Record<string, DuckDBValue>): Promise<Row[]> {
  const reader = await connection.runAndReadAll(sql, values);
  return reader.getRowObjectsJson() as Row[];
}

function result(
  model: ModelDef,
  check: string,
  severity: Severity,
  failingRows: number,
  sample: Row[],
  detail = '',
): ContractCheckResult {
  const passed = failingRows === 0;
  const shown = sample.map((r) => JSON.stringify(r)).join('; ');
  const message = passed
    ? `${model.id}: ${check} passed`
    : `[${severity}] ${model.id}: ${check} failed on ${failingRows} row(s)${detail}; e.g. ${shown}`;
  return { model: model.id, check, severity, passed, failingRows, sample, message };
}

/** Rows sharing a key (counted as rows, sampled as the duplicated keys with their counts). */
async function checkUnique(
  connection: DuckDBConnection,
  model: ModelDef,
  columns: string[],
  severity: Severity,
  predicate?: string,
) {
  const cols = columns.map(ident).join(', ');
  const dupes = `select ${cols}, count(*) as n from ${table(model.layer, model.name)} where ${where(predicate)}
    group by ${cols} having count(*) > 1`;
  const [{ rows }] = await read(connection, `select coalesce(sum(n), 0)::bigint as rows from (${dupes})`);
  const sample = await read(connection, `${dupes} order by n desc, ${cols} limit ${SAMPLE_SIZE}`);
  return result(model, `unique(${columns.join(', ')})`, severity, Number(rows), sample);
}

async function checkNotNull(connection: DuckDBConnection, model: ModelDef, column: string) {
  const keys = model.contract.uniqueKey.map(ident).join(', ');
  const base = `from ${table(model.layer, model.name)} where ${ident(column)} is null`;
  const [{ rows }] = await read(connection, `select count(*)::bigint as rows ${base}`);
  const sample = Number(rows)
    ? await read(connection, `select ${keys} ${base} order by ${keys} limit ${SAMPLE_SIZE}`)
    : [];
  return result(model, `not_null(${column})`, 'error', Number(rows), sample);
}

async function checkAccepted(connection: DuckDBConnection, model: ModelDef, column: string, values: string[]) {
  const base = `from ${table(model.layer, model.name)}
    where ${ident(column)} is not null and ${ident(column)}::varchar not in (select unnest($accepted))`;
  const params = { accepted: listValue(values) };
  const [{ rows }] = await read(connection, `select count(*)::bigint as rows ${base}`, params);
  const sample = Number(rows)
    ? await read(
        connection,
        `select ${ident(column)} as value, count(*) as n ${base} group by 1 order by 2 desc, 1 limit ${SAMPLE_SIZE}`,
        params,
      )
    : [];
  return result(
    model,
    `accepted_values(${column})`,
    'error',
    Number(rows),
    sample,
    ` (accepted: ${values.join(', ')})`,
  );
}

async function checkRelationship(connection: DuckDBConnection, model: ModelDef, index: number) {
  const rel = model.contract.relationships[index];
  const target = `${rel.to.layer}.${rel.to.table}.${rel.to.column}`;
  const base = `from ${table(model.layer, model.name)} as t where t.${ident(rel.column)} is not null and ${where(rel.where)}
    and not exists (select 1 from ${table(rel.to.layer, rel.to.table)} as r where r.${ident(rel.to.column)} = t.${ident(rel.column)})`;
  const [{ rows }] = await read(connection, `select count(*)::bigint as rows ${base}`);
  const sample = Number(rows)
    ? await read(
        connection,
        `select t.${ident(rel.column)} as value, count(*) as n ${base} group by 1 order by 2 desc, 1 limit ${SAMPLE_SIZE}`,
      )
    : [];
  const scope = rel.where ? ` where ${rel.where}` : '';
  return result(model, `relationship(${rel.column} → ${target}${scope})`, rel.severity, Number(rows), sample);
}

async function checkDrift(
  connection: DuckDBConnection,
  model: ModelDef,
  total: number,
  threshold: number,
  partitions: Record<string, number> = {},
) {
  const sum = (counts: Record<string, number>, keys = Object.keys(counts)) =>
    keys.reduce((n, k) => n + (counts[k] ?? 0), 0);
  const byPartition = Object.keys(partitions).some((p) => p !== '');
  const now = byPartition
    ? Object.fromEntries(
        (
          await read(
            connection,
            `select coalesce(millesime::varchar, '') as p, count(*)::bigint as n from ${table(model.layer, model.name)} group by 1`,
          )
        ).map((r) => [String(r.p), Number(r.n)]),
      )
    : {
        '': Number(
          (await read(connection, `select count(*)::bigint as n from ${table(model.layer, model.name)}`))[0].n,
        ),
      };
  // A table that only gained millésimes (a backfill) is compared on those it had: growth is no drift. Otherwise (a
  // referential's fetch date moved, a millésime vanished) on its totals.
  const gainedOnly = byPartition && Object.keys(partitions).every((p) => p in now);
  const previous = gainedOnly ? sum(partitions) : total;
  const current = gainedOnly ? sum(now, Object.keys(partitions)) : sum(now);
  const drift = Math.abs(current - previous) / Math.max(previous, 1);
  const failing = drift > threshold ? Math.abs(current - previous) : 0;
  const sample = [{ previous, current, drift: Math.round(drift * 1000) / 1000, threshold }];
  const out = [result(model, 'row_count_drift', model.contract.rowDriftSeverity, failing, failing ? sample : [])];
  if (byPartition) out.push(partitionShrink(model, partitions, now, threshold));
  return out;
}

/**
 * A millésime that had rows and shrank past the threshold, or vanished while no other appeared (a referential's
 * date moving on is no removal), fails: an incomplete answer never erases published rows.
 */
function partitionShrink(
  model: ModelDef,
  before: Record<string, number>,
  now: Record<string, number>,
  threshold: number,
): ContractCheckResult {
  const moved = Object.keys(now).some((p) => !(p in before));
  const shrunk = Object.entries(before)
    .filter(([p, n]) => n > 0 && (p in now ? (n - now[p]) / n > threshold : !moved))
    .map(([p, n]) => ({ millesime: p, previous: n, current: now[p] ?? 0, threshold }));
  const rows = shrunk.reduce((n, s) => n + s.previous - s.current, 0);
  return result(
    model,
    'partition_shrink',
    'error',
    rows,
    shrunk,
    ' (see DEVENIR_ROW_DRIFT_THRESHOLD, --accept-removal)',
  );
}

/**
 * Runs every model's contract (unique key and extra unique rules, not-null, accepted values, relationships,
 * row-count drift against the previous snapshot) on its built table; each result names the model, the check and
 * sample offending rows.
 */
export async function checkModels(
  connection: DuckDBConnection,
  models: readonly ModelDef[],
  options: CheckModelsOptions,
): Promise<ContractCheckResult[]> {
  const results: ContractCheckResult[] = [];
  for (const model of models) {
    const { contract } = model;
    results.push(await checkUnique(connection, model, contract.uniqueKey, 'error'));
    for (const rule of contract.unique)
      results.push(await checkUnique(connection, model, rule.columns, rule.severity, rule.where));
    for (const column of contract.notNull) results.push(await checkNotNull(connection, model, column));
    for (const [column, values] of Object.entries(contract.acceptedValues)) {
      results.push(await checkAccepted(connection, model, column, values));
    }
    for (const index of contract.relationships.keys()) results.push(await checkRelationship(connection, model, index));
    const previous = options.previousRowCounts?.[model.id];
    // An empty previous snapshot is no baseline: a table's first rows (e.g. a source landed after others) are not drift.
    if (previous) {
      const drift = await checkDrift(
        connection,
        model,
        previous,
        options.rowDriftThreshold,
        options.previousPartitionRows?.[model.id],
      );
      // A confirmed removal accepts the drift once: both checks are recorded as passed-by-acceptance warnings.
      results.push(...(options.acceptRemoval ? drift.map((r) => ({ ...r, severity: 'warn' as const })) : drift));
    }
  }
  return results;
}
