import { getClient } from '@temporalio/activity';
import type { PublishRequest, RunContext } from '../../workflows/types.js';

export interface RequestPublishInput {
  ctx: RunContext;
  request: PublishRequest;
}

/** Queues a publish request on the lake's committer workflow, starting it if it is not running. */
export async function requestPublish(input: RequestPublishInput): Promise<void> {
  await getClient().workflow.signalWithStart('committerWorkflow', {
    workflowId: input.ctx.committerId,
    taskQueue: input.ctx.queues.workflows,
    args: [input.ctx],
    signal: 'publishRequest',
    signalArgs: [input.request],
  });
}
