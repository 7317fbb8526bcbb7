import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { checkModels } from '../../lake/contract-checks.js';
import { Workspace } from '../../lake/duckdb-session.js';
import type { StagedTable } from '../../lake/lake.js';
import { registerTables } from '../../lake/lake-views.js';
import { overlayTables } from '../../lake/overlay.js';
import { loadStaged, saveStaged, stageTable } from '../../lake/staged.js';
import { loadModels, runModels } from '../../lake/transform-runner.js';
import type { ActivityDeps, ActivityRuntime } from '../deps.js';
import { FAILURE_TYPES } from '../errors.js';

/** Where the SQL models live. */
export const TRANSFORMS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../transforms');

export interface BuildLayersInput {
  /** Staged raw sets to read as if published (the build runs before the publish). */
  overlayStagedKeys: string[];
}

export interface BuildLayersResult {
  stagedKey: string;
  models: number;
  rows: Record<string, number>;
  /** Milliseconds per layer, and the share spent in DuckDB model SQL. */
  timings: { staging: number; matched: number; published: number; write: number; total: number };
  warnings: string[];
}

/** Builds staging → matched → published with DuckDB over the lake (plus staged raw sets), checks every contract, stages the tables. */
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
    const raw = overlayTables(committed, staged).filter(
      (t) => t.name.startsWith('raw.') && !t.name.endsWith('__quarantine'),
    );
    return await Workspace.with(async (ws) => {
      await registerTables(ws, deps.store, raw, path.join(deps.config.workDir, 'cache'));
      const stats = await runModels(ws.connection, models, { params: { secrecy_threshold: 20 } });
      const previousRowCounts = Object.fromEntries([...committed].map(([name, m]) => [name, m.summary.rows]));
      const previousPartitionRows = Object.fromEntries([...committed].map(([name, m]) => [name, m.summary.partitions]));
      const results = await checkModels(ws.connection, models, {
        previousRowCounts,
        previousPartitionRows,
        rowDriftThreshold: deps.config.rowDriftThreshold,
      });
      const failing = results.filter((r) => !r.passed && r.severity === 'error');
      if (failing.length) {
        throw ApplicationFailure.nonRetryable(
          `checks failed, nothing published: ${failing.map((r) => r.message).join(' | ')}`,
          FAILURE_TYPES.checks,
        );
      }
      const writeStarted = performance.now();
      const inputs = raw.map((t) => ({ table: t.name, snapshot_id: committed.get(t.name)?.snapshot_id ?? 0 }));
      const tables: StagedTable[] = [];
      for (const model of models) {
        const columns = (
          await ws.rows<{ column_name: string }>(
            `select column_name from information_schema.columns where table_catalog = current_database() and table_schema = $1 and table_name = $2`,
            [model.layer, model.name],
          )
        ).map((c) => c.column_name);
        const t = await stageTable(ws, deps.store, model.id, {
          name: model.id,
          partitionColumn: columns.includes('millesime') ? 'millesime' : null,
          replace: 'all',
          orderBy: model.contract.uniqueKey.length ? model.contract.uniqueKey : undefined,
          localDir: workDir,
        });
        t.inputs = inputs;
        t.checks = results
          .filter((r) => r.model === model.id)
          .map((r) => ({
            check: r.check,
            passed: r.passed,
            severity: r.severity,
            message: r.message,
            failing_rows: r.failingRows,
          }));
        tables.push(t);
        rt.heartbeat({ step: 'writing', table: model.id });
      }
      const stagedKey = await saveStaged(deps.store, tables);
      const layerMs = (layer: string) =>
        Object.entries(stats)
          .filter(([id]) => id.startsWith(`${layer}.`))
          .reduce((n, [, s]) => n + s.ms, 0);
      return {
        stagedKey,
        models: models.length,
        rows: Object.fromEntries(Object.entries(stats).map(([id, s]) => [id, s.rows])),
        timings: {
          staging: layerMs('staging'),
          matched: layerMs('matched'),
          published: layerMs('published'),
          write: Math.round(performance.now() - writeStarted),
          total: Math.round(performance.now() - started),
        },
        warnings: results.filter((r) => !r.passed && r.severity === 'warn').map((r) => r.message),
      };
    });
  } finally {
    clearInterval(beat);
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
