import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildLayers } from '../../activities/build/build-layers.js';
import { plainRuntime, type ActivityDeps } from '../../activities/deps.js';
import { publishStaged } from '../../activities/publish/publish-staged.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { FsObjectStore } from '../../lake/fs-store.js';
import { Lake } from '../../lake/lake.js';
import type { ObjectStore } from '../../lake/object-store.js';
import { saveStaged, stageTable } from '../../lake/staged.js';
import { insertRaw } from '../transforms/support.js';

export type Raw = Record<string, string | null>;

/** Activity dependencies over a lake on `store` (a fresh temp folder by default), with a private work folder. */
export function lakeDeps(
  store: ObjectStore = new FsObjectStore(mkdtempSync(path.join(os.tmpdir(), 'devenir-lake-'))),
): ActivityDeps & { lake: Lake } {
  return {
    config: {
      workDir: mkdtempSync(path.join(os.tmpdir(), 'devenir-work-')),
      quarantineThreshold: 0.05,
      rowDriftThreshold: 0.5,
      sources: {} as ActivityDeps['config']['sources'],
    },
    store,
    lake: new Lake(store),
    log: pino({ level: 'silent' }),
    defaultSourceUrls: {},
  };
}

/** Stages raw tables (as a landing would: one partition per millésime), optionally dropping columns. */
export async function stageRaw(
  deps: ActivityDeps,
  tables: Record<string, Raw[]>,
  opts: { drop?: Record<string, string[]>; replace?: Record<string, string[]> } = {},
): Promise<string> {
  return Workspace.with(async (ws) => {
    const staged = [];
    for (const [table, rows] of Object.entries(tables)) {
      await insertRaw(ws.connection, table, rows);
      for (const c of opts.drop?.[table] ?? []) await ws.run(`alter table raw.${table} drop column ${c}`);
      const periods = [...new Set(rows.map((r) => r.millesime ?? '2025-01-01'))];
      staged.push(
        await stageTable(ws, deps.store, `raw.${table}`, {
          name: `raw.${table}`,
          partitionColumn: 'millesime',
          replace: opts.replace?.[table] ?? periods,
          orderBy: ['_raw_key', '_raw_row'],
          localDir: path.join(deps.config.workDir, 'raw'),
        }),
      );
    }
    return saveStaged(deps.store, staged);
  });
}

/** What the committer does: build over the staged raw sets, then publish both (`onPhase` runs before each). */
export async function refresh(
  deps: ActivityDeps,
  rawKey: string,
  opts: {
    full?: boolean;
    acceptRemoval?: boolean;
    idempotencyKey?: string;
    onPhase?: (p: 'build' | 'publish') => void;
  } = {},
) {
  opts.onPhase?.('build');
  const built = await buildLayers(deps, plainRuntime(), {
    overlayStagedKeys: [rawKey],
    full: opts.full,
    acceptRemoval: opts.acceptRemoval,
  });
  opts.onPhase?.('publish');
  const published = await publishStaged(deps, plainRuntime(), {
    stagedKeys: [rawKey, ...(built.stagedKey ? [built.stagedKey] : [])],
    message: 'test',
    idempotencyKey: opts.idempotencyKey ?? `test/${Math.random()}`,
    acceptRemoval: opts.acceptRemoval,
    heldBack: built.heldBack,
    modelsRun: built.modelsRun,
  });
  return { built, published };
}
