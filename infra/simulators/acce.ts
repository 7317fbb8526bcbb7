import iconv from 'iconv-lite';
import { acceExtract } from './acce-extract.js';
import { applyColumnFaults } from './faults.js';
import { formatCsv } from './sample-csv.js';
import type { SimResponse, SourceSimulator } from './server.js';

/** The members of the ACCE extraction ZIP served as files (`ACCE_UAI.csv`, `ACCE_UAI_MERE.csv`, `ACCE_UAI_FILLE.csv`). */
function member(name: string): { columns: string[]; rows: Record<string, string>[] } | undefined {
  const x = acceExtract();
  if (name === 'ACCE_UAI') return { columns: x.columns, rows: x.etablissements };
  if (name === 'ACCE_UAI_MERE') return { columns: x.mereColumns, rows: x.meres };
  if (name === 'ACCE_UAI_FILLE') return { columns: x.filleColumns, rows: x.filles };
  return undefined;
}

const notFound: SimResponse = {
  status: 404,
  headers: { 'content-type': 'text/html; charset=ISO-8859-1' },
  body: '<html><body><h1>Not Found</h1></body></html>',
};

/**
 * ACCE (DEPP) extraction files, `;`-separated Windows-1252 CSV with the real 62/64-column headers, at
 * `GET /extract/{ACCE_UAI|ACCE_UAI_MERE|ACCE_UAI_FILLE}.csv`; the rows are the generated extraction of acce-extract.ts.
 */
export const acceSimulator: SourceSimulator = {
  source: 'acce',
  basePath: '/acce',
  handle(req) {
    const match = /^\/extract\/([A-Z_]+)\.csv$/.exec(req.path);
    const file = req.method === 'GET' && match ? member(match[1]) : undefined;
    if (!file) return notFound;
    const faulted = req.shapeFaults.length > 0;
    const rows = applyColumnFaults(file.rows, req.shapeFaults);
    const text = formatCsv(rows, { delimiter: ';', quoted: true, columns: faulted ? undefined : file.columns });
    return {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=ISO-8859-1',
        'content-disposition': `attachment; filename="${match![1]}.csv"`,
      },
      body: iconv.encode(text, 'win1252'),
    };
  },
};
