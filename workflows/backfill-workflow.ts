import { ApplicationFailure, continueAsNew, setHandler, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { SourceId } from '../infra/config.js';
import { progressQuery, refreshSourceWorkflow } from './refresh-source-workflow.js';
import { newProgress, type BuildOutcome, type RunContext } from './types.js';
import { failureMessage } from '../activities/errors.js';

export interface BackfillInput extends RunContext {
  source: SourceId;
  millesimes: string[];
  datasets?: string[];
  /** Children in flight at once (default 2). */
  parallelism?: number;
  /** Publish partitions that emptied or shrank past DEVENIR_ROW_DRIFT_THRESHOLD (a removal the user confirmed). */
  acceptRemoval?: boolean;
  /** Carried across continue-as-new. */
  outcome?: BackfillOutcome;
}

export interface BackfillOutcome extends BuildOutcome {
  done: string[];
  alreadyDone: string[];
  failed: Array<{ millesime: string; error: string }>;
  /** Millésimes whose payloads were unchanged since their latest landing (nothing published for them). */
  unchanged?: string[];
  /** Per millésime: rows landed, requests made, the snapshot published. */
  runs?: Array<{ millesime: string; rows: number; requests: number; snapshotId?: number; tablesChanged?: number }>;
}

const CHILDREN_PER_RUN = 50;

/**
 * Replays a list of millésimes, one child workflow each (`<prefix>/backfill/<source>/<datasets or all>/<millésime>`), a bounded number at
 * a time. A millésime whose child already succeeded is not redone: re-running a backfill redoes only what
 * failed or is missing. Long lists continue as new.
 */
export async function backfillWorkflow(input: BackfillInput): Promise<BackfillOutcome> {
  const outcome: BackfillOutcome = input.outcome ?? { done: [], alreadyDone: [], failed: [] };
  const progress = newProgress(`backfilling ${input.source}`);
  progress.total = input.millesimes.length + outcome.done.length + outcome.alreadyDone.length + outcome.failed.length;
  progress.done = progress.total - input.millesimes.length;
  setHandler(progressQuery, () => progress);
  const todo = input.millesimes.slice(0, CHILDREN_PER_RUN);
  const later = input.millesimes.slice(CHILDREN_PER_RUN);
  const parallelism = Math.max(1, input.parallelism ?? 2);
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const millesime = todo[next++];
      try {
        const child = await startChild(refreshSourceWorkflow, {
          workflowId: `${input.idPrefix ? `${input.idPrefix}/` : ''}backfill/${input.source}/${input.datasets?.length ? [...input.datasets].sort().join('+') : 'all'}/${millesime}`,
          taskQueue: input.queues.workflows,
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
          args: [
            {
              idPrefix: input.idPrefix,
              queues: input.queues,
              committerId: input.committerId,
              heartbeatTimeout: input.heartbeatTimeout,
              source: input.source,
              datasets: input.datasets,
              periods: [millesime],
              acceptRemoval: input.acceptRemoval,
            },
          ],
        });
        const result = await child.result();
        outcome.done.push(millesime);
        if (result.unchanged) (outcome.unchanged ??= []).push(millesime);
        const rows = result.landed.reduce((n, l) => n + l.rows, 0);
        const requests = result.landed.reduce((n, l) => n + l.requests, 0);
        const tablesChanged = result.tablesChanged?.length;
        (outcome.runs ??= []).push({ millesime, rows, requests, snapshotId: result.snapshotId, tablesChanged });
        if (result.heldBack?.length) outcome.heldBack = [...(outcome.heldBack ?? []), ...result.heldBack];
        if (result.modelsRun?.length)
          outcome.modelsRun = [...new Set([...(outcome.modelsRun ?? []), ...result.modelsRun])];
        if (result.staleRefusals) outcome.staleRefusals = (outcome.staleRefusals ?? 0) + result.staleRefusals;
        progress.rowsLanded += rows;
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) outcome.alreadyDone.push(millesime);
        else
          outcome.failed.push({
            millesime,
            error: failureMessage(error),
          });
      } finally {
        progress.done += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, todo.length) }, worker));
  if (later.length) await continueAsNew<typeof backfillWorkflow>({ ...input, millesimes: later, outcome });
  if (outcome.failed.length) {
    throw ApplicationFailure.nonRetryable(
      `backfill of ${input.source}: ${outcome.failed.map((f) => `${f.millesime} failed (${f.error})`).join('; ')}; run it again to redo only those`,
      'BackfillIncomplete',
      outcome,
    );
  }
  return outcome;
}
