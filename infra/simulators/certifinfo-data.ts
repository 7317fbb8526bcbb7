import { readSampleCsv } from './sample-csv.js';

let rows: Record<string, string>[] | undefined;

/** The real Certif Info extract (data/sample/certifinfo/certif_info.csv, UTF-8), one record per certification, memoised. */
export function certifInfoRows(): Record<string, string>[] {
  rows ??= readSampleCsv('certifinfo/certif_info.csv', { delimiter: ';', encoding: 'utf-8', quoted: false }).rows;
  return rows;
}
