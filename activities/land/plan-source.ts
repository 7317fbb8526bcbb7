import type { SourceId } from './sources.js';
import { NotFound } from '../errors.js';
import { CONNECTORS } from './index.js';

export interface PlanSourceInput {
  source: SourceId;
  datasets?: string[];
  /** Millésimes asked for; each dataset takes them in its own form (`2021_2022` → `2022` for national data). */
  periods?: string[];
  /** The run's nominal date, `YYYY-MM-DD`: the period of referentials, and "today" for default millésimes. */
  date: string;
}

/** Which (dataset, period) pairs a refresh lands. */
export async function planSource(
  input: PlanSourceInput,
): Promise<Array<{ dataset: string; period: string; optIn?: boolean }>> {
  const connector = CONNECTORS[input.source];
  if (!connector)
    throw new NotFound(`unknown source "${input.source}"; sources: ${Object.keys(CONNECTORS).join(', ')}`);
  // Opt-in datasets (e.g. routes the publisher does not document) are landed only when named.
  const datasets = input.datasets?.length
    ? input.datasets
    : Object.keys(connector.datasets).filter((d) => !connector.datasets[d].optIn);
  const unknown = datasets.filter((d) => !connector.datasets[d]);
  if (unknown.length)
    throw new NotFound(
      `${input.source}: no dataset ${unknown.join(', ')}; datasets: ${Object.keys(connector.datasets).join(', ')}`,
    );
  const plan: Array<{ dataset: string; period: string; optIn?: boolean }> = [];
  for (const dataset of datasets) {
    // Opt-in datasets (undocumented routes) fail alone: the workflow publishes the others.
    const optIn = connector.datasets[dataset].optIn || undefined;
    if (connector.datasets[dataset].period === 'fetch-date') {
      plan.push({ dataset, period: input.date, optIn });
      continue;
    }
    const defaults = connector.defaultPeriods(dataset, input.date);
    const periods = input.periods?.length ? input.periods.map((p) => matchForm(p, defaults)) : defaults;
    for (const period of [...new Set(periods)]) plan.push({ dataset, period, optIn });
  }
  return plan;
}

/** Gives a millésime the form a dataset uses: `YYYY` where its defaults are single years, `YYYY_YYYY` where they are pairs. */
function matchForm(period: string, defaults: string[]): string {
  const single = defaults.length > 0 && defaults.every((d) => /^\d{4}$/.test(d));
  const pair = defaults.length > 0 && defaults.every((d) => /^\d{4}_\d{4}$/.test(d));
  if (single && /^\d{4}_\d{4}$/.test(period)) return period.slice(5);
  if (pair && /^\d{4}$/.test(period)) return `${Number(period) - 1}_${period}`;
  return period;
}
