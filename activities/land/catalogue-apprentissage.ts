import { sourceDatasets } from '../../lake/dataset-registry.js';

/** Declared in datasets/catalogue-apprentissage.yml. */
const CATALOGUE_DATASETS = sourceDatasets('catalogue-apprentissage');
import type { LandContext, LandRequest, SourceConnector } from './connector.js';
import { ContractError, checkColumns, datasetSpec } from './dataset-columns.js';
import { credential } from './dev-credentials.js';
import { HttpError, type HttpResponse } from './http.js';
import { recordColumns, writeNdjson } from './landing-writers.js';

type Row = Record<string, unknown>;
const PAGE_SIZE = 100;
const SOURCE = 'catalogue-apprentissage';

/** `POST /auth/login` → the session cookie (`name=value`) of its set-cookie header. */
async function login(ctx: LandContext): Promise<string> {
  const body = JSON.stringify({
    username: credential(ctx, 'USERNAME', 'devenir'),
    password: credential(ctx, 'PASSWORD', 'devenir'),
  });
  const res = await ctx.http.request('auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    expect: 'json',
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.includes('='));
  if (!cookie)
    throw new ContractError(`${SOURCE}: no session cookie in the answer of ${res.url}`, SOURCE, 'auth', res.url);
  return cookie;
}

/** Every record of an entity: a first call with limit=1 for `pagination.total`, then pages of 100; one new login on a 401. */
async function readAll(ctx: LandContext, request: LandRequest): Promise<{ records: Row[]; first: HttpResponse }> {
  const query = ctx.config.options.QUERY ?? '{}';
  let cookie = await login(ctx);
  const page = async (n: number, limit: number) => {
    const get = () =>
      ctx.http.request(`entity/${request.dataset}`, {
        query: { page: n, limit, query },
        headers: { cookie },
        expect: 'json',
        acceptStatus: [401],
      });
    let res = await get();
    if (res.status === 401) {
      cookie = await login(ctx);
      res = await get();
    }
    if (res.status === 401)
      throw new HttpError(`${SOURCE}: HTTP 401 on ${res.url} right after a new login`, SOURCE, res.url, 401, false);
    const body = res.json<Record<string, unknown> & { pagination?: { total?: unknown } }>();
    const items = body[request.dataset];
    if (!Array.isArray(items) || typeof body.pagination?.total !== 'number') {
      throw new ContractError(
        `${SOURCE}: ${request.dataset}: ${res.url} is not a {${request.dataset}: [...], pagination: {total}} page`,
        SOURCE,
        request.dataset,
        res.url,
      );
    }
    return { res, items: items as Row[], total: body.pagination.total };
  };
  const first = await page(1, 1);
  const pages = Math.ceil(first.total / PAGE_SIZE);
  const records: Row[] = [];
  for (let n = 1; n <= pages; n += 1) {
    records.push(...(await page(n, PAGE_SIZE)).items);
    ctx.heartbeat({ done: records.length, total: first.total });
  }
  if (records.length !== first.total)
    throw new HttpError(
      `${SOURCE}: ${request.dataset}: got ${records.length} of ${first.total} records (the catalogue changed while paging)`,
      SOURCE,
      first.res.url,
      200,
      true,
    );
  return { records, first: first.res };
}

/** `_id` and `id` both normalise to `id`: formations carry both with the same value, so `_id` is dropped there. */
function withoutDuplicateId(record: Row): Row {
  if (!('id' in record) || !('_id' in record)) return record;
  if (record._id !== record.id)
    throw new ContractError(
      `${SOURCE}: record ${String(record.id)} has _id ${String(record._id)} ≠ id`,
      SOURCE,
      'formations',
    );
  const { _id: _dropped, ...rest } = record;
  return rest;
}

/**
 * Catalogue de l'apprentissage (ministères éducatifs) API v1: formations and établissements, session-cookie auth,
 * paged 100 at a time. `DEVENIR_CATALOGUE_APPRENTISSAGE_QUERY` narrows the MongoDB query (default: everything).
 */
export const catalogueApprentissageConnector: SourceConnector = {
  source: SOURCE,
  datasets: CATALOGUE_DATASETS,
  ratePerSecond: 5,
  defaultPeriods: (_dataset, today) => [today],
  async land(ctx, request) {
    const spec = datasetSpec(SOURCE, CATALOGUE_DATASETS, request.dataset);
    const before = ctx.http.requests;
    const { records, first } = await readAll(ctx, request);
    const unknownColumns = records.length
      ? checkColumns({ source: SOURCE, dataset: request.dataset, url: first.url }, recordColumns(records), spec)
      : [];
    const rawKey = await ctx.saveRaw(
      new TextEncoder().encode(records.map((r) => JSON.stringify(r)).join('\n')),
      'ndjson',
      request.dataset,
      request.period,
    );
    const landed = await writeNdjson(ctx.workDir, request.dataset, records.map(withoutDuplicateId));
    return {
      files: [{ ...landed, rawKey }],
      drift: { unknownColumns, unknownMeasures: [] },
      skipped: {},
      sourceUrl: first.url,
      validators: {},
      requests: ctx.http.requests - before,
    };
  },
};
