/**
 * Every failure type that activities raise and workflows check, and whether trying again can help: `false` is
 * permanent (never retried), `'per error'` decided by each error (an HTTP 503 is, a 404 is not).
 * This module imports nothing, so every layer uses it: workflows (their one runtime import from activities/) and
 * lake/ too. `to-failure.ts` turns these errors into Temporal failures.
 */
export const FAILURES = {
  SourceHttpError: 'per error',
  ContractError: false,
  ConfigError: false,
  NotFound: false,
  QuarantineThresholdExceeded: false,
  ChecksFailed: false,
  ExportError: false,
  PublishFailed: false,
  StaleBuild: false,
  SourcesFailed: false,
  BackfillIncomplete: false,
} as const satisfies Record<string, boolean | 'per error'>;

export type FailureType = keyof typeof FAILURES;

/** The failure types no retry can fix: each activity's `nonRetryableErrorTypes`. */
export const PERMANENT_FAILURES = (Object.keys(FAILURES) as FailureType[]).filter((t) => FAILURES[t] === false);

/** A failure of one of the {@link FAILURES} types; its message is one sentence naming what to fix. */
export abstract class DevenirError extends Error {
  abstract readonly type: FailureType;
  get retryable(): boolean {
    return FAILURES[this.type] !== false;
  }
}

/** A broken publisher contract (missing required column, unexpected envelope): permanent, never retried. */
export class ContractError extends DevenirError {
  override name = 'ContractError';
  readonly type = 'ContractError';
  constructor(
    message: string,
    readonly source?: string,
    readonly dataset?: string,
    readonly url?: string,
  ) {
    super(message);
  }
}

/** The base class of a failure type that needs no field beyond its message. */
function failureOfType<T extends FailureType>(type: T) {
  return class extends DevenirError {
    override name: string = type;
    readonly type = type;
  };
}

/** Bad or missing configuration: a permanent failure whose message names the variable to set. */
export class ConfigError extends failureOfType('ConfigError') {}

/** An unknown source, dataset or table. */
export class NotFound extends failureOfType('NotFound') {}

/** Too many rows break the contract: nothing of the dataset is published. */
export class QuarantineThresholdExceeded extends failureOfType('QuarantineThresholdExceeded') {}

/** A contract check failed on the built layers: nothing is published. */
export class ChecksFailed extends failureOfType('ChecksFailed') {}

/** Another committer on the same lake published a model's input while it was built: nothing is published. */
export class StaleBuild extends failureOfType('StaleBuild') {}

/** A user error in an export or query (unknown table, column, refused statement), with what exists. */
export class ExportError extends failureOfType('ExportError') {}

/** An HTTP failure that names the source and URL, and says whether trying again can help. */
export class HttpError extends DevenirError {
  override name = 'HttpError';
  readonly type = 'SourceHttpError';
  constructor(
    message: string,
    readonly source: string,
    readonly url: string,
    readonly status: number | undefined,
    private readonly canRetry: boolean,
    readonly retryAfterMs?: number,
    readonly body?: string,
  ) {
    super(message);
  }
  override get retryable(): boolean {
    return this.canRetry;
  }
}

/** Temporal's wrappers around the failure that says why (their names, so this module imports nothing). */
const WRAPPERS = new Set(['ActivityFailure', 'ChildWorkflowFailure', 'WorkflowFailedError']);

/**
 * The sentence that says why an activity, a child workflow or a workflow failed: the message of the first cause
 * under Temporal's wrappers (whose own message is only "Activity task failed" or "Child Workflow execution failed").
 */
export function failureMessage(error: unknown): string {
  const cause = failureCause(error);
  return cause?.message ?? String(error);
}

/**
 * The failure type of the first cause under Temporal's wrappers (an `ApplicationFailure`'s `type`, e.g. `StaleBuild`,
 * or a {@link DevenirError}'s), so a workflow can tell one failure from another; `undefined` for anything else.
 */
export function failureType(error: unknown): string | undefined {
  const type = (failureCause(error) as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : undefined;
}

function failureCause(error: unknown): Error | undefined {
  let current = error as Error | undefined;
  while (current?.cause instanceof Error && WRAPPERS.has(current.name)) current = current.cause;
  return current;
}
