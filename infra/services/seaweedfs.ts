import fs from 'node:fs';
import type { Logger } from 'pino';
import { portFromEnv } from './port-probe.js';
import { type S3Coordinates, canListBuckets, canWrite, ensureBucket, s3ClientFor } from './s3-probe.js';
import { servicePaths } from './service-paths.js';
import { type ServiceRecord, spawnService, waitUntilHealthy } from './service-process.js';

export const SEAWEEDFS_HOST = '127.0.0.1';

/**
 * Fixed credentials of the local SeaweedFS S3 gateway. Not a secret: the gateway listens on loopback only and
 * holds dev data; documented in the README so scripts and analysts can use it.
 */
export const SEAWEEDFS_DEV_CREDENTIALS = { accessKeyId: 'devenir', secretAccessKey: 'devenir-local-secret' } as const;
export const SEAWEEDFS_DEV_BUCKET = 'devenir';
export const SEAWEEDFS_REGION = 'us-east-1';

/** HTTP ports; each gRPC port is the HTTP port + 10000 (SeaweedFS's own convention, set explicitly). */
export interface SeaweedfsPorts {
  master: number;
  volume: number;
  filer: number;
  s3: number;
}

/** Ports of the local SeaweedFS, from DEVENIR_SEAWEEDFS_{MASTER,VOLUME,FILER,S3}_PORT or the defaults. */
export function seaweedfsPorts(env: NodeJS.ProcessEnv = process.env): SeaweedfsPorts {
  const port = (name: string, fallback: number) => portFromEnv(env, `DEVENIR_SEAWEEDFS_${name}_PORT`, fallback, 55_535);
  return {
    master: port('MASTER', 9333),
    volume: port('VOLUME', 18080),
    filer: port('FILER', 18888),
    s3: port('S3', 8333),
  };
}

/** Every TCP port the server binds (HTTP and gRPC), for the "port in use" check. */
export function seaweedfsBoundPorts(ports: SeaweedfsPorts): number[] {
  const http = [ports.s3, ports.master, ports.volume, ports.filer];
  return [...http, ...http.map((p) => p + 10_000)];
}

/** Coordinates of the local gateway for the given ports (bucket `devenir` unless an `s3://` lake names another). */
export function seaweedfsCoordinates(ports: SeaweedfsPorts, bucket: string = SEAWEEDFS_DEV_BUCKET): S3Coordinates {
  return {
    endpoint: `http://${SEAWEEDFS_HOST}:${ports.s3}`,
    ...SEAWEEDFS_DEV_CREDENTIALS,
    bucket,
    region: SEAWEEDFS_REGION,
  };
}

export interface StartSeaweedfsInput {
  home: string;
  weedBin: string;
  ports: SeaweedfsPorts;
  /** Created when missing (default `devenir`). */
  bucket?: string;
  log: Logger;
  timeoutMs?: number;
}

/** Starts `weed server` (master, volume, filer, S3 gateway) detached on loopback, waits for ListBuckets, then makes the bucket writable. */
export async function startSeaweedfs({
  home,
  weedBin,
  ports,
  bucket,
  log,
  timeoutMs = 60_000,
}: StartSeaweedfsInput): Promise<ServiceRecord> {
  const paths = servicePaths(home);
  const s3 = seaweedfsCoordinates(ports, bucket);
  fs.mkdirSync(paths.seaweedfs.dataDir, { recursive: true });
  const identities = {
    identities: [
      {
        name: 'devenir',
        credentials: [{ accessKey: s3.accessKeyId, secretKey: s3.secretAccessKey }],
        actions: ['Admin', 'Read', 'List', 'Tagging', 'Write'],
      },
    ],
  };
  fs.writeFileSync(paths.seaweedfs.s3ConfigFile, `${JSON.stringify(identities, null, 2)}\n`, { mode: 0o600 });
  const grpc = (port: number) => String(port + 10_000);
  const args = [
    '-logtostderr', // glog would also write files to /tmp; stderr goes to our log file
    'server',
    `-ip=${SEAWEEDFS_HOST}`,
    `-ip.bind=${SEAWEEDFS_HOST}`,
    `-dir=${paths.seaweedfs.dataDir}`,
    `-master.port=${ports.master}`,
    `-master.port.grpc=${grpc(ports.master)}`,
    `-volume.port=${ports.volume}`,
    `-volume.port.grpc=${grpc(ports.volume)}`,
    '-filer',
    `-filer.port=${ports.filer}`,
    `-filer.port.grpc=${grpc(ports.filer)}`,
    '-s3',
    `-s3.port=${ports.s3}`,
    `-s3.port.grpc=${grpc(ports.s3)}`,
    `-s3.config=${paths.seaweedfs.s3ConfigFile}`,
    // Small, lazily grown volumes (no GB preallocation); as many as the disk allows, so new buckets never run out.
    '-master.volumeSizeLimitMB=64',
    '-volume.max=0',
    // Single master: do not replay raft state at start (a resumed one waits ~17 s for an election it cannot lose).
    '-master.resumeState=false',
    // Off: the Iceberg and Lance catalogs (ports 8181/9101), the IAM API, telemetry, the 10 s stop delay.
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
    '-s3.iam=false',
    '-master.telemetry=false',
    '-volume.preStopSeconds=0',
  ];
  const started = Date.now();
  const record = spawnService({
    name: 'SeaweedFS',
    bin: weedBin,
    args,
    pidFile: paths.seaweedfs.pidFile,
    logFile: paths.seaweedfs.logFile,
    cwd: paths.services,
    address: s3.endpoint,
    ports: seaweedfsBoundPorts(ports),
  });
  log.info({ pid: record.pid, endpoint: s3.endpoint, log: record.logFile }, 'starting SeaweedFS');
  const client = s3ClientFor(s3, true);
  try {
    await waitUntilHealthy({ record, check: () => canListBuckets(client), timeoutMs });
    await ensureBucket(client, s3.bucket, log);
    const left = Math.max(5_000, started + timeoutMs - Date.now());
    await waitUntilHealthy({ record, check: () => canWrite(client, s3.bucket), timeoutMs: left });
  } finally {
    client.destroy();
  }
  log.info({ endpoint: s3.endpoint, bucket: s3.bucket, ms: Date.now() - started }, 'SeaweedFS S3 ready');
  return record;
}

/** True when the local gateway at `endpoint` answers ListBuckets with the dev credentials. */
export async function isSeaweedfsHealthy(endpoint: string, timeoutMs = 3_000): Promise<boolean> {
  const client = s3ClientFor({ endpoint, region: SEAWEEDFS_REGION, ...SEAWEEDFS_DEV_CREDENTIALS }, true);
  try {
    return await canListBuckets(client, timeoutMs);
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}
