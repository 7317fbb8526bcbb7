/**
 * The command line as a user times it, side by side: `devenir --help` and `devenir sources` (median of 5 spawns),
 * then `devenir refresh --all --wait` twice against the bundled simulators with a worker already running (services
 * warm): the first lands and builds, the second finds nothing new and must end in seconds.
 * Uses a temp filesystem lake and its own task queues on the configured (or local) Temporal.
 * `--startup-only`: only the start-up rows (no worker, no refresh, no Temporal), in seconds instead of minutes;
 * `--lake <dir or s3://…>` adds `devenir sources` on that lake (one with data, or an S3 one); `--bin <file>` times
 * another entry point (e.g. main's bin/devenir.js copied beside this one) instead of bin/devenir.js.
 * Usage: npx tsx bench/cli-noop.ts [--millesime 2021_2022] [--startup-only] [--lake <lake>] [--bin <file>] [--runs 5]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleMillesimes } from '../infra/simulators/sample-data.js';
import { benchDir, benchEnv, secs } from './bench-env.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const bin = path.resolve(arg('--bin') ?? path.join(root, 'bin/devenir.js'));
const millesime = arg('--millesime') ?? sampleMillesimes().at(-1)!;
const startupOnly = process.argv.includes('--startup-only');
const otherLake = arg('--lake');
const runs = Number(arg('--runs') ?? 5);
const dir = benchDir();
// Only devenir's own variables (no DEVENIR_<SOURCE>_URL of the caller) plus what reaches the shared services.
const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DEVENIR_')));
const env = {
  ...inherited,
  ...benchEnv(dir, 200, { DEVENIR_TASK_QUEUE_PREFIX: `bench-noop-${process.pid}`, LOG_FORMAT: 'json' }),
  DEVENIR_HOME: process.env.DEVENIR_HOME ?? path.join(root, '.devenir'),
};

interface Run {
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, ms: performance.now() - started, stdout, stderr }));
  });
}

async function median(
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
  n = runs,
): Promise<{ median: number; min: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await run(args, extraEnv);
    if (r.code !== 0) throw new Error(`devenir ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    times.push(r.ms);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(n / 2)], min: times[0] };
}

/** A worker (with the simulators) in its own process, ready when it says so. */
function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'worker', '--simulators'], {
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('worker running')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${seen.slice(-500)}`)));
  });
}

const load = () => loadavg()[0].toFixed(2);
const timed = (t: { median: number; min: number }) => `${secs(t.median)} (min ${secs(t.min)})`;
const print = (rows: string[][]) => {
  for (const [what, figure, target] of rows) console.log(`  ${what.padEnd(44)} ${figure.padEnd(22)} ${target}`);
};
console.log(
  startupOnly
    ? `cli-noop --startup-only: ${path.relative(root, bin)}, ${runs} runs each, load ${load()}`
    : `cli-noop: refresh --all --millesime ${millesime}, lake ${dir}, load ${load()}`,
);
const help = await median(['--help']);
const sourcesEmpty = await median(['sources', '--json']);
const startup = [
  ['devenir --help', timed(help), '≤ 0.5 s'],
  ['devenir sources (empty lake)', timed(sourcesEmpty), '≤ 0.5 s'],
];
if (otherLake)
  startup.push([
    `devenir sources (${otherLake.startsWith('s3://') ? 's3://' : 'folder'} lake given)`,
    timed(await median(['sources', '--json'], { DEVENIR_LAKE: otherLake })),
    '≤ 0.5 s',
  ]);
if (startupOnly) {
  print(startup);
  console.log(`  load after: ${load()}`);
  rmSync(dir, { recursive: true, force: true }); // nothing in it worth keeping (the full run keeps its lake)
} else {
  const worker = await startWorker();
  try {
    const first = await run(['refresh', '--all', '--millesime', millesime, '--wait']);
    if (first.code !== 0) throw new Error(`first refresh exited ${first.code}: ${first.stderr.slice(-2000)}`);
    const loadBefore = load();
    const noop = await run(['refresh', '--all', '--millesime', millesime, '--wait']);
    if (noop.code !== 0) throw new Error(`no-op refresh exited ${noop.code}: ${noop.stderr.slice(-2000)}`);
    const sources = await median(['sources', '--json']);
    print([
      ...startup,
      ['devenir sources (after refresh)', timed(sources), '≤ 0.5 s'],
      ['refresh --all --wait (first)', secs(first.ms), ''],
      [`refresh --all --wait (no-op, load ${loadBefore})`, secs(noop.ms), '≤ 5 s'],
    ]);
    console.log(`  no-op output: ${noop.stdout.trim()}`);
    console.log(`  load after: ${load()}`);
  } finally {
    worker.kill('SIGTERM');
  }
}
