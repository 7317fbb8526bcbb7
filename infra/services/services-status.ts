import { type Config, isS3Lake } from '../config.js';
import type { S3Coordinates } from './s3-probe.js';
import { SEAWEEDFS_HOST, seaweedfsPorts } from './seaweedfs.js';
import { ServiceError } from './service-error.js';
import { servicePaths } from './service-paths.js';
import { isServiceAlive, readServiceRecord } from './service-process.js';
import { TEMPORAL_HOST, temporalPorts } from './temporal-dev-server.js';

export interface ServiceStatus {
  name: 'temporal' | 'seaweedfs';
  state: 'running' | 'stopped' | 'external';
  address: string;
  pid?: number;
  log?: string;
}

/** Per service: external (configured), running (our pid file names a live process) or stopped. */
export async function servicesStatus(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<ServiceStatus[]> {
  const paths = servicePaths(config.home);
  const local = (name: ServiceStatus['name'], pidFile: string, logFile: string, address: string): ServiceStatus => {
    const record = readServiceRecord(pidFile);
    return record && isServiceAlive(record)
      ? { name, state: 'running', address: record.address, pid: record.pid, log: record.logFile }
      : { name, state: 'stopped', address, log: logFile };
  };
  const s3 = config.s3.endpoint === undefined ? undefined : { endpoint: config.s3.endpoint };
  return [
    config.temporal.address
      ? { name: 'temporal', state: 'external', address: config.temporal.address }
      : local(
          'temporal',
          paths.temporal.pidFile,
          paths.temporal.logFile,
          `${TEMPORAL_HOST}:${temporalPorts(env).port}`,
        ),
    s3
      ? { name: 'seaweedfs', state: 'external', address: s3.endpoint }
      : local(
          'seaweedfs',
          paths.seaweedfs.pidFile,
          paths.seaweedfs.logFile,
          `http://${SEAWEEDFS_HOST}:${seaweedfsPorts(env).s3}`,
        ),
  ];
}

/** The configured S3 store, if endpoint and credentials are all set; an endpoint without credentials is a config error. */
export function externalS3(config: Config): S3Coordinates | undefined {
  const { endpoint, accessKeyId, secretAccessKey, region } = config.s3;
  if (endpoint === undefined) return undefined;
  if (!accessKeyId || !secretAccessKey) {
    throw new ServiceError(
      `AWS_ENDPOINT_URL_S3 is set to ${endpoint} without AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; set both, or unset the endpoint to use the local SeaweedFS.`,
    );
  }
  return { endpoint, accessKeyId, secretAccessKey, region, bucket: lakeBucket(config) ?? 'devenir' };
}

/** The bucket an `s3://bucket/prefix` lake names, if the lake is on S3. */
export function lakeBucket(config: Config): string | undefined {
  return isS3Lake(config) ? new URL(config.lake).hostname : undefined;
}
