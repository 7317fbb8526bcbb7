import { createHash } from 'node:crypto';

/** A deterministic pseudo-random source seeded by a string: the same key always gives the same sequence. */
export interface Seeded {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** `n` distinct elements of a list (all of them when the list is shorter), in list order. */
  sample<T>(items: readonly T[], n: number): T[];
}

/** Seeds mulberry32 with the first 32 bits of SHA-256(key), so simulators generate the same data on every run. */
export function seeded(key: string): Seeded {
  let state = createHash('sha256').update(key).digest().readUInt32LE(0);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(0, items.length - 1)],
    sample(items, n) {
      const keyed = items.map((item, index) => ({ item, index, r: next() }));
      const chosen = new Set(
        keyed
          .sort((a, b) => a.r - b.r)
          .slice(0, n)
          .map((k) => k.index),
      );
      return items.filter((_, index) => chosen.has(index));
    },
  };
}

/** Half-to-even rounding (banker's rounding), as the publishers round their rates. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (Math.abs(diff - 0.5) > 1e-9) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}
