import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig, type SourceId } from '../../infra/config.js';
import type { LandContext } from '../../activities/land/connector.js';
import { HttpClient } from '../../activities/land/http.js';

/**
 * A LandContext for connector tests: raw payloads go to a temp folder (content-addressed),
 * heartbeats are recorded. No Temporal and no lake: the connector seam only.
 */
export function testLandContext(
  source: SourceId,
  baseUrl: string,
  opts: { checkpoint?: unknown; env?: NodeJS.ProcessEnv; ratePerSecond?: number; timeoutMs?: number } = {},
) {
  const root = mkdtempSync(path.join(os.tmpdir(), `devenir-${source}-`));
  const heartbeats: Array<{ done: number; total?: number; checkpoint?: unknown }> = [];
  const controller = new AbortController();
  const log = pino({ level: 'silent' });
  const http = new HttpClient({
    source,
    baseUrl,
    ratePerSecond: opts.ratePerSecond ?? 200,
    timeoutMs: opts.timeoutMs ?? 5_000,
    retries: 3,
    signal: controller.signal,
    log,
  });
  const ctx: LandContext = {
    source,
    config: loadConfig(opts.env ?? {}).sources[source],
    baseUrl,
    http,
    workDir: mkdtempSync(path.join(root, 'work-')),
    log,
    async saveRaw(bytes, ext, dataset, period, identity) {
      const sha = createHash('sha256')
        .update(identity ?? bytes)
        .digest('hex');
      const key = `raw/${source}/${dataset}/${period}/${sha}.${ext}`;
      const file = path.join(root, key);
      mkdirSync(path.dirname(file), { recursive: true });
      if (!existsSync(file)) writeFileSync(file, bytes);
      return key;
    },
    async loadRaw(key) {
      return new Uint8Array(readFileSync(path.join(root, key)));
    },
    checkpoint: opts.checkpoint,
    heartbeat(progress) {
      heartbeats.push(progress);
    },
    signal: controller.signal,
  };
  return { ctx, heartbeats, root, abort: () => controller.abort() };
}
