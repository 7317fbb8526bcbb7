// On a fresh clone, `npm start` / `npm test` install the locked npm dependencies themselves (npm ci) before
// anything imports them. Plain JavaScript with no dependency, so it runs before they exist.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `npm ci` once when node_modules is missing or older than the lock file's install. */
export function ensureDependencies() {
  if (
    existsSync(path.join(root, 'node_modules', '.package-lock.json')) &&
    existsSync(path.join(root, 'node_modules', 'tsx'))
  )
    return;
  process.stderr.write('devenir: installing npm dependencies (npm ci), first run only…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(
      'devenir: `npm ci` failed; check the network access to the npm registry and run it by hand.\n',
    );
    process.exit(result.status ?? 1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureDependencies();
