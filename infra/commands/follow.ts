import {
  defineSearchAttributeKey,
  SearchAttributeType,
  TypedSearchAttributes,
  WorkflowIdConflictPolicy,
} from '@temporalio/common';
import { WorkflowFailedError, type Client, type WorkflowHandle, type WorkflowStartOptions } from '@temporalio/client';
import cliProgress from 'cli-progress';
import type { Workflow } from '@temporalio/common';
import { failureMessage } from '../../activities/errors.js';
import type { Progress } from '../../workflows/types.js';
import type { App } from '../app.js';
import { workflowUrl } from '../temporal.js';
import { fixFor } from './run-summary.js';

/** A followed run that failed: the one sentence to show, and the details the workflow failed with (what it published). */
export class RunFailed extends Error {
  override name = 'RunFailed';
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Time left at the rate so far, `12s`, `3m05s`, `1h02m`; `…` until there is a rate (never cli-progress's `NULL`/`INF`). */
export function formatEta(done: number, total: number, elapsedMs: number): string {
  if (done <= 0 || total <= done || elapsedMs <= 0) return done >= total && total > 0 ? '0s' : '…';
  const s = Math.round(((total - done) * elapsedMs) / done / 1000);
  if (!Number.isFinite(s)) return '…';
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s >= 3600) return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${s}s`;
}

const SOURCE_KEY = defineSearchAttributeKey('DevenirSource', SearchAttributeType.KEYWORD);
const MILLESIME_KEY = defineSearchAttributeKey('DevenirMillesime', SearchAttributeType.KEYWORD);

/**
 * Starts a workflow under a business id; a second start of the same id while it runs attaches to it
 * instead of starting the work twice. Tags it with DevenirSource / DevenirMillesime for the Web UI.
 */
export async function startWorkflow<W extends Workflow>(
  app: App,
  client: Client,
  workflow: string,
  workflowId: string,
  args: Parameters<W>,
  tags: { source?: string; millesime?: string } = {},
): Promise<WorkflowHandle<W>> {
  const pairs = [
    ...(tags.source ? [{ key: SOURCE_KEY, value: tags.source }] : []),
    ...(tags.millesime ? [{ key: MILLESIME_KEY, value: tags.millesime }] : []),
  ];
  // Business ids are scoped by the deployment's prefix: `<prefix>/refresh/bcn/2026-11-29`.
  workflowId = `${app.config.temporal.taskQueuePrefix}/${workflowId}`;
  const options: WorkflowStartOptions<W> = {
    workflowId,
    taskQueue: `${app.config.temporal.taskQueuePrefix}-workflows`,
    args,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  } as unknown as WorkflowStartOptions<W>;
  try {
    return (await client.workflow.start(workflow, {
      ...options,
      typedSearchAttributes: new TypedSearchAttributes(pairs),
    })) as WorkflowHandle<W>;
  } catch (error) {
    if (!/search attribute/i.test((error as Error).message)) throw error;
    app.log.warn(
      'the Temporal server does not know the DevenirSource/DevenirMillesime search attributes; starting without them',
    );
    return (await client.workflow.start(workflow, options)) as WorkflowHandle<W>;
  }
}

/** Follows a workflow to its end: a progress bar with rate and ETA on a terminal, plain lines otherwise. */
export async function follow<T>(app: App, handle: WorkflowHandle, opts: { quiet?: boolean } = {}): Promise<T> {
  const tty = Boolean(process.stderr.isTTY) && !opts.quiet;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          format: '{bar} {value}/{total} | {step} | {rows} rows | ETA {left}',
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let last = '';
  let started = false;
  const since = Date.now();
  let ended = false;
  const poll = setInterval(async () => {
    const p = await handle.query<Progress>('progress').catch(() => undefined);
    // A query answered after the run ended prints nothing: the summary is the last thing written.
    if (!p || ended) return;
    if (bar) {
      const payload = { step: p.step, rows: p.rowsLanded, left: formatEta(p.done, p.total, Date.now() - since) };
      if (!started) bar.start(Math.max(p.total, 1), p.done, payload);
      started = true;
      bar.setTotal(Math.max(p.total, 1));
      bar.update(p.done, payload);
    } else if (!opts.quiet) {
      const line = `${p.step}: ${p.done}/${p.total} done, ${p.rowsLanded} rows landed`;
      if (line !== last) process.stderr.write(`${line}\n`);
      last = line;
    }
  }, 1000);
  try {
    return (await handle.result()) as T;
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      const cause = error.cause as (Error & { details?: unknown[] }) | undefined;
      const message = failureMessage(error);
      const fix = fixFor(message);
      throw new RunFailed(
        `${handle.workflowId} failed: ${message}${fix ? `; fix: ${fix}` : ''} (${workflowUrl(app.config, handle.workflowId)})`,
        cause?.details?.[0],
      );
    }
    throw error;
  } finally {
    ended = true;
    clearInterval(poll);
    bar?.stop();
  }
}
