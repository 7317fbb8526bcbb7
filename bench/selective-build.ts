/**
 * Selective build benchmark: lands every source (all bundled millésimes) into a temp filesystem lake, then, in a
 * child process (its peak RSS is the builds'), times a full build + publish, a refresh of ACCE whose payload changed
 * one table (an extra column in one extraction file, same date) built selectively + published, and a no-op build.
 * Prints the models each one ran and the selective/full wall-time ratio (target ≤ 0.35).
 * Usage: npx tsx bench/selective-build.ts [--file ACCE_UAI_MERE]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayers } from '../activities/build/build-layers.js';
import { plainRuntime, type ActivityDeps } from '../activities/deps.js';
import { landSource } from '../activities/land/land-source.js';
import { planSource } from '../activities/land/plan-source.js';
import { publishStaged } from '../activities/publish/publish-staged.js';
import { startSimulators } from '../infra/simulators/index.js';
import { sampleMillesimes } from '../infra/simulators/sample-data.js';
import { benchDeps, benchDir, benchEnv, landAll, peakRssMb, secs } from './bench-env.js';

const RATE = 1000;

/** Build then publish, as the committer does; wall time of both. */
async function buildAndPublish(deps: ActivityDeps, stagedKeys: string[], full: boolean, label: string) {
  const started = performance.now();
  const built = await buildLayers(deps, plainRuntime(), { overlayStagedKeys: stagedKeys, full });
  const published = await publishStaged(deps, plainRuntime(), {
    stagedKeys: [...stagedKeys, ...(built.stagedKey ? [built.stagedKey] : [])],
    message: label,
    idempotencyKey: `bench/${label}/${Date.now()}`,
    heldBack: built.heldBack,
    modelsRun: built.modelsRun,
  });
  return {
    label,
    ms: performance.now() - started,
    buildMs: built.timings.total,
    modelsRun: built.modelsRun,
    models: built.models,
    tablesChanged: published.tablesChanged.length,
    heldBack: published.heldBack.map((h) => h.model),
    load: os.loadavg()[0],
  };
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === 'child') {
  const dir = process.argv[3];
  const deps = await benchDeps(benchEnv(dir, RATE));
  const keys = JSON.parse(readFileSync(path.join(dir, 'keys.json'), 'utf8')) as { all: string[]; changed: string[] };
  const full = await buildAndPublish(deps, keys.all, true, 'full');
  const selective = await buildAndPublish(deps, keys.changed, false, 'one ACCE table changed');
  const noop = await buildAndPublish(deps, [], false, 'nothing changed');
  process.stdout.write(JSON.stringify({ runs: [full, selective, noop], maxRssMb: peakRssMb() }));
} else {
  const i = process.argv.indexOf('--file');
  const file = i > 0 ? process.argv[i + 1] : 'ACCE_UAI_MERE';
  const dir = benchDir();
  const sims = await startSimulators();
  const deps = await benchDeps(benchEnv(dir, RATE), sims.baseUrls);
  const date = new Date().toISOString().slice(0, 10);
  const { stagedKeys } = await landAll(deps, sampleMillesimes(), date);
  sims.faults.add({ source: 'acce', kind: 'extra-column', column: 'bench_colonne', to: 'x', match: `/${file}.csv` });
  const changed: string[] = [];
  for (const p of await planSource({ source: 'acce', date })) {
    const landed = await landSource(deps, plainRuntime(), { source: 'acce', dataset: p.dataset, period: p.period });
    if (landed.stagedKey) changed.push(landed.stagedKey); // an unchanged payload stages nothing
  }
  await sims.close();
  writeFileSync(path.join(dir, 'keys.json'), JSON.stringify({ all: stagedKeys, changed }));
  const out = execFileSync(process.execPath, ['--import', 'tsx', self, 'child', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  const { runs, maxRssMb } = JSON.parse(out) as {
    runs: Array<Awaited<ReturnType<typeof buildAndPublish>>>;
    maxRssMb: number;
  };
  console.log(`selective-build benchmark: ${os.cpus().length} cores, changed file ${file}.csv of ACCE`);
  console.log('  build + publish             wall (build alone)   models run  tables changed  held back  load');
  for (const r of runs)
    console.log(
      `  ${r.label.padEnd(24)}${secs(r.ms).padStart(9)}${`(${secs(r.buildMs)})`.padStart(12)}${`${r.modelsRun.length}/${r.models}`.padStart(13)}${String(r.tablesChanged).padStart(16)}${String(r.heldBack.length).padStart(11)}${r.load.toFixed(1).padStart(6)}`,
    );
  console.log(`  selective / full wall time: ${(runs[1].ms / runs[0].ms).toFixed(2)} (target ≤ 0.35)`);
  console.log(`  models run by the selective build: ${runs[1].modelsRun.join(', ') || 'none'}`);
  console.log(`  peak RSS of the build process: ${maxRssMb.toFixed(0)} MB`);
  rmSync(dir, { recursive: true, force: true });
}
