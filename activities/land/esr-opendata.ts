import type { LandContext } from './connector.js';
import { ContractError } from './dataset-columns.js';
import { isLoopback } from './dev-credentials.js';
import type { HttpResponse } from './http.js';

/** The public OpenDataSoft portal of the French higher-education ministry. */
export const ESR_OPENDATA_URL = 'https://data.enseignementsup-recherche.gouv.fr';

/**
 * Base URL of the ESR open-data portal for a source: `DEVENIR_<SOURCE>_OPENDATA_URL`, else the source's own base
 * URL when it is a loopback simulator (which serves both channels), else the public portal.
 */
export function esrOpendataBase(ctx: Pick<LandContext, 'config' | 'baseUrl'>): string {
  return (ctx.config.urls.OPENDATA_URL ?? (isLoopback(ctx.baseUrl) ? ctx.baseUrl : ESR_OPENDATA_URL)).replace(
    /\/$/,
    '',
  );
}

/** Query of an Explore API v2.1 export: an ODSQL `where` and `field:"value"` refines. */
export interface OdsQuery {
  where?: string;
  refine?: string[];
}

/**
 * Fetches the whole JSON export of an ESR open dataset (`/api/explore/v2.1/catalog/datasets/<id>/exports/json`, no
 * paging: the export streams every matching record) and checks it is an array of records.
 */
export async function fetchOdsExport(
  ctx: LandContext,
  datasetId: string,
  query: OdsQuery,
  landed: string,
): Promise<{ res: HttpResponse; records: Record<string, unknown>[] }> {
  const url = new URL(`${esrOpendataBase(ctx)}/api/explore/v2.1/catalog/datasets/${datasetId}/exports/json`);
  if (query.where) url.searchParams.set('where', query.where);
  for (const refine of query.refine ?? []) url.searchParams.append('refine', refine);
  const res = await ctx.http.request(url.toString(), { expect: 'json' });
  const records = res.json<unknown>();
  if (!Array.isArray(records) || records.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
    throw new ContractError(
      `${ctx.source}: ${landed}: ${res.url} is not a JSON array of records`,
      ctx.source,
      landed,
      res.url,
    );
  }
  return { res, records: records as Record<string, unknown>[] };
}

/** A record with its scalar values as the text the publisher sent (numbers, booleans); objects and arrays untouched. */
export function scalarsAsText(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record))
    out[key] = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  return out;
}
