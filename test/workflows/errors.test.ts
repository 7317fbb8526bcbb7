import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, RetryState } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import * as errors from '../../activities/errors.js';
import { toFailure } from '../../activities/to-failure.js';

const { FAILURES, PERMANENT_FAILURES, failureMessage, failureType, DevenirError } = errors;

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

describe('one error model', () => {
  it('defines each failure class once, in activities/errors.ts, with a type from the one table', () => {
    type Ctor = new (...args: unknown[]) => errors.DevenirError;
    const classes = (Object.values(errors) as unknown[]).filter(
      (v) => typeof v === 'function' && (v as Ctor).prototype instanceof DevenirError,
    ) as Ctor[];
    expect(classes.length).toBeGreaterThanOrEqual(7);
    for (const C of classes) expect(Object.keys(FAILURES)).toContain(new C('x', 's', 'u', 500, true).type);
    const declared = ['activities', 'lake', 'workflows', 'infra'].flatMap(sources).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/class (\w+(?:Error|Failed|NotFound|Exceeded)) extends/g)]
        .map((m) => m[1])
        .filter((name) => name in FAILURES || ['ContractError', 'HttpError', 'ExportError'].includes(name))
        .map((name) => `${name} in ${file}`),
    );
    expect(declared.every((d) => d.endsWith(path.join('activities', 'errors.ts')))).toBe(true);
  });

  it('raises every failure type with the retryability of the table, a Retry-After as the next delay', () => {
    const contract = toFailure(new errors.ContractError('inserjeunes: column x missing', 'inserjeunes', 'regionales'));
    expect(contract).toMatchObject({ type: 'ContractError', nonRetryable: true });
    expect(PERMANENT_FAILURES).toEqual(expect.arrayContaining(['ContractError', 'ConfigError', 'ChecksFailed']));
    expect(PERMANENT_FAILURES).not.toContain('SourceHttpError');
    const busy = toFailure(new errors.HttpError('bcn: 503', 'bcn', 'http://x', 503, true, 7000)) as ApplicationFailure;
    expect(busy).toMatchObject({ type: 'SourceHttpError', nonRetryable: false, nextRetryDelay: 7000 });
    const gone = toFailure(new errors.HttpError('bcn: 404', 'bcn', 'http://x', 404, false)) as ApplicationFailure;
    expect(gone).toMatchObject({ type: 'SourceHttpError', nonRetryable: true });
    const other = new Error('socket hang up');
    expect(toFailure(other)).toBe(other); // unknown errors stay retryable
  });

  it('unwraps the sentence under Temporal’s wrappers, however deep', () => {
    const reason = ApplicationFailure.nonRetryable('bcn/n_mef/2026: 404 at http://x', 'SourceHttpError');
    const activity = new ActivityFailure(
      'Activity task failed',
      'landSource',
      '1',
      RetryState.NON_RETRYABLE_FAILURE,
      undefined,
      reason,
    );
    const child = new ChildWorkflowFailure(
      'default',
      { workflowId: 'w', runId: 'r' },
      'refreshSourceWorkflow',
      RetryState.NON_RETRYABLE_FAILURE,
      activity,
    );
    expect(failureMessage(activity)).toBe('bcn/n_mef/2026: 404 at http://x');
    expect(failureMessage(child)).toBe('bcn/n_mef/2026: 404 at http://x');
    expect(failureMessage(new Error('plain'))).toBe('plain');
    expect(failureMessage('text')).toBe('text');
    // And its type, which a workflow tells failures apart by.
    expect(failureType(child)).toBe('SourceHttpError');
    expect(failureType(toFailure(new errors.StaleBuild('stale')))).toBe('StaleBuild');
    expect(failureType(new Error('plain'))).toBeUndefined();
    expect(failureType('text')).toBeUndefined();
  });
});
