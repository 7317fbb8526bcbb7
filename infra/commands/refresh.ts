import type { Client, WorkflowHandle } from '@temporalio/client';
import type { BuildLayersWorkflowInput } from '../../workflows/build-layers-workflow.js';
import type { RefreshAllInput } from '../../workflows/refresh-all-workflow.js';
import type { RefreshSourceInput } from '../../workflows/refresh-source-workflow.js';
import { SOURCE_IDS, type SourceId } from '../config.js';
import type { App } from '../app.js';
import { runContext, workflowUrl } from '../temporal.js';
import { follow, RunFailed, startWorkflow } from './follow.js';
import { summariseRun, type RunResult } from './run-summary.js';
import { workersFor } from './require-workers.js';
import { UsageError } from './usage-error.js';
import type { WorkerRole } from '../worker-roles.js';

/** A finished run that published only part of what it should have: the sentence says what, and the fix. */
export class RunIncomplete extends Error {
  override name = 'RunIncomplete';
}

/**
 * Follows a run to its end and prints it: a short table and one closing line on a terminal, the result as JSON with
 * `--json`. A run that held anything back or failed ends in RunIncomplete / RunFailed (exit code 1).
 */
export async function finish(app: App, handle: WorkflowHandle, opts: { json?: boolean }): Promise<undefined> {
  const print = (text: string) => void (text && process.stdout.write(`${text}\n`));
  let result: RunResult;
  try {
    result = await follow<RunResult>(app, handle, { quiet: opts.json });
  } catch (error) {
    const details = error instanceof RunFailed ? (error.details as RunResult | undefined) : undefined;
    if (details && typeof details === 'object')
      print(opts.json ? JSON.stringify(details, null, 2) : summariseRun(details).table);
    throw error;
  }
  const summary = summariseRun(result);
  print(opts.json ? JSON.stringify(result, null, 2) : summary.table);
  if (summary.incomplete) throw new RunIncomplete(summary.sentence);
  if (!opts.json) print(summary.sentence);
  return undefined;
}

export interface RefreshOptions {
  source?: string;
  all?: boolean;
  dataset?: string[];
  millesime?: string[];
  date?: string;
  build?: boolean;
  acceptRemoval?: boolean;
  /** With `all`: ask every dataset, the fresh ones too. */
  force?: boolean;
  wait?: boolean;
  json?: boolean;
  /** Run a worker in this process for this run (implies waiting for its end). */
  worker?: boolean;
}

/** `devenir refresh`: starts (or attaches to) the refresh of one source or of all, optionally following it. */
export async function refresh(app: App, opts: RefreshOptions, client?: Client): Promise<unknown> {
  if (!opts.all && !opts.source) throw new UsageError('say what to refresh: --source <id> or --all');
  if (opts.force && !opts.all) throw new UsageError('--force goes with --all (a named source is always asked)');
  if (opts.source && !SOURCE_IDS.includes(opts.source as SourceId))
    throw new UsageError(`unknown source "${opts.source}"; sources: ${SOURCE_IDS.join(', ')}`);
  client ??= await app.client();
  const ctx = runContext(app.config);
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  const periods = opts.millesime?.length ? opts.millesime : undefined;
  const key = periods?.join('+') ?? date;
  // Datasets landed since their publisher's last scheduled publication are not asked again (unless --force).
  const freshness =
    opts.all && !opts.force ? { timeZone: (await import('./schedules.js')).loadSchedules().timezone } : undefined;
  return launch(app, client, ['workflows', 'landing', 'building'], opts, () =>
    opts.all
      ? startWorkflow(
          app,
          client,
          'refreshAllWorkflow',
          `refresh/all/${key}`,
          [
            {
              ...ctx,
              periods,
              date,
              acceptRemoval: opts.acceptRemoval,
              ...(freshness && { freshness }),
            } satisfies RefreshAllInput,
          ],
          {
            source: 'all',
            millesime: periods?.join(','),
          },
        )
      : startWorkflow(
          app,
          client,
          'refreshSourceWorkflow',
          `refresh/${opts.source}/${key}`,
          [
            {
              ...ctx,
              source: opts.source as SourceId,
              datasets: opts.dataset,
              periods,
              date,
              build: opts.build,
              acceptRemoval: opts.acceptRemoval,
            } satisfies RefreshSourceInput,
          ],
          { source: opts.source, millesime: periods?.join(',') },
        ),
  );
}

/**
 * Starts a run with the workers it needs (workersFor) and returns its workflow id and UI link, or, with `--wait` or
 * `--worker`, follows it to its end (finish). An in-process worker stops when the run ends.
 */
async function launch(
  app: App,
  client: Client,
  roles: readonly WorkerRole[],
  opts: { wait?: boolean; json?: boolean; worker?: boolean },
  start: () => Promise<WorkflowHandle>,
): Promise<unknown> {
  const workers = await workersFor(app, client, roles, opts.worker);
  try {
    const handle = await start();
    if (!opts.wait && !workers)
      return { workflowId: handle.workflowId, ui: workflowUrl(app.config, handle.workflowId) };
    return await finish(app, handle, opts);
  } finally {
    await workers?.stop();
  }
}

/** `devenir build`: rebuilds staging → matched → published from the current lake and publishes. */
export async function build(
  app: App,
  opts: { full?: boolean; acceptRemoval?: boolean; wait?: boolean; json?: boolean; worker?: boolean },
): Promise<unknown> {
  const client = await app.client();
  return launch(app, client, ['workflows', 'building'], opts, () =>
    startWorkflow(app, client, 'buildLayersWorkflow', `build/${new Date().toISOString()}`, [
      {
        ...runContext(app.config),
        full: opts.full,
        acceptRemoval: opts.acceptRemoval,
      } satisfies BuildLayersWorkflowInput,
    ]),
  );
}

/** Expands `--from 2019_2020 --to 2021_2022` (or years) into the millésimes between them. */
export function millesimeRange(from: string, to: string): string[] {
  const pair = /^\d{4}_\d{4}$/;
  const single = /^\d{4}$/;
  if (pair.test(from) && pair.test(to)) {
    const out: string[] = [];
    for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) out.push(`${y}_${y + 1}`);
    return out;
  }
  if (single.test(from) && single.test(to))
    return Array.from({ length: Number(to) - Number(from) + 1 }, (_, i) => String(Number(from) + i));
  throw new UsageError(`--from ${from} --to ${to}: give two millésimes of the same form, YYYY or YYYY_YYYY`);
}

/** `devenir backfill`: replays millésimes of one source, a bounded number at a time. */
export async function backfill(
  app: App,
  opts: {
    source: string;
    millesime?: string[];
    from?: string;
    to?: string;
    parallelism?: string;
    dataset?: string[];
    acceptRemoval?: boolean;
    wait?: boolean;
    json?: boolean;
    worker?: boolean;
  },
): Promise<unknown> {
  if (!SOURCE_IDS.includes(opts.source as SourceId))
    throw new UsageError(`unknown source "${opts.source}"; sources: ${SOURCE_IDS.join(', ')}`);
  const millesimes = opts.millesime?.length
    ? opts.millesime
    : opts.from && opts.to
      ? millesimeRange(opts.from, opts.to)
      : undefined;
  if (!millesimes?.length)
    throw new UsageError(
      'give the millésimes: --millesime 2020_2021 --millesime 2021_2022, or --from 2019_2020 --to 2021_2022',
    );
  const client = await app.client();
  return launch(app, client, ['workflows', 'landing', 'building'], opts, () =>
    startWorkflow(
      app,
      client,
      'backfillWorkflow',
      `backfill-run/${opts.source}/${millesimes.join('+')}`,
      [
        {
          ...runContext(app.config),
          source: opts.source as SourceId,
          millesimes,
          datasets: opts.dataset,
          parallelism: Number(opts.parallelism ?? 2),
          acceptRemoval: opts.acceptRemoval,
        },
      ],
      { source: opts.source, millesime: millesimes.join(',') },
    ),
  );
}
