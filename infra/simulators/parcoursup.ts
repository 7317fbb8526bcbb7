import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { applyColumnFaults } from './faults.js';
import type { SimRequest, SimResponse, SourceSimulator } from './server.js';
import { odsExport, odsExportPath } from './esr-opendata.js';
import { cartographieRecords } from './parcoursup-cartographie.js';
import { parcoursupCatalogue } from './parcoursup-data.js';

/** Download path of the generated Parcoursup export (the real file is an Excel sheet sent by Parcoursup). */
export const PARCOURSUP_EXPORT_PATH = '/exports/listeFormationsInserJeunes.csv';
/** The same export as the Excel workbook Parcoursup sends. */
export const PARCOURSUP_XLSX_PATH = '/exports/listeFormationsInserJeunes.xlsx';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

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

/** Rows as an .xlsx workbook: one sheet, a header row, every value a text cell (built with exceljs). */
export async function toParcoursupXlsx(rows: Record<string, unknown>[]): Promise<Buffer> {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('listeFormationsInserJeunes');
  sheet.addRow(columns);
  for (const r of rows) sheet.addRow(columns.map((c) => (r[c] === undefined || r[c] === null ? null : String(r[c]))));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Parcoursup: the formations export (generated from the real cartographie and referentials, see
 * data/sample/parcoursup/GENERATED.md) at a download path, and the open `fr-esr-cartographie_formations_parcoursup`
 * dataset (real records) through the OpenDataSoft export API.
 */
export const parcoursupSimulator: SourceSimulator = {
  source: 'parcoursup',
  basePath: '',
  async handle(req: SimRequest): Promise<SimResponse> {
    if (req.method !== 'GET') return { status: 405, body: { error: 'Method Not Allowed' } };
    if (req.path === PARCOURSUP_XLSX_PATH) {
      const body = await toParcoursupXlsx(applyColumnFaults(parcoursupCatalogue().rows, req.shapeFaults));
      // `?type=` lets a test send the workbook under another content type (the connector then reads its signature).
      return { status: 200, headers: { 'content-type': req.query.get('type') ?? XLSX_TYPE }, body };
    }
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
