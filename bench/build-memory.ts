/**
 * Build memory benchmark: lands every source once (all bundled millésimes) into a temp filesystem lake, then runs one
 * full `buildLayers` per DuckDB memory limit, each in its own child process (`DEVENIR_DUCKDB_MEMORY`, DuckDB spilling
 * to the OS temp folder), side by side: wall time, peak RSS, the models held back, and a digest of every staged
 * file's sha256, which must be the same under every limit (the output is byte-identical).
 * The landing runs in this process under `--land-memory` (default: DuckDB's default for a worker that lands).
 * Usage: npx tsx bench/build-memory.ts [--memory 4GB,1.2GB,1GB] [--land-memory 1.2GB] [--rounds 1]
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayers } from '../activities/build/build-layers.js';
import { plainRuntime } from '../activities/deps.js';
import { startSimulators } from '../infra/simulators/index.js';
import { sampleMillesimes } from '../infra/simulators/sample-data.js';
import { duckdbSettings } from '../lake/duckdb-settings.js';
import { loadStaged } from '../lake/staged.js';
import { benchDeps, benchDir, benchEnv, landAll, numberArg, peakRssMb, secs } from './bench-env.js';

const RATE = 1000;

interface Child {
  memory: string;
  ms: number;
  maxRssMb: number;
  modelsRun: number;
  heldBack: string[];
  files: number;
  digest: string;
  load: number;
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === 'build') {
  const dir = process.argv[3];
  const deps = await benchDeps(benchEnv(dir, RATE, { DEVENIR_DUCKDB_MEMORY: process.env.DEVENIR_DUCKDB_MEMORY ?? '' }));
  const stagedKeys = JSON.parse(readFileSync(path.join(dir, 'staged-keys.json'), 'utf8')) as string[];
  const started = performance.now();
  const r = await buildLayers(deps, plainRuntime(), { overlayStagedKeys: stagedKeys, full: true });
  const ms = performance.now() - started;
  const tables = r.stagedKey ? await loadStaged(deps.store, r.stagedKey) : [];
  const lines = tables.flatMap((t) => t.files.map((f) => `${t.name} ${f.partition} ${f.sha256}`)).sort();
  const child: Child = {
    memory: duckdbSettings().memory,
    ms,
    maxRssMb: peakRssMb(),
    modelsRun: r.modelsRun.length,
    heldBack: r.heldBack.map((h) => `${h.model}: ${h.reason}`),
    files: lines.length,
    digest: createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16),
    load: os.loadavg()[0],
  };
  process.stdout.write(JSON.stringify(child));
} else {
  const at = process.argv.indexOf('--memory');
  const limits = (at > 0 ? process.argv[at + 1] : '4GB,1.2GB,1GB').split(',');
  const rounds = numberArg('rounds', 1);
  const dir = benchDir();
  const periods = sampleMillesimes();
  const sims = await startSimulators();
  const landMemory = process.argv.includes('--land-memory')
    ? process.argv[process.argv.indexOf('--land-memory') + 1]
    : '';
  const deps = await benchDeps(benchEnv(dir, RATE, { DEVENIR_DUCKDB_MEMORY: landMemory }), sims.baseUrls);
  const landStarted = performance.now();
  const { stagedKeys, landed } = await landAll(deps, periods, new Date().toISOString().slice(0, 10));
  await sims.close();
  writeFileSync(path.join(dir, 'staged-keys.json'), JSON.stringify(stagedKeys));
  console.log(
    `build-memory benchmark: millésimes ${periods.join(' ')}, ${os.cpus().length} cores, temp folder ${os.tmpdir()}`,
  );
  console.log(
    `  landed once: ${landed.reduce((n, l) => n + l.rows, 0).toLocaleString('en')} raw rows in ${secs(performance.now() - landStarted)} under DuckDB ${duckdbSettings().memory}, peak RSS ${peakRssMb().toFixed(0)} MB (simulators in process)`,
  );
  console.log('  DuckDB limit   full build   peak RSS   models run  held back  files  output digest     load');
  for (let round = 0; round < rounds; round++)
    for (const memory of limits) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', self, 'build', dir], {
        encoding: 'utf8',
        env: { ...process.env, DEVENIR_DUCKDB_MEMORY: memory },
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 64 << 20,
      });
      const c = JSON.parse(out) as Child;
      console.log(
        `  ${c.memory.padEnd(12)}${secs(c.ms).padStart(12)}${`${c.maxRssMb.toFixed(0)} MB`.padStart(11)}${String(c.modelsRun).padStart(13)}${String(c.heldBack.length).padStart(11)}${String(c.files).padStart(7)}  ${c.digest}  ${c.load.toFixed(1)}`,
      );
      for (const h of c.heldBack) console.log(`    held back: ${h}`);
    }
  rmSync(dir, { recursive: true, force: true });
}
