import { createHash } from 'node:crypto';
import { ConfigError } from './sources.js';
import type { LandContext, LandingFile, LandRequest } from './connector.js';
import { HttpError } from './http.js';
import { mapSettled } from './inserjeunes-pool.js';
import type { InserjeunesSession } from './inserjeunes-session.js';
import { flattenIj, parseIjBody, type IjDrift } from './inserjeunes-rows.js';
import { writeNdjson } from './landing-writers.js';

/** What the per-UAI loop saves in its heartbeat: where to resume and the batches already kept in the lake. */
export interface UaiCheckpoint {
  /** Hash of the period and the UAI list, so a checkpoint is only reused for the same request. */
  fingerprint: string;
  /** Index in the UAI list of the first UAI not fetched yet. */
  next: number;
  /** Raw payloads of the batches already fetched, in order. */
  rawKeys: string[];
}

/** Result of the per-UAI loop: one landing file per batch, skipped UAIs with the API's reason. */
export interface UaiLoopResult {
  files: LandingFile[];
  skipped: Record<string, string>;
}

const isCheckpoint = (value: unknown, fingerprint: string): value is UaiCheckpoint =>
  typeof value === 'object' &&
  value !== null &&
  (value as UaiCheckpoint).fingerprint === fingerprint &&
  Number.isInteger((value as UaiCheckpoint).next) &&
  Array.isArray((value as UaiCheckpoint).rawKeys);

/**
 * `/UAI/{uai}/millesime/{m}` for every UAI of `request.scope.uai`, in batches (`DEVENIR_INSERJEUNES_BATCH_SIZE`,
 * default 50): each batch's original answers are kept as one NDJSON payload (`{url, status, body}` lines), then the
 * heartbeat records `{next, rawKeys}`. A later attempt given that checkpoint re-reads the kept batches and fetches
 * only the rest. `400 UAI incorrect ou agricole` answers are skipped and reported, never fatal.
 */
export async function landUaiLoop(
  ctx: LandContext,
  request: LandRequest,
  session: InserjeunesSession,
  drift: IjDrift,
): Promise<UaiLoopResult> {
  const { dataset, period } = request;
  const uais = [...new Set((request.scope?.uai ?? []).map((u) => u.trim().toUpperCase()).filter(Boolean))];
  if (uais.length === 0)
    throw new ConfigError(
      'inserjeunes: dataset etablissements needs the UAIs to ask for in the request scope "uai" (the API has no route listing them)',
    );
  const fingerprint = createHash('sha256')
    .update(`${period}\n${uais.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
  const size = Math.max(1, Number(ctx.config.options.BATCH_SIZE ?? 50));
  const resumed = isCheckpoint(ctx.checkpoint, fingerprint) ? ctx.checkpoint : undefined;
  const rawKeys: string[] = [];
  const files: LandingFile[] = [];
  const skipped: Record<string, string> = {};

  const absorb = async (rawKey: string, bytes: Uint8Array) => {
    const rows: Record<string, string | null>[] = [];
    for (const line of new TextDecoder().decode(bytes).split('\n').filter(Boolean)) {
      const { url, status, body } = JSON.parse(line) as { url: string; status: number; body: string };
      const uai = decodeURIComponent(/\/UAI\/([^/]+)\/millesime\//.exec(url)?.[1] ?? url);
      if (status === 400) skipped[uai] = reasonOf(body);
      else
        rows.push(...flattenIj(parseIjBody(body, url, dataset), { scope: 'uai', code: uai }, { url, dataset }, drift));
    }
    rawKeys.push(rawKey);
    files.push({
      ...(await writeNdjson(ctx.workDir, `${dataset}-${String(rawKeys.length).padStart(4, '0')}`, rows)),
      rawKey,
    });
  };

  for (const key of resumed?.rawKeys ?? []) await absorb(key, await ctx.loadRaw(key));
  const start = resumed?.next ?? 0;
  if (resumed) ctx.heartbeat({ done: start, total: uais.length, checkpoint: resumed });
  for (let from = start; from < uais.length; from += size) {
    const batch = uais.slice(from, from + size);
    const lines = await mapSettled(batch, 10, async (uai) => {
      const res = await session.get(`UAI/${encodeURIComponent(uai)}/millesime/${encodeURIComponent(period)}`, [400]);
      if (res.status === 400 && !/UAI incorrect ou agricole/i.test(res.text())) {
        throw new HttpError(
          `inserjeunes: HTTP 400 on ${res.url}: ${res.text().slice(0, 160)}`,
          'inserjeunes',
          res.url,
          400,
          false,
          undefined,
          res.text().slice(0, 300),
        );
      }
      return JSON.stringify({ url: ctx.http.relative(res.url), status: res.status, body: res.text() });
    });
    const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`);
    await absorb(await ctx.saveRaw(bytes, 'ndjson', dataset, period), bytes);
    const next = from + batch.length;
    ctx.heartbeat({
      done: next,
      total: uais.length,
      checkpoint: { fingerprint, next, rawKeys: [...rawKeys] } satisfies UaiCheckpoint,
    });
  }
  return { files, skipped };
}

function reasonOf(body: string): string {
  try {
    const msg = (JSON.parse(body) as { msg?: unknown }).msg;
    return typeof msg === 'string' ? `400 ${msg}` : `400 ${body.slice(0, 120)}`;
  } catch {
    return `400 ${body.slice(0, 120)}`;
  }
}
