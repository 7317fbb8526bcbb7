import { ApplicationFailure, defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { LandSourceResult } from '../activities/land/land-source.js';
import type { SourceId } from '../infra/config.js';
import { landingOptions, quickOptions } from './activity-options.js';
import { publishViaCommitter } from './publish-via-committer.js';
import { nominalDate } from './nominal-date.js';
import { newProgress, NOTHING_NEW, type BuildOutcome, type Progress, type RunContext } from './types.js';

export const progressQuery = defineQuery<Progress>('progress');

export interface RefreshSourceInput extends RunContext {
  source: SourceId;
  /** Datasets to land (all of the source's by default). */
  datasets?: string[];
  /** Millésimes to land (the connector's defaults otherwise); referentials use the nominal date. */
  periods?: string[];
  /** Nominal date `YYYY-MM-DD` (a schedule's time); defaults to the schedule's or the workflow's start time. */
  date?: string;
  scope?: Record<string, string[]>;
  /** Staged sets to read as if published (refresh-all lands several sources before one publish). */
  overlayStagedKeys?: string[];
  /** Rebuild staging → matched → published before publishing (default true). */
  build?: boolean;
  /** Publish through the committer (default true); when false the staged keys are returned for the caller to publish. */
  publish?: boolean;
  /** Land every dataset even when its payload is the latest one landed. */
  force?: boolean;
  /** Accept an empty answer where the lake had rows (`--accept-removal`): a real removal, published. */
  acceptRemoval?: boolean;
}

export interface RefreshSourceResult extends BuildOutcome {
  source: SourceId;
  landed: LandSourceResult[];
  stagedKeys: string[];
  snapshotId?: number;
  committed?: boolean;
  /** Tables that got a new snapshot (empty when nothing changed upstream). */
  tablesChanged?: string[];
  /** Every dataset was unchanged since its latest landing: nothing staged, no publish requested. */
  unchanged?: boolean;
  /** `nothing new` when unchanged. */
  message?: string;
}

/** Lands one source (every dataset × period), then builds the layers and publishes one lake snapshot. */
export async function refreshSourceWorkflow(input: RefreshSourceInput): Promise<RefreshSourceResult> {
  const progress = newProgress('planning');
  setHandler(progressQuery, () => progress);
  const { planSource } = proxyActivities<Activities>(quickOptions(input, 'landing'));
  const { landSource } = proxyActivities<Activities>(landingOptions(input));
  const date = input.date ?? nominalDate();
  const plan = await planSource({ source: input.source, datasets: input.datasets, periods: input.periods, date });
  progress.total = plan.length;
  progress.step = `landing ${input.source}`;
  const land = async (p: (typeof plan)[number]) => {
    const result = await landSource({
      source: input.source,
      dataset: p.dataset,
      period: p.period,
      scope: input.scope,
      overlayStagedKeys: input.overlayStagedKeys,
      force: input.force,
      acceptRemoval: input.acceptRemoval,
    });
    progress.done += 1;
    progress.rowsLanded += result.rows;
    progress.requests += result.requests;
    return result;
  };
  // A documented dataset that fails fails the source at once (nothing published); an opt-in one (an undocumented
  // route, e.g. a 404) fails alone: the others are published, then the run reports it.
  const optIn = plan.filter((p) => p.optIn);
  const [documented, settled] = await Promise.all([
    Promise.all(plan.filter((p) => !p.optIn).map(land)),
    Promise.allSettled(optIn.map(land)),
  ]);
  const optInFailures = optIn.flatMap((p, i) => {
    const r = settled[i];
    return r.status === 'rejected' ? [`${p.dataset} ${p.period} (${causeMessage(r.reason)})`] : [];
  });
  const landed = [...documented, ...settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))];
  progress.sourcesDone.push(input.source);
  const stagedKeys = landed.flatMap((l) => (l.stagedKey ? [l.stagedKey] : []));
  const unchanged = landed.every((l) => l.unchanged);
  if (unchanged && !optInFailures.length) {
    progress.step = 'done';
    const snapshotId = Math.max(0, ...landed.map((l) => l.snapshotId ?? 0)) || undefined;
    const base = { source: input.source, landed, stagedKeys, unchanged, snapshotId };
    return { ...base, committed: false, tablesChanged: [], modelsRun: [], message: NOTHING_NEW };
  }
  if (input.publish === false && !optInFailures.length) return { source: input.source, landed, stagedKeys };
  if (input.publish === false)
    throw ApplicationFailure.nonRetryable(
      `${input.source}: opt-in dataset(s) failed: ${optInFailures.join('; ')}`,
      'DatasetsFailed',
    );
  progress.step = input.build === false ? 'publishing' : 'building and publishing';
  const periods = [...new Set(plan.map((p) => p.period))].join(',');
  const published = await publishViaCommitter(
    input,
    {
      stagedKeys,
      message: `refresh ${input.source} ${periods}`,
      idempotencyKey: `${workflowInfo().workflowId}/${workflowInfo().runId}`,
      acceptRemoval: input.acceptRemoval,
    },
    input.build !== false,
  );
  progress.step = 'done';
  if (optInFailures.length)
    throw ApplicationFailure.nonRetryable(
      `${input.source}: published snapshot ${published.snapshotId} without opt-in dataset(s) ${optInFailures.join('; ')}`,
      'DatasetsFailed',
      { snapshotId: published.snapshotId, landed },
    );
  return {
    source: input.source,
    landed,
    stagedKeys,
    snapshotId: published.snapshotId,
    committed: published.committed,
    tablesChanged: published.tablesChanged,
    heldBack: published.heldBack,
    modelsRun: published.modelsRun,
    ...(published.staleRefusals && { staleRefusals: published.staleRefusals }),
  };
}

/** The message of an activity failure's cause (the activity's own sentence), else of the failure. */
function causeMessage(error: unknown): string {
  const cause = (error as Error).cause;
  return cause instanceof Error ? cause.message : (error as Error).message;
}
