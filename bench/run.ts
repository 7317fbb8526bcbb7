/**
 * Runs the benchmarks one after the other, each in its own process (its peak RSS is its own), printing their figures:
 * landing (1,000,000 rows) and where its time goes (landing-steps), build-layers (3 runs), orchestration (Temporal
 * dev server), uai-loop (200 UAIs at 5/s, about 40 s; the full 2,000 is `npx tsx bench/uai-loop.ts`), cli-noop (`--help`,
 * `sources`, a first and a no-op `refresh --all --wait`), shared-rate (three landing worker processes sharing one
 * limit, about 70 s), scale (1×, 3×, 10× the bundled data: landing, build time, peak RSS; 20–40 min). About 17 minutes
 * on 2 cores without scale. Name some to run only those.
 * Usage: npx tsx bench/run.ts [landing] [landing-steps] [build-layers] [orchestration] [uai-loop] [cli-noop] [shared-rate] [selective-build] [scale]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHES: Record<string, string[]> = {
  landing: ['landing.ts', '1000000'],
  'landing-steps': ['landing-steps.ts', '--rows', '1000000', '--repeat', '5'],
  'build-layers': ['build-layers.ts', '--runs', '3'],
  'selective-build': ['selective-build.ts'],
  orchestration: ['orchestration.ts'],
  'uai-loop': ['uai-loop.ts', '--uais', '200', '--rate', '5'],
  'cli-noop': ['cli-noop.ts'],
  'shared-rate': ['shared-rate.ts', '--uais', '100', '--rate', '5', '--workers', '3'],
  scale: ['scale.ts', '--scales', '1,3,10'],
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !BENCHES[name]);
if (unknown.length) {
  console.error(`unknown bench ${unknown.join(', ')}; benches: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
let failed = 0;
for (const name of asked.length ? asked : Object.keys(BENCHES)) {
  const [file, ...args] = BENCHES[name];
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, file), ...args], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
  console.log(
    `(${name}: ${run.status === 0 ? 'done' : `failed with ${run.signal ?? `exit code ${run.status}`}`} in ${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
  );
}
process.exitCode = failed ? 1 : 0;
