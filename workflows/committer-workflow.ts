import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PublishStagedInput } from '../activities/publish/publish-staged.js';
import { buildingOptions, publishingOptions } from './activity-options.js';
import type { PublishAnswer, PublishRequest, RunContext } from './types.js';
import { failureMessage, failureType } from '../activities/errors.js';

export type { PublishAnswer, PublishRequest };

export const publishRequestSignal = defineSignal<[PublishRequest]>('publishRequest');
export const publishDoneSignal = defineSignal<[PublishAnswer]>('publishDone');
export const committerQueueQuery = defineQuery<{ pending: number; done: number }>('queue');

const IDLE_EXIT = '10 minutes';

/**
 * How many times in all the committer builds and publishes a request it builds while the lake refuses it as stale
 * (`StaleBuild`: another deployment's committer published one of its models' inputs meanwhile). Each build reads the
 * new head, so it is refused again only if the other committer publishes those inputs once more during that build;
 * three attempts ride out a burst of publishes without looping for as long as the other deployment keeps publishing.
 */
export const STALE_BUILD_ATTEMPTS = 3;

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
    const answer = await answerRequest(request, publishStaged, buildLayers);
    done += 1;
    await getExternalWorkflowHandle(request.requesterWorkflowId)
      .signal(publishDoneSignal, answer)
      .catch(() => undefined); // the requester is gone (terminated): nothing to tell
    if (workflowInfo().continueAsNewSuggested || done >= 500) await continueAsNew<typeof committerWorkflow>(ctx, queue);
  }
}

type Proxied = ReturnType<typeof proxyActivities<Activities>>;

/**
 * Builds (if asked) and publishes one request. A build the lake refuses as stale is built again over the new head
 * and published again, up to {@link STALE_BUILD_ATTEMPTS} times; a request that was not built here (staged sets
 * only) cannot be made fresh by the committer, so its refusal is the answer.
 */
async function answerRequest(
  request: PublishRequest,
  publishStaged: Proxied['publishStaged'],
  buildLayers: Proxied['buildLayers'],
): Promise<PublishAnswer> {
  for (let attempt = 1; ; attempt += 1) {
    // Each attempt commits under its own key: a refused attempt may have left table snapshots under its key, which
    // a commit under the same key would take up again instead of the new build's.
    const idempotencyKey =
      attempt === 1 ? request.input.idempotencyKey : `${request.input.idempotencyKey}/stale-rebuild-${attempt - 1}`;
    const input: PublishStagedInput = { ...request.input, idempotencyKey, stagedKeys: [...request.input.stagedKeys] };
    try {
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
      const result = await publishStaged(input);
      return { requestId: request.requestId, result: attempt > 1 ? { ...result, staleRefusals: attempt - 1 } : result };
    } catch (error) {
      // `patched`: a committer whose history answered a refusal before this retry existed replays as it ran.
      const retry = request.rebuild && failureType(error) === 'StaleBuild' && attempt < STALE_BUILD_ATTEMPTS;
      if (retry && patched('stale-rebuild')) continue;
      return { requestId: request.requestId, error: failureMessage(error) };
    }
  }
}
