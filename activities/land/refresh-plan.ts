import { registry } from '../../lake/dataset-registry.js';
import type { SourceId } from './sources.js';

/** One source of a refresh-all stage and the datasets it lands (opt-in datasets left out). */
export interface PlannedSource {
  source: SourceId;
  datasets: string[];
}

/** What refresh-all lands, stage by stage: data from the dataset registry, recorded in the workflow's history. */
export interface RefreshPlan {
  stages: PlannedSource[][];
}

/** The refresh plan of the registry (activities/land/datasets): sources grouped by `stage`, opt-in datasets skipped. */
export async function refreshPlan(input: { skip?: string[] } = {}): Promise<RefreshPlan> {
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
  return {
    stages: [...stages.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, s]) => s.sort((x, y) => x.source.localeCompare(y.source))),
  };
}
