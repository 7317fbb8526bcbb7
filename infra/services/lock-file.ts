import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceError } from './service-error.js';

/** Runs `fn` while holding an exclusive lock file (create-only), so two processes never start or install the same service at once. */
export async function withLockFile<T>(file: string, fn: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isStale(file)) {
        await fs.rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new ServiceError(
          `Another devenir process holds ${file}; wait for it to finish or delete the file if no devenir process is running.`,
        );
      }
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(file, { force: true });
  }
}

/** A lock is stale when the process that wrote it is gone. */
async function isStale(file: string): Promise<boolean> {
  const text = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) {
    // Just created, not yet written by its owner: stale only once it is old.
    const stat = await fs.stat(file).catch(() => undefined);
    return stat === undefined || Date.now() - stat.mtimeMs > 5_000;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
