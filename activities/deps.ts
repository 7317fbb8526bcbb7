import type { Logger } from 'pino';
import type { Config, SourceId } from '../infra/config.js';
import type { Lake } from '../lake/lake.js';
import type { ObjectStore } from '../lake/object-store.js';

/** What every activity needs, built once per worker by infra/worker.ts. */
export interface ActivityDeps {
  config: Config;
  store: ObjectStore;
  lake: Lake;
  log: Logger;
  /** Base URL per source when no `DEVENIR_<SOURCE>_URL` is configured (the bundled simulators). */
  defaultSourceUrls: Partial<Record<SourceId, string>>;
}

/** What an activity reports to, and reads from, its runtime (Temporal in the worker, plain calls in benches). */
export interface ActivityRuntime {
  heartbeat(details?: unknown): void;
  /** The details of the last heartbeat of a previous attempt. */
  checkpoint: unknown;
  signal: AbortSignal;
  attempt: number;
  workflowId?: string;
  runId?: string;
}

/** A runtime for plain scripts and benches: no Temporal, heartbeats recorded in memory. */
export function plainRuntime(checkpoint?: unknown): ActivityRuntime & { heartbeats: unknown[] } {
  const heartbeats: unknown[] = [];
  return { heartbeats, heartbeat: (d) => heartbeats.push(d), checkpoint, signal: new AbortController().signal, attempt: 1 };
}
