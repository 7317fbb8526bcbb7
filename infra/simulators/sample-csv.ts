import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { readSample } from './sample-data.js';

export interface CsvTable {
  columns: string[];
  rows: Record<string, string>[];
}

export interface CsvReadOptions {
  delimiter: string;
  /** The file's encoding, as its PROVENANCE.md states. */
  encoding: 'utf-8' | 'windows-1252';
  /** False for unquoted exports whose values may hold a literal `"` (BCN, Certif Info). */
  quoted?: boolean;
}

/** Parses CSV text (BOM dropped) into records keyed by the header's own names. */
export function parseCsvText(text: string, opts: Omit<CsvReadOptions, 'encoding'>): CsvTable {
  const records = parse(text.replace(/^\uFEFF/, ''), {
    delimiter: opts.delimiter,
    quote: opts.quoted === false ? false : '"',
    relax_quotes: true,
    skip_empty_lines: true,
  }) as string[][];
  const [columns = [], ...body] = records;
  const rows = body.map((values) => Object.fromEntries(columns.map((c, i) => [c, values[i] ?? ''])));
  return { columns, rows };
}

/** A bundled CSV sample, decoded with the encoding its PROVENANCE states. */
export function readSampleCsv(relativePath: string, opts: CsvReadOptions): CsvTable {
  const bytes = readSample(relativePath);
  // iconv-lite: Node's TextDecoder decodes `windows-1252` as ISO-8859-1, losing ’, œ and €.
  return parseCsvText(opts.encoding === 'utf-8' ? bytes.toString('utf8') : iconv.decode(bytes, 'win1252'), opts);
}

/** Records as CSV text; the header is every key in first-seen order. `quoted: false` writes values raw, as unquoted exports do. */
export function formatCsv(
  records: Record<string, unknown>[],
  opts: { delimiter: string; quoted: boolean; columns?: string[] },
): string {
  const columns = opts.columns ?? [...new Set(records.flatMap((r) => Object.keys(r)))];
  const field = (value: unknown) => {
    const s = value === null || value === undefined ? '' : String(value);
    if (!opts.quoted) return s;
    return s.includes(opts.delimiter) || s.includes('"') || s.includes('\n') ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [
    columns.join(opts.delimiter),
    ...records.map((r) => columns.map((c) => field(r[c])).join(opts.delimiter)),
  ];
  return `${lines.join('\n')}\n`;
}
