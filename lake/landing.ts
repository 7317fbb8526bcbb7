import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { normaliseColumnNames } from './column-names.js';
import { ContractError } from '../activities/errors.js';
import { sql, type Workspace } from './duckdb-session.js';
import { copyToParquet, describeColumns, type WrittenTable } from './parquet-writer.js';

/**
 * Rows per Parquet row group of a landed file, under DuckDB's default (122,880): its writer holds a row group in
 * memory while it encodes it, so a million-row landing on one thread peaks at 218–229 MB with 50,000 against
 * 317–331 MB with the default, at the same speed (bench/landing.ts).
 */
const LANDING_ROW_GROUP = 50_000;

/** A landed file as DuckDB reads it: UTF-8 NDJSON, or CSV with its delimiter. */
export interface LandingInput {
  path: string;
  /** `columns`: every key the NDJSON holds, when the writer knows them (one pass, no schema inference). */
  format:
    | { kind: 'ndjson'; columns?: string[]; rowNumberKey?: string; records?: number; longestRecord?: number }
    | { kind: 'csv'; delimiter: string; quote?: string; header: true };
  rawKey: string;
}

/** The part of a dataset's declaration (activities/land/datasets) the landing check reads. */
export interface LandingRules {
  requiredColumns: string[];
  notNull?: string[];
  patterns?: Record<string, string>;
  /** Column → the column whose value (case-insensitive) picks a stricter pattern, and the pattern of each value. */
  patternsBy?: Record<string, { column: string; patterns: Record<string, string> }>;
  /** Every declared column: one absent from the payload lands as null; one not declared is reported as drift. */
  columns?: string[];
  /** Shape name → columns identifying it: with shapes declared, rows must match one (else a ContractError). */
  shapes?: Record<string, { columns: string[] }>;
}

/** A landed value as text: JSON strings unquoted, objects and arrays as their JSON text. */
function asText(column: string, type: string): string {
  const c = sql.id(column);
  if (type === 'JSON')
    return `case when json_type(${c}) in ('OBJECT', 'ARRAY') then ${c}::varchar else ${c} ->> '$' end`;
  if (type.startsWith('STRUCT') || type.endsWith('[]') || type.startsWith('MAP')) return `to_json(${c})::varchar`;
  return `${c}::varchar`;
}

/** For each rejected CSV record (in order), how many valid records precede it. */
async function rejectedRecordOffsets(ws: Workspace, rejectsTable: string): Promise<number[]> {
  const lines = await ws.rows<{ n: string }>(`select distinct line - 1 as n from ${sql.id(rejectsTable)} order by n`);
  return lines.map((l, i) => Number(l.n) - 1 - i);
}

/** Code-unit order, as DuckDB compares VARCHARs (not the locale's). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True for an empty (or whitespace-only) file: an answer with no records. */
async function isBlank(file: string): Promise<boolean> {
  const { size } = await fs.stat(file);
  if (size > 4096) return false;
  return (await fs.readFile(file, 'utf8')).trim() === '';
}

export interface LandingTables {
  /** The valid rows as zstd Parquet, written in one pass over the payload: one file (partition = the period), none when no row is valid. */
  landedFiles: WrittenTable;
  /** Workspace view of the valid rows (all VARCHAR + `_raw_key`, `_raw_row`, `millesime`), read from `landedFiles` (until they are uploaded). */
  landed: string;
  /** Workspace table holding the quarantined rows (`_reason`, `_raw_key`, `_raw_row`, `_raw_record`, `millesime`). */
  quarantine: string;
  /** Rows of `landed` and `quarantine` come in (`_raw_key`, `_raw_row`) order: writers need not sort them. */
  ordered: true;
  rows: number;
  quarantined: number;
  unknownColumns: string[];
  sampleReasons: string[];
}

/**
 * Reads a connector's files into the landed rows' Parquet file and a `quarantine` table: every value VARCHAR
 * (empty → NULL), column names normalised, lineage columns added, rows breaking the dataset's rules set aside with
 * the reason. The payload is read once when every row is valid (the usual case: the writer's record count says so),
 * twice when some are not. The Parquet file goes to `outDir` (default: a new folder beside the first input).
 */
export async function stageLanding(
  ws: Workspace,
  inputs: LandingInput[],
  rules: LandingRules,
  period: string,
  label: string,
  outDir?: string,
): Promise<LandingTables> {
  const parts: string[] = [];
  /** Records the inputs hold, as their writers counted them (undefined: not known without reading them). */
  let records: number | undefined = 0;
  const rejects: string[] = [];
  // Inputs in `_raw_key` order, so that the rows come out in (`_raw_key`, `_raw_row`) order with no sort.
  const ordered = inputs.map((input, i) => ({ input, i })).sort((a, b) => compare(a.input.rawKey, b.input.rawKey));
  for (const { input, i } of ordered) {
    if (await isBlank(input.path)) continue; // nothing published for this request (e.g. a millésime not out yet)
    const name = `input_${i}`;
    if (input.format.kind === 'ndjson') {
      // With the key list: one streaming pass. Without it, the whole file is sampled (so that no rare field is
      // dropped silently) and read into a table once, rather than inferred again at every use of a view.
      const known = input.format.columns?.length;
      const keys = new Set([
        ...(input.format.rowNumberKey ? [input.format.rowNumberKey] : []),
        ...(input.format.columns ?? []),
      ]);
      const columns = known
        ? `columns = {${[...keys].map((c) => `${sql.str(c)}: 'VARCHAR'`).join(', ')}}`
        : 'sample_size = -1';
      // DuckDB's read buffers grow with the largest record allowed: as large as needed, and no larger.
      const largest = Math.max(16 * 2 ** 20, (input.format.longestRecord ?? 2 ** 28) + 1024);
      await ws.run(
        `create temp ${known ? 'view' : 'table'} ${name} as select * from read_json(${sql.str(input.path)}, format = 'newline_delimited', records = true, ${columns}, maximum_object_size = ${largest})`,
      );
    } else {
      const rejectsTable = `rejects_${i}`;
      await ws.run(
        `create temp table ${name} as select * from read_csv(${sql.str(input.path)}, delim = ${sql.str(input.format.delimiter)}, quote = ${sql.str(input.format.quote ?? '"')}, header = true, all_varchar = true, store_rejects = true, rejects_table = ${sql.str(rejectsTable)}, rejects_scan = ${sql.str(`${rejectsTable}_scan`)}, null_padding = false, strict_mode = true)`,
      );
      rejects.push(
        `select ${sql.str(input.rawKey)} as _raw_key, line::bigint - 1 as _raw_row, ${sql.str(`${path.basename(input.path)}: `)} || error_message as _reason from ${sql.id(rejectsTable)}`,
      );
    }
    // A view (NDJSON with its key list) is counted by its writer; a table (CSV, sampled NDJSON) costs a count.
    const counted =
      input.format.kind === 'ndjson' && input.format.columns?.length
        ? input.format.records
        : Number((await ws.rows<{ n: string }>(`select count(*) as n from ${name}`))[0].n);
    records = records === undefined || counted === undefined ? undefined : records + counted;
    const numberKey = input.format.kind === 'ndjson' ? input.format.rowNumberKey : undefined;
    const described = (await ws.rows<{ column_name: string; column_type: string }>(`describe ${name}`)).filter(
      (c) => c.column_name !== numberKey,
    );
    const normalised = normaliseColumnNames(described.map((c) => c.column_name)).map((n) =>
      n === 'millesime' || n.startsWith('_raw') ? `source_${n}` : n,
    );
    const select = described
      .map((c, j) => `nullif(${asText(c.column_name, c.column_type)}, '') as ${sql.id(normalised[j])}`)
      .join(', ');
    // `_raw_row` is the record's number in the payload (header excluded), counting the records DuckDB rejected.
    const rejectedBefore = input.format.kind === 'csv' ? await rejectedRecordOffsets(ws, `rejects_${i}`) : [];
    // The writer's own record numbers when it wrote them (read in parallel); else a window over the file.
    const rowNumber = numberKey
      ? `${sql.id(numberKey)}::bigint`
      : rejectedBefore.length
        ? `row_number() over () + len(list_filter(${`[${rejectedBefore.join(', ')}]`}, x -> x < row_number() over ()))`
        : 'row_number() over ()';
    parts.push(`select ${select}, ${sql.str(input.rawKey)} as _raw_key, ${rowNumber} as _raw_row from ${name}`);
  }
  // With no rows at all, the table still has the columns the dataset declares.
  const declared = [...new Set([...rules.requiredColumns, ...(rules.columns ?? [])])];
  const fromPayload = parts.length > 0;
  if (!fromPayload)
    parts.push(
      `select ${[...declared.map((c) => `null::varchar as ${sql.id(c)}`), 'null::varchar as _raw_key', 'null::bigint as _raw_row'].join(', ')} where false`,
    );
  await ws.run(`create temp view payload_rows as ${parts.map((p) => `(${p})`).join(' union all by name ')}`);
  const present = new Set((await ws.rows<{ column_name: string }>(`describe payload_rows`)).map((c) => c.column_name));
  const files = inputs.map((i) => path.basename(i.path)).join(', ');
  const found = () => [...present].filter((c) => !c.startsWith('_raw')).join(', ');
  const missing = rules.requiredColumns.filter((c) => !present.has(c));
  if (missing.length)
    throw new ContractError(
      `${label}: required column(s) ${missing.join(', ')} missing from ${files}; columns found: ${found()}`,
    );
  const shapes = Object.entries(rules.shapes ?? {});
  if (fromPayload && shapes.length && !shapes.some(([, s]) => s.columns.every((c) => present.has(c))))
    throw new ContractError(
      `${label}: ${files} has none of the declared shapes (${shapes.map(([n, s]) => `${n}: ${s.columns.join(' + ')}`).join('; ')}); columns found: ${found()}`,
    );
  // Staging always sees every declared column: an optional one the payload lacks lands as null.
  const absent = declared.filter((c) => !present.has(c));
  await ws.run(
    `create temp view all_rows as select *${absent.map((c) => `, null::varchar as ${sql.id(c)}`).join('')} from payload_rows`,
  );

  const checks = [
    ...(rules.notNull ?? [])
      .filter((c) => present.has(c))
      .map((c) => `case when ${sql.id(c)} is null then ${sql.str(`${c} is empty`)} end`),
    ...Object.entries(rules.patterns ?? {})
      .filter(([c]) => present.has(c))
      .map(
        ([c, re]) =>
          `case when ${sql.id(c)} is not null and not regexp_full_match(${sql.id(c)}, ${sql.str(re)}) then ${sql.str(`${c} `)} || ${sql.id(c)} || ${sql.str(` does not match ${re}`)} end`,
      ),
    ...Object.entries(rules.patternsBy ?? {})
      .filter(([c, by]) => present.has(c) && present.has(by.column))
      .flatMap(([c, by]) =>
        Object.entries(by.patterns).map(
          ([value, re]) =>
            `case when lower(trim(${sql.id(by.column)})) = ${sql.str(value.toLowerCase())} and ${sql.id(c)} is not null and not regexp_full_match(${sql.id(c)}, ${sql.str(re)}) then ${sql.str(`${c} `)} || ${sql.id(c)} || ${sql.str(` does not match ${re} (${by.column} ${value})`)} end`,
        ),
      ),
  ];
  const reason = checks.length ? `nullif(concat_ws('; ', ${checks.join(', ')}), '')` : 'null::varchar';
  await ws.run(`create temp view checked as select *, ${reason} as _reason from all_rows`);
  // One streaming pass: the valid rows, as they come, straight into their Parquet file.
  const dir =
    outDir ?? path.join(inputs.length ? path.dirname(inputs[0].path) : os.tmpdir(), `.landed-${randomUUID()}`);
  await fs.mkdir(dir, { recursive: true });
  const valid = `select * exclude (_reason), ${sql.str(period)} as millesime from checked where _reason is null`;
  const file = await copyToParquet(ws, valid, path.join(dir, 'part-0.parquet'), period, {
    rowGroupSize: LANDING_ROW_GROUP,
  });
  const schema = await describeColumns(ws, `(${valid})`);
  if (file.record_count === 0) await fs.rm(outDir ? file.localPath : dir, { recursive: true, force: true });
  await ws.run(
    file.record_count
      ? `create temp view landed as select * from read_parquet(${sql.str(file.localPath)})`
      : `create temp view landed as ${valid} and false`,
  );
  // The invalid rows: none when every record counted landed; else a second pass picks them out.
  const invalid =
    records !== undefined && file.record_count === records
      ? []
      : [
          `select _raw_key, _raw_row, _reason, to_json(checked)::varchar as _raw_record from checked where _reason is not null`,
        ];
  const bad = [...invalid, ...rejects.map((r) => `select *, null::varchar as _raw_record from (${r})`)];
  await ws.run(
    `create temp table quarantine as select *, ${sql.str(period)} as millesime from (${bad.length ? bad.join(' union all ') : 'select null::varchar as _raw_key, null::bigint as _raw_row, null::varchar as _reason, null::varchar as _raw_record where false'}) order by _raw_key, _raw_row`,
  );
  const rows = file.record_count;
  const [{ quarantined }] = await ws.rows<{ quarantined: string }>(`select count(*) as quarantined from quarantine`);
  const sampleReasons = (
    await ws.rows<{ r: string }>(
      `select 'row ' || _raw_row || ' of ' || _raw_key || ': ' || _reason as r from quarantine limit 5`,
    )
  ).map((r) => r.r);
  const known = rules.columns ? new Set(rules.columns) : undefined;
  const unknownColumns = known ? [...present].filter((c) => !c.startsWith('_raw') && !known.has(c)) : [];
  return {
    landedFiles: { files: file.record_count ? [file] : [], schema },
    landed: 'landed',
    quarantine: 'quarantine',
    ordered: true,
    rows,
    quarantined: Number(quarantined),
    unknownColumns,
    sampleReasons,
  };
}
