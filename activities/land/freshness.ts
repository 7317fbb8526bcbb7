/**
 * Freshness: a dataset landed after its publisher's last scheduled publication (the source's declared `schedule`,
 * activities/land/datasets/<source>.yml) has nothing new to give until the next one, so refresh-all need not ask.
 */
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

const RANGES: Array<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

/** One cron field (`*`, `5`, `1-6,9-12`, `*∕15`) as the set of values it matches. */
function cronField(text: string, [min, max]: [number, number]): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, step = '1'] = part.split('/');
    const [from, to] = range === '*' ? [min, max] : range.split('-').map(Number);
    const last = range.includes('-') || range === '*' ? to : part.includes('/') ? max : from;
    if (![from, last, Number(step)].every(Number.isInteger) || from < min || last > max || Number(step) < 1)
      throw new Error(`cron field "${text}" is not understood`);
    for (let v = from; v <= last; v += Number(step)) values.add(v);
  }
  return values;
}

/**
 * The ticks of a five-field cron in `timeZone` around `at`: the latest at or before it and the first after it,
 * searched within 400 days (undefined beyond).
 */
export function cronTicks(cron: string, timeZone: string, at: Date): { previous?: Date; next?: Date } {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`cron "${cron}" needs five fields`);
  const [minutes, hours, days, months, weekdays] = fields.map((f, i) => cronField(f, RANGES[i]));
  if (weekdays.has(7)) weekdays.add(0);
  const [anyDay, anyWeekday] = [fields[2] === '*', fields[4] === '*'];
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: 'numeric',
    minute: 'numeric',
  });
  const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  /** The ticks within the UTC hour starting at `hour` (ms), in order. */
  const ticksIn = (hour: number): number[] => {
    const p = Object.fromEntries(format.formatToParts(hour).map((x) => [x.type, x.value]));
    const dayMatch =
      anyDay || anyWeekday
        ? days.has(+p.day) && weekdays.has(WEEKDAYS.indexOf(p.weekday))
        : days.has(+p.day) || weekdays.has(WEEKDAYS.indexOf(p.weekday));
    if (!months.has(+p.month) || !dayMatch || !hours.has(+p.hour)) return [];
    return [...minutes]
      .sort((a, b) => a - b)
      .map((m) => m - Number(p.minute))
      .filter((d) => d >= 0 && d < 60)
      .map((d) => hour + d * 60_000);
  };
  const HOUR = 3_600_000;
  const start = Math.floor(at.getTime() / HOUR) * HOUR;
  let previous: Date | undefined;
  let next: Date | undefined;
  for (let h = start; h > start - 400 * 24 * HOUR && !previous; h -= HOUR) {
    const t = ticksIn(h).filter((x) => x <= at.getTime());
    if (t.length) previous = new Date(t.at(-1)!);
  }
  for (let h = start; h < start + 400 * 24 * HOUR && !next; h += HOUR) {
    const t = ticksIn(h).filter((x) => x > at.getTime());
    if (t.length) next = new Date(t[0]);
  }
  return { previous, next };
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
