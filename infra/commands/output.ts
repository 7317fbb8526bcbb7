import Table from 'cli-table3';

export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Prints rows as an aligned table, CSV (RFC 4180 quoting) or JSON, to stdout. */
export function printRows(columns: string[], rows: Array<Record<string, unknown>>, format: OutputFormat): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (format === 'csv') {
    const cell = (v: unknown) => {
      const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    process.stdout.write(
      `${[columns.map(cell).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n')}\n`,
    );
    return;
  }
  const table = new Table({ head: columns, style: { head: [], border: [] } });
  for (const r of rows)
    table.push(
      columns.map((c) =>
        r[c] === null || r[c] === undefined ? '' : typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c]),
      ),
    );
  process.stdout.write(`${table.toString()}\n`);
}
