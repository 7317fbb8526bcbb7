import type { LandContext, LandRequest, SourceConnector } from './connector.js';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import { ContractError, checkColumns, datasetSpec } from './dataset-columns.js';
import { ConfigError } from './sources.js';
import { credential } from './dev-credentials.js';
import { HttpError, type HttpResponse } from './http.js';
import { recordColumns, writeNdjson } from './landing-writers.js';
import { payloadReport } from './payload-landing.js';

type Row = Record<string, unknown>;
const PAGE_SIZE = 1000;

/** ONISEP dataset ids of the datasets devenir lands. */
const IDS: Record<string, string> = { formations_initiales: '5fa591127f501', table_de_passage: '6152ccdf850ef' };

/** Declared in datasets/onisep.yml. */
const DATASETS = sourceDatasets('onisep');

/** Public JSON download: one array of flat records. */
async function download(ctx: LandContext, request: LandRequest) {
  const id = IDS[request.dataset];
  const res = await ctx.http.request(`downloads/${id}/${id}.json`, { expect: 'json' });
  const records = res.json<unknown>();
  if (!Array.isArray(records))
    throw new ContractError(
      `onisep: ${request.dataset}: ${res.url} is not a JSON array of records`,
      'onisep',
      request.dataset,
      res.url,
    );
  const rawKey = await ctx.saveRaw(res.bytes, 'json', request.dataset, request.period);
  return { records: records as Row[], rawKey, res };
}

/** ONISEP API: login, a first call of size 1 for `total`, then pages of 1000; one new login on a 401. */
async function search(ctx: LandContext, request: LandRequest) {
  const appId = credential(ctx, 'APP_ID', 'devenir-dev');
  const login = async () => {
    const form = new FormData();
    form.set('email', credential(ctx, 'EMAIL', 'devenir'));
    form.set('password', credential(ctx, 'PASSWORD', 'devenir'));
    const res = await ctx.http.request('api/1.0/login', { method: 'POST', body: form, expect: 'json' });
    const token = res.json<{ token?: unknown }>().token;
    if (typeof token !== 'string' || !token)
      throw new ContractError(`onisep: no "token" in the answer of ${res.url}`, 'onisep', 'login', res.url);
    return token;
  };
  let token = await login();
  const page = async (from: number, size: number): Promise<{ res: HttpResponse; total: number; results: Row[] }> => {
    const get = () =>
      ctx.http.request(`api/1.0/dataset/${IDS[request.dataset]}/search`, {
        query: { from, size, q: '' },
        headers: { authorization: `Bearer ${token}`, 'application-id': appId },
        expect: 'json',
        acceptStatus: [401],
      });
    let res = await get();
    if (res.status === 401) {
      token = await login();
      res = await get();
    }
    if (res.status === 401)
      throw new HttpError(`onisep: HTTP 401 on ${res.url} right after a new login`, 'onisep', res.url, 401, false);
    const body = res.json<{ total?: unknown; results?: unknown }>();
    if (typeof body.total !== 'number' || !Array.isArray(body.results))
      throw new ContractError(
        `onisep: ${request.dataset}: ${res.url} is not a {total, results} page`,
        'onisep',
        request.dataset,
        res.url,
      );
    return { res, total: body.total, results: body.results as Row[] };
  };
  const first = await page(0, 1);
  const records: Row[] = [];
  let last = first.res;
  for (let from = 0; from < first.total; from += PAGE_SIZE) {
    const next = await page(from, PAGE_SIZE);
    records.push(...next.results);
    last = next.res;
    ctx.heartbeat({ done: records.length, total: first.total });
  }
  if (records.length !== first.total)
    throw new HttpError(
      `onisep: ${request.dataset}: got ${records.length} of ${first.total} records (the dataset changed while paging)`,
      'onisep',
      last.url,
      200,
      true,
    );
  const raw = new TextEncoder().encode(records.map((r) => JSON.stringify(r)).join('\n'));
  const rawKey = await ctx.saveRaw(raw, 'ndjson', request.dataset, request.period);
  return { records, rawKey, res: first.res };
}

/**
 * ONISEP open data: the Idéo-Formations initiales and the table de passage, from the public JSON downloads
 * (default) or, with `DEVENIR_ONISEP_MODE=api`, from the authenticated ONISEP API.
 */
export const onisepConnector: SourceConnector = {
  source: 'onisep',
  datasets: DATASETS,
  ratePerSecond: 5,
  defaultPeriods: (_dataset, today) => [today],
  async land(ctx, request) {
    const spec = datasetSpec('onisep', DATASETS, request.dataset);
    const before = ctx.http.requests;
    const mode = (ctx.config.options.MODE ?? 'download').toLowerCase();
    if (mode !== 'download' && mode !== 'api')
      throw new ConfigError(`onisep: DEVENIR_ONISEP_MODE must be "download" or "api", not "${mode}"`);
    const { records, rawKey, res } = mode === 'api' ? await search(ctx, request) : await download(ctx, request);
    const unknownColumns = records.length
      ? checkColumns({ source: 'onisep', dataset: request.dataset, url: res.url }, recordColumns(records), spec)
      : [];
    const landed = await writeNdjson(ctx.workDir, request.dataset, records);
    ctx.heartbeat({ done: records.length, total: records.length });
    return payloadReport(ctx, before, res, { ...landed, rawKey }, unknownColumns);
  },
};
