import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SourceId } from '../config.js';
import { FAULT_KINDS, FaultBook, type Fault } from './faults.js';

export interface SimRequest {
  method: string;
  /** Path below the simulator's base path, starting with `/`. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Shape faults active for this request (columns, measures). */
  shapeFaults: Fault[];
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON. */
  body: string | Buffer | object;
}

/** One publisher's protocol, mounted under `/<source><basePath>` on the shared simulator server. */
export interface SourceSimulator {
  source: SourceId;
  /** The real service's path prefix, e.g. `/api/v1.0` for InserJeunes. */
  basePath: string;
  /** Whether a request carries credentials (for the `expire-token` fault). */
  isAuthenticated?(req: SimRequest): boolean;
  handle(req: SimRequest): Promise<SimResponse> | SimResponse;
}

export interface RunningSimulators {
  url: string;
  baseUrls: Partial<Record<SourceId, string>>;
  faults: FaultBook;
  /** Requests seen, by source then by path (query included). */
  requests: Map<SourceId, string[]>;
  close(): Promise<void>;
}

/**
 * Starts one HTTP server that hosts every given source simulator, with fault injection.
 * Control API: POST /__control/faults (a Fault), DELETE /__control/faults, GET /__control/requests.
 */
export async function startSimulatorServer(
  simulators: SourceSimulator[],
  opts: { port?: number; host?: string } = {},
): Promise<RunningSimulators> {
  const faults = new FaultBook();
  const requests = new Map<SourceId, string[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      dispatch(req, res, Buffer.concat(chunks)).catch((error: Error) => {
        if (!res.headersSent) send(res, { status: 500, body: { error: error.message } });
      });
    });
  });

  async function dispatch(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/__control/')) return control(req, res, url, body);
    const sim = simulators.find(
      (s) => url.pathname.startsWith(`/${s.source}${s.basePath}/`) || url.pathname === `/${s.source}${s.basePath}`,
    );
    if (!sim) return send(res, { status: 404, body: { error: `no simulator for ${url.pathname}` } });
    const path = url.pathname.slice(`/${sim.source}${sim.basePath}`.length) || '/';
    const key = `${path}${url.search}`;
    requests.set(sim.source, [...(requests.get(sim.source) ?? []), `${req.method} ${key}`]);
    const simReq: SimRequest = {
      method: req.method ?? 'GET',
      path,
      query: url.searchParams,
      headers: req.headers,
      body,
      shapeFaults: faults.shape(sim.source, path),
    };

    const slow = faults.take(sim.source, key, ['slow']);
    if (slow) await new Promise((r) => setTimeout(r, slow.delayMs ?? 60_000));
    const status = faults.take(sim.source, key, ['status']);
    if (status) {
      const headers: Record<string, string> =
        status.retryAfter !== undefined ? { 'retry-after': String(status.retryAfter) } : {};
      return send(res, { status: status.status ?? 503, headers, body: { error: `simulated ${status.status ?? 503}` } });
    }
    if (sim.isAuthenticated?.(simReq) && faults.take(sim.source, key, ['expire-token'])) {
      return send(res, { status: 401, body: { error: 'token expired' } });
    }
    if (faults.take(sim.source, key, ['html'])) {
      return send(res, {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<!DOCTYPE html><html><body><h1>Service momentanément indisponible</h1></body></html>',
      });
    }
    const response = withValidators(simReq, await sim.handle(simReq));
    if (response.status < 400 && faults.take(sim.source, key, ['truncate'])) return sendTruncated(res, response);
    send(res, response);
  }

  function control(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer): void {
    if (url.pathname === '/__control/faults' && req.method === 'POST') {
      const fault = JSON.parse(body.toString('utf8')) as Fault;
      if (!FAULT_KINDS.includes(fault.kind))
        return send(res, { status: 400, body: { error: `unknown fault kind ${fault.kind}`, kinds: FAULT_KINDS } });
      faults.add(fault);
      return send(res, { status: 201, body: { faults: faults.list() } });
    }
    if (url.pathname === '/__control/faults' && req.method === 'DELETE') {
      faults.clear((url.searchParams.get('source') as SourceId | null) ?? undefined);
      return send(res, { status: 200, body: { faults: [] } });
    }
    if (url.pathname === '/__control/faults') return send(res, { status: 200, body: { faults: faults.list() } });
    if (url.pathname === '/__control/requests') return send(res, { status: 200, body: Object.fromEntries(requests) });
    send(res, { status: 404, body: { error: 'unknown control route' } });
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrls: Object.fromEntries(simulators.map((s) => [s.source, `${url}/${s.source}${s.basePath}`])),
    faults,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function encode(response: SimResponse): { body: Buffer; contentType: string } {
  if (Buffer.isBuffer(response.body)) return { body: response.body, contentType: 'application/octet-stream' };
  if (typeof response.body === 'string')
    return { body: Buffer.from(response.body, 'utf8'), contentType: 'text/plain; charset=utf-8' };
  return { body: Buffer.from(JSON.stringify(response.body), 'utf8'), contentType: 'application/json; charset=utf-8' };
}

/**
 * Conditional GETs, as a publisher that supports them answers: every 200 carries a strong ETag (the simulator's own,
 * or a hash of the body); If-None-Match that names it, or (without If-None-Match) If-Modified-Since at or after the
 * answer's Last-Modified, gets 304 Not Modified with no body.
 */
function withValidators(req: SimRequest, response: SimResponse): SimResponse {
  if (req.method !== 'GET' || response.status !== 200) return response;
  const headers = { ...response.headers };
  headers.etag ??= `"${createHash('sha256').update(encode(response).body).digest('hex').slice(0, 32)}"`;
  const ifNoneMatch = req.headers['if-none-match'];
  const ifModifiedSince = Date.parse(req.headers['if-modified-since'] ?? '');
  const lastModified = Date.parse(headers['last-modified'] ?? '');
  const notModified = ifNoneMatch
    ? ifNoneMatch.split(',').some((tag) => tag.trim() === headers.etag || tag.trim() === '*')
    : Number.isFinite(ifModifiedSince) && Number.isFinite(lastModified) && lastModified <= ifModifiedSince;
  const validators = {
    etag: headers.etag,
    ...(headers['last-modified'] ? { 'last-modified': headers['last-modified'] } : {}),
  };
  return notModified ? { status: 304, headers: validators, body: '' } : { ...response, headers };
}

function send(res: http.ServerResponse, response: SimResponse): void {
  const { body, contentType } = encode(response);
  res.writeHead(response.status, {
    'content-type': contentType,
    'content-length': String(body.length),
    ...response.headers,
  });
  res.end(body);
}

function sendTruncated(res: http.ServerResponse, response: SimResponse): void {
  const { body, contentType } = encode(response);
  res.writeHead(response.status, {
    'content-type': contentType,
    'content-length': String(body.length),
    ...response.headers,
  });
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
}
