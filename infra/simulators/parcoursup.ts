import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { applyColumnFaults } from './faults.js';
import type { SimRequest, SimResponse, SourceSimulator } from './server.js';
import { odsExport, odsExportPath } from './esr-opendata.js';
import { cartographieRecords } from './parcoursup-cartographie.js';
import { parcoursupCatalogue } from './parcoursup-data.js';

/** Download path of the generated Parcoursup export (the real file is an Excel sheet sent by Parcoursup). */
export const PARCOURSUP_EXPORT_PATH = '/exports/listeFormationsInserJeunes.csv';

const cell = (value: unknown) => {
  const text = value === undefined || value === null ? '' : String(value);
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Rows as a `;`-separated CSV (header line, CRLF, RFC 4180 quoting), encoded in Windows-1252 like an Excel export. */
export function toParcoursupCsv(rows: Record<string, unknown>[]): Buffer {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [columns.map(cell).join(';'), ...rows.map((r) => columns.map((c) => cell(r[c])).join(';'))];
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'win1252');
}

/**
 * Parcoursup: the formations export (generated from the real cartographie and referentials, see
 * data/sample/parcoursup/GENERATED.md) at a download path, and the open `fr-esr-cartographie_formations_parcoursup`
 * dataset (real records) through the OpenDataSoft export API.
 */
export const parcoursupSimulator: SourceSimulator = {
  source: 'parcoursup',
  basePath: '',
  handle(req: SimRequest): SimResponse {
    if (req.method !== 'GET') return { status: 405, body: { error: 'Method Not Allowed' } };
    if (req.path === PARCOURSUP_EXPORT_PATH) {
      const body = toParcoursupCsv(applyColumnFaults(parcoursupCatalogue().rows, req.shapeFaults));
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
      return {
        status: 200,
        headers: {
          'content-type': 'text/csv; charset=windows-1252',
          'content-disposition': 'attachment; filename="listeFormationsInserJeunes.csv"',
          etag,
          'last-modified': 'Mon, 13 Dec 2021 05:03:12 GMT',
        },
        body,
      };
    }
    if (req.path === odsExportPath('fr-esr-cartographie_formations_parcoursup'))
      return odsExport(req, cartographieRecords());
    return { status: 404, body: { error: `Unknown path ${req.path}` } };
  },
};
