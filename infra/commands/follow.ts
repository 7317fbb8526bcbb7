import {
  defineSearchAttributeKey,
  SearchAttributeType,
  TypedSearchAttributes,
  WorkflowIdConflictPolicy,
} from '@temporalio/common';
import { WorkflowFailedError, type Client, type WorkflowHandle, type WorkflowStartOptions } from '@temporalio/client';
import cliProgress from 'cli-progress';
import type { Workflow } from '@temporalio/common';
import type { Progress } from '../../workflows/types.js';
import type { App } from '../app.js';
import { workflowUrl } from '../temporal.js';

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
          format: '{bar} {value}/{total} | {step} | {rows} rows | ETA {eta_formatted}',
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let last = '';
  let started = false;
  const poll = setInterval(async () => {
    const p = await handle.query<Progress>('progress').catch(() => undefined);
    if (!p) return;
    if (bar) {
      if (!started) bar.start(Math.max(p.total, 1), p.done, { step: p.step, rows: p.rowsLanded });
      started = true;
      bar.setTotal(Math.max(p.total, 1));
      bar.update(p.done, { step: p.step, rows: p.rowsLanded });
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
      const cause = error.cause as Error | undefined;
      throw new Error(
        `${handle.workflowId} failed: ${cause?.cause instanceof Error ? cause.cause.message : (cause?.message ?? error.message)} (${workflowUrl(app.config, handle.workflowId)})`,
      );
    }
    throw error;
  } finally {
    clearInterval(poll);
    bar?.stop();
  }
}
