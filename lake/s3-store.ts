import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { named, resend, s3Client, status, type S3ClientOptions } from './s3-client.js';
import { PreconditionFailed, type ObjectInfo, type ObjectStore, type StoredObject } from './object-store.js';

export interface S3StoreOptions extends S3ClientOptions {
  prefix: string;
  /**
   * Whether the server enforces If-None-Match / If-Match (see probeConditionalWrites), or how to find out: asked at
   * the first conditional write, so that a command that only reads writes nothing (and needs no write permission).
   */
  conditionalWrites: boolean | (() => Promise<boolean>);
  /** Attempts per request, retried with exponential backoff and jitter (default 5). */
  maxAttempts?: number;
  /** Files larger than this are uploaded in parts of `partSize` bytes (defaults 64 MiB and 16 MiB; S3's minimum part is 5 MiB). */
  multipartThreshold?: number;
  partSize?: number;
}

const DEFAULT_MAX_ATTEMPTS = 5;
/** One PUT takes at most 5 GB on S3; well below that, parts upload two at a time and each is retried alone. */
const MULTIPART_THRESHOLD = 64 * 1024 * 1024;
const PART_SIZE = 16 * 1024 * 1024;

/** The lake on S3 (AWS, SeaweedFS, MinIO…): create-only with If-None-Match, compare-and-swap with If-Match. */
export class S3ObjectStore implements ObjectStore {
  readonly root: string;
  readonly client: S3Client;
  private readonly streamClient: S3Client;

  constructor(readonly options: S3StoreOptions) {
    this.root = `s3://${options.bucket}/${options.prefix}`.replace(/\/$/, '');
    this.client = s3Client(options, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    // A streamed body is read once, so the SDK cannot replay it: uploadFile retries with a fresh stream itself.
    this.streamClient = s3Client(options, 1);
  }

  /** Whether the server enforces conditional writes: as told, or as the given probe answers (it keeps its answer). */
  private async atomicConditionalWrites(): Promise<boolean> {
    const told = this.options.conditionalWrites;
    return typeof told === 'boolean' ? told : told();
  }

  localPath(): undefined {
    return undefined;
  }

  private k(key: string): string {
    return this.options.prefix ? `${this.options.prefix.replace(/\/$/, '')}/${key}` : key;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      return await resend(`GetObject ${this.root}/${key}`, async () => {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.k(key) }));
        return { body: Buffer.from(await out.Body!.transformToByteArray()), version: out.ETag ?? '' };
      });
    } catch (error) {
      if (status(error) === 404) return undefined;
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.k(key) }));
      return {
        key,
        size: out.ContentLength ?? 0,
        version: out.ETag ?? '',
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (status(error) === 404) return undefined;
      throw error;
    }
  }

  async put(key: string, body: Buffer | string): Promise<{ version: string }> {
    const out = await this.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: this.k(key), Body: Buffer.from(body) }),
    );
    return { version: out.ETag ?? '' };
  }

  async putIfAbsent(key: string, body: Buffer | string): Promise<{ version: string }> {
    if (!(await this.atomicConditionalWrites()) && (await this.head(key)))
      throw new PreconditionFailed(key, 'already exists');
    return this.conditional(
      key,
      () =>
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.k(key),
          Body: Buffer.from(body),
          IfNoneMatch: '*',
        }),
      'already exists',
    );
  }

  async putIfMatch(key: string, body: Buffer | string, expected: string): Promise<{ version: string }> {
    if (!(await this.atomicConditionalWrites())) {
      const current = await this.head(key);
      if (!current || current.version !== expected) throw new PreconditionFailed(key, 'changed since it was read');
    }
    return this.conditional(
      key,
      () =>
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.k(key),
          Body: Buffer.from(body),
          IfMatch: expected,
        }),
      'changed since it was read',
    );
  }

  /** Sends a conditional put; 412 is a lost race, 409 (a concurrent conditional request) is retried. */
  private async conditional(
    key: string,
    command: () => PutObjectCommand,
    reason: string,
  ): Promise<{ version: string }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await this.client.send(command());
        return { version: out.ETag ?? '' };
      } catch (error) {
        if (status(error) === 412) throw new PreconditionFailed(key, reason);
        if (status(error) === 409 && attempt < 10) {
          await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
          continue;
        }
        throw error;
      }
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    const strip = this.options.prefix ? this.options.prefix.replace(/\/$/, '').length + 1 : 0;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.k(prefix), ContinuationToken: token }),
      );
      for (const o of page.Contents ?? [])
        out.push({
          key: o.Key!.slice(strip),
          size: o.Size ?? 0,
          version: o.ETag ?? '',
          lastModified: o.LastModified ?? new Date(0),
        });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.k(key) }));
  }

  async uploadFile(
    key: string,
    localPath: string,
    opts: { ifAbsent?: boolean } = {},
  ): Promise<{ version: string; created: boolean }> {
    const { size } = await fs.stat(localPath);
    if (opts.ifAbsent) {
      // Content-addressed objects usually exist already on an unchanged refresh: a HEAD saves the upload.
      const existing = await this.head(key);
      if (existing) return { version: existing.version, created: false };
    }
    if (size > (this.options.multipartThreshold ?? MULTIPART_THRESHOLD)) return this.uploadParts(key, localPath);
    try {
      // A stream is read once: each attempt opens the file again (streamClient makes one attempt).
      const attempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
      const out = await resend(
        `PutObject ${this.root}/${key}`,
        () =>
          this.streamClient.send(
            new PutObjectCommand({
              Bucket: this.options.bucket,
              Key: this.k(key),
              Body: createReadStream(localPath),
              ContentLength: size,
              IfNoneMatch: opts.ifAbsent ? '*' : undefined,
            }),
          ),
        attempts,
      );
      return { version: out.ETag ?? '', created: true };
    } catch (error) {
      if (opts.ifAbsent && status(error) === 412)
        return { version: (await this.head(key))?.version ?? '', created: false };
      throw error;
    }
  }

  /**
   * A large file in parts (lib-storage's Upload: each part is a buffer the SDK retries on its own; on failure the
   * upload is aborted and its parts dropped). The object appears whole at CompleteMultipartUpload, or not at all.
   * Unconditional: only content-addressed data files (the same key is the same bytes) and exports get this large.
   */
  private async uploadParts(key: string, localPath: string): Promise<{ version: string; created: boolean }> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key: this.k(key), Body: createReadStream(localPath) },
      partSize: this.options.partSize ?? PART_SIZE,
      queueSize: 2,
      leavePartsOnError: false,
    });
    try {
      const out = await upload.done();
      return { version: out.ETag ?? '', created: true };
    } catch (error) {
      throw named(error, `multipart upload of ${this.root}/${key}`);
    }
  }

  async downloadFile(key: string, localPath: string): Promise<void> {
    await fs.mkdir(path.dirname(localPath), { recursive: true });
    const tmp = `${localPath}.tmp-${randomUUID()}`;
    try {
      await resend(`GetObject ${this.root}/${key}`, async () => {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.k(key) }));
        await pipeline(out.Body as Readable, createWriteStream(tmp));
      });
      await fs.rename(tmp, localPath);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }
}

/** Checks that the server refuses a second create-only put and a stale compare-and-swap (both must answer 412). */
export async function probeConditionalWrites(
  store: S3ObjectStore,
): Promise<{ ifNoneMatch: boolean; ifMatch: boolean }> {
  const key = `_meta/probe/${randomUUID()}`;
  const atomic = new S3ObjectStore({ ...store.options, conditionalWrites: true });
  const refused = async (fn: () => Promise<unknown>) =>
    fn().then(
      () => false,
      (e) => e instanceof PreconditionFailed,
    );
  try {
    const first = await atomic.putIfAbsent(key, 'a');
    const ifNoneMatch = await refused(() => atomic.putIfAbsent(key, 'b'));
    await atomic.put(key, 'c');
    const ifMatch = await refused(() => atomic.putIfMatch(key, 'd', first.version));
    return { ifNoneMatch, ifMatch };
  } finally {
    await atomic.delete(key).catch(() => undefined);
  }
}
