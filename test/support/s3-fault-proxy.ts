import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * - `slowdown`: answers 503 with an S3 `SlowDown` XML body (the request never reaches the server);
 * - `slow`: forwards the request, then holds the answer for `delayMs` (past the client's timeout);
 * - `reset`: on a GET, sends the answer's headers and half its body, then resets the connection; on a PUT or POST,
 *   reads the first chunk of the request body, then resets the connection (the server never sees the request).
 */
export type FaultMode = 'slowdown' | 'slow' | 'reset';

/** Which requests a fault hits, and how many times. */
export interface FaultRule {
  mode: FaultMode;
  /** HTTP method to match (`GET`, `PUT`…); any when absent. */
  method?: string;
  /** Matched against the object key (the path after the bucket); any when absent. */
  key?: RegExp;
  /** Only the parts of a multipart upload (`UploadPart`: a PUT with `partNumber` and `uploadId`). */
  uploadPart?: boolean;
  /** Matching requests to let through before the first fault (default 0). */
  skip?: number;
  /** How many matching requests fail, after `skip` (default 1; `Infinity` for a lasting outage). */
  times?: number;
  /** For `slow`: how long the answer is held (default 3 s). */
  delayMs?: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: the endpoint to give the S3 client. */
  endpoint: string;
  /** Replaces the active rules (the test switches faults at runtime); `[]` lets everything through. */
  set(rules: FaultRule[]): void;
  /** How many requests each active rule has failed so far, in rule order. */
  injected(): number[];
  close(): Promise<void>;
}

const SLOW_DOWN = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>fault-proxy</RequestId></Error>`;

/** Starts a fault-injecting HTTP proxy on loopback in front of the S3 server at `upstream`. */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  let active: Array<{ rule: FaultRule; seen: number; injected: number }> = [];
  const sockets = new Set<import('node:net').Socket>();

  const pick = (req: http.IncomingMessage) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const key = decodeURIComponent(url.pathname.split('/').slice(2).join('/'));
    for (const a of active) {
      const r = a.rule;
      if (r.method && r.method !== req.method) continue;
      if (r.key && !r.key.test(key)) continue;
      if (r.uploadPart && !(url.searchParams.has('partNumber') && url.searchParams.has('uploadId'))) continue;
      a.seen++;
      if (a.seen <= (r.skip ?? 0) || a.injected >= (r.times ?? 1)) continue;
      a.injected++;
      return r;
    }
    return undefined;
  };

  const server = http.createServer((req, res) => {
    const rule = pick(req);
    if (rule?.mode === 'slowdown') {
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(SLOW_DOWN) });
        res.end(SLOW_DOWN);
      });
      return;
    }
    if (rule?.mode === 'reset' && req.method !== 'GET' && req.method !== 'HEAD') {
      req.once('data', () => req.socket.resetAndDestroy());
      req.once('end', () => req.socket.resetAndDestroy());
      return;
    }
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const reply = () => {
          if (res.destroyed) return answer.resume();
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          if (rule?.mode !== 'reset') return void answer.pipe(res);
          answer.once('data', (chunk: Buffer) => {
            res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)), () => res.socket?.resetAndDestroy());
            answer.destroy();
          });
          answer.once('end', () => res.socket?.resetAndDestroy());
        };
        if (rule?.mode === 'slow') setTimeout(reply, rule.delayMs ?? 3_000);
        else reply();
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    set(rules) {
      active = rules.map((rule) => ({ rule, seen: 0, injected: 0 }));
    },
    injected: () => active.map((a) => a.injected),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
