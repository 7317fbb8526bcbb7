/**
 * Where the landing path's time goes, on the landing benchmark's generated file: from raw DuckDB (`read_json` →
 * `COPY … parquet`) to devenir's full landing, one step added at a time, each the best of a few rounds in one process.
 * Usage: npx tsx bench/landing-steps.ts [--rows 1000000] [--repeat 5]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, Workspace } from '../lake/duckdb-session.js';
import { FsObjectStore } from '../lake/fs-store.js';
import { stageLanding } from '../lake/landing.js';
import { uploadWritten } from '../lake/staged.js';
import { COLUMNS, generate, ROW_NUMBER_KEY } from './ndjson-rows.js';

const arg = (name: string, fallback: number) =>
  process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback;
const rows = arg('rows', 1_000_000);
const repeat = arg('repeat', 5);
const work = mkdtempSync(path.join(os.tmpdir(), 'devenir-bench-'));
const file = path.join(work, 'input.ndjson');
const longestRecord = await generate(file, rows);
const out = (name: string) => sql.str(path.join(work, `${name}.parquet`));
const declared = `columns = {${[ROW_NUMBER_KEY, ...COLUMNS].map((c) => `${sql.str(c)}: 'VARCHAR'`).join(', ')}}`;
const rules = {
  requiredColumns: ['scope_code', 'id_mesure'],
  patterns: { scope_code: '^[0-9]{7}[A-Z]$' },
  notNull: ['code'],
};
const land = (ws: Workspace, outDir: string) =>
  stageLanding(
    ws,
    [
      {
        path: file,
        format: {
          kind: 'ndjson',
          columns: [ROW_NUMBER_KEY, ...COLUMNS],
          rowNumberKey: ROW_NUMBER_KEY,
          records: rows,
          longestRecord,
        },
        rawKey: 'raw/bench/x.ndjson',
      },
    ],
    rules,
    '2021_2022',
    'bench',
    outDir,
  );

const steps: Array<[string, (ws: Workspace, i: number) => Promise<unknown>]> = [
  [
    'raw DuckDB: read_json (inferred types) → COPY parquet zstd',
    (ws) =>
      ws.run(
        `copy (select * from read_json(${sql.str(file)}, format = 'newline_delimited')) to ${out('a')} (format parquet, compression zstd)`,
      ),
  ],
  [
    '+ declared columns, every value VARCHAR',
    (ws) =>
      ws.run(
        `copy (select * from read_json(${sql.str(file)}, format = 'newline_delimited', records = true, ${declared})) to ${out('b')} (format parquet, compression zstd)`,
      ),
  ],
  [
    "+ empty → NULL, lineage (_raw_key, _raw_row = the writer's record numbers), millesime",
    (ws) =>
      ws.run(
        `copy (select ${COLUMNS.map((c) => `nullif(${sql.id(c)}, '') as ${sql.id(c === 'millesime' ? 'source_millesime' : c)}`).join(', ')}, 'raw/bench/x.ndjson' as _raw_key, ${sql.id(ROW_NUMBER_KEY)}::bigint as _raw_row, '2021_2022' as millesime from read_json(${sql.str(file)}, format = 'newline_delimited', records = true, ${declared})) to ${out('c')} (format parquet, compression zstd)`,
      ),
  ],
  [
    '+ validation, straight into zstd Parquet with sha256 and stats; quarantine only if rows are missing (stageLanding)',
    (ws, i) => land(ws, path.join(work, `d${i}`)),
  ],
  [
    '+ create-only upload into the lake = devenir landing (lake/staged.ts uploadWritten)',
    async (ws, i) => {
      const staged = await land(ws, path.join(work, `e${i}`));
      return uploadWritten(
        new FsObjectStore(path.join(work, `lake${i}`)),
        { name: 'raw.bench__rows', partitionColumn: 'millesime', replace: ['2021_2022'] },
        staged.landedFiles,
      );
    },
  ],
];

console.log(
  `landing steps: ${rows.toLocaleString('en')} InserJeunes-like rows, ${(statSync(file).size / 1e6).toFixed(0)} MB of NDJSON, ${os.cpus().length} cores, best of ${repeat}`,
);
// Round after round over all steps (not each step's runs in a row), so a burst of load elsewhere hits every step alike.
const best = steps.map(() => Infinity);
for (let round = 0; round < repeat; round++) {
  for (const [n, [, step]] of steps.entries()) {
    const started = performance.now();
    await Workspace.with((ws) => step(ws, round * steps.length + n));
    best[n] = Math.min(best[n], performance.now() - started);
  }
}
for (const [n, [label]] of steps.entries()) {
  const delta = n
    ? `${best[n] >= best[n - 1] ? '+' : '−'}${(Math.abs(best[n] - best[n - 1]) / 1000).toFixed(2)} s`
    : '';
  console.log(
    `  ${label.padEnd(82)}${(best[n] / 1000).toFixed(2).padStart(7)} s  ${delta.padStart(8)}  ×${(best[n] / best[0]).toFixed(2)}`,
  );
}
rmSync(work, { recursive: true, force: true });
