/**
 * Build benchmark: lands every source once (all bundled millésimes) into a temp filesystem lake with the simulators,
 * then times activities/build/build-layers.ts `buildLayers` (staging → matched → published, contract checks, ordered
 * content-addressed Parquet) over those staged sets, several runs in a child process so its peak RSS is the build's
 * own. A last instrumented run (the same steps, called one by one) says where the time outside model SQL goes.
 * Usage: npx tsx bench/build-layers.ts [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayers, TRANSFORMS_DIR, type BuildLayersResult } from '../activities/build/build-layers.js';
import { plainRuntime, type ActivityDeps } from '../activities/deps.js';
import { startSimulators } from '../infra/simulators/index.js';
import { sampleMillesimes } from '../infra/simulators/sample-data.js';
import { checkModels } from '../lake/contract-checks.js';
import { Workspace } from '../lake/duckdb-session.js';
import { registerTables } from '../lake/lake-views.js';
import { modelWriteOrder, tablesWithMillesime } from '../lake/model-order.js';
import { overlayTables } from '../lake/overlay.js';
import { loadStaged, stageTable } from '../lake/staged.js';
import { loadModels, runModels } from '../lake/transform-runner.js';
import { benchDeps, benchDir, benchEnv, landAll, median, numberArg, peakRssMb, secs } from './bench-env.js';

const RATE = 1000;

interface Breakdown {
  setupMs: number;
  registerMs: number;
  runModelsMs: number;
  modelsMs: number;
  checksMs: number;
  writeMs: number;
  writeByLayer: Record<string, number>;
  slowestModels: Array<[string, number]>;
  slowestChecks: Array<[string, number]>;
  slowestWrites: Array<[string, number]>;
}

/** buildLayers' steps one by one, each timed (the same calls; no publish-side checks of results). */
async function instrumentedBuild(deps: ActivityDeps, stagedKeys: string[]): Promise<Breakdown> {
  const since = performance.now();
  const models = await loadModels(TRANSFORMS_DIR);
  const staged = (await Promise.all(stagedKeys.map((k) => loadStaged(deps.store, k)))).flat();
  const raw = overlayTables(new Map(), staged).filter(
    (t) => t.name.startsWith('raw.') && !t.name.endsWith('__quarantine'),
  );
  const setupMs = performance.now() - since;
  const top = (m: Record<string, number>) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5);
  return Workspace.with(async (ws) => {
    let t = performance.now();
    await registerTables(ws, deps.store, raw, path.join(deps.config.workDir, 'cache'));
    const registerMs = performance.now() - t;
    t = performance.now();
    const stats = await runModels(ws.connection, models, { params: { secrecy_threshold: 20 } });
    const runModelsMs = performance.now() - t;
    const checks: Record<string, number> = {};
    for (const model of models) {
      t = performance.now();
      await checkModels(ws.connection, [model], {
        previousRowCounts: {},
        rowDriftThreshold: deps.config.rowDriftThreshold,
      });
      checks[model.id] = performance.now() - t;
    }
    const writes: Record<string, number> = {};
    const workDir = path.join(deps.config.workDir, 'instrumented');
    const partitioned = await tablesWithMillesime(ws);
    for (const model of models) {
      t = performance.now();
      await stageTable(ws, deps.store, model.id, {
        name: model.id,
        partitionColumn: partitioned.has(model.id) ? 'millesime' : null,
        replace: 'all',
        ...(await modelWriteOrder(ws, model)),
        stableBytes: true,
        parallelFiles: true,
        localDir: workDir,
      });
      writes[model.id] = performance.now() - t;
    }
    const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
    const modelMs = Object.fromEntries(Object.entries(stats).map(([id, s]) => [id, s.ms]));
    const writeByLayer: Record<string, number> = {};
    for (const [id, ms] of Object.entries(writes))
      writeByLayer[id.split('.')[0]] = (writeByLayer[id.split('.')[0]] ?? 0) + ms;
    return {
      setupMs,
      registerMs,
      runModelsMs,
      modelsMs: sum(modelMs),
      checksMs: sum(checks),
      writeMs: sum(writes),
      writeByLayer,
      slowestModels: top(modelMs),
      slowestChecks: top(checks),
      slowestWrites: top(writes),
    };
  });
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === 'build') {
  const [dir, runs] = [process.argv[3], Number(process.argv[4])];
  const deps = await benchDeps(benchEnv(dir, RATE));
  const stagedKeys = JSON.parse(readFileSync(path.join(dir, 'staged-keys.json'), 'utf8')) as string[];
  const results: Array<BuildLayersResult & { load: number }> = [];
  for (let i = 0; i < runs; i++)
    results.push({
      ...(await buildLayers(deps, plainRuntime(), { overlayStagedKeys: stagedKeys })),
      load: os.loadavg()[0],
    });
  const maxRssMb = peakRssMb();
  const breakdown = await instrumentedBuild(deps, stagedKeys);
  process.stdout.write(JSON.stringify({ results, breakdown, maxRssMb }));
} else {
  const runs = numberArg('runs', 3);
  const dir = benchDir();
  const periods = sampleMillesimes();
  const sims = await startSimulators();
  const deps = await benchDeps(benchEnv(dir, RATE), sims.baseUrls);
  const landStarted = performance.now();
  const { stagedKeys, landed, sourceMs } = await landAll(deps, periods, new Date().toISOString().slice(0, 10));
  const landMs = performance.now() - landStarted;
  await sims.close();
  writeFileSync(path.join(dir, 'staged-keys.json'), JSON.stringify(stagedKeys));
  const out = execFileSync(process.execPath, ['--import', 'tsx', self, 'build', dir, String(runs)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  const {
    results,
    breakdown: b,
    maxRssMb,
  } = JSON.parse(out) as {
    results: Array<BuildLayersResult & { load: number }>;
    breakdown: Breakdown;
    maxRssMb: number;
  };
  const rawRows = landed.reduce((n, l) => n + l.rows, 0);
  console.log(
    `build-layers benchmark: millésimes ${periods.join(' ')}, ${os.cpus().length} cores, ${results[0].models} models`,
  );
  console.log(
    `  landed once: ${landed.length} dataset × period sets, ${rawRows.toLocaleString('en')} raw rows, ${landed.reduce((n, l) => n + l.requests, 0).toLocaleString('en')} requests at ${RATE}/s, in ${secs(landMs)} (slowest: ${Object.entries(
      sourceMs,
    )
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([s, ms]) => `${s} ${secs(ms)}`)
      .join(', ')})`,
  );
  console.log(
    '  run   staging   matched  published  models SQL  write Parquet  other     total   outside model SQL                 load',
  );
  for (const [i, r] of results.entries()) {
    const t = r.timings;
    const models = t.staging + t.matched + t.published;
    const other = t.total - models - t.write;
    console.log(
      `  ${String(i + 1).padEnd(4)}${secs(t.staging).padStart(9)}${secs(t.matched).padStart(10)}${secs(t.published).padStart(11)}${secs(models).padStart(12)}${secs(t.write).padStart(15)}${secs(other).padStart(8)}${secs(t.total).padStart(10)}   ${`${(100 * (1 - models / t.total)).toFixed(0)} % (write ${((100 * t.write) / t.total).toFixed(0)} %, other ${((100 * other) / t.total).toFixed(0)} %)`.padEnd(35)}${r.load.toFixed(1)}`,
    );
  }
  const totals = results.map((r) => r.timings.total);
  console.log(
    `  median total ${secs(median(totals))}, best ${secs(Math.min(...totals))} over ${results.length} runs (load: 1-minute load average at the end of the run, on ${os.cpus().length} cores); peak RSS of the build process ${maxRssMb.toFixed(0)} MB`,
  );
  console.log(
    `  instrumented run: setup ${secs(b.setupMs)}, register raw views ${secs(b.registerMs)}, runModels ${secs(b.runModelsMs)} (model SQL ${secs(b.modelsMs)}), contract checks ${secs(b.checksMs)}, write Parquet ${secs(b.writeMs)}`,
  );
  const list = (pairs: Array<[string, number]>) => pairs.map(([id, ms]) => `${id} ${secs(ms)}`).join(', ');
  console.log(
    `    write Parquet by layer: ${Object.entries(b.writeByLayer)
      .map(([layer, ms]) => `${layer} ${secs(ms)}`)
      .join(', ')}`,
  );
  console.log(`    slowest models: ${list(b.slowestModels)}`);
  console.log(`    slowest checks: ${list(b.slowestChecks)}`);
  console.log(`    slowest writes: ${list(b.slowestWrites)}`);
  console.log('  rows per published table:');
  for (const [table, rows] of Object.entries(results[0].rows)
    .filter(([id]) => id.startsWith('published.'))
    .sort())
    console.log(`    ${table.padEnd(36)}${rows.toLocaleString('en').padStart(12)}`);
  rmSync(dir, { recursive: true, force: true });
}
