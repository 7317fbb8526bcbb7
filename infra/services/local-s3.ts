import type { Logger } from 'pino';
import { type Config, isS3Lake } from '../config.js';
import { servicesUp } from './index.js';
import {
  isSeaweedfsHealthy,
  SEAWEEDFS_DEV_CREDENTIALS,
  SEAWEEDFS_HOST,
  SEAWEEDFS_REGION,
  seaweedfsPorts,
} from './seaweedfs.js';

/**
 * For an `s3://` lake with no AWS_ENDPOINT_URL_S3: the local SeaweedFS's coordinates, found the way `start` finds
 * them (a gateway answering on DEVENIR_SEAWEEDFS_S3_PORT with the documented dev credentials, else the one this
 * project starts). Fills `config.s3` in place; a configured store, or a folder lake, is left as is.
 */
export async function useLocalS3(config: Config, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!isS3Lake(config) || config.s3.endpoint !== undefined) return;
  const local = `http://${SEAWEEDFS_HOST}:${seaweedfsPorts(env).s3}`;
  let endpoint = local;
  if (!(await isSeaweedfsHealthy(local))) {
    const up = await servicesUp(config, { log, temporal: false, s3: true, env });
    endpoint = up.s3?.endpoint ?? local;
    if (up.started.length) log.info({ started: up.started }, 'services started');
  }
  config.s3 = { ...config.s3, endpoint, ...SEAWEEDFS_DEV_CREDENTIALS, region: SEAWEEDFS_REGION };
}
