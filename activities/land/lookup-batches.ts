import type { DatasetSpec, LandContext, LandingFile, LandingReport, LandRequest } from './connector.js';
import { ContractError, checkColumns } from './dataset-columns.js';
import { ConfigError } from './sources.js';
import type { HttpResponse } from './http.js';
import { recordColumns, writeNdjson } from './landing-writers.js';

type Row = Record<string, unknown>;
/** One identifier to look up, e.g. `{ type: 'uai', key: '0331707B' }`. */
export interface LookupKey {
  type: string;
  key: string;
}
export interface LookupAnswer {
  status: number;
  url: string;
  body: unknown;
}
export interface LookupBatchesOptions {
  source: string;
  spec: DatasetSpec;
  keys: LookupKey[];
  batchSize: number;
  /** One request; statuses that mean "skip this identifier" (400, 404) are returned, not thrown. */
  fetch(key: LookupKey): Promise<LookupAnswer>;
  /** The records of a 200 answer. */
  records(answer: LookupAnswer, key: LookupKey): Row[];
}
export interface LookupBatchesResult {
  files: LandingFile[];
  skipped: Record<string, string>;
  unknownColumns: string[];
  /** Identifiers already landed by an earlier attempt (from the checkpoint), not requested again. */
  resumed: number;
}
/** Heartbeat checkpoint: lake keys of the raw batch payloads already saved (they hold the identifiers they answer). */
interface Checkpoint {
  dataset: string;
  period: string;
  batches: string[];
}
/** One answer in a raw batch payload; `url` is relative to the base URL, so equal answers give equal payloads. */
interface RawLine {
  lookup_type: string;
  lookup_key: string;
  status: number;
  url: string;
  body: unknown;
}

const id = (k: LookupKey) => `${k.type}:${k.key}`;

/** A lookup answer: the JSON body of a 200, the JSON or text of a skippable status (a 404 page need not be JSON). */
export function lookupAnswer(res: HttpResponse): LookupAnswer {
  if (res.status === 200) return { status: res.status, url: res.url, body: res.json() };
  try {
    return { status: res.status, url: res.url, body: JSON.parse(res.text()) as unknown };
  } catch {
    return { status: res.status, url: res.url, body: { error: res.text().slice(0, 200) } };
  }
}

/** The identifiers of `request.scope` to look up; a scope key other than `types` is a ContractError. */
export function lookupKeys(source: string, request: LandRequest, types: string[]): LookupKey[] {
  const unknownScope = Object.keys(request.scope ?? {}).filter((k) => !types.includes(k));
  if (unknownScope.length)
    throw new ContractError(
      `${source}: unknown scope ${unknownScope.join(', ')} (known: ${types.join(', ')})`,
      source,
      request.dataset,
    );
  return Object.entries(request.scope ?? {}).flatMap(([type, keys]) => keys.map((key) => ({ type, key })));
}

/** The report of a lookup dataset: its batch files, skipped identifiers and unknown columns; `sourceUrl` is the endpoint. */
export function lookupReport(
  ctx: LandContext,
  before: number,
  result: LookupBatchesResult,
  sourceUrl: string,
): LandingReport {
  return {
    files: result.files,
    drift: { unknownColumns: result.unknownColumns, unknownMeasures: [] },
    skipped: result.skipped,
    sourceUrl,
    validators: {},
    requests: ctx.http.requests - before,
  };
}

function previous(ctx: LandContext, request: LandRequest): Checkpoint['batches'] {
  const c = ctx.checkpoint as Partial<Checkpoint> | undefined;
  return c && c.dataset === request.dataset && c.period === request.period && Array.isArray(c.batches)
    ? c.batches.filter((b) => typeof b === 'string')
    : [];
}

/**
 * Looks identifiers up in batches: each batch's answers are saved as one raw NDJSON payload and one landing file
 * (records + `lookup_type`, `lookup_key`), and checkpointed in the heartbeat. A later attempt (or a run in the same
 * period handed that checkpoint) rebuilds the saved batches from the lake and requests only the remaining identifiers.
 */
export async function landLookupBatches(
  ctx: LandContext,
  request: LandRequest,
  opts: LookupBatchesOptions,
): Promise<LookupBatchesResult> {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) {
    throw new ConfigError(
      `${opts.source}: batch size (DEVENIR_<SOURCE>_BATCH_SIZE) must be a positive integer, not ${opts.batchSize}`,
    );
  }
  const base = ctx.baseUrl.endsWith('/') ? ctx.baseUrl : `${ctx.baseUrl}/`;
  const batches = [...previous(ctx, request)];
  const skipped: Record<string, string> = {};
  const unknown = new Set<string>();
  const files: LandingFile[] = [];
  const landBatch = async (lines: RawLine[], rawKey: string) => {
    const rows: Row[] = [];
    for (const line of lines) {
      const key = { type: line.lookup_type, key: line.lookup_key };
      if (line.status !== 200) {
        skipped[id(key)] =
          `HTTP ${line.status}${typeof line.body === 'object' && line.body && 'error' in line.body ? `: ${String((line.body as { error: unknown }).error)}` : ''}`;
        continue;
      }
      const where = { source: opts.source, dataset: request.dataset, url: new URL(line.url, base).toString() };
      const records = opts
        .records({ ...line, url: where.url }, key)
        .map((r) => ({ ...r, lookup_type: key.type, lookup_key: key.key }));
      if (records.length) for (const c of checkColumns(where, recordColumns(records), opts.spec)) unknown.add(c);
      rows.push(...records);
    }
    if (rows.length === 0) return;
    files.push({ ...(await writeNdjson(ctx.workDir, `${request.dataset}-${files.length + 1}`, rows)), rawKey });
  };
  const done = new Set<string>();
  for (const rawKey of batches) {
    const lines = new TextDecoder()
      .decode(await ctx.loadRaw(rawKey))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RawLine);
    for (const l of lines) done.add(`${l.lookup_type}:${l.lookup_key}`);
    await landBatch(lines, rawKey);
  }
  const resumed = done.size;
  const todo = [...new Map(opts.keys.map((k) => [id(k), k])).values()].filter((k) => !done.has(id(k)));
  const total = done.size + todo.length;
  const checkpoint = (): Checkpoint => ({ dataset: request.dataset, period: request.period, batches: [...batches] });
  for (let start = 0; start < todo.length; start += opts.batchSize) {
    const lines: RawLine[] = [];
    for (const key of todo.slice(start, start + opts.batchSize)) {
      const answer = await opts.fetch(key);
      const url = answer.url.startsWith(base) ? answer.url.slice(base.length) : answer.url;
      lines.push({ lookup_type: key.type, lookup_key: key.key, status: answer.status, url, body: answer.body });
      if (lines.length % 10 === 0) ctx.heartbeat({ done: done.size + lines.length, total, checkpoint: checkpoint() });
    }
    const rawKey = await ctx.saveRaw(
      new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n')),
      'ndjson',
      request.dataset,
      request.period,
    );
    await landBatch(lines, rawKey);
    batches.push(rawKey);
    for (const l of lines) done.add(`${l.lookup_type}:${l.lookup_key}`);
    ctx.heartbeat({ done: done.size, total, checkpoint: checkpoint() });
  }
  return { files, skipped, unknownColumns: [...unknown], resumed };
}
