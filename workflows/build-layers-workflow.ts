import { workflowInfo } from '@temporalio/workflow';
import type { PublishStagedResult } from '../activities/publish/publish-staged.js';
import { publishViaCommitter } from './publish-via-committer.js';
import type { RunContext } from './types.js';

/** Rebuilds staging → matched → published from the current lake and publishes the result (nothing new if unchanged). */
export async function buildLayersWorkflow(input: RunContext): Promise<PublishStagedResult> {
  const info = workflowInfo();
  return publishViaCommitter(
    input,
    { stagedKeys: [], message: 'rebuild layers', idempotencyKey: `${info.workflowId}/${info.runId}` },
    true,
  );
}
