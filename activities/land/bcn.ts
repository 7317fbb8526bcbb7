import { parse } from 'csv-parse/sync';
import { sourceDatasets } from '../../lake/dataset-registry.js';

/** Declared in datasets/bcn.yml. */
const BCN_DATASETS = sourceDatasets('bcn');
import type { DatasetSpec, LandContext, LandRequest, SourceConnector } from './connector.js';
import { ContractError, checkColumns, datasetSpec } from './dataset-columns.js';
import { ConfigError } from './sources.js';
import { credential } from './dev-credentials.js';
import { HttpError } from './http.js';
import { decodeText, recordColumns, writeNdjson } from './landing-writers.js';
import { landCsvPayload, payloadReport } from './payload-landing.js';

interface Envelope {
  data?: unknown;
  metadata?: { nomenclature?: string; length?: number; lengthTotal?: number; send_at?: string };
}

async function login(ctx: LandContext, apiKey: string): Promise<string> {
  const body = JSON.stringify({
    login: credential(ctx, 'LOGIN', 'devenir'),
    password: credential(ctx, 'PASSWORD', 'devenir'),
  });
  const res = await ctx.http.request('auth/login-extraction', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-omogen-api-key': apiKey },
    body,
    expect: 'json',
  });
  const token = res.json<{ token?: unknown }>().token;
  if (typeof token !== 'string' || !token)
    throw new ContractError(`bcn: no "token" in the answer of ${res.url}`, 'bcn', 'auth', res.url);
  return token;
}

/** Omogen BCN API: one JSON document per table; a 401 (expired token) triggers one new login. */
async function landFromApi(ctx: LandContext, request: LandRequest, spec: DatasetSpec) {
  const table = request.dataset.toUpperCase();
  const apiKey = credential(ctx, 'API_KEY', 'devenir-dev');
  const get = async (token: string) =>
    ctx.http.request(`nomenclature/${table}`, {
      query: { schema: 'consultation' },
      headers: { 'x-omogen-api-key': apiKey, authorization: `Bearer ${token}` },
      expect: 'json',
      acceptStatus: [401],
    });
  let res = await get(await login(ctx, apiKey));
  if (res.status === 401) res = await get(await login(ctx, apiKey));
  if (res.status === 401)
    throw new HttpError(`bcn: HTTP 401 on ${res.url} right after a new login`, 'bcn', res.url, 401, false);
  const envelope = res.json<Envelope>();
  if (!Array.isArray(envelope.data))
    throw new ContractError(
      `bcn: ${request.dataset}: ${res.url} is not a {data: [...], metadata} envelope`,
      'bcn',
      request.dataset,
      res.url,
    );
  const data = envelope.data as Record<string, unknown>[];
  const total = envelope.metadata?.lengthTotal;
  if (typeof total === 'number' && total > data.length) {
    throw new HttpError(
      `bcn: incomplete table on ${res.url}: ${data.length} of ${total} records`,
      'bcn',
      res.url,
      res.status,
      true,
    );
  }
  const unknownColumns = data.length
    ? checkColumns({ source: 'bcn', dataset: request.dataset, url: res.url }, recordColumns(data), spec)
    : [];
  // metadata.send_at is when the API answered, not when the table changed: the address hashes the data only.
  const rawKey = await ctx.saveRaw(
    res.bytes,
    'json',
    request.dataset,
    request.period,
    new TextEncoder().encode(JSON.stringify(data)),
  );
  const landed = await writeNdjson(ctx.workDir, request.dataset, data);
  return { res, unknownColumns, file: { ...landed, rawKey } };
}

/** Legacy export: pipe-delimited, ISO-8859-1, unquoted (values may hold a literal `"`), upper-case headers. */
async function landFromCsvExport(ctx: LandContext, request: LandRequest, spec: DatasetSpec) {
  const base = ctx.config.urls.CSV_URL ?? ctx.baseUrl;
  const url = new URL('export/CSV', base.endsWith('/') ? base : `${base}/`);
  url.searchParams.set('n', request.dataset.toUpperCase());
  url.searchParams.set('separator', '|');
  const res = await ctx.http.request(url.toString(), { expect: 'bytes' });
  const table = parse(decodeText(res.bytes), {
    delimiter: '|',
    quote: false,
    relax_column_count: true,
    skip_empty_lines: true,
  }) as string[][];
  return { res, ...(await landCsvPayload(ctx, { source: 'bcn', request, spec }, res, table, '|')) };
}

/**
 * BCN (Base Centrale des Nomenclatures, DEPP): one table per dataset, from the Omogen API (default) or, with
 * `DEVENIR_BCN_MODE=csv`, from the legacy CSV export at `DEVENIR_BCN_CSV_URL`. Both land the same columns.
 */
export const bcnConnector: SourceConnector = {
  source: 'bcn',
  datasets: BCN_DATASETS,
  ratePerSecond: 5,
  defaultPeriods: (_dataset, today) => [today],
  async land(ctx, request) {
    const spec = datasetSpec('bcn', BCN_DATASETS, request.dataset);
    const before = ctx.http.requests;
    const mode = (ctx.config.options.MODE ?? 'api').toLowerCase();
    if (mode !== 'api' && mode !== 'csv')
      throw new ConfigError(`bcn: DEVENIR_BCN_MODE must be "api" or "csv", not "${mode}"`);
    const { res, unknownColumns, file } =
      mode === 'csv' ? await landFromCsvExport(ctx, request, spec) : await landFromApi(ctx, request, spec);
    ctx.heartbeat({ done: 1, total: 1 });
    return payloadReport(ctx, before, res, file, unknownColumns);
  },
};
