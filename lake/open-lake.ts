import path from 'node:path';
import { FsObjectStore } from './fs-store.js';
import { Lake } from './lake.js';
import type { ObjectStore } from './object-store.js';

export interface LakeLocation {
  /** A local folder, or `s3://bucket/prefix`. */
  lake: string;
  s3?: { endpoint?: string; region: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean };
}

const probed = new Map<string, Promise<boolean>>();

/**
 * Opens the lake a location names. On S3 the server's conditional writes are probed once per process, at the first
 * conditional write (a command that only reads writes nothing); where they are not enforced the store checks before
 * it writes, and commits must go through the single committer workflow.
 */
export async function openStore(location: LakeLocation): Promise<ObjectStore> {
  if (!location.lake.startsWith('s3://')) return new FsObjectStore(path.resolve(location.lake));
  // The AWS SDK is loaded only for an S3 lake (it is most of a short command's start-up time).
  const { probeConditionalWrites, S3ObjectStore } = await import('./s3-store.js');
  const [bucket, ...rest] = location.lake.slice('s3://'.length).split('/');
  const options = {
    bucket,
    prefix: rest.filter(Boolean).join('/'),
    region: location.s3?.region ?? 'us-east-1',
    endpoint: location.s3?.endpoint,
    accessKeyId: location.s3?.accessKeyId,
    secretAccessKey: location.s3?.secretAccessKey,
    forcePathStyle: location.s3?.forcePathStyle ?? true,
  };
  const conditionalWrites = () => {
    let probe = probed.get(location.lake);
    if (!probe) {
      probe = probeConditionalWrites(new S3ObjectStore({ ...options, conditionalWrites: true })).then(
        (p) => p.ifNoneMatch && p.ifMatch,
        (error: unknown) => {
          probed.delete(location.lake); // asked again at the next write
          throw error;
        },
      );
      probed.set(location.lake, probe);
    }
    return probe;
  };
  return new S3ObjectStore({ ...options, conditionalWrites });
}

export async function openLake(location: LakeLocation): Promise<Lake> {
  return new Lake(await openStore(location));
}
