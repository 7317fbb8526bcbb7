import ExcelJS from 'exceljs';

/** ZIP local-file signature: every .xlsx starts with it. */
const ZIP = [0x50, 0x4b, 0x03, 0x04];

/** True when an answer is an Excel workbook: by its content type, else by its file signature. */
export function isSpreadsheet(contentType: string | null, bytes: Uint8Array): boolean {
  if (/spreadsheetml|ms-excel/i.test(contentType ?? '')) return true;
  return ZIP.every((b, i) => bytes[i] === b);
}

/**
 * The first worksheet of an .xlsx as records keyed by its header row (row 1), every value as the text Excel shows;
 * empty cells are left out. Read with exceljs.
 */
export async function spreadsheetRecords(
  bytes: Uint8Array,
): Promise<{ header: string[]; records: Record<string, string>[] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { header: [], records: [] };
  const header: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: false }, (cell, col) => (header[col - 1] = cell.text.trim()));
  const records: Record<string, string>[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, n) => {
    if (n === 1) return;
    const record: Record<string, string> = {};
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      const name = header[col - 1];
      if (name && cell.text !== '') record[name] = cell.text;
    });
    if (Object.keys(record).length) records.push(record);
  });
  return { header: header.filter(Boolean), records };
}
