import fs from 'node:fs/promises';
import path from 'node:path';
import { canRun, checkPython, runOrExplain } from './install.js';
import { withLockFile } from './lock-file.js';

/** delta-rs's Python package and pyarrow, pinned: the independent Delta reader the tests check the lake with. */
export const DELTA_READER_REQUIREMENTS = ['deltalake==1.6.6', 'pyarrow==26.0.1'] as const;

/** Installs the pinned Delta reader into `<home>/venv-delta` (once; a stamp names the pins); returns its python. */
export async function installDeltaReader(home: string): Promise<string> {
  const venv = path.join(home, 'venv-delta');
  const python = path.join(venv, 'bin', 'python');
  const stamp = path.join(venv, 'devenir-delta.json');
  const wanted = JSON.stringify({ requirements: DELTA_READER_REQUIREMENTS });
  const done = async () => (await fs.readFile(stamp, 'utf8').catch(() => '')) === wanted;
  if (await done()) return python;
  await fs.mkdir(home, { recursive: true });
  return withLockFile(`${venv}.lock`, async () => {
    if (await done()) return python;
    const base = process.env.DEVENIR_PYTHON || 'python3';
    await checkPython(base);
    if (!(await canRun(python, ['-c', 'import pip'])))
      await runOrExplain(base, ['-m', 'venv', venv], `Creating the Python venv at ${venv} failed`);
    await runOrExplain(
      python,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', ...DELTA_READER_REQUIREMENTS],
      `pip install ${DELTA_READER_REQUIREMENTS.join(' ')} failed`,
    );
    await fs.writeFile(stamp, wanted);
    return python;
  });
}
