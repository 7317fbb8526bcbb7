import { ApplicationFailure, executeChild, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { quickOptions } from './activity-options.js';
import type { SourceId } from '../infra/config.js';
import { nominalDate } from './nominal-date.js';
import { publishViaCommitter } from './publish-via-committer.js';
import { progressQuery, refreshSourceWorkflow, type RefreshSourceResult } from './refresh-source-workflow.js';
import { newProgress, NOTHING_NEW, type BuildOutcome, type RunContext } from './types.js';
import { failureMessage } from '../activities/errors.js';
import type { FreshDataset } from '../activities/land/freshness.js';

export interface RefreshAllInput extends RunContext {
  /** Millésimes of the statistics sources (their defaults otherwise). */
  periods?: string[];
  date?: string;
  /** Sources to leave out. */
  skip?: SourceId[];
  /** Publish partitions that emptied or shrank past DEVENIR_ROW_DRIFT_THRESHOLD (a removal the user confirmed). */
  acceptRemoval?: boolean;
  /**
   * Leave out the datasets landed after their publisher's last scheduled publication (activities/land/freshness.ts),
   * the schedules read in this time zone. Absent: every dataset is asked.
   */
  freshness?: { timeZone: string };
}

export interface RefreshAllResult extends BuildOutcome {
  snapshotId?: number;
  committed?: boolean;
  /** Tables that got a new snapshot. */
  tablesChanged?: string[];
  /** Per source: rows landed, requests made, datasets landed and unchanged, or the error. */
  sources: Array<{
    source: SourceId;
    rows: number;
    requests: number;
    datasets?: number;
    unchanged?: number;
    error?: string;
  }>;
  /** Datasets not asked: landed after their publisher's last scheduled publication. */
  fresh?: FreshDataset[];
  /** No source had anything new: no publish was requested. */
  unchanged?: boolean;
  /** `nothing new` when unchanged. */
  message?: string;
}

/**
 * Refreshes every source of the registry's plan (activities/land/datasets: stage 1, the referentials that give later
 * sources their scopes, then stage 2), then builds every layer once and publishes one lake snapshot.
 */
export async function refreshAllWorkflow(input: RefreshAllInput): Promise<RefreshAllResult> {
  const progress = newProgress('landing referentials');
  setHandler(progressQuery, () => progress);
  const ctx: RunContext = {
    idPrefix: input.idPrefix,
    queues: input.queues,
    committerId: input.committerId,
    heartbeatTimeout: input.heartbeatTimeout,
  };
  const date = input.date ?? nominalDate();
  const stagedKeys: string[] = [];
  const sources: RefreshAllResult['sources'] = [];
  // The plan (stages, sources, datasets) is data: the registry's, read by an activity, so recorded in the history.
  const { refreshPlan } = proxyActivities<Activities>(quickOptions(ctx, 'landing'));
  const freshness = input.freshness && { ...input.freshness, periods: input.periods, date };
  const { stages, fresh, snapshotId } = await refreshPlan({ skip: input.skip, ...(freshness && { freshness }) });
  let current: number | undefined = snapshotId;
  progress.total = stages.flat().length;
  for (const [i, stage] of stages.entries()) {
    progress.step = i === 0 ? 'landing referentials' : 'landing statistics and lookups';
    const overlay = [...stagedKeys];
    const results = await Promise.all(
      stage.map(async ({ source, datasets }) => {
        try {
          const result = await executeChild(refreshSourceWorkflow, {
            workflowId: `${workflowInfo().workflowId}/${source}`,
            taskQueue: input.queues.workflows,
            args: [
              {
                ...ctx,
                source,
                datasets,
                date,
                periods: i > 0 ? input.periods : undefined,
                overlayStagedKeys: overlay,
                build: false,
                publish: false,
              },
            ],
          });
          progress.sourcesDone.push(source);
          progress.rowsLanded += result.landed.reduce((n, l) => n + l.rows, 0);
          progress.requests += result.landed.reduce((n, l) => n + l.requests, 0);
          return { source, result };
        } catch (error) {
          const message = failureMessage(error);
          progress.sourcesFailed.push({ source, error: message });
          return { source, error: message };
        } finally {
          progress.done += 1;
        }
      }),
    );
    for (const r of results) {
      const landed = (r as { result?: RefreshSourceResult }).result;
      if (landed) stagedKeys.push(...landed.stagedKeys);
      sources.push({
        source: r.source,
        rows: landed?.landed.reduce((n, l) => n + l.rows, 0) ?? 0,
        requests: landed?.landed.reduce((n, l) => n + l.requests, 0) ?? 0,
        datasets: landed?.landed.length ?? 0,
        unchanged: landed?.landed.filter((l) => l.unchanged).length ?? 0,
        error: (r as { error?: string }).error,
      });
      if (landed?.snapshotId) current = Math.max(current ?? 0, landed.snapshotId);
    }
  }
  const failed = sources.filter((s) => s.error);
  if (!stagedKeys.length) {
    progress.step = 'done';
    if (failed.length) throw sourcesFailed(undefined, failed, sources);
    const nothing = { committed: false, tablesChanged: [], modelsRun: [], message: NOTHING_NEW };
    return { snapshotId: current, sources, unchanged: true, ...(fresh && { fresh }), ...nothing };
  }
  progress.step = 'building and publishing';
  const published = await publishViaCommitter(
    ctx,
    {
      stagedKeys,
      message: `refresh-all ${date}`,
      idempotencyKey: `${workflowInfo().workflowId}/${workflowInfo().runId}`,
      acceptRemoval: input.acceptRemoval,
    },
    true,
  );
  progress.step = 'done';
  if (failed.length) throw sourcesFailed(published.snapshotId, failed, sources, published);
  return {
    snapshotId: published.snapshotId,
    committed: published.committed,
    tablesChanged: published.tablesChanged,
    sources,
    ...(fresh && { fresh }),
    heldBack: published.heldBack,
    modelsRun: published.modelsRun,
    ...(published.staleRefusals && { staleRefusals: published.staleRefusals }),
  };
}

/** The failure of a refresh-all some sources of which failed; its details carry what was published. */
function sourcesFailed(
  snapshotId: number | undefined,
  failed: RefreshAllResult['sources'],
  sources: RefreshAllResult['sources'],
  built: BuildOutcome = {},
): ApplicationFailure {
  const what = snapshotId === undefined ? 'published nothing' : `published snapshot ${snapshotId}`;
  return ApplicationFailure.nonRetryable(
    `${what} without ${failed.map((f) => `${f.source} (${f.error})`).join('; ')}`,
    'SourcesFailed',
    { snapshotId, sources, ...built },
  );
}
