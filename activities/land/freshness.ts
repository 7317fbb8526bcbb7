/**
 * Freshness: a dataset landed after its publisher's last scheduled publication (the source's declared `schedule`,
 * activities/land/datasets/<source>.yml) has nothing new to give until the next one, so refresh-all need not ask.
 */
import { Cron } from 'croner';
import type { Lake } from '../../lake/lake.js';
import type { SourceDeclaration } from '../../lake/dataset-registry.js';
import { CONNECTORS } from './index.js';
import { latestLanding, specFingerprint } from './latest-landing.js';
import { planSource } from './plan-source.js';
import type { SourceId } from './sources.js';

/** A dataset refresh-all left out, and why. */
export interface FreshDataset {
  source: string;
  dataset: string;
  periods: string[];
  /** When its latest landing fetched it (the oldest of its periods'). */
  fetchedAt: string;
  /** The schedule's last tick before now and its next one (ISO, UTC). */
  lastPublication: string;
  nextPublication?: string;
}

/**
 * The ticks of a five-field cron in `timeZone` around `at` (croner: day of month and day of week combine as in
 * Vixie cron): the latest at or before it and the first after it.
 */
export function cronTicks(cron: string, timeZone: string, at: Date): { previous?: Date; next?: Date } {
  if (cron.trim().split(/\s+/).length !== 5) throw new Error(`cron "${cron}" needs five fields`);
  let job: Cron;
  try {
    job = new Cron(cron, { timezone: timeZone, paused: true });
  } catch (error) {
    throw new Error(`cron "${cron}" is not understood: ${(error as Error).message}`);
  }
  return { previous: job.previousRuns(1, at)[0], next: job.nextRun(at) ?? undefined };
}

/**
 * The datasets of `source` whose every planned period was landed (with the dataset's current spec) after the last
 * tick of the source's schedule: refresh-all leaves them out.
 */
export async function freshDatasets(
  lake: Lake,
  declared: SourceDeclaration,
  datasets: string[],
  opts: { periods?: string[]; date: string; timeZone: string; now?: Date },
): Promise<FreshDataset[]> {
  const now = opts.now ?? new Date();
  const { previous, next } = cronTicks(declared.schedule.cron, opts.timeZone, now);
  if (!previous) return [];
  const source = declared.source as SourceId;
  const plan = await planSource({ source, datasets, periods: opts.periods, date: opts.date });
  const fresh: FreshDataset[] = [];
  for (const dataset of datasets) {
    const spec = CONNECTORS[source].datasets[dataset];
    const periods = plan.filter((p) => p.dataset === dataset).map((p) => p.period);
    const facts = await Promise.all(
      periods.map(async (period) => {
        const latest = await latestLanding(lake, `raw.${declared.datasets[dataset].table}`, period, spec.period);
        return latest?.facts;
      }),
    );
    const fetched = facts.map((f) => (f?.spec === specFingerprint(spec) ? f.fetched_at : undefined));
    if (!periods.length || fetched.some((at) => !at || new Date(at) < previous)) continue;
    fresh.push({
      source,
      dataset,
      periods,
      fetchedAt: fetched.sort()[0]!,
      lastPublication: previous.toISOString(),
      nextPublication: next?.toISOString(),
    });
  }
  return fresh;
}
