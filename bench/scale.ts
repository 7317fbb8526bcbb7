/**
 * Scale benchmark: how landing throughput, build time and peak RSS grow with rows, at 1×, 3× and 10× the bundled
 * data, side by side, in one run. Lands every source once (1×, simulators, no Temporal), derives the k× sets from it
 * (bench/scale-data.ts: more millésimes, more UAIs, generated at bench time), then for each scale, each in its own
 * process: `buildLayers` once, and devenir's landing path over k× the largest landed set's rows.
 * DuckDB's memory limit is DEVENIR_DUCKDB_MEMORY as set (default 4GB), except for landing the 1× fixture (4GB). Usage: npx tsx bench/scale.ts [--scales 1,3,10]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayers } from '../activities/build/build-layers.js';
import { plainRuntime } from '../activities/deps.js';
import { startSimulators } from '../infra/simulators/index.js';
import { sampleMillesimes } from '../infra/simulators/sample-data.js';
import { benchDeps, benchDir, benchEnv, landAll, peakRssMb, secs } from './bench-env.js';
import { generate } from './ndjson-rows.js';
import { scaleStaged } from './scale-data.js';

const RATE = 1000;
/** DuckDB's limit as configured: the derive, build and landing children run under it. */
const MEMORY = process.env.DEVENIR_DUCKDB_MEMORY ?? '4GB';
/** The 1× fixture lands every source at once in this one process (not a worker's shape): it gets 4 GB. */
const FIXTURE_MEMORY = '4GB';
const self = fileURLToPath(import.meta.url);
const here = path.dirname(self);
const child = (args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, DEVENIR_DUCKDB_MEMORY: MEMORY },
      maxBuffer: 64 << 20,
    }),
  ) as Record<string, unknown>;

interface BuildFigures {
  ok: boolean;
  error?: string;
  ms: number;
  rows: Record<string, number>;
  timings?: Record<string, number>;
  maxRssMb: number;
  load: number;
}

const [mode, dir, arg] = process.argv.slice(2);
if (mode === 'derive') {
  const deps = await benchDeps(benchEnv(dir, RATE));
  const keys = JSON.parse(readFileSync(path.join(dir, 'staged-keys.json'), 'utf8')) as string[];
  const t = performance.now();
  const result = await scaleStaged(deps, keys, Number(arg));
  process.stdout.write(JSON.stringify({ ...result, ms: performance.now() - t }));
} else if (mode === 'build') {
  const deps = await benchDeps(benchEnv(dir, RATE));
  const t = performance.now();
  const figures: BuildFigures = await buildLayers(deps, plainRuntime(), { overlayStagedKeys: [arg] }).then(
    (r) => ({ ok: true, ms: performance.now() - t, rows: r.rows, timings: r.timings, maxRssMb: 0, load: 0 }),
    (e: unknown) => ({
      ok: false,
      error: String(e).slice(0, 300),
      ms: performance.now() - t,
      rows: {},
      maxRssMb: 0,
      load: 0,
    }),
  );
  process.stdout.write(JSON.stringify({ ...figures, maxRssMb: peakRssMb(), load: os.loadavg()[0] }));
} else {
  const i = process.argv.indexOf('--scales');
  const scales = (i > 0 ? process.argv[i + 1] : '1,3,10').split(',').map(Number);
  const work = benchDir();
  process.env.DEVENIR_DUCKDB_MEMORY = FIXTURE_MEMORY;
  console.log(
    `scale benchmark: scales ${scales.join('×, ')}×, ${os.cpus().length} cores, DuckDB memory_limit ${MEMORY} (the 1× fixture's landing: ${FIXTURE_MEMORY}), load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const sims = await startSimulators();
  const deps = await benchDeps(benchEnv(work, RATE), sims.baseUrls);
  const periods = sampleMillesimes();
  const landStarted = performance.now();
  const { stagedKeys, landed } = await landAll(deps, periods, new Date().toISOString().slice(0, 10));
  const landMs = performance.now() - landStarted;
  await sims.close();
  writeFileSync(path.join(work, 'staged-keys.json'), JSON.stringify(stagedKeys));
  const largest = landed.reduce((a, b) => (b.rows > a.rows ? b : a));
  console.log(
    `  1× landed from the simulators at ${RATE} req/s: ${landed.reduce((n, l) => n + l.rows, 0).toLocaleString('en')} raw rows, ${landed.reduce((n, l) => n + l.requests, 0).toLocaleString('en')} requests, ${secs(landMs)}; largest set ${largest.source}/${largest.dataset ?? ''} ${largest.period ?? ''} ${largest.rows.toLocaleString('en')} rows`,
  );
  console.log(
    '  scale  millésimes  raw rows     derive    build      build rows/s  peak RSS build  published rows  landing rows  landing    rows/s     peak RSS landing  load',
  );
  for (const k of scales) {
    const derived = child([self, 'derive', work, String(k)]) as { key: string; rawRows: number; ms: number };
    const build = child([self, 'build', work, derived.key]) as unknown as BuildFigures;
    const input = path.join(work, 'landing.ndjson');
    const landingRows = largest.rows * k;
    await generate(input, landingRows);
    const landing = child([path.join(here, 'landing.ts'), 'devenir', input, work]) as {
      rows: number;
      seconds: number;
      maxRssMb: number;
    };
    rmSync(input, { force: true });
    const published = Object.entries(build.rows)
      .filter(([id]) => id.startsWith('published.'))
      .reduce((n, [, r]) => n + r, 0);
    console.log(
      `  ${`${k}×`.padEnd(7)}${String(periods.length * k).padEnd(12)}${derived.rawRows.toLocaleString('en').padEnd(13)}${secs(derived.ms).padEnd(10)}${(build.ok ? secs(build.ms) : 'FAILED').padEnd(11)}${(build.ok ? Math.round(derived.rawRows / (build.ms / 1000)).toLocaleString('en') : '-').padEnd(14)}${`${build.maxRssMb.toFixed(0)} MB`.padEnd(16)}${published.toLocaleString('en').padEnd(16)}${landing.rows.toLocaleString('en').padEnd(14)}${`${landing.seconds.toFixed(2)} s`.padEnd(11)}${Math.round(
        landing.rows / landing.seconds,
      )
        .toLocaleString('en')
        .padEnd(11)}${`${landing.maxRssMb.toFixed(0)} MB`.padEnd(18)}${build.load.toFixed(1)}`,
    );
    if (!build.ok) console.log(`    build failed: ${build.error}`);
    else
      console.log(
        `    build split: ${Object.entries(build.timings ?? {})
          .map(([layer, ms]) => `${layer} ${secs(ms)}`)
          .join(', ')}`,
      );
  }
  rmSync(work, { recursive: true, force: true });
}
