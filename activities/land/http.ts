import pRetry, { AbortError } from 'p-retry';
import pThrottle from 'p-throttle';
import type { Logger } from 'pino';
import { events } from '../../lake/events.js';
import { HttpError } from '../errors.js';
import { sourceEnvPrefix, type SourceId } from './sources.js';

export { HttpError } from '../errors.js';

/** Thrown when the publisher answers 304 to a conditional request: the payload has not changed since it was landed. */
export class NotModified extends Error {
  override name = 'NotModified';
  constructor(readonly url: string) {
    super(`not modified since the last landing: ${url}`);
  }
}

/** The validators of a payload landed before, sent (If-None-Match / If-Modified-Since) when that URL is asked again. */
export interface Conditional {
  url: string;
  etag?: string;
  lastModified?: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  url: string;
  bytes: Uint8Array;
  text(): string;
  json<T = unknown>(): T;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | FormData;
  query?: Record<string, string | number | undefined>;
  /** What the body must be; an HTML page where JSON was expected is a (retryable) error. */
  expect?: 'json' | 'text' | 'bytes';
  /** Statuses returned to the caller instead of thrown (e.g. 400 for skippable UAIs, 401 to re-login). */
  acceptStatus?: number[];
  timeoutMs?: number;
}

export interface HttpClientOptions {
  source: string;
  baseUrl: string;
  /** Requests per second at most (the publisher's limit). */
  ratePerSecond: number;
  /** A limiter shared beyond this process (see shared-rate.ts); the in-process one at `ratePerSecond` otherwise. */
  throttle?: <T>(fn: () => Promise<T>) => Promise<T>;
  timeoutMs?: number;
  /** Quick retries inside one activity attempt, before Temporal's own retry policy takes over. */
  retries?: number;
  /** Longest Retry-After honoured in-process; a longer one is thrown for Temporal to wait. */
  maxInlineRetryAfterMs?: number;
  signal?: AbortSignal;
  log?: Logger;
  /** Validators of the latest landing's main payload: a GET of that URL is conditional, a 304 throws NotModified. */
  conditional?: Conditional;
}

type Throttled = <T>(fn: () => Promise<T>) => Promise<T>;

/** One limiter per source and rate in the process: concurrent activities of a source share the publisher's limit. */
const limiters = new Map<string, Throttled>();

function limiter(source: string, ratePerSecond: number): Throttled {
  const key = `${source}@${ratePerSecond}`;
  let throttled = limiters.get(key);
  if (!throttled) {
    // Spread the allowance over the second (limit 1 per 1/rate s) rather than bursting it.
    const rate = Math.max(0.001, ratePerSecond);
    const throttle =
      rate >= 1
        ? pThrottle({ limit: 1, interval: Math.max(1, Math.floor(1000 / rate)) })
        : pThrottle({ limit: 1, interval: Math.round(1000 / rate) });
    throttled = throttle(<T>(fn: () => Promise<T>) => fn()) as Throttled;
    limiters.set(key, throttled);
  }
  return throttled;
}

/** Rate-limited, retrying fetch for one source, with errors that name the source and URL. */
export class HttpClient {
  requests = 0;
  private readonly throttled: Throttled;

  constructor(readonly options: HttpClientOptions) {
    this.throttled = options.throttle ?? limiter(options.source, options.ratePerSecond);
  }

  url(path: string, query?: RequestOptions['query']): string {
    const base = this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`;
    const url = new URL(path.replace(/^\//, ''), base);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  /**
   * A URL as recorded in a raw payload: its path below the base URL (`/region/01/millesime/2021_2022`), so the
   * same answer from the same service is the same bytes wherever the service is hosted.
   */
  relative(url: string): string {
    const base = this.options.baseUrl.replace(/\/+$/, '');
    return url.startsWith(base) ? url.slice(base.length) || '/' : url;
  }

  async request(path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const url = this.url(path, opts.query);
    const { source, retries = 3, maxInlineRetryAfterMs = 10_000, log } = this.options;
    return pRetry(
      async () => {
        try {
          return await this.throttled(() => this.once(url, opts));
        } catch (error) {
          if (error instanceof NotModified || (error instanceof HttpError && !error.retryable))
            throw new AbortError(error);
          if (error instanceof HttpError && (error.retryAfterMs ?? 0) > maxInlineRetryAfterMs)
            throw new AbortError(error);
          throw error;
        }
      },
      {
        retries,
        minTimeout: 250,
        factor: 2,
        signal: this.options.signal,
        shouldRetry: ({ error }) =>
          !(this.options.signal?.aborted ?? false) && error instanceof HttpError && error.retryable,
        onFailedAttempt: async ({ error, attemptNumber }) => {
          events.emit('retry', source);
          log?.warn(
            { source, url: redactUrl(url), attempt: attemptNumber, err: error.message },
            'request failed, retrying',
          );
          if (error instanceof HttpError && error.retryAfterMs) await sleep(error.retryAfterMs, this.options.signal);
        },
      },
    );
  }

  private async once(url: string, opts: RequestOptions): Promise<HttpResponse> {
    const { source } = this.options;
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const signals = [AbortSignal.timeout(timeoutMs), ...(this.options.signal ? [this.options.signal] : [])];
    this.requests += 1;
    const shown = redactUrl(url);
    const method = opts.method ?? 'GET';
    const conditional = method === 'GET' ? conditionalHeaders(this.options.conditional, shown) : {};
    let response: Response;
    let bytes: Uint8Array;
    try {
      response = await fetch(url, {
        method,
        headers: { ...opts.headers, ...conditional },
        body: opts.body,
        signal: AbortSignal.any(signals),
      });
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (this.options.signal?.aborted) throw error;
      const message =
        (error as Error).name === 'TimeoutError'
          ? `${source}: no answer from ${shown} within ${timeoutMs} ms (${sourceEnvPrefix(source as SourceId)}_TIMEOUT_MS)`
          : `${source}: connection failed or body truncated on ${shown} (${(error as Error).message})`;
      throw new HttpError(message, source, shown, undefined, true);
    }
    const text = () => new TextDecoder('utf-8').decode(bytes);
    const status = response.status;
    if (status === 304 && Object.keys(conditional).length) throw new NotModified(shown);
    if (status >= 400 && !(opts.acceptStatus ?? []).includes(status)) {
      const body = text().slice(0, 300);
      const retryable = status === 408 || status === 429 || status >= 500;
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      throw new HttpError(
        `${source}: HTTP ${status} on ${shown}${body ? `: ${body.replace(/\s+/g, ' ').slice(0, 160)}` : ''}`,
        source,
        shown,
        status,
        retryable,
        retryAfterMs,
        body,
      );
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared !== bytes.length) {
      throw new HttpError(
        `${source}: truncated body on ${shown} (${bytes.length} of ${declared} bytes)`,
        source,
        shown,
        status,
        true,
      );
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (opts.expect && status < 400) {
      // A gateway or maintenance page answered with 200 in place of the data: worth another try.
      const head = new TextDecoder('latin1').decode(bytes.subarray(0, 64)).trimStart().toLowerCase();
      if (contentType.includes('text/html') || head.startsWith('<!doctype') || head.startsWith('<html')) {
        throw new HttpError(
          `${source}: got an HTML page instead of ${opts.expect === 'json' ? 'JSON' : 'data'} on ${shown} (a gateway or maintenance page)`,
          source,
          shown,
          status,
          true,
        );
      }
    }
    let parsed: unknown;
    if (opts.expect === 'json' && status < 400) {
      try {
        parsed = JSON.parse(text());
      } catch (error) {
        throw new HttpError(
          `${source}: invalid JSON on ${shown} (${(error as Error).message})`,
          source,
          shown,
          status,
          true,
        );
      }
    }
    return {
      status,
      headers: response.headers,
      url: shown,
      bytes,
      text,
      json<T>() {
        if (parsed === undefined) {
          try {
            parsed = JSON.parse(text());
          } catch (error) {
            throw new HttpError(
              `${source}: invalid JSON on ${shown} (${(error as Error).message})`,
              source,
              shown,
              status,
              true,
            );
          }
        }
        return parsed as T;
      },
    };
  }
}

/** If-None-Match / If-Modified-Since for a request of the URL the validators were recorded for; none otherwise. */
function conditionalHeaders(conditional: Conditional | undefined, url: string): Record<string, string> {
  if (!conditional || conditional.url !== url) return {};
  return {
    ...(conditional.etag ? { 'if-none-match': conditional.etag } : {}),
    ...(conditional.lastModified ? { 'if-modified-since': conditional.lastModified } : {}),
  };
}

/** Retry-After as milliseconds (seconds or HTTP date). */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Drops query-string values that look like secrets before a URL reaches a log or an error. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:api[_-]?key|token|password|apikey|key)=)[^&]*/gi, '$1[REDACTED]');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
