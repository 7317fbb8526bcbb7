import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Logger } from 'pino';

/** Where an S3 store is and how to sign for it. */
export interface S3Coordinates {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  region: string;
}

/** Whether the store enforces conditional PutObject: create-only (`If-None-Match: *`) and compare-and-swap (`If-Match`). */
export interface ConditionalWriteProbe {
  ifNoneMatch: boolean;
  ifMatch: boolean;
}

/** A path-style client for a dev or test store (no retries when `probe`, so health polls stay short). */
export function s3ClientFor(s3: Omit<S3Coordinates, 'bucket'>, probe = false): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    ...(probe ? { maxAttempts: 1 } : {}),
  });
}

/** True when ListBuckets succeeds within timeoutMs. */
export async function canListBuckets(client: S3Client, timeoutMs = 3_000): Promise<boolean> {
  await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
  return true;
}

/** Creates the bucket when missing (versioning stays off: SeaweedFS conditional writes break on versioned buckets). */
export async function ensureBucket(client: S3Client, bucket: string, log: Logger): Promise<boolean> {
  let created = false;
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    created = true;
    log.info({ bucket }, 'created S3 bucket');
  }
  const { Status } = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
  if (Status !== undefined)
    log.warn({ bucket, versioning: Status }, 'bucket versioning is not off: conditional writes may be unreliable');
  return created;
}

/** Writes a probe object until the store accepts writes (a fresh SeaweedFS grows its first volumes on demand). */
export async function canWrite(client: S3Client, bucket: string): Promise<boolean> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: '_devenir/health', Body: new Date().toISOString() }));
  return true;
}

/** Probes create-only and compare-and-swap PutObject on a throwaway key; reports, never throws for unsupported. */
export async function probeConditionalWrites(client: S3Client, bucket: string): Promise<ConditionalWriteProbe> {
  const Key = `_devenir/probe/conditional-${randomUUID()}`;
  const put = async (Body: string, condition: { IfNoneMatch?: string; IfMatch?: string }) => {
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body, ...condition }));
      return 200;
    } catch (error) {
      const status = statusOf(error);
      if (status === undefined) throw error;
      return status;
    }
  };
  try {
    const first = await put('one', { IfNoneMatch: '*' });
    const again = await put('two', { IfNoneMatch: '*' });
    const ifNoneMatch = first === 200 && again === 412;
    // Compare-and-swap: the current ETag must win, then the same (now stale) ETag must get 412.
    const { ETag } = await client.send(new HeadObjectCommand({ Bucket: bucket, Key }));
    const current = ETag ?? '"00000000000000000000000000000000"';
    const swap = await put('three', { IfMatch: current });
    const stale = await put('four', { IfMatch: current });
    const ifMatch = swap === 200 && stale === 412;
    return { ifNoneMatch, ifMatch };
  } finally {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key })).catch(() => undefined);
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}
