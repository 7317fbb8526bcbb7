import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PublishStagedInput } from '../activities/publish/publish-staged.js';
import { buildingOptions, publishingOptions } from './activity-options.js';
import type { PublishAnswer, PublishRequest, RunContext } from './types.js';
import { failureMessage } from '../activities/errors.js';

export type { PublishAnswer, PublishRequest };

export const publishRequestSignal = defineSignal<[PublishRequest]>('publishRequest');
export const publishDoneSignal = defineSignal<[PublishAnswer]>('publishDone');
export const committerQueueQuery = defineQuery<{ pending: number; done: number }>('queue');

const IDLE_EXIT = '10 minutes';

/**
 * The lake's single committer: publish requests from every workflow are built and applied one at a time, in
 * arrival order, so commits never race and no build misses what was published before it (the object store's
 * compare-and-swap stays as the safety net).
 */
export async function committerWorkflow(ctx: RunContext, carried: PublishRequest[] = []): Promise<void> {
  const { publishStaged } = proxyActivities<Activities>(publishingOptions(ctx));
  const { buildLayers } = proxyActivities<Activities>(buildingOptions(ctx));
  const queue: PublishRequest[] = [...carried];
  let done = 0;
  setHandler(publishRequestSignal, (request) => {
    if (!queue.some((r) => r.requestId === request.requestId)) queue.push(request);
  });
  setHandler(committerQueueQuery, () => ({ pending: queue.length, done }));
  for (;;) {
    const woke = await condition(() => queue.length > 0, IDLE_EXIT);
    if (!woke) return; // idle: the next request starts a new committer
    const request = queue.shift()!;
    let answer: PublishAnswer;
    try {
      const input: PublishStagedInput = { ...request.input, stagedKeys: [...request.input.stagedKeys] };
      // Built here, one request at a time, so every build sees all that was published before it.
      if (request.rebuild) {
        const built = await buildLayers({
          overlayStagedKeys: input.stagedKeys,
          full: request.full,
          acceptRemoval: input.acceptRemoval,
        });
        if (built.stagedKey) input.stagedKeys.push(built.stagedKey);
        input.heldBack = built.heldBack;
        input.modelsRun = built.modelsRun;
      }
      answer = { requestId: request.requestId, result: await publishStaged(input) };
    } catch (error) {
      answer = { requestId: request.requestId, error: failureMessage(error) };
    }
    done += 1;
    await getExternalWorkflowHandle(request.requesterWorkflowId)
      .signal(publishDoneSignal, answer)
      .catch(() => undefined); // the requester is gone (terminated): nothing to tell
    if (workflowInfo().continueAsNewSuggested || done >= 500) await continueAsNew<typeof committerWorkflow>(ctx, queue);
  }
}
