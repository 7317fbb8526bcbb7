import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { planBuild, type BuildPlan } from '../../lake/build-plan.js';
import { checkModels, type ContractCheckResult } from '../../lake/contract-checks.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { failpoint } from '../../lake/failpoints.js';
import type { StagedTable } from '../../lake/lake.js';
import { fromManifest, registerTables } from '../../lake/lake-views.js';
import { readsHeldBack, type HeldBackModel, type TableManifest } from '../../lake/manifest.js';
import { modelWriteOrder, tablesWithMillesime } from '../../lake/model-order.js';
import { loadStaged, saveStaged, stageTable } from '../../lake/staged.js';
import { loadModels, loadSources, runModels } from '../../lake/transform-runner.js';
import type { ActivityDeps, ActivityRuntime } from '../deps.js';

/** Where the SQL models live. */
export const TRANSFORMS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../transforms');

export interface BuildLayersInput {
  /** Staged raw sets to read as if published (the build runs before the publish). */
  overlayStagedKeys: string[];
  /** Rebuild every model, changed or not (`devenir build --full`). */
  full?: boolean;
  /** Publish partitions that emptied or shrank past the drift threshold (a removal the user confirmed). */
  acceptRemoval?: boolean;
}

export interface BuildLayersResult {
  /** The staged set of the models built (absent when no model needed building). */
  stagedKey?: string;
  models: number;
  /** Models whose SQL ran, in build order. */
  modelsRun: string[];
  /** Models (and raw tables) left at their published version, with the reason. */
  heldBack: HeldBackModel[];
  /** Raw tables of the staged sets not to publish (a partition emptied or shrank). */
  withheld: string[];
  rows: Record<string, number>;
  /** Milliseconds per layer, and the share spent in DuckDB model SQL. */
  timings: { staging: number; matched: number; published: number; write: number; total: number };
  warnings: string[];
}

const PARAMS = { secrecy_threshold: 20 };
const FIX = 'fix the source (or the model), then refresh it: the held-back models are rebuilt on the next publish';

/**
 * Builds the models whose fingerprint changed (all with `full`) and their descendants with DuckDB, reading the
 * others from the lake; checks their contracts and stages their tables. A model that fails, and all that read it,
 * is held back at its published version; the rest is staged.
 */
export async function buildLayers(
  deps: ActivityDeps,
  rt: ActivityRuntime,
  input: BuildLayersInput,
): Promise<BuildLayersResult> {
  const started = performance.now();
  // Well inside the shortest heartbeat timeout a run may set (RunContext.heartbeatTimeout, e.g. 5 s in tests).
  const beat = setInterval(() => rt.heartbeat({ step: 'building' }), 2_000);
  const workDir = path.join(deps.config.workDir, 'build', `${process.pid}-${Date.now()}`);
  try {
    const models = await loadModels(TRANSFORMS_DIR);
    const snapshot = await deps.lake.lakeSnapshot();
    const committed = snapshot ? await deps.lake.tables({ snapshot: snapshot.snapshot_id }) : new Map();
    const staged: StagedTable[] = [];
    for (const key of input.overlayStagedKeys) staged.push(...(await loadStaged(deps.store, key)));
    const plan = planBuild(models, committed, staged, {
      params: PARAMS,
      full: input.full,
      acceptRemoval: input.acceptRemoval,
      rowDriftThreshold: deps.config.rowDriftThreshold,
      declared: loadSources().required,
    });
    const result: BuildLayersResult = {
      models: models.length,
      modelsRun: [],
      heldBack: [...plan.heldBack],
      withheld: plan.heldBack.filter((h) => h.model.startsWith('raw.')).map((h) => h.model),
      rows: {},
      timings: { staging: 0, matched: 0, published: 0, write: 0, total: 0 },
      warnings: [],
    };
    deps.log.info({ run: plan.run.length, of: models.length, full: Boolean(input.full) }, 'models to build');
    if (plan.run.length)
      await Workspace.with((ws) =>
        buildChanged(deps, rt, ws, plan, committed, { workDir, acceptRemoval: input.acceptRemoval }, result),
      );
    result.timings.total = Math.round(performance.now() - started);
    return result;
  } finally {
    clearInterval(beat);
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

async function buildChanged(
  deps: ActivityDeps,
  rt: ActivityRuntime,
  ws: Workspace,
  plan: BuildPlan,
  committed: Map<string, TableManifest>,
  { workDir, acceptRemoval }: { workDir: string; acceptRemoval?: boolean },
  result: BuildLayersResult,
): Promise<void> {
  const cache = path.join(deps.config.workDir, 'cache');
  await registerTables(ws, deps.store, [...plan.raw, ...plan.external], cache);
  const failed = new Map<string, string>();
  const stats = await runModels(ws.connection, plan.run, {
    params: PARAMS,
    external: plan.external.map((t) => t.name),
    failed,
  });
  result.modelsRun = plan.run.filter((m) => stats[m.id]).map((m) => m.id);
  // Others' relationships to a model that failed are checked against its published version.
  const published = [...failed.keys()].flatMap((id) =>
    committed.has(id) ? [fromManifest(id, committed.get(id)!)] : [],
  );
  await registerTables(ws, deps.store, published, cache);
  const checkOptions = {
    previousRowCounts: Object.fromEntries([...committed].map(([name, m]) => [name, m.summary.rows])),
    previousPartitionRows: Object.fromEntries([...committed].map(([name, m]) => [name, m.summary.partitions])),
    rowDriftThreshold: deps.config.rowDriftThreshold,
    acceptRemoval,
  };
  const checks = new Map<string, ContractCheckResult[]>();
  for (const model of plan.run) {
    if (failed.has(model.id)) continue;
    const upstream = model.dependsOn.find((d) => failed.has(d));
    if (upstream) {
      failed.set(model.id, readsHeldBack(upstream));
      continue;
    }
    const results = await checkModels(ws.connection, [model], checkOptions).catch((error: Error) => [
      {
        model: model.id,
        check: 'checks',
        severity: 'error' as const,
        passed: false,
        failingRows: 0,
        sample: [],
        message: error.message,
      },
    ]);
    const failing = results.filter((r) => !r.passed && r.severity === 'error');
    if (failing.length) failed.set(model.id, `checks failed: ${failing.map((r) => r.message).join(' | ')}`);
    checks.set(model.id, results);
  }
  for (const [model, reason] of failed) result.heldBack.push({ model, reason, fix: FIX });
  const writeStarted = performance.now();
  const tables: StagedTable[] = [];
  const partitioned = await tablesWithMillesime(ws);
  for (const model of plan.run.filter((m) => !failed.has(m.id))) {
    const t = await stageTable(ws, deps.store, model.id, {
      name: model.id,
      partitionColumn: partitioned.has(model.id) ? 'millesime' : null,
      replace: 'all',
      ...(await modelWriteOrder(ws, model)),
      stableBytes: true,
      parallelFiles: true,
      localDir: workDir,
    });
    t.fingerprint = plan.fingerprints.get(model.id);
    t.build_ms = stats[model.id]?.ms;
    t.inputs = [...model.sources.map((s) => `raw.${s.table}`), ...model.dependsOn].map((table) => ({
      table,
      snapshot_id: committed.get(table)?.snapshot_id ?? 0,
    }));
    t.checks = (checks.get(model.id) ?? []).map((r) => ({
      check: r.check,
      passed: r.passed,
      severity: r.severity,
      message: r.message,
      failing_rows: r.failingRows,
    }));
    tables.push(t);
    failpoint('build.parquet');
    rt.heartbeat({ step: 'writing', table: model.id });
  }
  if (tables.length) result.stagedKey = await saveStaged(deps.store, tables);
  const layerMs = (layer: string) =>
    Object.entries(stats)
      .filter(([id]) => id.startsWith(`${layer}.`))
      .reduce((n, [, s]) => n + s.ms, 0);
  result.rows = Object.fromEntries(Object.entries(stats).map(([id, s]) => [id, s.rows]));
  result.timings = {
    staging: layerMs('staging'),
    matched: layerMs('matched'),
    published: layerMs('published'),
    write: Math.round(performance.now() - writeStarted),
    total: 0,
  };
  result.warnings = [...checks.values()]
    .flat()
    .filter((r) => !r.passed && r.severity === 'warn')
    .map((r) => r.message);
}
