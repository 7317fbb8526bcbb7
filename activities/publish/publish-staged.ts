import { mergeStaged, type StagedTable } from '../../lake/lake.js';
import { loadStaged } from '../../lake/staged.js';
import { syncDeltaLogs } from '../../lake/delta-log.js';
import { writeViewsCatalog } from '../../lake/views-catalog.js';
import type { ActivityDeps, ActivityRuntime } from '../deps.js';

export interface PublishStagedInput {
  /** Lake keys of staged sets (from land and build activities), published together in one lake snapshot. */
  stagedKeys: string[];
  message: string;
  /** The same key twice commits once (a retried publish is a no-op). */
  idempotencyKey: string;
}

export interface PublishStagedResult {
  snapshotId: number | undefined;
  committed: boolean;
  tablesChanged: string[];
  tables: number;
  catalog?: string;
}

/** Commits staged tables as new table snapshots and one lake snapshot (then refreshes the analysts' views catalog). */
export async function publishStaged(
  deps: ActivityDeps,
  rt: ActivityRuntime,
  input: PublishStagedInput,
): Promise<PublishStagedResult> {
  const staged: StagedTable[] = [];
  for (const key of input.stagedKeys) staged.push(...(await loadStaged(deps.store, key)));
  const result = await deps.lake.publish(mergeStaged(staged), {
    message: input.message,
    idempotencyKey: input.idempotencyKey,
    producer: { workflow_id: rt.workflowId, run_id: rt.runId, activity: 'publishStaged', attempt: rt.attempt },
  });
  const snapshotId = result.snapshot?.snapshot_id;
  const catalog = result.committed && snapshotId ? await writeViewsCatalog(deps.lake, snapshotId) : undefined;
  if (result.committed && snapshotId) await syncDeltaLogs(deps.lake, snapshotId);
  deps.log.info(
    { snapshotId, committed: result.committed, changed: result.tables.filter((t) => t.committed).length },
    result.committed ? 'published' : 'nothing new to publish',
  );
  return {
    snapshotId,
    committed: result.committed,
    tablesChanged: result.tables.filter((t) => t.committed).map((t) => t.name),
    tables: result.tables.length,
    catalog,
  };
}
