import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../activities/deps.js';
import { plainRuntime } from '../../activities/deps.js';
import { checkEmptyAnswer, EMPTY_ANSWER_ATTEMPTS } from '../../activities/land/empty-answer.js';
import { landSource } from '../../activities/land/land-source.js';
import { publishStaged } from '../../activities/publish/publish-staged.js';
import { insersupSimulator } from '../../infra/simulators/insersup.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import { localActivityDeps } from '../support/activity-deps.js';

let sims: RunningSimulators;
let deps: ActivityDeps;
const input = { source: 'insersup' as const, dataset: 'nationales', period: '2020', scope: { uo_lib: [] } };
const attempt = (n: number) => ({ ...plainRuntime(), attempt: n });

beforeAll(async () => {
  sims = await startSimulatorServer([insersupSimulator]);
  deps = await localActivityDeps({ insersup: sims.baseUrls.insersup });
  const landed = await landSource(deps, plainRuntime(), input);
  expect(landed.rows).toBeGreaterThan(0);
  await publishStaged(deps, plainRuntime(), {
    stagedKeys: [landed.stagedKey!],
    message: 'first fetch',
    idempotencyKey: 'empty-answer-test',
  });
});
afterAll(() => sims.close());

describe('an empty answer where the lake had rows', () => {
  it('is retried, then fails that dataset in one sentence; nothing is staged', async () => {
    sims.faults.add({ source: 'insersup', kind: 'empty', match: 'fr-esr-insersup' });
    const first = await landSource(deps, attempt(1), input).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ApplicationFailure);
    expect(first).toMatchObject({ type: 'SuspiciousEmptyAnswer', nonRetryable: false });
    const last = await landSource(deps, attempt(EMPTY_ANSWER_ATTEMPTS), input).catch((e: unknown) => e);
    expect(last).toMatchObject({ type: 'SuspiciousEmptyAnswer', nonRetryable: true });
    expect((last as Error).message).toMatch(
      /^insersup\/nationales\/2020: the source answered no rows where the lake holds \d+ \(attempt 3 of 3\); nothing landed; if the removal is real, refresh again with --accept-removal$/,
    );
    // The published raw table still holds the first fetch.
    const table = (await deps.lake.tables()).get('raw.insersup__nationales');
    expect(table?.summary.partitions['2020']).toBeGreaterThan(0);
    sims.faults.clear();
  });

  it('lands as a real removal when the run accepts it (acceptRemoval)', async () => {
    sims.faults.add({ source: 'insersup', kind: 'empty', match: 'fr-esr-insersup' });
    const landed = await landSource(deps, attempt(1), { ...input, acceptRemoval: true });
    expect(landed.rows).toBe(0);
    sims.faults.clear();
  });

  it('passes where the declaration says empty is legitimate, or where the lake had nothing', async () => {
    const spec = sourceDatasets('insersup').nationales;
    const where = { label: 'x', table: 'raw.insersup__nationales', period: '2020', attempt: 1 };
    await expect(checkEmptyAnswer(deps.lake, { ...where, spec }, 0, false)).rejects.toThrow(/answered no rows/);
    await expect(
      checkEmptyAnswer(deps.lake, { ...where, spec: { ...spec, emptyIsLegitimate: true } }, 0, false),
    ).resolves.toBeUndefined();
    await expect(checkEmptyAnswer(deps.lake, { ...where, spec, period: '2019' }, 0, false)).resolves.toBeUndefined();
  });
});
