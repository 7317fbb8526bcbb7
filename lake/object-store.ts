/** An object's identity at one point in time: its key, size and an opaque version (ETag or content hash). */
export interface ObjectInfo {
  key: string;
  size: number;
  version: string;
  lastModified: Date;
}

export interface StoredObject {
  body: Buffer;
  version: string;
}

/** A conditional write lost: the object exists (create-only) or changed (compare-and-swap). */
export class PreconditionFailed extends Error {
  override name = 'PreconditionFailed';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`${key}: ${reason}`);
  }
}

/**
 * The lake's storage: a local folder or an S3 bucket prefix, behind one interface.
 * Keys are `/`-separated and relative to the lake root.
 */
export interface ObjectStore {
  /** `file:///…` or `s3://bucket/prefix`, for messages. */
  readonly root: string;
  get(key: string): Promise<StoredObject | undefined>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Unconditional write. */
  put(key: string, body: Buffer | string): Promise<{ version: string }>;
  /** Create-only write; throws PreconditionFailed when the key exists. */
  putIfAbsent(key: string, body: Buffer | string): Promise<{ version: string }>;
  /** Compare-and-swap write; throws PreconditionFailed unless the current version is `expected`. */
  putIfMatch(key: string, body: Buffer | string, expected: string): Promise<{ version: string }>;
  /** Every object whose key starts with `prefix`, in key order (versions here are informative, not for CAS). */
  list(prefix: string): Promise<ObjectInfo[]>;
  delete(key: string): Promise<void>;
  /** Streams a local file to `key`; create-only when `ifAbsent` (an existing key is then left as is). */
  uploadFile(
    key: string,
    localPath: string,
    opts?: { ifAbsent?: boolean },
  ): Promise<{ version: string; created: boolean }>;
  /** Streams `key` to a local file, written atomically (temp file then rename). */
  downloadFile(key: string, localPath: string): Promise<void>;
  /** A local path DuckDB can read for `key` (the file itself on a filesystem store), or undefined. */
  localPath(key: string): string | undefined;
}
