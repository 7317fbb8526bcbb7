import type { Logger } from 'pino';
import type { SourceConfig, SourceId } from './land/sources.js';
import type { Lake } from '../lake/lake.js';
import type { ObjectStore } from '../lake/object-store.js';

/** The part of the configuration activities read (infra/config.ts's Config has it all). */
export interface ActivityConfig {
  workDir: string;
  quarantineThreshold: number;
  rowDriftThreshold: number;
  sources: Record<SourceId, SourceConfig>;
}

/** What every activity needs, built once per worker by infra/worker.ts. */
export interface ActivityDeps {
  config: ActivityConfig;
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
  return {
    heartbeats,
    heartbeat: (d) => heartbeats.push(d),
    checkpoint,
    signal: new AbortController().signal,
    attempt: 1,
  };
}
