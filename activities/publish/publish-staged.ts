import { mergeStaged, type StagedTable } from '../../lake/lake.js';
import type { HeldBackModel, LakeSnapshot } from '../../lake/manifest.js';
import { shrunkPartitions } from '../../lake/raw-guard.js';
import { loadStaged } from '../../lake/staged.js';
import { syncDeltaLogs } from '../../lake/delta-log.js';
import { writeViewsCatalog } from '../../lake/views-catalog.js';
import { writeLakeReport } from './write-lake-report.js';
import type { ActivityDeps, ActivityRuntime } from '../deps.js';

export interface PublishStagedInput {
  /** Lake keys of staged sets (from land and build activities), published together in one lake snapshot. */
  stagedKeys: string[];
  message: string;
  /** The same key twice commits once (a retried publish is a no-op). */
  idempotencyKey: string;
  /** Publish raw partitions that emptied or shrank past the drift threshold (a removal the user confirmed). */
  acceptRemoval?: boolean;
  /** What the build held back (recorded in the lake snapshot) and which models it ran (passed on). */
  heldBack?: HeldBackModel[];
  modelsRun?: string[];
}

export interface PublishStagedResult {
  snapshotId: number | undefined;
  committed: boolean;
  tablesChanged: string[];
  tables: number;
  catalog?: string;
  /** Models and raw tables left at their previous version, with why and how to fix it. */
  heldBack: HeldBackModel[];
  /** Models the build ran (empty when nothing needed rebuilding, or without a build). */
  modelsRun: string[];
  /** Where the HTML report of the snapshot was written (`devenir report`). */
  report?: string;
}

/** Commits staged tables as new table snapshots and one lake snapshot (then refreshes the analysts' views catalog, the Delta logs and the report). */
export async function publishStaged(
  deps: ActivityDeps,
  rt: ActivityRuntime,
  input: PublishStagedInput,
): Promise<PublishStagedResult> {
  // Well inside the shortest heartbeat timeout a run may set, so a lost worker's publish is retried soon.
  const beat = setInterval(() => rt.heartbeat({ step: 'publishing' }), 2_000);
  try {
    return await publish(deps, rt, input);
  } finally {
    clearInterval(beat);
  }
}

async function publish(
  deps: ActivityDeps,
  rt: ActivityRuntime,
  input: PublishStagedInput,
): Promise<PublishStagedResult> {
  const staged: StagedTable[] = [];
  for (const key of input.stagedKeys) staged.push(...(await loadStaged(deps.store, key)));
  // The committer publishes one request at a time: the build before this saw the same head, so the same guard.
  const heldBack = [...(input.heldBack ?? [])];
  if (!input.acceptRemoval) {
    const head = await deps.lake.tables();
    for (const h of shrunkPartitions(head, staged, deps.config.rowDriftThreshold))
      if (!heldBack.some((x) => x.model === h.model)) heldBack.push(h);
  }
  const withheld = new Set(heldBack.map((h) => h.model));
  const result = await deps.lake.publish(mergeStaged(staged.filter((t) => !withheld.has(t.name))), {
    message: input.message,
    idempotencyKey: input.idempotencyKey,
    heldBack,
    producer: { workflow_id: rt.workflowId, run_id: rt.runId, activity: 'publishStaged', attempt: rt.attempt },
  });
  const snapshotId = result.snapshot?.snapshot_id;
  // A retry after a crash that followed the lake commit finds its own snapshot: committed, and finished here.
  const resumed = !result.committed && result.snapshot?.idempotency_key === input.idempotencyKey;
  const committed = result.committed || resumed;
  const catalog = committed && snapshotId ? await writeViewsCatalog(deps.lake, snapshotId) : undefined;
  if (committed && snapshotId) await syncDeltaLogs(deps.lake, snapshotId);
  const report = committed && snapshotId ? await writeLakeReport(deps, snapshotId) : undefined;
  const tablesChanged = resumed
    ? await changedTables(deps, result.snapshot!)
    : result.tables.filter((t) => t.committed).map((t) => t.name);
  deps.log.info(
    {
      snapshotId,
      committed,
      resumed,
      changed: tablesChanged.length,
      heldBack: heldBack.map((h) => h.model),
    },
    committed ? 'published' : 'nothing new to publish',
  );
  return {
    snapshotId,
    committed,
    tablesChanged,
    tables: result.tables.length,
    catalog,
    heldBack,
    modelsRun: input.modelsRun ?? [],
    report,
  };
}

/** The tables a lake snapshot moved, compared with its parent. */
async function changedTables(deps: ActivityDeps, snapshot: LakeSnapshot): Promise<string[]> {
  const parent = snapshot.parent_snapshot_id ? await deps.lake.lakeLog.read(snapshot.parent_snapshot_id) : undefined;
  return Object.keys(snapshot.tables).filter((name) => parent?.tables[name] !== snapshot.tables[name]);
}
