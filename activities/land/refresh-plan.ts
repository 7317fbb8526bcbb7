import { registry } from '../../lake/dataset-registry.js';
import type { Lake } from '../../lake/lake.js';
import { freshDatasets, type FreshDataset } from './freshness.js';
import type { SourceId } from './sources.js';

/** One source of a refresh-all stage and the datasets it lands (opt-in datasets left out). */
export interface PlannedSource {
  source: SourceId;
  datasets: string[];
}

/** What refresh-all lands, stage by stage: data from the dataset registry, recorded in the workflow's history. */
export interface RefreshPlan {
  stages: PlannedSource[][];
  /** Datasets left out because they were landed after their publisher's last scheduled publication. */
  fresh?: FreshDataset[];
  /** The lake snapshot the freshness was read from. */
  snapshotId?: number;
}

export interface RefreshPlanInput {
  skip?: string[];
  /** Leave out the fresh datasets (activities/land/freshness.ts) of these millésimes and nominal date. */
  freshness?: { periods?: string[]; date: string; timeZone: string };
}

/**
 * The refresh plan of the registry (activities/land/datasets): sources grouped by `stage`, opt-in datasets skipped,
 * and with `freshness` (and the lake) the fresh datasets too.
 */
export async function refreshPlan(input: RefreshPlanInput = {}, lake?: Lake): Promise<RefreshPlan> {
  const stages = new Map<number, PlannedSource[]>();
  for (const declared of Object.values(registry())) {
    if (input.skip?.includes(declared.source)) continue;
    const datasets = Object.values(declared.datasets)
      .filter((d) => !d.optIn)
      .map((d) => d.dataset);
    if (!datasets.length) continue;
    const stage = stages.get(declared.stage) ?? [];
    stage.push({ source: declared.source as SourceId, datasets });
    stages.set(declared.stage, stage);
  }
  const sorted = [...stages.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, s]) => s.sort((x, y) => x.source.localeCompare(y.source)));
  if (!input.freshness) return { stages: sorted };
  if (!lake) throw new Error('refreshPlan: freshness needs the lake');
  const fresh: FreshDataset[] = [];
  for (const [i, stage] of sorted.entries())
    for (const planned of stage) {
      // As refresh-all lands them: millésimes for the statistics sources, the nominal date for the referentials.
      const periods = i > 0 ? input.freshness.periods : undefined;
      const found = await freshDatasets(lake, registry()[planned.source], planned.datasets, {
        ...input.freshness,
        periods,
      });
      fresh.push(...found);
      planned.datasets = planned.datasets.filter((d) => !found.some((f) => f.dataset === d));
    }
  return {
    // A stage all fresh stays, empty: the stages after it still take the millésimes.
    stages: sorted.map((stage) => stage.filter((p) => p.datasets.length)),
    fresh,
    snapshotId: (await lake.lakeSnapshot())?.snapshot_id,
  };
}
