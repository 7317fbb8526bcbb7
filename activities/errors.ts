import { ApplicationFailure } from '@temporalio/common';
import { HttpError } from './land/http.js';

/** Stable failure types, listed so workflows and scripts can tell them apart. */
export const FAILURE_TYPES = {
  http: 'SourceHttpError',
  contract: 'ContractError',
  quarantine: 'QuarantineThresholdExceeded',
  checks: 'ChecksFailed',
  config: 'ConfigError',
  notFound: 'NotFound',
} as const;

/**
 * Turns what a connector or the lake threw into a Temporal failure: permanent problems become non-retryable
 * with a stable type; transient ones stay retryable, a Retry-After becoming the next retry delay.
 */
export function toFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof HttpError) {
    if (!error.retryable)
      return ApplicationFailure.create({
        message: error.message,
        type: FAILURE_TYPES.http,
        nonRetryable: true,
        cause: error,
      });
    return ApplicationFailure.create({
      message: error.message,
      type: FAILURE_TYPES.http,
      nonRetryable: false,
      nextRetryDelay: error.retryAfterMs,
      cause: error,
    });
  }
  const name = (error as Error)?.name;
  if (name === 'ContractError')
    return ApplicationFailure.create({
      message: (error as Error).message,
      type: FAILURE_TYPES.contract,
      nonRetryable: true,
    });
  if (name === 'ConfigError')
    return ApplicationFailure.create({
      message: (error as Error).message,
      type: FAILURE_TYPES.config,
      nonRetryable: true,
    });
  return error;
}
