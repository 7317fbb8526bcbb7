import type { SourceId } from '../config.js';

/** The faults a simulator can inject, on demand. */
export const FAULT_KINDS = [
  'status', // answer `status` (429 with `retryAfter`, 500, 503…) instead of the real response
  'slow', // wait `delayMs` before answering (past the client timeout)
  'truncate', // announce the full Content-Length, send half the body, cut the connection
  'html', // a 200 HTML error page where JSON or CSV was expected
  'expire-token', // 401 on authenticated requests, as if the token had expired
  'drop-column', // remove `column` from every record
  'rename-column', // rename `column` to `to`
  'extra-column', // add `column` with value `to`
  'unknown-measure', // InserJeunes: add a measure `column` nobody knows
  'empty', // a well-formed answer with no records (a publisher mid-update, or a real removal)
  'bad-value', // set `column` to `to` in one record of every `every` (2 % bad rows: every 50)
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  source: SourceId;
  kind: FaultKind;
  /** Only requests whose path contains this substring. */
  match?: string;
  /** How many requests it applies to; unlimited when absent. */
  times?: number;
  status?: number;
  retryAfter?: number;
  delayMs?: number;
  column?: string;
  to?: string;
  /** `bad-value`: one record of every `every` is broken (the `every`-th, the 2·`every`-th…). */
  every?: number;
}

/** Active faults, consumed as requests hit them. */
export class FaultBook {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clear(source?: SourceId): void {
    this.faults = source ? this.faults.filter((f) => f.source !== source) : [];
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The first matching fault of one of `kinds` for this request, consuming one use of it. */
  take(source: SourceId, path: string, kinds: readonly FaultKind[]): Fault | undefined {
    const fault = this.faults.find(
      (f) => f.source === source && kinds.includes(f.kind) && (!f.match || path.includes(f.match)),
    );
    if (!fault) return undefined;
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
    }
    return { ...fault };
  }

  /** Data-shape faults (columns, measures) active for this request; not consumed. */
  shape(source: SourceId, path: string): Fault[] {
    return this.faults.filter(
      (f) =>
        f.source === source &&
        ['drop-column', 'rename-column', 'extra-column', 'unknown-measure', 'empty', 'bad-value'].includes(f.kind) &&
        (!f.match || path.includes(f.match)),
    );
  }
}

/** Applies column and value faults (and `empty`) to flat records (JSON rows or parsed CSV rows). */
export function applyColumnFaults<T extends Record<string, unknown>>(
  rows: T[],
  faults: Fault[],
): Record<string, unknown>[] {
  if (faults.some((f) => f.kind === 'empty')) return [];
  if (!faults.some((f) => f.kind.endsWith('-column') || f.kind === 'bad-value')) return rows;
  return rows.map((row, i) => {
    const out: Record<string, unknown> = { ...row };
    for (const f of faults) {
      if (!f.column) continue;
      if (f.kind === 'drop-column') delete out[f.column];
      if (f.kind === 'rename-column' && f.to && f.column in out) {
        out[f.to] = out[f.column];
        delete out[f.column];
      }
      if (f.kind === 'extra-column') out[f.column] = f.to ?? 'x';
      if (f.kind === 'bad-value' && (i + 1) % (f.every ?? 1) === 0) out[f.column] = f.to ?? 'x';
    }
    return out;
  });
}
