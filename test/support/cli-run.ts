import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { livePollers } from '../../infra/commands/require-workers.js';
import type { RunContext } from '../../workflows/types.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** process.env with `env` over it; a variable set to undefined in `env` is removed. */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged = { ...process.env, ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

/** Runs `devenir <args>` as a new user would (a child process of bin/devenir.js) with `env` over process.env. */
export function runCli(
  env: NodeJS.ProcessEnv,
  args: string[],
  opts: { timeoutMs?: number; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise<CliRun>((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve('bin/devenir.js'), ...args], {
      env: childEnv(env),
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `devenir worker <args>` as its own process (so a test can SIGKILL it); resolves once it polls. */
export function spawnCliWorker(env: NodeJS.ProcessEnv, args: string[] = []): ChildProcess {
  return spawn(process.execPath, [path.resolve('bin/devenir.js'), 'worker', ...args], {
    env: childEnv({ ...env, LOG_FORMAT: 'json' }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Waits until at least `count` workers poll each of `roles`' queues (spawned workers take seconds to start). */
export async function waitForPollers(
  client: Client,
  namespace: string,
  ctx: RunContext,
  roles: Array<'workflows' | 'landing' | 'building'>,
  count = 1,
  stillAlive: () => boolean = () => true,
): Promise<void> {
  for (const role of roles) {
    const deadline = Date.now() + 120_000;
    const kind = role === 'workflows' ? 'workflow' : 'activity';
    while ((await livePollers(client, namespace, ctx.queues[role], kind)) < count) {
      if (Date.now() > deadline || !stillAlive())
        throw new Error(`${count} worker(s) never polled ${ctx.queues[role]}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
