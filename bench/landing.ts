/**
 * Landing throughput: devenir's landing path (NDJSON → validation/quarantine → Parquet → content-addressed
 * upload into a filesystem lake) against raw DuckDB (`read_json` → `COPY … parquet`) on the same generated
 * InserJeunes-like file, each in its own process so peak RSS is its own. Usage: npx tsx bench/landing.ts [rows]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, Workspace } from '../lake/duckdb-session.js';
import { FsObjectStore } from '../lake/fs-store.js';
import { stageLanding } from '../lake/landing.js';
import { uploadWritten } from '../lake/staged.js';
import { COLUMNS, generate, ROW_NUMBER_KEY } from './ndjson-rows.js';

async function devenirPath(file: string, dir: string, records: number, longestRecord: number): Promise<number> {
  const store = new FsObjectStore(path.join(dir, 'lake'));
  return Workspace.with(async (ws) => {
    const staged = await stageLanding(
      ws,
      [
        {
          path: file,
          format: {
            kind: 'ndjson',
            columns: [ROW_NUMBER_KEY, ...COLUMNS],
            rowNumberKey: ROW_NUMBER_KEY,
            records,
            longestRecord,
          },
          rawKey: 'raw/bench/x.ndjson',
        },
      ],
      { requiredColumns: ['scope_code', 'id_mesure'], patterns: { scope_code: '^[0-9]{7}[A-Z]$' }, notNull: ['code'] },
      '2021_2022',
      'bench',
      path.join(dir, 'work'),
    );
    await uploadWritten(
      store,
      { name: 'raw.bench__rows', partitionColumn: 'millesime', replace: ['2021_2022'] },
      staged.landedFiles,
    );
    return staged.rows;
  });
}

async function duckdbPath(file: string, dir: string): Promise<number> {
  return Workspace.with(async (ws) => {
    const [{ Count }] = await ws.rows<{ Count: string }>(
      `copy (select * from read_json(${sql.str(file)}, format = 'newline_delimited')) to ${sql.str(path.join(dir, 'raw.parquet'))} (format parquet, compression zstd)`,
    );
    return Number(Count);
  });
}

const [mode, file, dir, count, longest] = process.argv.slice(2);
if (mode === 'devenir' || mode === 'duckdb') {
  const t = performance.now();
  const rows = await (mode === 'devenir'
    ? devenirPath(file, dir, Number(count), Number(longest))
    : duckdbPath(file, dir));
  process.stdout.write(
    JSON.stringify({ rows, seconds: (performance.now() - t) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
} else {
  // `landing.ts [rows]` (or `landing.ts landing [rows]`, as bench/run.ts names it).
  const rows = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1_000_000);
  const work = mkdtempSync(path.join(os.tmpdir(), 'devenir-bench-'));
  const input = path.join(work, 'input.ndjson');
  const longest = await generate(input, rows);
  const self = fileURLToPath(import.meta.url);
  const run = (m: string) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', self, m, input, work, String(rows), String(longest)], {
        encoding: 'utf8',
      }),
    ) as {
      rows: number;
      seconds: number;
      maxRssMb: number;
    };
  const ours = run('devenir');
  const raw = run('duckdb');
  const mb = statSync(input).size / 1e6;
  console.log(
    `landing benchmark: ${rows.toLocaleString('en')} InserJeunes-like rows, ${mb.toFixed(0)} MB of NDJSON, ${os.cpus().length} cores`,
  );
  console.log(
    `  devenir landing (validate + quarantine + Parquet + lake upload): ${ours.seconds.toFixed(2)} s, ${Math.round(ours.rows / ours.seconds).toLocaleString('en')} rows/s, peak RSS ${ours.maxRssMb.toFixed(0)} MB`,
  );
  console.log(
    `  raw DuckDB read_json → COPY parquet:                            ${raw.seconds.toFixed(2)} s, ${Math.round(raw.rows / raw.seconds).toLocaleString('en')} rows/s, peak RSS ${raw.maxRssMb.toFixed(0)} MB`,
  );
  console.log(
    `  ratio devenir / raw DuckDB throughput: ${(ours.rows / ours.seconds / (raw.rows / raw.seconds)).toFixed(2)}`,
  );
  rmSync(work, { recursive: true, force: true });
}
