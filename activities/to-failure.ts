import { ApplicationFailure } from '@temporalio/common';
import { DevenirError, HttpError } from './errors.js';

/**
 * Turns what an activity threw into a Temporal failure: a {@link DevenirError} keeps its type and retryability
 * (a Retry-After becoming the next retry delay); anything else stays as it is (retryable).
 */
export function toFailure(error: unknown): unknown {
  if (!(error instanceof DevenirError)) return error;
  return ApplicationFailure.create({
    message: error.message,
    type: error.type,
    nonRetryable: !error.retryable,
    nextRetryDelay: error instanceof HttpError ? error.retryAfterMs : undefined,
  });
}
