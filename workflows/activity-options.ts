import type { ActivityOptions } from '@temporalio/workflow';
import { PERMANENT_FAILURES } from '../activities/errors.js';
import type { RunContext } from './types.js';

const PERMANENT = PERMANENT_FAILURES;

/** Landing: network-bound, long loops heartbeat a resumable cursor; transient errors retry with backoff for up to 2 h. */
export function landingOptions(ctx: RunContext): ActivityOptions {
  return {
    taskQueue: ctx.queues.landing,
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: (ctx.heartbeatTimeout ?? '2 minutes') as ActivityOptions['heartbeatTimeout'],
    scheduleToCloseTimeout: '6 hours',
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '5 minutes',
      maximumAttempts: 40,
      nonRetryableErrorTypes: PERMANENT,
    },
  };
}

/** Building: DuckDB-bound, one or two at a time per worker. */
export function buildingOptions(ctx: RunContext): ActivityOptions {
  return {
    taskQueue: ctx.queues.building,
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: (ctx.heartbeatTimeout ?? '2 minutes') as ActivityOptions['heartbeatTimeout'],
    retry: {
      initialInterval: '5s',
      backoffCoefficient: 2,
      maximumInterval: '2 minutes',
      maximumAttempts: 5,
      nonRetryableErrorTypes: PERMANENT,
    },
  };
}

/** Publishing and other short lake operations. */
export function quickOptions(ctx: RunContext, queue: 'landing' | 'building' = 'building'): ActivityOptions {
  return {
    taskQueue: ctx.queues[queue],
    startToCloseTimeout: '10 minutes',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 20,
      nonRetryableErrorTypes: PERMANENT,
    },
  };
}

/** Publishing: short, but it heartbeats, so a publish lost with its worker is retried elsewhere within seconds. */
export function publishingOptions(ctx: RunContext): ActivityOptions {
  return {
    ...quickOptions(ctx),
    heartbeatTimeout: (ctx.heartbeatTimeout ?? '2 minutes') as ActivityOptions['heartbeatTimeout'],
  };
}
