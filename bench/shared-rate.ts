/**
 * One rate limit across landing workers: three `devenir worker --role landing` processes (one activity slot each)
 * run the InserJeunes per-UAI loop for three millésimes at once (one activity each) against the simulator, which
 * counts the requests it serves. Prints the requests per second measured over the run against the publisher's
 * limit, the busiest 10 s, and the wall time against the ideal (requests / limit).
 * Usage: npx tsx bench/shared-rate.ts [--uais 200] [--rate 5] [--workers 3]   (≈ 2 minutes at the defaults)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { livePollers } from '../infra/commands/require-workers.js';
import { loadConfig } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';
import { deppUais } from '../infra/simulators/inserjeunes-uai.js';
import { startSimulators } from '../infra/simulators/index.js';
import { sampleMillesimes } from '../infra/simulators/sample-data.js';
import { connectClient, runContext } from '../infra/temporal.js';
import { startWorker } from '../infra/worker.js';
import { benchDir, benchEnv, numberArg, secs } from './bench-env.js';

const uaiCount = numberArg('uais', 200);
const rate = numberArg('rate', 5);
const workerCount = numberArg('workers', 3);
const known = [...deppUais().keys()].sort();
const uais = Array.from({ length: uaiCount }, (_, i) => known[Math.floor((i * known.length) / uaiCount)]);
const periods = sampleMillesimes().slice(-workerCount);
const dir = benchDir();
const sims = await startSimulators({ only: ['inserjeunes'] });
const env = benchEnv(dir, rate, {
  DEVENIR_TASK_QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
  DEVENIR_INSERJEUNES_URL: sims.baseUrls.inserjeunes!,
  DEVENIR_LANDING_SLOTS: '1',
  ...(process.env.TEMPORAL_ADDRESS ? { TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS } : {}),
});
const config = loadConfig(env);
const children: ChildProcess[] = [];
const workflows = await startWorker(config, createLogger('error', { pretty: false }), {}, ['workflows']);
const client = await connectClient(config);
try {
  for (let i = 0; i < workerCount; i++)
    children.push(
      spawn(process.execPath, [path.resolve('bin/devenir.js'), 'worker', '--role', 'landing'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    );
  const ctx = runContext(config);
  while ((await livePollers(client, config.temporal.namespace, ctx.queues.landing, 'activity')) < workerCount) {
    if (children.some((c) => c.exitCode !== null)) throw new Error('a landing worker process exited before polling');
    await new Promise((r) => setTimeout(r, 250));
  }
  const served = () => sims.requests.get('inserjeunes')?.length ?? 0;
  const samples: Array<{ at: number; n: number }> = [];
  const sampler = setInterval(() => samples.push({ at: performance.now(), n: served() }), 100);
  const progress = setInterval(() => process.stderr.write(`  … ${served()} requests served\n`), 10_000);
  const result = await client.workflow.execute('refreshSourceWorkflow', {
    taskQueue: ctx.queues.workflows,
    workflowId: `${ctx.idPrefix}/bench/shared-rate`,
    args: [
      { ...ctx, source: 'inserjeunes', datasets: ['etablissements'], periods, scope: { uai: uais }, publish: false },
    ],
  });
  clearInterval(sampler);
  clearInterval(progress);
  const total = served();
  const first = samples.find((s) => s.n > 0)!;
  const last = samples.find((s) => s.n === total)!;
  const wallMs = last.at - first.at;
  const idealMs = (1000 * (total - first.n)) / rate;
  let busiest = 0;
  for (const s of samples) {
    const end = samples.find((e) => e.at >= s.at + 10_000);
    if (end) busiest = Math.max(busiest, (end.n - s.n) / ((end.at - s.at) / 1000));
  }
  if (process.argv.includes('--timeline'))
    for (let i = 0; i < samples.length; i += 50)
      process.stderr.write(`  t=${secs(samples[i].at - first.at)} ${samples[i].n}\n`);
  const landed = (result as { landed: Array<{ rows: number; requests: number }> }).landed;
  console.log(
    `shared-rate benchmark: ${workerCount} landing worker processes, InserJeunes per-UAI loop for ${periods.join(', ')} (${uaiCount} UAIs each), limit ${rate} requests/s, ${os.cpus().length} cores`,
  );
  console.log(
    `  requests served: ${total.toLocaleString('en')}; rows landed: ${landed.reduce((a, l) => a + l.rows, 0).toLocaleString('en')}`,
  );
  const measured = (total - first.n) / (wallMs / 1000);
  console.log(
    `  measured: ${measured.toFixed(2)} requests/s over the run (${(measured / rate).toFixed(3)} × the limit), busiest 10 s: ${busiest.toFixed(2)} requests/s (${(busiest / rate).toFixed(3)} ×)`,
  );
  console.log(
    `  wall time (first to last request): ${secs(wallMs)}; ideal (requests / limit): ${secs(idealMs)}; ratio ${(wallMs / idealMs).toFixed(3)}`,
  );
} finally {
  for (const c of children) c.kill('SIGTERM');
  await workflows.shutdown();
  await client.connection.close();
  await sims.close();
  rmSync(dir, { recursive: true, force: true });
}
