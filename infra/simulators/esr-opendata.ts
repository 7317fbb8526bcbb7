import { createHash } from 'node:crypto';
import { applyColumnFaults } from './faults.js';
import type { SimRequest, SimResponse } from './server.js';

type Row = Record<string, unknown>;
type Test = (row: Row) => boolean;

/** Path of a dataset's JSON export on the OpenDataSoft Explore API v2.1 (data.enseignementsup-recherche.gouv.fr). */
export const odsExportPath = (dataset: string) => `/api/explore/v2.1/catalog/datasets/${dataset}/exports/json`;

/**
 * Serves `records` as the Explore API v2.1 JSON export does: the whole filtered set in one array, no paging.
 * Supports `where` (ODSQL subset: `field = "v"`, `!=`, AND, OR, NOT, parentheses), repeated `refine=field:"v"`,
 * `limit`; array fields match when any element matches. Column faults apply to the records.
 */
export function odsExport(req: SimRequest, records: Row[]): SimResponse {
  let test: Test;
  try {
    const where = req.query.get('where');
    const known = new Set(records.flatMap((r) => Object.keys(r)));
    const refines = req.query.getAll('refine').map((r) => parseRefine(r, known));
    const whereTest = where ? parseWhere(where, known) : () => true;
    test = (row) => whereTest(row) && refines.every((r) => r(row));
  } catch (error) {
    return { status: 400, body: { error_code: 'ODSQLError', message: (error as Error).message } };
  }
  const limit = Number(req.query.get('limit') ?? -1);
  const selected = records.filter(test);
  const body = JSON.stringify(applyColumnFaults(limit >= 0 ? selected.slice(0, limit) : selected, req.shapeFaults));
  const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', etag }, body };
}

const matches = (value: unknown, wanted: string) =>
  Array.isArray(value)
    ? value.map(String).includes(wanted)
    : value !== null && value !== undefined && String(value) === wanted;

function parseRefine(refine: string, known: Set<string>): Test {
  const colon = refine.indexOf(':');
  if (colon <= 0) throw new Error(`Invalid refine "${refine}": expected field:"value"`);
  const field = refine.slice(0, colon);
  if (!known.has(field)) throw new Error(`Unknown field "${field}" in refine`);
  const value = refine.slice(colon + 1).replace(/^"(.*)"$/, '$1');
  return (row) => matches(row[field], value);
}

function parseWhere(where: string, known: Set<string>): Test {
  const tokens = where.match(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|!=|=|\(|\)|[^\s()=!]+/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos]?.toUpperCase();
  const expect = (what: string) => {
    if (tokens[pos] !== what)
      throw new Error(`ODSQL: expected ${what} at "${tokens.slice(pos).join(' ')}" in: ${where}`);
    pos += 1;
  };
  const orExpr = (): Test => {
    const parts = [andExpr()];
    while (peek() === 'OR') {
      pos += 1;
      parts.push(andExpr());
    }
    return (row) => parts.some((p) => p(row));
  };
  const andExpr = (): Test => {
    const parts = [term()];
    while (peek() === 'AND') {
      pos += 1;
      parts.push(term());
    }
    return (row) => parts.every((p) => p(row));
  };
  const term = (): Test => {
    if (peek() === 'NOT') {
      pos += 1;
      const inner = term();
      return (row) => !inner(row);
    }
    if (tokens[pos] === '(') {
      pos += 1;
      const inner = orExpr();
      expect(')');
      return inner;
    }
    const field = (tokens[pos++] ?? '').replace(/^`(.*)`$/, '$1');
    const op = tokens[pos++];
    const raw = tokens[pos++];
    if (!field || (op !== '=' && op !== '!=') || raw === undefined)
      throw new Error(`ODSQL: unsupported condition near "${field} ${op ?? ''} ${raw ?? ''}" in: ${where}`);
    if (!known.has(field)) throw new Error(`ODSQL: unknown field "${field}" in: ${where}`);
    const value = /^["']/.test(raw) ? raw.slice(1, -1) : raw;
    return op === '=' ? (row) => matches(row[field], value) : (row) => !matches(row[field], value);
  };
  const test = orExpr();
  if (pos !== tokens.length) throw new Error(`ODSQL: unexpected "${tokens.slice(pos).join(' ')}" in: ${where}`);
  return test;
}
