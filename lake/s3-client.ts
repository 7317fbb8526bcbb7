import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';

/** Where the lake's bucket is, and how hard a request tries (see S3StoreOptions). */
export interface S3ClientOptions {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Milliseconds a request may wait on a silent socket before it is abandoned and retried (default 60 s). */
  requestTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * An S3 client with a connection and request timeout, `maxAttempts` tries with the SDK's exponential backoff and
 * jitter, and errors that name the operation and the object in one sentence (`GetObject s3://bucket/key failed…`).
 */
export function s3Client(options: S3ClientOptions, maxAttempts: number): S3Client {
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    credentials:
      options.accessKeyId && options.secretAccessKey
        ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
        : undefined,
    maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: 10_000,
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      // Without it the SDK only logs a warning and waits on a silent server for ever.
      throwOnRequestTimeout: true,
    },
    // S3-compatible servers differ on the newer default checksums; send them only where the API requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  // Around the SDK's retries: an error it gave up on is marked `retried`, and names the operation and the object.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const input = args.input as { Key?: string; Prefix?: string };
        const op = (context.commandName ?? 'S3 request').replace(/Command$/, '');
        const what = `${op} s3://${options.bucket}/${input.Key ?? input.Prefix ?? ''}`;
        throw Object.assign(named(error, what) as object, { retried: maxAttempts > 1 });
      }
    },
    { step: 'initialize', name: 'devenirNameErrors' },
  );
  return client;
}

/**
 * Sends again what the SDK could not retry: a connection lost while a body streams (an answer's on a GET) after the
 * headers came, or any transient failure of a streamed upload (sent with a client of one attempt). With backoff.
 */
export async function resend<T>(what: string, send: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const code = status(error);
      const transient = code === undefined || code >= 500 || code === 429;
      if ((error as { retried?: boolean }).retried || !transient) throw error;
      if (attempt >= attempts) throw named(error, what);
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt * Math.random()));
    }
  }
}

/** `error` as one sentence naming `what` (`GetObject s3://bucket/key`), keeping its name and HTTP status. */
export function named(error: unknown, what: string): unknown {
  if (!(error instanceof Error) || error.message.startsWith(`${what} failed`)) return error;
  const meta = (error as { $metadata?: { httpStatusCode?: number; attempts?: number } }).$metadata;
  const attempts = meta?.attempts && meta.attempts > 1 ? ` after ${meta.attempts} attempts` : '';
  const reason = (error.message.replace(/\s+/g, ' ').trim() || error.name).replace(/\.?$/, '.');
  const out = new Error(`${what} failed${attempts}: ${reason}`, { cause: error });
  return Object.assign(out, { name: error.name, $metadata: meta });
}

/** The HTTP status of an S3 error, if the server answered. */
export function status(error: unknown): number | undefined {
  if (error instanceof S3ServiceException) return error.$metadata.httpStatusCode;
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}
