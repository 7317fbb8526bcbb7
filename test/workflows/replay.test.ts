import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../infra/worker.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'histories');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('recorded workflow histories replay on the current workflow code (no server needed)', () => {
  it('has one history of each workflow', () => {
    expect(FILES.sort()).toEqual(
      ['backfill', 'build-layers', 'committer', 'refresh-all', 'refresh-source'].map((n) => `${n}.json`),
    );
  });

  it('replays every history deterministically', async () => {
    // Each file: the workflow id it ran under (child and request ids derive from it) and its history.
    const histories = FILES.map((f) => {
      const { workflowId, history } = JSON.parse(readFileSync(path.join(DIR, f), 'utf8'));
      return { workflowId: workflowId as string, history: proto.temporal.api.history.v1.History.fromObject(history) };
    });
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories))
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    expect(failures).toEqual([]);
  });
});
