import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { HttpError, type HttpClient, type HttpResponse, type RequestOptions } from './http.js';

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

/** Writes flattened records as one NDJSON landing file under the attempt's work folder; returns its path. */
export async function writeNdjson(workDir: string, name: string, records: Iterable<Record<string, unknown>>): Promise<string> {
  const lines: string[] = [];
  for (const record of records) lines.push(JSON.stringify(flattenRecord(record)));
  const file = path.join(workDir, `${name}.ndjson`);
  await writeFile(file, lines.length ? `${lines.join('\n')}\n` : '', 'utf8');
  return file;
}

/** Writes a UTF-8 CSV landing file (RFC 4180 quoting where needed) under the attempt's work folder; returns its path. */
export async function writeCsv(workDir: string, name: string, header: string[], rows: string[][], delimiter: string): Promise<string> {
  const field = (v: string | undefined) => {
    const s = v ?? '';
    return s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replace(/"/g, '""')}"` : s;
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

/**
 * GET of a file (CSV, text): like `http.request`, and a 200 HTML page in its place (gateway or maintenance page)
 * is retried the same number of times before it is thrown as a retryable HttpError.
 */
export async function requestFile(http: HttpClient, url: string, opts: RequestOptions = {}): Promise<HttpResponse> {
  const attempts = (http.options.retries ?? 3) + 1;
  for (let attempt = 1; ; attempt += 1) {
    const response = await http.request(url, { ...opts, expect: 'bytes' });
    try {
      assertNotHtml(response, http.options.source);
      return response;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 1)));
    }
  }
}

/** A 200 HTML page where a CSV file was expected (gateway or maintenance page) is a retryable error. */
export function assertNotHtml(response: HttpResponse, source: string): void {
  const contentType = response.headers.get('content-type') ?? '';
  const head = new TextDecoder('latin1').decode(response.bytes.subarray(0, 64)).trimStart().toLowerCase();
  if (contentType.includes('text/html') || head.startsWith('<!doctype') || head.startsWith('<html')) {
    throw new HttpError(`${source}: got an HTML page instead of a CSV file on ${response.url} (a gateway or maintenance page)`, source, response.url, response.status, true);
  }
}
