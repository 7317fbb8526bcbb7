/**
 * Records one history of each workflow into test/workflows/histories/, for the replay test
 * (`npm run record-histories`; needs the Temporal dev server, e.g. `source` the env of `npx devenir services up`).
 * Re-record after an intended change to a workflow's commands, and commit the new files with it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { startStubWorker } from './stub-worker.js';

export const HISTORIES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'histories');

async function main(): Promise<void> {
  const w = await startStubWorker();
  const runs: Array<[string, string, unknown[]]> = [
    [
      'refreshSourceWorkflow',
      'refresh-source',
      [{ ...w.ctx, source: 'bcn', datasets: ['a', 'b'], date: '2026-11-29' }],
    ],
    ['refreshAllWorkflow', 'refresh-all', [{ ...w.ctx, date: '2026-11-29', periods: ['2022'] }]],
    ['backfillWorkflow', 'backfill', [{ ...w.ctx, source: 'insersup', millesimes: ['2021', '2022', '2023'] }]],
    ['buildLayersWorkflow', 'build-layers', [w.ctx]],
  ];
  try {
    w.log.failLanding.add('insersup/main/2022'); // the backfill's history holds a failed child too
    w.log.stale = 1; // the committer's, a build refused as stale and built again
    mkdirSync(HISTORIES_DIR, { recursive: true });
    const ids: Array<[string, string]> = [];
    for (const [type, name, args] of runs) {
      const workflowId = w.id(name);
      await w.client.workflow
        .execute(type, { workflowId, taskQueue: w.ctx.queues.workflows, args })
        .catch(() => undefined); // a failed run is a history like another
      ids.push([workflowId, name]);
    }
    ids.push([w.ctx.committerId, 'committer']);
    for (const [workflowId, name] of ids) {
      const history = await w.client.workflow.getHandle(workflowId).fetchHistory();
      const json = proto.temporal.api.history.v1.History.toObject(history as proto.temporal.api.history.v1.History, {
        longs: String,
        enums: String,
        bytes: String,
      });
      writeFileSync(
        path.join(HISTORIES_DIR, `${name}.json`),
        `${JSON.stringify({ workflowId, history: json }, null, 1)}\n`,
      );
      process.stdout.write(`${name}: ${history.events?.length} events\n`);
    }
  } finally {
    await w.stop();
  }
}

await main();
