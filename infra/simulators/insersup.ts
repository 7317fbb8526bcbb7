import { createHash } from 'node:crypto';
import { applyColumnFaults } from './faults.js';
import type { SimRequest, SimResponse, SourceSimulator } from './server.js';
import { odsExport, odsExportPath } from './esr-opendata.js';
import { insersupApiRecords, insersupOdsRecords, toWideShape } from './insersup-data.js';

/** Path of the per-établissement InserSup API below its Omogen base URL (the real path is not public). */
export const INSERSUP_API_PATH = '/insersup/formations';

/** Options of the InserSup simulator. */
export interface InsersupSimulatorOptions {
  /** Shape of the national open dataset: `long` (one record per horizon, until Dec 2025) or `wide` (`_6/_12/_18/_24`). */
  nationalShape?: 'long' | 'wide';
}

/**
 * InserSup's two channels on one mount: the Omogen per-établissement API (`GET /insersup/formations`, header
 * `X-Omogen-Api-Key`, any non-empty key such as the dev key `devenir`, the whole dataset as `{results}`) and the
 * OpenDataSoft export of `fr-esr-insersup`. A `rename-column` fault on `date_inser_long` switches to the wide shape.
 */
export function createInsersupSimulator(opts: InsersupSimulatorOptions = {}): SourceSimulator {
  return {
    source: 'insersup',
    basePath: '',
    isAuthenticated: (req) => Boolean(req.headers['x-omogen-api-key']),
    handle(req: SimRequest): SimResponse {
      if (req.method !== 'GET') return { status: 405, body: { error: 'Method Not Allowed' } };
      if (req.path === INSERSUP_API_PATH) {
        if (!req.headers['x-omogen-api-key'])
          return {
            status: 401,
            body: { error: 'Unauthorized', message: 'Missing or invalid X-Omogen-Api-Key header' },
          };
        const body = JSON.stringify({ results: applyColumnFaults(insersupApiRecords(), req.shapeFaults) });
        const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
        return { status: 200, headers: { 'content-type': 'application/json', etag }, body };
      }
      if (req.path === odsExportPath('fr-esr-insersup')) {
        const wide =
          opts.nationalShape === 'wide' ||
          req.shapeFaults.some((f) => f.kind === 'rename-column' && f.column === 'date_inser_long');
        return odsExport(req, wide ? toWideShape(insersupOdsRecords()) : insersupOdsRecords());
      }
      return { status: 404, body: { error_code: 'NotFound', message: `Unknown path ${req.path}` } };
    },
  };
}

/** The InserSup simulator, national dataset in the long shape. */
export const insersupSimulator: SourceSimulator = createInsersupSimulator();
