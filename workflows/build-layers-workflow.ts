import { workflowInfo } from '@temporalio/workflow';
import type { PublishStagedResult } from '../activities/publish/publish-staged.js';
import { publishViaCommitter } from './publish-via-committer.js';
import type { BuildOutcome, RunContext } from './types.js';

export interface BuildLayersWorkflowInput extends RunContext {
  /** Rebuild every model, not only those whose fingerprint (SQL, contract, macros, inputs) changed. */
  full?: boolean;
  /** Publish partitions that emptied or shrank past DEVENIR_ROW_DRIFT_THRESHOLD (a removal the user confirmed). */
  acceptRemoval?: boolean;
}

/** Rebuilds staging → matched → published from the current lake and publishes the result (nothing new if unchanged). */
export async function buildLayersWorkflow(
  input: BuildLayersWorkflowInput,
): Promise<PublishStagedResult & BuildOutcome> {
  const info = workflowInfo();
  return publishViaCommitter(
    input,
    {
      stagedKeys: [],
      message: input.full ? 'rebuild layers (full)' : 'rebuild layers',
      idempotencyKey: `${info.workflowId}/${info.runId}`,
      acceptRemoval: input.acceptRemoval,
    },
    true,
    input.full,
  );
}
