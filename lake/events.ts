import { EventEmitter } from 'node:events';

/** What the process tells its metrics (infra/metrics.ts) as it works; nothing listens unless metrics are on. */
export interface DevenirEvents {
  /** One HTTP request to a publisher failed and is retried in-process. */
  retry: [source: string];
  /** A model was built: its id and the milliseconds its SQL took. */
  model: [id: string, ms: number];
}

/** The process-wide event bus for metrics. */
export const events = new EventEmitter<DevenirEvents>();
