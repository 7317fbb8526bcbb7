import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { isPortOpen, portFromEnv } from './port-probe.js';
import { servicePaths } from './service-paths.js';
import { type ServiceRecord, spawnService, waitUntilHealthy } from './service-process.js';

/** Custom search attributes the dev server registers at start (workflows tag runs with them). */
export const DEVENIR_SEARCH_ATTRIBUTES = { DevenirSource: 'Keyword', DevenirMillesime: 'Keyword' } as const;

export const TEMPORAL_HOST = '127.0.0.1';

export interface TemporalPorts {
  /** Frontend gRPC (env DEVENIR_TEMPORAL_PORT, default 7233). */
  port: number;
  /** Web UI (env DEVENIR_TEMPORAL_UI_PORT, default 8233). */
  uiPort: number;
}

/** Ports of the local dev server, from the environment or the defaults. */
export function temporalPorts(env: NodeJS.ProcessEnv = process.env): TemporalPorts {
  return {
    port: portFromEnv(env, 'DEVENIR_TEMPORAL_PORT', 7233),
    uiPort: portFromEnv(env, 'DEVENIR_TEMPORAL_UI_PORT', 8233),
  };
}

export interface StartTemporalInput {
  home: string;
  temporalBin: string;
  ports: TemporalPorts;
  log: Logger;
  timeoutMs?: number;
}

/** Starts `temporal server start-dev` detached on loopback (SQLite state under <home>/services) and waits until it serves. */
export async function startTemporalDevServer({
  home,
  temporalBin,
  ports,
  log,
  timeoutMs = 60_000,
}: StartTemporalInput): Promise<ServiceRecord> {
  const paths = servicePaths(home);
  const address = `${TEMPORAL_HOST}:${ports.port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    TEMPORAL_HOST,
    '--port',
    String(ports.port),
    '--ui-port',
    String(ports.uiPort),
    '--db-filename',
    paths.temporal.dbFile,
    '--log-level',
    'warn',
    '--namespace',
    'default',
    '--ui-disable-news-fetch',
    ...Object.entries(DEVENIR_SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  // The CLI reads TEMPORAL_* variables as flags; keep the user's client settings away from the server.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_')));
  const started = Date.now();
  const record = spawnService({
    name: 'Temporal dev server',
    bin: temporalBin,
    args,
    pidFile: paths.temporal.pidFile,
    logFile: paths.temporal.logFile,
    cwd: paths.services,
    env,
    address,
    ports: [ports.port, ports.uiPort],
  });
  log.info({ pid: record.pid, address, log: record.logFile }, 'starting Temporal dev server');
  await waitUntilHealthy({ record, check: () => isTemporalHealthy(address), timeoutMs });
  log.info(
    { address, uiUrl: `http://${TEMPORAL_HOST}:${ports.uiPort}`, ms: Date.now() - started },
    'Temporal dev server ready',
  );
  return record;
}

/** True when the frontend at `address` answers GetSystemInfo and the default namespace has devenir's search attributes. */
export async function isTemporalHealthy(address: string, timeoutMs = 3_000): Promise<boolean> {
  const [host, port] = splitAddress(address);
  if (!(await isPortOpen(host, port, timeoutMs))) return false;
  const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
  try {
    return await connection.withDeadline(Date.now() + timeoutMs, async () => {
      await connection.workflowService.getSystemInfo({});
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      return Object.keys(DEVENIR_SEARCH_ATTRIBUTES).every((name) => customAttributes?.[name] !== undefined);
    });
  } finally {
    await connection.close();
  }
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at).replace(/^\[|\]$/g, ''), Number(address.slice(at + 1))];
}
