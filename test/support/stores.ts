import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FsObjectStore } from '../../lake/fs-store.js';
import type { ObjectStore } from '../../lake/object-store.js';
import { S3ObjectStore } from '../../lake/s3-store.js';

/** Coordinates of the SeaweedFS started by test/global-setup.ts; a missing one is an error, never a skip. */
export function testS3() {
  const endpoint = process.env.DEVENIR_TEST_S3_ENDPOINT;
  if (!endpoint)
    throw new Error('DEVENIR_TEST_S3_ENDPOINT is not set: run the tests with `npm test` (it starts SeaweedFS)');
  return {
    endpoint,
    accessKeyId: process.env.DEVENIR_TEST_S3_ACCESS_KEY_ID!,
    secretAccessKey: process.env.DEVENIR_TEST_S3_SECRET_ACCESS_KEY!,
    bucket: process.env.DEVENIR_TEST_S3_BUCKET ?? 'devenir',
    region: 'us-east-1',
    conditional: JSON.parse(process.env.DEVENIR_TEST_S3_CONDITIONAL ?? '{"ifNoneMatch":true,"ifMatch":true}') as {
      ifNoneMatch: boolean;
      ifMatch: boolean;
    },
  };
}

/** An S3 store on the test SeaweedFS (or through `endpoint`, e.g. a fault proxy), under `prefix` (fresh by default). */
export function testS3Store(
  opts: {
    endpoint?: string;
    prefix?: string;
    requestTimeoutMs?: number;
    maxAttempts?: number;
    multipartThreshold?: number;
    partSize?: number;
  } = {},
): S3ObjectStore {
  const s3 = testS3();
  return new S3ObjectStore({
    bucket: s3.bucket,
    prefix: opts.prefix ?? `test-${randomUUID()}`,
    endpoint: opts.endpoint ?? s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    conditionalWrites: s3.conditional.ifNoneMatch && s3.conditional.ifMatch,
    requestTimeoutMs: opts.requestTimeoutMs,
    maxAttempts: opts.maxAttempts,
    multipartThreshold: opts.multipartThreshold,
    partSize: opts.partSize,
  });
}

/** A fresh, empty store of each kind: a temp folder, and a unique prefix in the test bucket. */
export const STORE_KINDS: Array<{ kind: string; make: () => ObjectStore }> = [
  { kind: 'filesystem', make: () => new FsObjectStore(mkdtempSync(path.join(os.tmpdir(), 'devenir-lake-'))) },
  { kind: 's3 (SeaweedFS)', make: () => testS3Store() },
];

/** An S3 lake location (`s3://bucket/prefix`) with a unique prefix, for end-to-end tests. */
export function testS3LakeEnv(): NodeJS.ProcessEnv {
  const s3 = testS3();
  return {
    DEVENIR_LAKE: `s3://${s3.bucket}/e2e-${randomUUID()}`,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
  };
}
