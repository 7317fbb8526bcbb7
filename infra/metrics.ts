import http from 'node:http';
import net from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Lake } from '../lake/lake.js';
import { events } from '../lake/events.js';

/** The worker's Prometheus metrics (docs/operations.md lists them); the Temporal SDK's are appended to the scrape. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'devenir_process_' });

const rowsLanded = new Counter({
  name: 'devenir_rows_landed_total',
  help: 'Rows landed (staged) per source',
  labelNames: ['source'],
  registers: [registry],
});
const rowsQuarantined = new Counter({
  name: 'devenir_rows_quarantined_total',
  help: 'Rows quarantined per source',
  labelNames: ['source'],
  registers: [registry],
});
const requests = new Counter({
  name: 'devenir_requests_total',
  help: 'HTTP requests to the publisher per source',
  labelNames: ['source'],
  registers: [registry],
});
const retries = new Counter({
  name: 'devenir_request_retries_total',
  help: 'HTTP requests retried in-process per source',
  labelNames: ['source'],
  registers: [registry],
});
const modelSeconds = new Gauge({
  name: 'devenir_model_build_seconds',
  help: 'Time of the last build of each model (its SQL)',
  labelNames: ['model'],
  registers: [registry],
});
const buildSeconds = new Histogram({
  name: 'devenir_build_seconds',
  help: 'Time of whole builds (all layers)',
  buckets: [10, 30, 60, 120, 300, 600, 1800, 3600],
  registers: [registry],
});
const publishes = new Counter({
  name: 'devenir_publishes_total',
  help: 'Publishes, by outcome (committed: a new lake snapshot; unchanged)',
  labelNames: ['outcome'],
  registers: [registry],
});

events.on('retry', (source) => retries.inc({ source }));
events.on('model', (id, ms) => modelSeconds.set({ model: id }, ms / 1000));

/** Records an activity's result in the metrics (called by the activity wrapper; unknown results are ignored). */
export function recordActivity(name: string, result: unknown): void {
  const r = result as Record<string, unknown>;
  if (name === 'landSource' && typeof r.source === 'string') {
    rowsLanded.inc({ source: r.source }, Number(r.rows ?? 0));
    rowsQuarantined.inc({ source: r.source }, Number(r.quarantined ?? 0));
    requests.inc({ source: r.source }, Number(r.requests ?? 0));
  } else if (name === 'buildLayers') {
    const total = (r.timings as { total?: number } | undefined)?.total;
    if (total !== undefined) buildSeconds.observe(total / 1000);
  } else if (name === 'publishStaged') {
    publishes.inc({ outcome: r.committed ? 'committed' : 'unchanged' });
  }
}

/** Seconds since each source's last successful landing: the newest raw table snapshot of the source in the lake. */
function lastLandingAge(lake: Lake): Gauge {
  return new Gauge({
    name: 'devenir_source_last_landing_age_seconds',
    help: "Seconds since each source's last landing was published (newest raw table snapshot)",
    labelNames: ['source'],
    registers: [registry],
    async collect() {
      this.reset();
      const newest = new Map<string, number>();
      for (const [name, manifest] of await lake.tables()) {
        if (!name.startsWith('raw.') || name.endsWith('__quarantine')) continue;
        const source = name.slice('raw.'.length).split('__')[0].replace(/_/g, '-');
        newest.set(source, Math.max(newest.get(source) ?? 0, Date.parse(manifest.created_at)));
      }
      for (const [source, at] of newest) this.set({ source }, Math.max(0, (Date.now() - at) / 1000));
    },
  });
}

/** A free loopback port (for the Temporal SDK's own exporter, scraped through ours). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Where the Temporal SDK should export its metrics, when DEVENIR_METRICS_ADDRESS is set. */
export async function sdkMetricsAddress(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
}

/**
 * Serves `/metrics` on `address` (`host:port`): devenir's metrics, then the Temporal SDK's (fetched from its exporter
 * at `sdkAddress`). Returns a close function.
 */
export async function serveMetrics(address: string, lake: Lake, sdkAddress?: string): Promise<() => Promise<void>> {
  if (!registry.getSingleMetric('devenir_source_last_landing_age_seconds')) lastLandingAge(lake);
  const [host, port] = [address.slice(0, address.lastIndexOf(':')) || '0.0.0.0', Number(address.split(':').pop())];
  const server = http.createServer(async (req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end('see /metrics\n');
    try {
      const ours = await registry.metrics();
      const sdk = sdkAddress
        ? await fetch(`http://${sdkAddress}/metrics`).then(
            (r) => r.text(),
            () => '',
          )
        : '';
      res.writeHead(200, { 'content-type': registry.contentType }).end(`${ours}\n${sdk}`);
    } catch (error) {
      res.writeHead(500).end(`${(error as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return () => new Promise((resolve) => server.close(() => resolve()));
}
