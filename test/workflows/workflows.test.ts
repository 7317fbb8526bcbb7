import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureMessage } from '../../activities/errors.js';
import { committerQueueQuery, STALE_BUILD_ATTEMPTS, type PublishRequest } from '../../workflows/committer-workflow.js';
import { summariseRun } from '../../infra/commands/run-summary.js';
import { refreshPlan } from '../../activities/land/refresh-plan.js';
import { startStubWorker, type StubWorker } from './stub-worker.js';

// The real workflow code on the running Temporal dev server, with stub activities: seconds per case.
let w: StubWorker;
beforeAll(async () => {
  w = await startStubWorker();
});
afterAll(async () => {
  await w?.stop();
});

describe('workflows with stub activities', () => {
  it('backfill reruns only the millésimes that failed', async () => {
    w.log.failLanding.add('inserjeunes/regionales/2022');
    const input = {
      ...w.ctx,
      source: 'inserjeunes' as const,
      datasets: ['regionales'],
      millesimes: ['2021', '2022', '2023'],
    };
    const first = w.client.workflow.execute('backfillWorkflow', {
      workflowId: w.id('backfill-1'),
      taskQueue: w.ctx.queues.workflows,
      args: [input],
    });
    const failed = await first.catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(failureMessage(failed)).toMatch(
      /backfill of inserjeunes: 2022 failed \(inserjeunes\/regionales\/2022: required column x missing\); run it again/,
    );
    w.log.failLanding.clear();
    const landedBefore = w.log.landed.length;
    const second = await w.client.workflow.execute('backfillWorkflow', {
      workflowId: w.id('backfill-2'),
      taskQueue: w.ctx.queues.workflows,
      args: [input],
    });
    expect(second).toMatchObject({ done: ['2022'], alreadyDone: expect.arrayContaining(['2021', '2023']), failed: [] });
    expect(w.log.landed.slice(landedBefore).map((l) => l.period)).toEqual(['2022']);
  });

  it('the committer answers requests one at a time in arrival order, each once, and carries its queue across continue-as-new', async () => {
    const publishedBefore = w.log.published.length;
    const request = (n: number): PublishRequest => ({
      requestId: `r${n}`,
      rebuild: n % 2 === 0,
      requesterWorkflowId: w.id(`gone-${n}`), // nobody waits: the answer's signal fails and is ignored
      input: { stagedKeys: [`k${n}`], message: `m${n}`, idempotencyKey: `i${n}` },
    });
    // Requests 1 and 2 as carried over by continue-as-new, then 3 and 4 by signal (4 sent twice, as a retried
    // requestPublish activity would: a request still queued is not queued again).
    const ctx = { ...w.ctx, committerId: w.id('committer-order') };
    const handle = await w.client.workflow.start('committerWorkflow', {
      workflowId: ctx.committerId,
      taskQueue: ctx.queues.workflows,
      args: [ctx, [request(1), request(2)]],
    });
    for (const r of [request(3), request(4), request(4)]) await handle.signal('publishRequest', r);
    await expect
      .poll(
        async () => (await handle.query(committerQueueQuery)).pending === 0 && w.log.published.length - publishedBefore,
        {
          timeout: 60_000,
        },
      )
      .toBe(4);
    const published = w.log.published.slice(publishedBefore);
    expect(published.map((p) => p.idempotencyKey)).toEqual(['i1', 'i2', 'i3', 'i4']);
    // A rebuild request is built over its own staged keys before its publish, which then carries the build.
    expect(published[1].stagedKeys).toEqual(['k2', expect.stringMatching(/^_meta\/staged\/build-/)]);
    expect(published[0].stagedKeys).toEqual(['k1']);
    await handle.terminate('test over');
    expect(w.log.published.length - publishedBefore).toBe(4);
  });

  it('refresh-all lands the referentials, then the rest over them, and publishes once without a failed source', async () => {
    w.log.failLanding.add('quiforme/');
    const landedBefore = w.log.landed.length;
    const publishedBefore = w.log.published.length;
    const run = w.client.workflow.execute('refreshAllWorkflow', {
      workflowId: w.id('refresh-all'),
      taskQueue: w.ctx.queues.workflows,
      args: [{ ...w.ctx, date: '2026-11-29', periods: ['2022'] }],
    });
    const failed = await run.catch((e: unknown) => e);
    w.log.failLanding.clear();
    expect(failureMessage(failed)).toMatch(/^published snapshot \d+ without quiforme \(.*required column x missing/);
    const landed = w.log.landed.slice(landedBefore);
    const [referentials, rest] = (await refreshPlan()).stages.map((stage) => stage.map((p) => p.source));
    const lastReferential = Math.max(...referentials.map((s) => landed.map((l) => l.source).lastIndexOf(s)));
    const firstOfRest = Math.min(...rest.map((s) => landed.map((l) => l.source).indexOf(s)));
    expect(lastReferential).toBeLessThan(firstOfRest);
    expect(new Set(landed.map((l) => l.source))).toEqual(new Set([...referentials, ...rest]));
    // The second stage reads the first stage's staged sets as if published.
    const stagedOf = (l: (typeof landed)[number]) => `_meta/staged/${l.source}-${l.dataset}-${l.period}.json`;
    const firstStage = landed.filter((l) => referentials.includes(l.source)).map(stagedOf);
    for (const l of landed.filter((x) => rest.includes(x.source)))
      expect([...l.overlayStagedKeys!].sort()).toEqual([...firstStage].sort());
    // One publish: every source but the failed one, rebuilt first.
    const published = w.log.published
      .slice(publishedBefore)
      .filter((p) => p.idempotencyKey.startsWith(w.id('refresh-all')));
    expect(published).toHaveLength(1);
    const staged = published[0].stagedKeys.filter((k) => !k.includes('build-'));
    expect([...staged].sort()).toEqual(
      landed
        .filter((l) => l.source !== 'quiforme')
        .map(stagedOf)
        .sort(),
    );
  });

  it('a source unavailable for a while delays only its own branch; the run publishes its data once it answers', async () => {
    w.log.unavailable.set('insersup/', 2); // two attempts fail (HTTP 503), the third lands
    const landedBefore = w.log.landed.length;
    const publishedBefore = w.log.published.length;
    const result = await w.client.workflow.execute('refreshAllWorkflow', {
      workflowId: w.id('refresh-all-503'),
      taskQueue: w.ctx.queues.workflows,
      args: [{ ...w.ctx, date: '2026-11-29', periods: ['2022'] }],
    });
    expect(result).toMatchObject({ committed: true });
    const landed = w.log.landed.slice(landedBefore).map((l) => l.source);
    const attempts = landed.filter((s) => s === 'insersup');
    expect(attempts.length).toBeGreaterThanOrEqual(3); // retried by Temporal until it answered
    // Its siblings of the same stage were not held up: each landed before InserSup's last attempt.
    const [, rest] = (await refreshPlan()).stages.map((stage) => stage.map((p) => p.source));
    const lastInsersup = landed.lastIndexOf('insersup');
    for (const s of rest.filter((x) => x !== 'insersup')) expect(landed.indexOf(s), s).toBeLessThan(lastInsersup);
    // One publish, InserSup's landing in it.
    const published = w.log.published
      .slice(publishedBefore)
      .filter((p) => p.idempotencyKey.startsWith(w.id('refresh-all-503')));
    expect(published).toHaveLength(1);
    expect(published[0].stagedKeys.some((k) => k.includes('insersup-'))).toBe(true);
  });

  describe('a build the lake refuses as stale (another committer published its inputs meanwhile)', () => {
    const STALE =
      /^publish failed: another committer published into this lake while this build ran \(published\.t was built over raw\.t@\d+, now @\d+\); nothing of it was published: run it again to build over the new head$/;
    const build = (name: string) =>
      w.client.workflow.execute('buildLayersWorkflow', {
        workflowId: w.id(name),
        taskQueue: w.ctx.queues.workflows,
        args: [w.ctx],
      });
    const since = <T>(list: T[], from: number) => list.slice(from);

    it('is built again over the new head and published, and the summary says it was', async () => {
      const [builds, published] = [w.log.builds.length, w.log.published.length];
      w.log.stale = 1;
      const result = await build('stale-once');
      expect(result).toMatchObject({ committed: true, staleRefusals: 1 });
      expect(since(w.log.builds, builds)).toHaveLength(2);
      const attempts = since(w.log.published, published);
      expect(attempts).toHaveLength(2);
      // The second publish carries the second build, under a key of its own, not the refused one's.
      const [, second] = since(w.log.builds, builds).map((_, i) => `_meta/staged/build-${builds + i + 1}.json`);
      expect(attempts[1].stagedKeys).toEqual([second]);
      expect(attempts[1].idempotencyKey).not.toBe(attempts[0].idempotencyKey);
      expect(summariseRun(result).sentence).toMatch(
        /^Published snapshot \d+: 1 tables changed, 1 models run, built again once over what another committer published meanwhile\.$/,
      );
    });

    it(`answers the refusal after ${STALE_BUILD_ATTEMPTS} builds refused in a row`, async () => {
      const [builds, published] = [w.log.builds.length, w.log.published.length];
      w.log.stale = STALE_BUILD_ATTEMPTS + 2;
      const failed = await build('stale-always').catch((e: unknown) => e);
      const left = w.log.stale;
      w.log.stale = 0;
      expect(failed).toBeInstanceOf(WorkflowFailedError);
      expect(failureMessage(failed)).toMatch(STALE);
      expect(since(w.log.builds, builds)).toHaveLength(STALE_BUILD_ATTEMPTS);
      expect(since(w.log.published, published)).toHaveLength(STALE_BUILD_ATTEMPTS);
      expect(left).toBe(2);
    });

    it('is not built again when the committer did not build it (staged sets only)', async () => {
      const [builds, published] = [w.log.builds.length, w.log.published.length];
      w.log.stale = 1;
      const failed = await w.client.workflow
        .execute('refreshSourceWorkflow', {
          workflowId: w.id('stale-staged-only'),
          taskQueue: w.ctx.queues.workflows,
          args: [{ ...w.ctx, source: 'bcn', datasets: ['a'], date: '2026-11-29', build: false }],
        })
        .catch((e: unknown) => e);
      w.log.stale = 0;
      expect(failureMessage(failed)).toMatch(STALE);
      expect(since(w.log.builds, builds)).toHaveLength(0);
      expect(since(w.log.published, published)).toHaveLength(1);
    });
  });
});
