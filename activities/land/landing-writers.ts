import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';

/** One record as the raw layer lands it: top-level scalars as they are, nested objects and arrays as JSON text. */
export function flattenRecord(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    out[key] = value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
  }
  return out;
}

/** Every key of the records, in order of first appearance. */
export function recordColumns(records: Iterable<Record<string, unknown>>): string[] {
  const seen = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) seen.add(key);
  return [...seen];
}

/** The key under which `writeNdjson` numbers each record (1-based), so that landing need not count rows itself. */
export const ROW_NUMBER_KEY = '#';

/**
 * Writes flattened records as one NDJSON landing file under the attempt's work folder. Returns its path and
 * format, which lists every key written, so the landing step reads it in one pass with no schema inference.
 * Each record carries its number under `ROW_NUMBER_KEY` (unless a record has that key of its own); `records` counts them and `longestRecord` bounds their size in bytes.
 */
export async function writeNdjson(
  workDir: string,
  name: string,
  records: Iterable<Record<string, unknown>>,
): Promise<{
  path: string;
  format: { kind: 'ndjson'; columns: string[]; rowNumberKey?: string; records: number; longestRecord: number };
}> {
  const lines: string[] = [];
  const columns = new Set<string>();
  for (const record of records) {
    const flat = flattenRecord(record);
    for (const key of Object.keys(flat)) columns.add(key);
    lines.push(JSON.stringify(flat));
  }
  const numbered = !columns.has(ROW_NUMBER_KEY);
  const key = JSON.stringify(ROW_NUMBER_KEY);
  const body = numbered ? lines.map((l, i) => `{${key}:${i + 1}${l.length > 2 ? ',' : ''}${l.slice(1)}`) : lines;
  const file = path.join(workDir, `${name}.ndjson`);
  await writeFile(file, body.length ? `${body.join('\n')}\n` : '', 'utf8');
  // An upper bound of the longest line's UTF-8 bytes (3 per UTF-16 unit), so DuckDB sizes its read buffers to fit.
  const longestRecord = body.reduce((n, l) => Math.max(n, 3 * l.length), 0);
  const format = { kind: 'ndjson' as const, columns: [...columns], records: lines.length, longestRecord };
  return { path: file, format: numbered ? { ...format, rowNumberKey: ROW_NUMBER_KEY } : format };
}

/** Writes a UTF-8 CSV landing file (RFC 4180 quoting where needed) under the attempt's work folder; returns its path. */
export async function writeCsv(
  workDir: string,
  name: string,
  header: string[],
  rows: string[][],
  delimiter: string,
): Promise<string> {
  const field = (v: string | undefined) => {
    const s = v ?? '';
    return s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r')
      ? `"${s.replace(/"/g, '""')}"`
      : s;
  };
  const lines = [header, ...rows].map((r) => r.map(field).join(delimiter));
  const file = path.join(workDir, `${name}.csv`);
  await writeFile(file, `${lines.join('\n')}\n`, 'utf8');
  return file;
}

/** Text of a publisher file: UTF-8 when it is valid UTF-8 (BOM dropped), else Windows-1252 (the superset of Latin-1). */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // iconv-lite, not TextDecoder: Node decodes the `windows-1252` label as ISO-8859-1 (’ and œ become C1 controls).
    return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'win1252');
  }
}
