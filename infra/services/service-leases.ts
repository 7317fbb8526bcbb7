import fs from 'node:fs';
import path from 'node:path';

/**
 * Leases let several test runs share the dev services of one home: each run holding a lease is a user; the services a
 * leased run started are remembered, and the last run to release its lease stops them. Services started by hand are
 * never remembered, so tests never stop them. Call these only while holding the services lock.
 */
export function serviceLeases(servicesDir: string) {
  const dir = path.join(servicesDir, 'leases');
  const startedFile = path.join(dir, 'started-for-tests.json');
  const readStarted = (): string[] => {
    try {
      return JSON.parse(fs.readFileSync(startedFile, 'utf8')) as string[];
    } catch {
      return [];
    }
  };
  const writeStarted = (names: string[]) => {
    if (names.length === 0) fs.rmSync(startedFile, { force: true });
    else fs.writeFileSync(startedFile, `${JSON.stringify([...new Set(names)].sort())}\n`);
  };
  /** Leases of live processes (files of dead ones are removed). */
  const liveLeases = (): number[] => {
    const pids = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => /^\d+\.lease$/.test(f))
          .map((f) => Number.parseInt(f, 10))
      : [];
    return pids.filter((pid) => {
      if (isAlive(pid)) return true;
      fs.rmSync(path.join(dir, `${pid}.lease`), { force: true });
      return false;
    });
  };
  return {
    /** Registers `pid` as a user; `started` are the services its servicesUp call started. */
    acquire(pid: number, started: string[]): void {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${pid}.lease`), `${new Date().toISOString()}\n`);
      writeStarted([...readStarted(), ...started]);
    },
    /** Drops `pid`'s lease; returns the services to stop now (those started for tests, once no live lease is left). */
    release(pid: number): string[] {
      fs.rmSync(path.join(dir, `${pid}.lease`), { force: true });
      if (liveLeases().length > 0) return [];
      const toStop = readStarted();
      writeStarted([]);
      return toStop;
    },
    /** Services started or stopped outside leases are no longer the tests' to stop. */
    forget(names: string[]): void {
      writeStarted(readStarted().filter((name) => !names.includes(name)));
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
