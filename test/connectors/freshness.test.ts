import { describe, expect, it } from 'vitest';
import { cronTicks } from '../../activities/land/freshness.js';

describe("a source's publication calendar (its schedule's cron)", () => {
  const at = new Date('2026-12-02T06:00:00Z');
  const iso = (t: { previous?: Date; next?: Date }) => [t.previous?.toISOString(), t.next?.toISOString()];

  it('finds the last and next ticks in the time zone, across a change of summer time', () => {
    // InserJeunes: 15 February, June and October at 03:00 Paris time (UTC+2 in October, UTC+1 in February).
    expect(iso(cronTicks('0 3 15 2,6,10 *', 'Europe/Paris', at))).toEqual([
      '2026-10-15T01:00:00.000Z',
      '2027-02-15T02:00:00.000Z',
    ]);
    // ACCE: Tuesdays at 04:00; ONISEP: the 5th of every month but July and August.
    expect(iso(cronTicks('0 4 * * 2', 'Europe/Paris', at))).toEqual([
      '2026-12-01T03:00:00.000Z',
      '2026-12-08T03:00:00.000Z',
    ]);
    expect(iso(cronTicks('0 4 5 1-6,9-12 *', 'Europe/Paris', at))).toEqual([
      '2026-11-05T03:00:00.000Z',
      '2026-12-05T03:00:00.000Z',
    ]);
    expect(iso(cronTicks('*/20 5 * * *', 'UTC', at))).toEqual(['2026-12-02T05:40:00.000Z', '2026-12-03T05:00:00.000Z']);
  });

  it('rejects what it does not understand', () => {
    expect(() => cronTicks('0 3 * *', 'UTC', at)).toThrow(/five fields/);
    expect(() => cronTicks('0 25 * * *', 'UTC', at)).toThrow(/cron "0 25 \* \* \*" is not understood/);
  });
});
