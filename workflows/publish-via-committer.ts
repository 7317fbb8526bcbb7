import { ApplicationFailure, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PublishStagedInput, PublishStagedResult } from '../activities/publish/publish-staged.js';
import { quickOptions } from './activity-options.js';
import { publishDoneSignal, type PublishAnswer } from './committer-workflow.js';
import type { BuildOutcome, RunContext } from './types.js';

const answers = new Map<string, PublishAnswer>();
let handlerSet = false;
let sequence = 0;

/** Hands staged tables to the lake's committer workflow (which rebuilds the layers first if asked) and waits for its answer. */
export async function publishViaCommitter(
  ctx: RunContext,
  input: PublishStagedInput,
  rebuild: boolean,
  full?: boolean,
): Promise<PublishStagedResult & BuildOutcome> {
  if (!handlerSet) {
    setHandler(publishDoneSignal, (answer) => void answers.set(answer.requestId, answer));
    handlerSet = true;
  }
  const { requestPublish } = proxyActivities<Activities>(quickOptions(ctx, 'landing'));
  const info = workflowInfo();
  const requestId = `${info.workflowId}/${info.runId}/${++sequence}`;
  await requestPublish({ ctx, request: { requestId, rebuild, full, requesterWorkflowId: info.workflowId, input } });
  await condition(() => answers.has(requestId));
  const answer = answers.get(requestId)!;
  if (answer.error) throw ApplicationFailure.nonRetryable(`publish failed: ${answer.error}`, 'PublishFailed');
  return answer.result!;
}
