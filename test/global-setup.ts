import { pino } from 'pino';
import { loadConfig } from '../infra/config.js';
import { probeConditionalWrites, s3ClientFor, servicesRelease, servicesUp } from '../infra/services/index.js';

/**
 * Starts the real Temporal dev server and SeaweedFS for the whole run (or uses TEMPORAL_ADDRESS / AWS_ENDPOINT_URL_S3
 * when set) and hands their coordinates to the test files through process.env (forks inherit it). Runs sharing the
 * working tree hold leases: at teardown the last one stops what test runs started, never services started by hand.
 * DEVENIR_TEST_SERVICES=off skips all of it (pure unit runs).
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.DEVENIR_TEST_SERVICES === 'off') return async () => {};
  const log = pino({ name: 'test-services', level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const config = loadConfig(process.env);
  const up = await servicesUp(config, { log, lease: true });
  const s3 = up.s3;
  if (s3 === undefined) throw new Error('servicesUp returned no S3 store');
  let conditional = s3.conditionalWrites;
  if (conditional === undefined) {
    const client = s3ClientFor(s3);
    conditional = await probeConditionalWrites(client, s3.bucket).finally(() => client.destroy());
  }
  Object.assign(process.env, {
    TEMPORAL_ADDRESS: up.temporalAddress,
    DEVENIR_TEST_S3_ENDPOINT: s3.endpoint,
    DEVENIR_TEST_S3_ACCESS_KEY_ID: s3.accessKeyId,
    DEVENIR_TEST_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    DEVENIR_TEST_S3_BUCKET: s3.bucket,
    DEVENIR_TEST_S3_REGION: s3.region,
    DEVENIR_TEST_S3_CONDITIONAL: JSON.stringify(conditional),
    DEVENIR_TEST_SERVICES_STARTED: up.started.join(','),
  });
  return async () => {
    await servicesRelease(config);
  };
}
