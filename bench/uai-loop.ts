/**
 * InserJeunes per-UAI loop: the real connector (activities/land/inserjeunes.ts, dataset `etablissements`) through the
 * land activity against its simulator at the publisher's limit, wall time against the ideal requests / rate.
 * The loop ends at the heartbeat that reports every UAI done; staging the landed rows as Parquet is timed after it.
 * Usage: npx tsx bench/uai-loop.ts [--uais 2000] [--rate 5]   (2,000 UAIs at 5/s ≈ 7 minutes)
 */
import os from 'node:os';
import { rmSync } from 'node:fs';
import { landSource } from '../activities/land/land-source.js';
import { deppUais } from '../infra/simulators/inserjeunes-uai.js';
import { startSimulators } from '../infra/simulators/index.js';
import { sampleMillesimes } from '../infra/simulators/sample-data.js';
import { benchDeps, benchDir, benchEnv, numberArg, secs, timedRuntime } from './bench-env.js';

const uaiCount = numberArg('uais', 2000);
const rate = numberArg('rate', 5);
const known = [...deppUais().keys()].sort();
if (uaiCount > known.length) throw new Error(`--uais ${uaiCount}: the simulator knows ${known.length} UAIs`);
// Spread over the whole list (every département), not the first few academies.
const uais = Array.from({ length: uaiCount }, (_, i) => known[Math.floor((i * known.length) / uaiCount)]);
const period = sampleMillesimes().at(-1)!;
const dir = benchDir();
const sims = await startSimulators({ only: ['inserjeunes'] });
try {
  const deps = await benchDeps(benchEnv(dir, rate), sims.baseUrls);
  const batch = Number(deps.config.sources.inserjeunes.options.BATCH_SIZE ?? 50);
  const started = performance.now();
  const rt = timedRuntime(started);
  const result = await landSource(deps, rt, {
    source: 'inserjeunes',
    dataset: 'etablissements',
    period,
    scope: { uai: uais },
  });
  const wallMs = performance.now() - started;
  const loopMs = rt.beats.find((b) => (b.details as { done?: number }).done === uais.length)?.at ?? wallMs;
  const idealMs = (1000 * result.requests) / rate;
  const logins = result.requests - uais.length;
  console.log(
    `uai-loop benchmark: InserJeunes /UAI/{uai}/millesime/${period}, ${uais.length.toLocaleString('en')} UAIs, ${rate} requests/s, batches of ${batch}, ${os.cpus().length} cores`,
  );
  console.log(
    `  requests: ${result.requests.toLocaleString('en')} (${uais.length.toLocaleString('en')} UAIs + ${logins} logins), ${result.skipped} skipped as "UAI incorrect ou agricole", ${result.rows.toLocaleString('en')} rows landed`,
  );
  console.log(
    `  loop wall time: ${secs(loopMs)}; ideal (requests / rate): ${secs(idealMs)}; efficiency ${((100 * idealMs) / loopMs).toFixed(1)} %; ${(result.requests / (loopMs / 1000)).toFixed(2)} requests/s achieved`,
  );
  console.log(
    `  after the loop (Parquet staging, quarantine, upload): ${secs(wallMs - loopMs)}; activity total ${secs(wallMs)}`,
  );
} finally {
  await sims.close();
  rmSync(dir, { recursive: true, force: true });
}
