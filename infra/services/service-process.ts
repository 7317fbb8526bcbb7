import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceError, lastLines } from './service-error.js';

/** What a pid file holds (JSON): enough to find, check and stop a detached service. */
export interface ServiceRecord {
  name: string;
  pid: number;
  /** Absolute path of the binary, checked against /proc/<pid>/cmdline so a reused pid is never taken for ours. */
  bin: string;
  address: string;
  ports: number[];
  logFile: string;
  startedAt: string;
}

export interface SpawnServiceInput extends Omit<ServiceRecord, 'pid' | 'startedAt'> {
  args: string[];
  pidFile: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts a service detached from this process (it outlives it), output to its log file, and writes its pid file. */
export function spawnService(input: SpawnServiceInput): ServiceRecord {
  const { args, pidFile, cwd, env, ...rest } = input;
  fs.mkdirSync(path.dirname(pidFile), { recursive: true });
  if (fs.existsSync(rest.logFile)) fs.renameSync(rest.logFile, `${rest.logFile}.1`);
  const out = fs.openSync(rest.logFile, 'a');
  try {
    const child = spawn(rest.bin, args, { cwd, env: env ?? process.env, detached: true, stdio: ['ignore', out, out] });
    if (child.pid === undefined) throw new ServiceError(`Could not start ${rest.bin}; see ${rest.logFile}.`);
    child.unref();
    const record: ServiceRecord = { ...rest, pid: child.pid, startedAt: new Date().toISOString() };
    fs.writeFileSync(pidFile, `${JSON.stringify(record, null, 2)}\n`);
    return record;
  } finally {
    fs.closeSync(out);
  }
}

/** The record in a pid file, or undefined when there is none (or it is unreadable). */
export function readServiceRecord(pidFile: string): ServiceRecord | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as ServiceRecord;
    return Number.isInteger(record.pid) && record.pid > 0 ? record : undefined;
  } catch {
    return undefined;
  }
}

/** True when the record's process is alive, not a zombie, and (on Linux) still runs the record's binary. */
export function isServiceAlive(record: ServiceRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false; // ESRCH: gone; EPERM: someone else's process, so not ours.
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = fs.readFileSync(`/proc/${record.pid}/stat`, 'utf8');
    if (/\)\s+Z\s/.test(stat)) return false;
    const argv0 = fs.readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0')[0];
    return argv0 === record.bin || path.basename(argv0) === path.basename(record.bin);
  } catch {
    return false;
  }
}

/** Stops the service a pid file names (SIGTERM, wait up to graceMs, then SIGKILL) and removes the pid file; false when nothing ran. */
export async function stopService(pidFile: string, graceMs = 15_000): Promise<boolean> {
  const record = readServiceRecord(pidFile);
  if (record === undefined) return false;
  const alive = isServiceAlive(record);
  if (alive) {
    process.kill(record.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isServiceAlive(record) && Date.now() < deadline) await sleep(100);
    if (isServiceAlive(record)) {
      process.kill(record.pid, 'SIGKILL');
      while (isServiceAlive(record)) await sleep(50);
    }
  }
  fs.rmSync(pidFile, { force: true });
  return alive;
}

export interface WaitHealthyInput {
  record: ServiceRecord;
  /** Resolves true once the service answers; may throw while it is not ready yet. */
  check: () => Promise<boolean>;
  timeoutMs?: number;
}

/** Polls `check` until the service answers; fails fast with the log's tail if the process dies, or after the timeout. */
export async function waitUntilHealthy({ record, check, timeoutMs = 60_000 }: WaitHealthyInput): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    if (!isServiceAlive(record)) {
      const tail = lastLines(readTail(record.logFile), 10);
      throw new ServiceError(`${record.name} exited while starting; see ${record.logFile}:\n${tail}`);
    }
    try {
      if (await check()) return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${lastError})` : '';
      throw new ServiceError(
        `${record.name} did not answer on ${record.address} within ${Math.round(timeoutMs / 1000)} s${why}; see ${record.logFile}.`,
      );
    }
    await sleep(250);
  }
}

function readTail(file: string): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-8_000);
  } catch {
    return '';
  }
}
