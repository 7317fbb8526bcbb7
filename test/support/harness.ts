import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import pino, { type Logger } from 'pino';
import { loadConfig, sourceEnvPrefix, SOURCE_IDS, type Config, type SourceId } from '../../infra/config.js';
import { startSimulators } from '../../infra/simulators/index.js';
import type { RunningSimulators } from '../../infra/simulators/server.js';
import { connectClient, runContext } from '../../infra/temporal.js';
import { startWorker, type RunningWorker } from '../../infra/worker.js';
import { openLake } from '../../lake/open-lake.js';
import type { Lake } from '../../lake/lake.js';
import type { RunContext } from '../../workflows/types.js';
import { testS3LakeEnv } from './stores.js';

export interface Harness {
  config: Config;
  env: NodeJS.ProcessEnv;
  ctx: RunContext;
  lake: Lake;
  client: Client;
  sims: RunningSimulators;
  /** Starts a worker in this process. */
  startWorker(): Promise<RunningWorker>;
  /** Starts a worker as a separate OS process (so a test can SIGKILL it), with `extraEnv` on top of the harness's. */
  spawnWorker(extraEnv?: NodeJS.ProcessEnv): ChildProcess;
  stop(): Promise<void>;
}

/**
 * One isolated devenir for an end-to-end test: its own lake (S3 on the test SeaweedFS, or a temp folder), its
 * own task queues on the shared Temporal dev server, and the real simulators of every source.
 */
export async function startHarness(
  opts: {
    lake?: 's3' | 'fs';
    rate?: number;
    heartbeatTimeout?: string;
    /** Variables on top of the harness's own (credentials…). */
    env?: NodeJS.ProcessEnv;
    /** The in-process workers' logger (stderr at LOG_LEVEL otherwise). */
    log?: Logger;
  } = {},
): Promise<Harness> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'devenir-e2e-'));
  const sims = await startSimulators();
  const env: NodeJS.ProcessEnv = {
    DEVENIR_HOME: home,
    DEVENIR_TASK_QUEUE_PREFIX: `t-${randomUUID().slice(0, 8)}`,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...(opts.lake === 'fs' ? { DEVENIR_LAKE: path.join(home, 'lake') } : testS3LakeEnv()),
  };
  for (const source of SOURCE_IDS) {
    env[`${sourceEnvPrefix(source)}_URL`] = sims.baseUrls[source as SourceId];
    env[`${sourceEnvPrefix(source)}_RATE`] = String(opts.rate ?? 500);
  }
  Object.assign(env, opts.env);
  const config = loadConfig(env);
  const log = opts.log ?? pino({ level: env.LOG_LEVEL }, pino.destination(2));
  const workers: RunningWorker[] = [];
  const children: ChildProcess[] = [];
  const client = await connectClient(config);
  return {
    config,
    env,
    ctx: { ...runContext(config), heartbeatTimeout: opts.heartbeatTimeout },
    lake: await openLake({ lake: config.lake, s3: config.s3 }),
    client,
    sims,
    async startWorker() {
      const w = await startWorker(config, log);
      workers.push(w);
      return w;
    },
    spawnWorker(extraEnv = {}) {
      const child = spawn(process.execPath, [path.resolve('bin/devenir.js'), 'worker'], {
        env: { ...process.env, ...env, LOG_FORMAT: 'json', ...extraEnv },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      return child;
    },
    async stop() {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.shutdown().catch(() => undefined)));
      await client.connection.close();
      await sims.close();
    },
  };
}
